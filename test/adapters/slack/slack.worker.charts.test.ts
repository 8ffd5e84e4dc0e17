/**
 * The Slack worker uploads a drawn chart as a PNG file after the channel reply (files.uploadV2 through the
 * local Slack stand-in), and keeps a requester-only reply to its sparklines.
 */
import { App as BoltApp } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { z } from "zod";
import { CommandCore } from "../../../commands/command-core.js";
import type { ParsedArgs } from "../../../commands/parse/parse-args.js";
import type { Reply } from "../../../commands/reply.js";
import { VerbTable } from "../../../commands/verb-table.js";
import { defineVerb } from "../../../commands/verb-spec.js";
import { webClientApi } from "../../../adapters/slack/slack-web-api.js";
import { handleSlackJob } from "../../../adapters/slack/slack.worker.js";
import { UsergroupDirectory } from "../../../adapters/slack/usergroup.directory.js";
import { startSlackApiStandIn, type SlackApiStandIn } from "../../../tools/local/slack-api.stand-in.js";
import { TEST_BOT_TOKEN, memoryLogger, slackCommandJob } from "../../helpers/slack-requests.js";
import { createTestApp } from "../../helpers/slack-stack.js";
import { replies as samples } from "../fixtures/replies.js";

let slack: SlackApiStandIn;
beforeAll(async () => {
  slack = await startSlackApiStandIn();
});
afterAll(async () => {
  await slack?.close();
});

const replies: Record<string, Reply> = { chart: samples.chart, "chart-private": { ...samples.chart, visibility: "requester" } };

function deps() {
  const app = createTestApp({ policy: { defaultRole: "viewer", bindings: [] } });
  const verbs = Object.keys(replies).map((name) =>
    defineVerb({ name, aliases: [], summary: name, usage: name, examples: [], role: "viewer", slow: true, flags: {}, args: z.custom<ParsedArgs>(), run: async () => ({ reply: replies[name]!, audit: { outcome: "ok" } }) }),
  );
  const bolt = new BoltApp({ token: TEST_BOT_TOKEN, botId: "B0", botUserId: "U0", receiver: { init: () => undefined, start: async () => undefined, stop: async () => undefined }, clientOptions: { slackApiUrl: slack.url } });
  const logger = memoryLogger();
  const web = webClientApi(bolt.client);
  return { core: new CommandCore(app.deps, new VerbTable(verbs)), web, directory: new UsergroupDirectory({ list: () => web.listUsergroups(), logger }), fetch: (url: string, init?: RequestInit) => fetch(url, init), logger };
}

function job(text: string, id: string) {
  const responseUrl = slack.responseUrl(id, { channel: "C0CHART", user: "U0C" });
  slack.recordAck(responseUrl, { response_type: "in_channel", text: "⏳ working" });
  return slackCommandJob({ id, text, responseUrl, userId: "U0C", userName: "carl", channelId: "C0CHART" });
}

describe("charts in the Slack worker", () => {
  it("uploads the PNG to the channel after the reply", async () => {
    await handleSlackJob(job("chart", "chart-1"), deps());
    const inChannel = slack.messages.filter((m) => m.channel === "C0CHART");
    const reply = inChannel.findIndex((m) => m.text.startsWith("churn-prod: 64/min"));
    const file = inChannel.findIndex((m) => m.via === "files.completeUploadExternal");
    expect(reply).toBeGreaterThanOrEqual(0);
    expect(file).toBeGreaterThan(reply);
    const png = Buffer.from((samples.chart.sections[1] as { image: { base64: string } }).image.base64, "base64");
    // The very bytes the bot drew: a PNG, not text with U+FFFD where its non-UTF-8 bytes were.
    expect(inChannel[file]!.files?.[0]).toMatchObject({ filename: "churn-prod-last-1-h-utc.png", title: "churn-prod · last 1 h (UTC)", content: png });
  });

  it("uploads nothing for a requester-only reply", async () => {
    const before = slack.messages.filter((m) => m.via === "files.completeUploadExternal").length;
    await handleSlackJob(job("chart-private", "chart-2"), deps());
    expect(slack.messages.filter((m) => m.via === "files.completeUploadExternal").length).toBe(before);
  });
});
