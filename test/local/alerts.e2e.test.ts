/**
 * Autoscale and alert notifications end to end on the local stack `npm start` runs: channels bound through the real
 * Slack and Teams paths (signed slash command, Bot Framework activity), Azure Monitor payloads POSTed to the host's
 * /api/alerts with the secret, and the real ChatNotifier posting through the adapters to the Slack and Teams
 * stand-ins: one message per burst (updated), a thread per endpoint per day, duplicates once, a bad secret nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_ALERTS_SECRET } from "../../src/config/config.js";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";
import { LOCAL_TEAMS, teamsMessageActivity } from "../../tools/local/teams-activities.js";
import type { RecordedSlackMessage } from "../../tools/local/slack-api.stand-in.js";
import type { RecordedTeamsMessage } from "../../tools/local/teams-connector.stand-in.js";
import { alertVariant, autoscaleVariant } from "../helpers/azure-monitor-payloads.js";
import { cardOf } from "../helpers/teams-requests.js";
import { stackSlashCommand } from "../helpers/stack-slash-command.js";

const SLACK_CHANNEL = "C0ALERTS";
const TEAMS_CHANNEL = "19:local-ml-ops@thread.tacv2";

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ ports: { host: 0 }, emulatorLroDelayInMs: 30, logger: { info() {}, warn() {}, error() {} }, env: { AML_LRO_POLL_MS: "20" }, maxPollIntervalInMs: 100 });
}, 30_000);
afterAll(() => stack?.close());

function slashCommand(text: string, id: string): Promise<void> {
  return stackSlashCommand(stack, text, { id, channel: SLACK_CHANNEL });
}

async function postAlert(payload: unknown, secret = LOCAL_ALERTS_SECRET): Promise<{ status: number; body: Record<string, unknown> }> {
  const res = await fetch(`${stack.hostUrl}/api/alerts?code=${encodeURIComponent(secret)}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(payload) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
}

/** What the bot posted unprompted into the alerts channel (not command answers). */
const slackNotifications = (): RecordedSlackMessage[] => stack.slack.messages.filter((m) => m.channel === SLACK_CHANNEL && m.via === "chat.postMessage" && !m.deleted);
const teamsShows = (m: RecordedTeamsMessage, text: string): boolean => JSON.stringify(cardOf(m) ?? m.text ?? "").includes(text);
const teamsNotifications = (): RecordedTeamsMessage[] => stack.teams.messages.filter((m) => m.conversationId.startsWith(TEAMS_CHANNEL) && (teamsShows(m, "Autoscale: ") || teamsShows(m, "Alert: ")));

describe("alerts on the local stack", () => {
  it("binds a Slack channel and a Teams channel to the workspace through the chat paths", async () => {
    await slashCommand("alerts bind demo", "bind-slack");
    await stack.slack.waitFor((ms) => ms.find((m) => m.channel === SLACK_CHANNEL && m.text.includes("Alerts of demo → this channel")), 15_000);
    const activity = teamsMessageActivity({ text: "aml alerts bind demo", serviceUrl: stack.teams.url, user: { aadObjectId: LOCAL_TEAMS.adminAadObjectId, name: "Local Admin" }, scope: "channel" });
    const res = await fetch(`${stack.hostUrl}/api/teams/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
    expect(res.status).toBe(200);
    await stack.teams.waitFor((ms) => ms.find((m) => teamsShows(m, "Alerts of demo go to this channel")), 15_000);
    const bound = await stack.runtime.app.deps.alertBindings.list({ workspace: "demo" });
    expect(bound.map((b) => b.channel)).toEqual([{ platform: "slack", id: SLACK_CHANNEL }, { platform: "teams", id: TEAMS_CHANNEL }]);
  });

  it("binds the channel a Slack user links in the command, read by the Slack adapter, not by the core", async () => {
    // Slack sends a picked channel as an escaped link; the adapter turns it into the core's neutral reference.
    await slashCommand("alerts bind demo <#C0LINKED|ml-alerts>", "bind-linked");
    await stack.slack.waitFor((ms) => ms.find((m) => m.channel === SLACK_CHANNEL && m.text.includes("C0LINKED")), 15_000);
    const bound = await stack.runtime.app.deps.alertBindings.list({ workspace: "demo" });
    expect(bound.map((b) => b.channel)).toContainEqual({ platform: "slack", id: "C0LINKED" });
    await slashCommand("alerts unbind demo <#C0LINKED|ml-alerts>", "unbind-linked");
    const linked = async () => (await stack.runtime.app.deps.alertBindings.list({ workspace: "demo" })).some((b) => b.channel.id === "C0LINKED");
    await expect.poll(linked, { timeout: 15_000, interval: 100 }).toBe(false);
  });

  it("refuses a wrong secret with 401 and posts nothing", async () => {
    const before = stack.slack.messages.length + stack.teams.messages.length;
    const answer = await postAlert(autoscaleVariant(), "not-the-secret-at-all");
    expect(answer.status).toBe(401);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(stack.slack.messages.length + stack.teams.messages.length).toBe(before);
  });

  it("posts an autoscale step to both channels, and a burst's next step updates the same message", async () => {
    const first = await postAlert(autoscaleVariant({ timestamp: "2026-11-25T07:31:04Z" }));
    expect(first).toMatchObject({ status: 200, body: { kind: "posted", channels: 2, unreachable: 0 } });
    const [slack] = slackNotifications();
    expect(slack?.text).toContain("fraud-scorer: blue scaled out 2 → 4");
    await stack.teams.waitFor(() => teamsNotifications().length === 1, 5_000);
    expect(teamsShows(teamsNotifications()[0]!, "scaled out 2 → 4 (CPU > 70 % for 5 min)")).toBe(true);

    const second = await postAlert(autoscaleVariant({ timestamp: "2026-11-25T07:36:10Z", oldCapacity: "4", newCapacity: "6" }));
    expect(second).toMatchObject({ status: 200, body: { kind: "posted" } });
    expect(slackNotifications()).toHaveLength(1);
    expect(slackNotifications()[0]!.text).toContain("fraud-scorer: blue scaled out 2 → 4 → 6");
    expect(slackNotifications()[0]!.history).toHaveLength(1);
    expect(teamsNotifications()).toHaveLength(1);
    expect(teamsShows(teamsNotifications()[0]!, "scaled out 2 → 4 → 6")).toBe(true);
  });

  it("posts an event delivered twice once", async () => {
    const slackBefore = JSON.stringify(slackNotifications());
    const again = await postAlert(autoscaleVariant({ timestamp: "2026-11-25T07:31:04Z" }));
    expect(again).toMatchObject({ status: 200, body: { kind: "duplicate" } });
    expect(JSON.stringify(slackNotifications())).toBe(slackBefore);
  });

  it("puts the endpoint's alert of the same day in the burst's thread, on Slack and on Teams", async () => {
    const fired = await postAlert(alertVariant());
    expect(fired).toMatchObject({ status: 200, body: { kind: "posted", channels: 2 } });
    const [root, reply] = slackNotifications();
    expect(reply?.text).toContain("Alert fired on fraud-scorer/blue: fraud-scorer latency P99");
    expect(reply?.threadTs).toBe(root!.ts);
    await stack.teams.waitFor(() => teamsNotifications().length === 2, 5_000);
    const [teamsRoot, teamsReply] = teamsNotifications();
    expect(teamsShows(teamsReply!, "latency P99 412 ms")).toBe(true);
    expect(teamsReply!.via).toBe("reply");
    expect(teamsReply!.replyToId).toBe(teamsRoot!.id);
  });
});
