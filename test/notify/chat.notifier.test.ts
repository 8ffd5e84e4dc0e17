/**
 * The chat notifier on the local stack: the real Slack adapter against the Slack stand-in, the real Teams adapter
 * (botbuilder's CloudAdapter, proactive) against the connector stand-in, message keys on a real Azurite.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ChannelRef } from "../../commands/invocation.js";
import type { Reply } from "../../commands/reply.js";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";
import { LOCAL_TEAMS, teamsMessageActivity } from "../../tools/local/teams-activities.js";

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ ports: { host: 0 }, emulatorLroDelayInMs: 30, logger: { info() {}, warn() {}, error() {} }, digestIntervalInMs: 0 });
  // The bot hears from the Teams channel once, as after its installation: that stores the conversation reference.
  const hello = teamsMessageActivity({ text: "help", serviceUrl: stack.teams.url, user: { aadObjectId: LOCAL_TEAMS.adminAadObjectId, name: "admin" }, scope: "channel" });
  const res = await fetch(`${stack.hostUrl}/api/teams/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(hello) });
  expect(res.status).toBe(200);
}, 30_000);
afterAll(() => stack?.close());

const TEAMS_CHANNEL: ChannelRef = { platform: "teams", id: "19:local-ml-ops@thread.tacv2" };

function note(text: string, extra: Partial<Reply> = {}): Reply {
  return { title: "Autoscale", sections: [{ kind: "text", text }], visibility: "channel", mode: "new", summary: text, ...extra };
}

const slackIn = (channel: string) => stack.slack.messages.filter((m) => m.channel === channel && m.via === "chat.postMessage");
const teamsIn = (conversationId: string) => stack.teams.messages.filter((m) => m.conversationId === conversationId);
const cardText = (m: { attachments: readonly unknown[] }): string => JSON.stringify(m.attachments);

describe("posting to Slack", () => {
  it("starts a thread with the first post of a thread key and replies in it after", async () => {
    const channel: ChannelRef = { platform: "slack", id: "C0THREAD" };
    expect(await stack.runtime.notifier.post(channel, note("scaled out to 3"), { threadKey: "alerts:fraud-scorer:2026-11-25" })).toEqual({ kind: "posted" });
    expect(await stack.runtime.notifier.post(channel, note("scaled in to 2"), { threadKey: "alerts:fraud-scorer:2026-11-25" })).toEqual({ kind: "posted" });
    const [root, reply] = slackIn("C0THREAD");
    expect(root).toMatchObject({ text: "scaled out to 3" });
    expect(root!.threadTs).toBeUndefined();
    expect(reply).toMatchObject({ text: "scaled in to 2", threadTs: root!.ts });
  });

  it("updates the message of an update key instead of adding one, also inside a thread", async () => {
    const channel: ChannelRef = { platform: "slack", id: "C0UPDATE" };
    const keys = { threadKey: "alerts:churn", updateKey: "burst:churn:1" };
    expect(await stack.runtime.notifier.post(channel, note("1 event"), keys)).toEqual({ kind: "posted" });
    expect(await stack.runtime.notifier.post(channel, note("2 events"), keys)).toEqual({ kind: "updated" });
    expect(await stack.runtime.notifier.post(channel, note("3 events"), keys)).toEqual({ kind: "updated" });
    expect(await stack.runtime.notifier.post(channel, note("another burst"), { threadKey: "alerts:churn", updateKey: "burst:churn:2" })).toEqual({ kind: "posted" });
    const [first, second] = slackIn("C0UPDATE");
    expect(slackIn("C0UPDATE")).toHaveLength(2);
    expect(first).toMatchObject({ text: "3 events" });
    expect(first!.history.map((h) => h.text)).toEqual(["1 event", "2 events"]);
    expect(second).toMatchObject({ text: "another burst", threadTs: first!.ts });
  });

  it("starts one thread when posts with the same new key race", async () => {
    const channel: ChannelRef = { platform: "slack", id: "C0RACE" };
    const outcomes = await Promise.all(["a", "b", "c", "d"].map((t) => stack.runtime.notifier.post(channel, note(t), { threadKey: "alerts:race" })));
    expect(outcomes).toEqual(Array(4).fill({ kind: "posted" }));
    const messages = slackIn("C0RACE");
    const roots = messages.filter((m) => m.threadTs === undefined);
    expect(roots).toHaveLength(1);
    expect(messages.filter((m) => m.threadTs === roots[0]!.ts)).toHaveLength(3);
  });

  it("posts anew when the message to update was deleted, and updates the new one after", async () => {
    const channel: ChannelRef = { platform: "slack", id: "C0GONE" };
    await stack.runtime.notifier.post(channel, note("v1"), { updateKey: "k" });
    stack.slack.failNext("chat.update", "message_not_found");
    expect(await stack.runtime.notifier.post(channel, note("v2"), { updateKey: "k" })).toEqual({ kind: "posted" });
    expect(await stack.runtime.notifier.post(channel, note("v3"), { updateKey: "k" })).toEqual({ kind: "updated" });
    expect(slackIn("C0GONE").map((m) => m.text)).toEqual(["v1", "v3"]);
  });

  it("uploads a chart into the thread of the message it illustrates", async () => {
    const channel: ChannelRef = { platform: "slack", id: "C0CHART" };
    const png = { mimeType: "image/png", base64: Buffer.from("not really a png").toString("base64"), width: 10, height: 10 } as const;
    const chart = { title: "Latency", times: ["2026-11-25T08:00:00Z"], panels: [{ title: "P99", unit: "ms", series: [{ name: "blue", values: [12] }] }] };
    await stack.runtime.notifier.post(channel, note("root"), { threadKey: "t" });
    await stack.runtime.notifier.post(channel, note("with chart", { sections: [{ kind: "chart", chart, altText: "Latency of blue", image: png }] }), { threadKey: "t" });
    const root = slackIn("C0CHART")[0]!;
    const upload = stack.slack.messages.find((m) => m.channel === "C0CHART" && m.via === "files.completeUploadExternal");
    expect(upload).toMatchObject({ threadTs: root.ts, files: [{ content: Buffer.from("not really a png") }] });
  });

  it("answers unreachable, without throwing, when Slack refuses the channel", async () => {
    stack.slack.failNext("chat.postMessage", "not_in_channel");
    expect(await stack.runtime.notifier.post({ platform: "slack", id: "C0NOTIN" }, note("hello"), { threadKey: "t" })).toEqual({ kind: "unreachable", message: "Slack answered not_in_channel" });
    // The failed post left no thread behind: the next one starts it.
    expect(await stack.runtime.notifier.post({ platform: "slack", id: "C0NOTIN" }, note("hello again"), { threadKey: "t" })).toEqual({ kind: "posted" });
    expect(slackIn("C0NOTIN")[0]?.threadTs).toBeUndefined();
  });
});

describe("posting to Teams", () => {
  it("posts into the channel, replies in the thread of a thread key and updates the message of an update key", async () => {
    const before = teamsIn(TEAMS_CHANNEL.id).length;
    expect(await stack.runtime.notifier.post(TEAMS_CHANNEL, note("scaled out to 3"), { threadKey: "alerts:teams" })).toEqual({ kind: "posted" });
    expect(await stack.runtime.notifier.post(TEAMS_CHANNEL, note("burst 1"), { threadKey: "alerts:teams", updateKey: "burst:teams" })).toEqual({ kind: "posted" });
    expect(await stack.runtime.notifier.post(TEAMS_CHANNEL, note("burst 2"), { threadKey: "alerts:teams", updateKey: "burst:teams" })).toEqual({ kind: "updated" });
    const [root, reply] = teamsIn(TEAMS_CHANNEL.id).slice(before);
    expect(root).toMatchObject({ via: "send" });
    expect(cardText(root!)).toContain("scaled out to 3");
    expect(reply).toMatchObject({ via: "reply", replyToId: root!.id });
    expect(cardText(reply!)).toContain("burst 2");
    expect(reply!.history.map((h) => JSON.stringify(h.attachments))[0]).toContain("burst 1");
  });

  it("starts one reply chain when posts with the same new key race", async () => {
    const before = teamsIn(TEAMS_CHANNEL.id).length;
    await Promise.all(["a", "b", "c"].map((t) => stack.runtime.notifier.post(TEAMS_CHANNEL, note(t), { threadKey: "alerts:teams-race" })));
    const posted = teamsIn(TEAMS_CHANNEL.id).slice(before);
    const roots = posted.filter((m) => m.via === "send");
    expect(roots).toHaveLength(1);
    expect(posted.filter((m) => m.via === "reply" && m.replyToId === roots[0]!.id)).toHaveLength(2);
  });

  it("answers unreachable for a conversation it never heard from, or one that refuses it", async () => {
    const never = await stack.runtime.notifier.post({ platform: "teams", id: "19:never-installed@thread.tacv2" }, note("hello"));
    expect(never).toMatchObject({ kind: "unreachable", message: expect.stringMatching(/never installed/) });
    stack.teams.failNext("send", 403);
    expect(await stack.runtime.notifier.post(TEAMS_CHANNEL, note("hello"))).toEqual({ kind: "unreachable", message: "The connector answered 403" });
    expect(await stack.runtime.notifier.post({ platform: "terminal", id: "terminal" }, note("hello"))).toMatchObject({ kind: "unreachable" });
  });
});
