/** The local Slack stand-in (tools/local), tested here beside the adapter it serves. */
import { App, LogLevel } from "@slack/bolt";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { webClientApi } from "../../../adapters/slack/slack-web-api.js";
import { ResvgChartRenderer } from "../../../src/charts/chart.png.js";
import { startSlackApiStandIn, type SlackApiStandIn } from "../../../tools/local/slack-api.stand-in.js";
import { TEST_BOT_TOKEN } from "../../helpers/slack-requests.js";

let slack: SlackApiStandIn;
beforeAll(async () => {
  slack = await startSlackApiStandIn({ usergroups: [{ id: "S1", handle: "ops", users: ["U1"] }] });
});
afterAll(async () => {
  await slack?.close();
});

const post = async (url: string, body: unknown, headers: Record<string, string> = {}) => {
  const res = await fetch(url, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  return { status: res.status, body: (await res.json()) as Record<string, unknown> };
};
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
const client = () => new App({ token: TEST_BOT_TOKEN, botId: "B", botUserId: "U", logLevel: LogLevel.ERROR, receiver: { init: () => undefined, start: async () => undefined, stop: async () => undefined }, clientOptions: { slackApiUrl: slack.url, retryConfig: { retries: 0 } } }).client;

describe("Slack API stand-in", () => {
  it("serves Bolt's WebClient: postMessage, update, ephemeral, usergroups", async () => {
    const web = client();
    const posted = await web.chat.postMessage({ channel: "C1", text: "hi" });
    expect(posted).toMatchObject({ ok: true, channel: "C1" });
    await web.chat.update({ channel: "C1", ts: posted.ts!, text: "hello" });
    expect(slack.messages.find((m) => m.ts === posted.ts)).toMatchObject({ text: "hello", history: [{ text: "hi" }] });
    expect(await web.chat.postEphemeral({ channel: "C1", user: "U1", text: "psst" })).toMatchObject({ ok: true });
    expect((await web.usergroups.list({ include_users: true })).usergroups).toEqual([expect.objectContaining({ id: "S1", users: ["U1"] })]);
  });

  it("answers like Slack on bad input and without a bot token", async () => {
    expect((await post(`${slack.url}chat.postMessage`, { channel: "C1", text: "x" })).body).toEqual({ ok: false, error: "not_authed" });
    expect((await post(`${slack.url}chat.postMessage`, { channel: "C1", text: "x" }, { authorization: "Bearer xoxp-user" })).body).toEqual({ ok: false, error: "invalid_auth" });
    await expect(client().chat.postMessage({ channel: "C1", text: "" })).rejects.toMatchObject({ data: { ok: false, error: "no_text" } });
    await expect(client().chat.update({ channel: "C1", ts: "1.2", text: "x" })).rejects.toMatchObject({ data: { error: "message_not_found" } });
  });

  it("uploads a file with files.uploadV2 and shows it in the channel", async () => {
    await client().filesUploadV2({ channel_id: "C2", content: "all of it", filename: "out.txt", title: "Out" });
    expect(slack.messages.at(-1)).toMatchObject({ channel: "C2", files: [{ filename: "out.txt", title: "Out", content: Buffer.from("all of it") }] });
  });

  it("keeps an uploaded PNG's bytes as the bot's Slack path sent them, and shows them as base64", async () => {
    const chart = { title: "Latency", times: ["2026-11-25T08:00:00Z", "2026-11-25T08:01:00Z"], panels: [{ title: "P99", unit: "ms", series: [{ name: "blue", values: [62.5, 187] }] }] };
    const png = Buffer.from((await new ResvgChartRenderer().renderChart(chart)).base64, "base64");
    expect(png.toString("utf8")).toContain("\uFFFD"); // not UTF-8: decoding it as text would lose it
    await webClientApi(client()).uploadImage({ channel: "C5", filename: "latency.png", title: "Latency", altText: "P99 latency", data: png, threadTs: "1.000001" });
    const file = slack.messages.at(-1)?.files?.[0];
    expect(file).toMatchObject({ filename: "latency.png", title: "Latency" });
    expect(file?.content.subarray(0, 8)).toEqual(PNG_SIGNATURE);
    expect(file?.content.length).toBe(png.length);
    expect(file?.content.equals(png)).toBe(true);

    const listed = (await (await fetch(`${slack.url}__messages`)).json()) as { files?: { filename: string; size: number; contentBase64: string }[] }[];
    const shown = listed.at(-1)?.files?.[0];
    expect(shown).toMatchObject({ filename: "latency.png", size: png.length });
    expect(Buffer.from(shown!.contentBase64, "base64").equals(png)).toBe(true);
  });

  it("applies replace_original and delete_original to what the response URL last produced, 5 posts at most", async () => {
    const url = slack.responseUrl("r1", { channel: "C3", user: "U3" });
    const ack = slack.recordAck(url, JSON.stringify({ response_type: "in_channel", text: "⏳" }))!;
    expect(ack).toMatchObject({ visibility: "in_channel", via: "ack" });
    expect((await post(url, { replace_original: true, text: "done", response_type: "ephemeral" })).body).toEqual({ ok: true });
    expect(ack).toMatchObject({ text: "done", visibility: "in_channel" });
    expect((await post(url, { text: "" })).status).toBe(400);
    await post(url, { text: "just for you" });
    expect(slack.messages.at(-1)).toMatchObject({ visibility: "ephemeral", user: "U3", text: "just for you" });
    await post(url, { delete_original: true });
    expect(slack.messages.at(-1)!.deleted).toBe(true);
    await post(url, { text: "fifth" });
    expect(await post(url, { text: "sixth" })).toEqual({ status: 404, body: { ok: false, error: "used_url" } });
    const listed = (await (await fetch(`${slack.url}__messages`)).json()) as unknown[];
    expect(listed.length).toBe(slack.messages.length);
  });

  it("acts on the clicked message for a response URL minted with an original", async () => {
    const posted = await client().chat.postMessage({ channel: "C4", text: "preview" });
    const url = slack.responseUrl("click", { channel: "C4", user: "U4", original: posted.ts! });
    await post(url, { replace_original: true, text: "applied" });
    expect(slack.messages.find((m) => m.ts === posted.ts)!.text).toBe("applied");
  });
});
