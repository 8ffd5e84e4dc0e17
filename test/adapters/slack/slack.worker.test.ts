/**
 * The queue side on its own: validation, where final replies go, overflow uploads, failures. The core is the real
 * `CommandCore` over `createApp`'s deps; the verbs are small test verbs (a core is built with its own verb table),
 * so nothing reaches Azure. Slack is the local stand-in.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { CommandCore } from "../../../commands/command-core.js";
import type { ParsedArgs } from "../../../commands/parse/parse-args.js";
import { problemReply } from "../../../commands/replies.js";
import type { Reply } from "../../../commands/reply.js";
import { VerbTable } from "../../../commands/verb-table.js";
import { defineVerb } from "../../../commands/verb-spec.js";
import { InvalidJobError } from "../../../commands/errors.js";
import type { SlackJob } from "../../../adapters/slack/slack-jobs.js";
import { handleSlackJob, type SlackWorkerDeps } from "../../../adapters/slack/slack.worker.js";
import { UsergroupDirectory } from "../../../adapters/slack/usergroup.directory.js";
import { webClientApi } from "../../../adapters/slack/slack-web-api.js";
import { startSlackApiStandIn, type SlackApiStandIn } from "../../../tools/local/slack-api.stand-in.js";
import { App as BoltApp } from "@slack/bolt";
import { TEST_BOT_TOKEN, memoryLogger, slackCommandJob } from "../../helpers/slack-requests.js";
import { createTestApp } from "../../helpers/slack-stack.js";

let slack: SlackApiStandIn;
beforeAll(async () => {
  slack = await startSlackApiStandIn();
});
afterAll(async () => {
  await slack?.close();
});

const long = Array.from({ length: 400 }, (_, i) => `line ${i} ${"x".repeat(60)}`).join("\n");
const replies: Record<string, Reply> = {
  "big-channel": { title: "Big report", sections: [{ kind: "code", text: long }], visibility: "channel", mode: "new", summary: "Big report" },
  "big-private": { title: "Big secret", sections: [{ kind: "code", text: long }], visibility: "requester", mode: "new", summary: "Big secret" },
  small: { title: "Small", sections: [{ kind: "text", text: "hello" }], visibility: "channel", mode: "new", summary: "Small" },
  oops: problemReply("Nothing found", ["No such thing."]),
};

function testVerb(name: string) {
  return defineVerb({
    name,
    aliases: [],
    summary: name,
    usage: name,
    examples: [],
    role: "viewer",
    slow: true,
    flags: {},
    args: z.custom<ParsedArgs>(),
    async run() {
      return { reply: replies[name]!, audit: { outcome: "ok" } };
    },
  });
}

function setUp(overrides: Partial<SlackWorkerDeps> = {}) {
  const app = createTestApp({ policy: { defaultRole: "viewer", bindings: [] } });
  const core = new CommandCore(app.deps, new VerbTable(Object.keys(replies).map(testVerb)));
  const bolt = new BoltApp({ token: TEST_BOT_TOKEN, botId: "B0", botUserId: "U0", receiver: { init: () => undefined, start: async () => undefined, stop: async () => undefined }, clientOptions: { slackApiUrl: slack.url } });
  const logger = memoryLogger();
  const web = webClientApi(bolt.client);
  const deps: SlackWorkerDeps = {
    core,
    web,
    directory: new UsergroupDirectory({ list: () => web.listUsergroups(), logger }),
    fetch: (url, init) => fetch(url, init),
    logger,
    ...overrides,
  };
  return { deps, logger };
}

let seq = 0;
function commandJob(text: string, options: { responseUrl?: string; user?: string } = {}): SlackJob {
  const id = `w-${++seq}`;
  const responseUrl = options.responseUrl ?? slack.responseUrl(id, { channel: "C0W", user: options.user ?? "U0W" });
  slack.recordAck(responseUrl, { response_type: "in_channel", text: "⏳ working" });
  return slackCommandJob({ id, text, responseUrl, userId: options.user ?? "U0W", userName: "wendy", channelId: "C0W" });
}

const lastFor = (user?: string) => slack.messages.filter((m) => (user ? m.user === user : true)).at(-1)!;

describe("handleSlackJob", () => {
  it("refuses a job whose payload fails validation, posting nothing", async () => {
    const { deps } = setUp();
    const before = slack.calls.length;
    const job = commandJob("small");
    const bad = { ...job, payload: { ...job.payload, address: { ...job.payload.address, responseUrl: "file:///etc/passwd" } } };
    await expect(handleSlackJob(bad, deps)).rejects.toBeInstanceOf(InvalidJobError);
    await expect(handleSlackJob({ ...job, payload: { ...job.payload, platform: "teams" } }, deps)).rejects.toThrow(/not a slack chat job: invalid platform/);
    await expect(handleSlackJob({ id: "x", kind: "teams.command", payload: {} }, deps)).rejects.toThrow(/not a slack chat job/);
    expect(slack.calls.length).toBe(before);
  });

  it("replaces the in-channel ack with a channel reply", async () => {
    const { deps } = setUp();
    await handleSlackJob(commandJob("small"), deps);
    const m = lastFor();
    expect(m).toMatchObject({ visibility: "in_channel", via: "ack", text: "Small", deleted: false });
  });

  it("deletes the ack and answers privately when the reply is for the requester", async () => {
    const { deps } = setUp();
    const job = commandJob("oops", { user: "U0PRIVATE" });
    await handleSlackJob(job, deps);
    const [ack, answer] = slack.messages.slice(-2);
    expect(ack).toMatchObject({ via: "ack", deleted: true });
    expect(answer).toMatchObject({ visibility: "ephemeral", user: "U0PRIVATE", text: expect.stringContaining("Nothing found") });
  });

  it("uploads an overflow to the channel and says so in the message", async () => {
    const { deps } = setUp();
    await handleSlackJob(commandJob("big-channel"), deps);
    const file = slack.messages.find((m) => m.via === "files.completeUploadExternal" && m.channel === "C0W");
    expect(file?.files?.[0]).toMatchObject({ filename: "big-report.txt" });
    expect(file?.files?.[0]?.content.toString("utf8")).toContain("line 399");
    const reply = slack.messages.filter((m) => m.via === "ack").at(-1)!;
    expect(reply.text).toBe("Big report");
    expect(JSON.stringify(reply.blocks)).toContain("attached to this channel as `big-report.txt`");
    expect(JSON.stringify(reply.blocks)).toContain("truncated");
  });

  it("sends a requester-only overflow to a direct message, never to the channel", async () => {
    const { deps } = setUp();
    await handleSlackJob(commandJob("big-private", { user: "U0DM" }), deps);
    const file = slack.messages.filter((m) => m.via === "files.completeUploadExternal").at(-1)!;
    expect(file.channel).toBe("DU0DM");
    expect(JSON.stringify(lastFor("U0DM").blocks)).toContain("sent to you in a direct message");
  });

  it("falls back to the Web API when the response_url is no longer accepted", async () => {
    const { deps, logger } = setUp();
    const job = commandJob("small", { responseUrl: `${slack.url.replace("/api/", "")}/response/never-minted` });
    await handleSlackJob(job, deps);
    expect(lastFor()).toMatchObject({ via: "chat.postMessage", channel: "C0W", text: "Small" });
    expect(JSON.stringify(logger.lines)).not.toContain("never-minted");
  });

  it("posts a clear failure with the correlation id, and no error text, when the core itself fails", async () => {
    const failing = { execute: () => Promise.reject(new Error("socket hang up token=xoxb-123")) } as unknown as CommandCore;
    const { deps, logger } = setUp({ core: failing });
    const job = commandJob("small", { user: "U0FAIL" });
    await handleSlackJob(job, deps);
    const text = JSON.stringify(lastFor("U0FAIL"));
    expect(text).toContain("Something went wrong");
    expect(text).toContain(job.payload.correlationId);
    expect(text).not.toContain("xoxb");
    expect(text).not.toContain("socket hang up");
    expect(logger.lines.some((l) => l.level === "error" && l.fields?.["correlationId"] === job.payload.correlationId)).toBe(true);
  });

  it("decides with no groups, and logs a warning, when usergroups cannot be read", async () => {
    slack.failNext("usergroups.list", "missing_scope");
    const { deps, logger } = setUp();
    await handleSlackJob(commandJob("small"), deps);
    expect(lastFor().text).toBe("Small");
    expect(logger.lines.some((l) => l.level === "warn" && l.message.includes("usergroups"))).toBe(true);
  });
});
