/**
 * Scheduled digests end to end on the local stack: subscribed from Slack (a signed slash command) and from a Teams
 * channel (a Bot Framework activity), then the timer's handler run with the runtime's injected clock set to the due
 * time. What users would see is the stand-ins' record. And two Functions instances on one Azurite, firing at once,
 * post one digest.
 */
import functions from "@azure/functions";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_SLACK } from "../../src/config/config.js";
import { createRuntime } from "../../src/compose.js";
import { digestTimerHandlerFor } from "../../src/functions/digest-timer.handler.js";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";
import { signedSlackHeaders, slashCommandForm } from "../../tools/local/slack-signer.js";
import { LOCAL_TEAMS, teamsMessageActivity } from "../../tools/local/teams-activities.js";
import { runtimeOf } from "../../src/runtime/runtime-accessor.js";

const { InvocationContext } = functions;
const quiet = { info() {}, warn() {}, error() {} };

/** Real time (Slack signatures are checked against it) until a test pins it to a due time. */
let pinned: Date | undefined;
const clock = { now: () => pinned ?? new Date() };

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ ports: { host: 0 }, emulatorLroDelayInMs: 30, logger: quiet, digestIntervalInMs: 0, runtimeOverrides: { clock } });
}, 30_000);
afterAll(() => stack?.close());

async function slackCommand(channel: string, text: string): Promise<void> {
  const responseUrl = stack.slack.responseUrl(`digest-${channel}-${Date.now()}`, { channel, user: "U0LOCALADMIN" });
  const body = slashCommandForm({ command: "/aml", text, userId: "U0LOCALADMIN", channelId: channel, responseUrl });
  const res = await fetch(`${stack.hostUrl}/api/slack/events`, { method: "POST", headers: signedSlackHeaders(body, LOCAL_SLACK.signingSecret), body });
  expect(res.status).toBe(200);
  const answer = await res.text();
  if (answer) stack.slack.recordAck(responseUrl, answer);
  await stack.slack.waitFor((ms) => ms.find((m) => m.channel === channel && /^Digest of .* scheduled/.test(m.text)), 15_000);
}

/** The next whole day after now, at the subscription's 09:00 UTC (within the next 24 h plus a minute). */
function nextNineUtc(after: Date): Date {
  const due = new Date(Date.UTC(after.getUTCFullYear(), after.getUTCMonth(), after.getUTCDate(), 9, 0));
  return due.getTime() > after.getTime() ? due : new Date(due.getTime() + 86_400_000);
}

/** The timer's handler over the stack's runtime, as the local host's ticker runs it. */
function tick(): Promise<void> {
  return digestTimerHandlerFor(runtimeOf(stack.runtime))({ isPastDue: false }, new InvocationContext({ functionName: "digestTimer", invocationId: `tick-${Date.now()}` }));
}

describe("the digest timer", () => {
  it("posts a subscribed Slack channel's digest with its chart, once", async () => {
    await slackCommand("C0DIGEST", 'digest subscribe fraud-scorer --every "daily 09:00"');
    const due = nextNineUtc(new Date());
    pinned = new Date(due.getTime() - 60_000);
    await tick();
    expect(stack.slack.messages.filter((m) => m.channel === "C0DIGEST" && m.via === "chat.postMessage")).toEqual([]);
    pinned = new Date(due.getTime() + 20_000);
    await tick();
    await tick();
    pinned = undefined;
    const digests = stack.slack.messages.filter((m) => m.channel === "C0DIGEST" && m.via === "chat.postMessage");
    expect(digests).toHaveLength(1);
    expect(digests[0]!.text).toMatch(/^Digest of fraud-scorer · demo for the last 1 d/);
    expect(JSON.stringify(digests[0]!.blocks)).toMatch(/Scheduled digest `dg-[a-z0-9]+`: daily 09:00 UTC/);
    const chart = stack.slack.messages.find((m) => m.channel === "C0DIGEST" && m.via === "files.completeUploadExternal");
    expect(chart?.files?.[0]?.filename).toMatch(/\.png$/);
    expect(chart?.threadTs).toBeUndefined();
  });

  it("posts a subscribed Teams channel's digest as a card, with the conversation reference stored when it was asked", async () => {
    const user = { aadObjectId: LOCAL_TEAMS.adminAadObjectId, name: "admin" };
    const activity = teamsMessageActivity({ text: 'digest subscribe demo --every "weekday 09:00" --tz America/New_York', serviceUrl: stack.teams.url, user, scope: "channel" });
    const res = await fetch(`${stack.hostUrl}/api/teams/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
    expect(res.status).toBe(200);
    await stack.teams.waitFor((ms) => ms.find((m) => JSON.stringify(m.attachments).includes("Digest scheduled")), 15_000);
    // 09:00 in New York on Monday 7 December 2026 is 14:00Z (standard time).
    const channel = "19:local-ml-ops@thread.tacv2";
    const before = stack.teams.messages.filter((m) => m.conversationId === channel).length;
    pinned = new Date("2026-12-07T14:00:30Z");
    await tick();
    pinned = undefined;
    const posted = stack.teams.messages.filter((m) => m.conversationId === channel).slice(before);
    expect(posted).toHaveLength(1);
    expect(posted[0]).toMatchObject({ via: "send" });
    const card = JSON.stringify(posted[0]!.attachments);
    expect(card).toContain("Digest · demo");
    expect(card).toMatch(/Scheduled digest `dg-[a-z0-9]+`: weekday 09:00 America\/New_York/);
    // The chart: a picture hosted by the function app and linked from the card, so the card stays small.
    expect(card).toContain("busiest endpoints");
    expect(card).not.toContain("data:image");
    const images = JSON.stringify(posted[0]!.attachments).match(/"type":"Image","url":"([^"]+)"/g) ?? [];
    expect(images).toHaveLength(1);
    const url = /"url":"([^"]+)"/.exec(images[0]!)![1]!;
    expect(url).toMatch(new RegExp(`^${stack.hostUrl.replace(/[.]/g, "\\.")}/api/charts/[0-9a-f]{32}$`));
    const picture = await fetch(url);
    expect(picture.status).toBe(200);
    expect(picture.headers.get("content-type")).toBe("image/png");
    const bytes = Buffer.from(await picture.arrayBuffer());
    expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
    expect(stack.teams.calls.filter((c) => c.status === 413)).toHaveLength(0);
  });

  it("posts one digest when two Functions instances run the timer at the same moment", async () => {
    await slackCommand("C0TWICE", 'digest subscribe churn-model --every "daily 09:00"');
    const second = await createRuntime(stack.runtime.config, { clock, logger: quiet });
    const due = nextNineUtc(new Date());
    pinned = new Date(due.getTime() + 5_000);
    const reports = await Promise.all([stack.runtime.runDueDigests(), second.runDueDigests(), stack.runtime.runDueDigests(), second.runDueDigests()]);
    pinned = undefined;
    const mine = reports.flat().filter((r) => r.channel.id === "C0TWICE");
    expect(mine.map((r) => r.outcome).sort()).toEqual(["posted", "skipped", "skipped", "skipped"]);
    expect(stack.slack.messages.filter((m) => m.channel === "C0TWICE" && m.via === "chat.postMessage")).toHaveLength(1);
  });
});
