/**
 * The Slack-like page's server over HTTP: its event stream follows the stand-in's conversation (a post, an edit, a
 * deletion; another user's ephemeral message never), the composer and buttons reach the bot signed as Slack signs,
 * as the user the switcher picked, and the secret never reaches the browser. Against a recording bot here; against
 * the real bot on the local stack in `slack-page.stack.test.ts`.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startSlackApiStandIn, type SlackApiStandIn } from "../../../tools/local/slack-api.stand-in.js";
import { slackSignature } from "../../../tools/local/slack-signer.js";
import { startSlackPage, type SlackPage } from "../../../tools/local/slack-page/slack-page.server.js";
import { openEvents, postJson, type EventStream } from "./slack-page.client.js";

const SECRET = "page-test-signing-secret-0123456789";

interface Received {
  readonly body: string;
  readonly validSignature: boolean;
}

let slack: SlackApiStandIn;
let page: SlackPage;
let bot: Server;
const received: Received[] = [];
/** What the recording bot answers a slash command with: its ack, as Bolt would send it. */
let ackBody = "";

beforeAll(async () => {
  slack = await startSlackApiStandIn();
  bot = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const ts = Number(req.headers["x-slack-request-timestamp"]);
      received.push({ body, validSignature: req.headers["x-slack-signature"] === slackSignature(body, ts, SECRET) && Math.abs(Date.now() / 1000 - ts) < 60 });
      res.writeHead(200, { "content-type": "application/json" }).end(body.startsWith("payload=") ? "" : ackBody);
    });
  });
  await new Promise<void>((resolve) => bot.listen(0, "127.0.0.1", resolve));
  page = await startSlackPage({ slack, hostUrl: `http://127.0.0.1:${(bot.address() as AddressInfo).port}`, signingSecret: SECRET });
});
afterAll(async () => {
  await page?.close();
  await slack?.close();
  await new Promise<void>((resolve) => bot.close(() => resolve()));
});

const webApi = async (method: string, args: Record<string, unknown>): Promise<Record<string, unknown>> => {
  const res = await fetch(`${slack.url}${method}`, { method: "POST", headers: { authorization: "Bearer xoxb-page-test", "content-type": "application/json" }, body: JSON.stringify(args) });
  return (await res.json()) as Record<string, unknown>;
};

const formOf = (body: string): URLSearchParams => new URLSearchParams(body);
const payloadOf = (body: string): Record<string, unknown> => JSON.parse(formOf(body).get("payload") ?? "{}") as Record<string, unknown>;

describe("the Slack page's event stream", () => {
  let admin: EventStream;
  let viewer: EventStream;
  beforeAll(async () => {
    [admin, viewer] = await Promise.all([openEvents(page.url, "U0LOCALADMIN"), openEvents(page.url, "U0LOCALVIEWER")]);
  });
  afterAll(() => {
    admin?.close();
    viewer?.close();
  });

  it("starts with a snapshot of what the user sees", async () => {
    expect((await admin.next("snapshot")).data).toEqual(expect.any(Array));
  });

  it("sends a row when the bot posts, and the same row edited in place when it updates the message", async () => {
    const blocks = [{ type: "header", text: { type: "plain_text", text: "fraud-scorer" } }, { type: "section", fields: [{ type: "mrkdwn", text: "*Traffic*\nblue 100 %" }] }];
    const posted = await webApi("chat.postMessage", { channel: "C0LOCAL", text: "fraud-scorer", blocks });
    const first = (await admin.next("message", (m) => m.ts === posted["ts"])).data as Record<string, unknown>;
    expect(first).toMatchObject({ channel: "C0LOCAL", deleted: false, ephemeral: false });
    expect(first["html"]).toContain('<div class="bk-header">fraud-scorer</div>');
    expect(first["html"]).toContain("<b>Traffic</b><br>blue 100 %");
    expect(first["html"]).not.toContain("(edited)");

    await webApi("chat.update", { channel: "C0LOCAL", ts: posted["ts"], text: "done", blocks: [{ type: "section", text: { type: "mrkdwn", text: ":white_check_mark: fraud-scorer now blue=80 green=20" } }] });
    const edited = (await admin.next("message", (m) => m.ts === posted["ts"])).data as Record<string, unknown>;
    expect(edited["html"]).toContain("✅ fraud-scorer now blue=80 green=20");
    expect(edited["html"]).toContain("(edited)");
    // The viewer is in the channel too.
    await viewer.next("message", (m) => m.ts === posted["ts"] && String(m["html"]).includes("(edited)"));
  });

  it("sends an ephemeral message only to its user, marked as Slack marks it", async () => {
    const posted = await webApi("chat.postEphemeral", { channel: "C0LOCAL", user: "U0LOCALVIEWER", text: "You cannot change traffic: viewers look only." });
    const seen = (await viewer.next("message", (m) => m.ts === posted["message_ts"])).data as Record<string, unknown>;
    expect(seen).toMatchObject({ ephemeral: true });
    expect(seen["html"]).toContain("Only visible to you");
    // A later channel message reaches the admin, and the viewer's ephemeral one never did.
    const later = await webApi("chat.postMessage", { channel: "C0LOCAL", text: "after" });
    await admin.next("message", (m) => m.ts === later["ts"]);
    expect(admin.seen().some((e) => (e.data as Record<string, unknown>)["ts"] === posted["message_ts"])).toBe(false);
    const listed = (await (await fetch(`${page.url}api/messages?user=U0LOCALADMIN`)).json()) as { ts: string }[];
    expect(listed.map((m) => m.ts)).not.toContain(posted["message_ts"]);
  });

  it("serves an uploaded chart as the PNG's own bytes", async () => {
    const png = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0x00, 0x80]);
    const upload = await webApi("files.getUploadURLExternal", { filename: "chart.png", length: png.length });
    await fetch(String(upload["upload_url"]), { method: "POST", body: png });
    await webApi("files.completeUploadExternal", { files: [{ id: upload["file_id"], title: "fraud-scorer · last 1 h" }], channel_id: "C0LOCAL" });
    const row = (await admin.next("message", (m) => String(m["html"]).includes("sp-file-img"))).data as Record<string, unknown>;
    const src = /<img class="sp-file-img" src="([^"]+)"/.exec(String(row["html"]))![1]!;
    const res = await fetch(new URL(src, page.url));
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await res.arrayBuffer())).toEqual(png);
  });

  it("keeps the bot's posts working when browsers go away mid-stream", async () => {
    const gone = await Promise.all([openEvents(page.url, "admin"), openEvents(page.url, "viewer")]);
    for (const stream of gone) stream.close();
    const posted = await Promise.all([1, 2, 3].map((n) => webApi("chat.postMessage", { channel: "C0LOCAL", text: `after a tab closed ${n}` })));
    expect(posted.map((p) => p["ok"])).toEqual([true, true, true]);
    await admin.next("message", (m) => m.ts === posted[2]!["ts"]);
  });

  it("removes a message the bot deletes through its response URL", async () => {
    const url = slack.responseUrl("page-delete", { channel: "C0LOCAL", user: "U0LOCALADMIN" });
    await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ response_type: "in_channel", text: "⏳ working" }) });
    const ack = (await admin.next("message", (m) => String(m["html"]).includes("⏳ working"))).data as Record<string, unknown>;
    await fetch(url, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ delete_original: true }) });
    expect((await admin.next("message", (m) => m.ts === ack["ts"] && m["deleted"] === true)).data).toMatchObject({ html: "" });
  });
});

describe("the Slack page's composer and buttons", () => {
  it("sends a slash command signed with the bot's secret, as the user the switcher picked", async () => {
    received.length = 0;
    ackBody = JSON.stringify({ response_type: "ephemeral", text: "Usage: aml show <endpoint>", blocks: [] });
    const answer = await postJson(page.url, "api/command", { text: "/aml show", user: "U0LOCALAPPROVER", channel: "C0LOCAL" });
    expect(answer.status).toBe(200);
    expect(received).toHaveLength(1);
    expect(received[0]!.validSignature).toBe(true);
    const form = formOf(received[0]!.body);
    expect(Object.fromEntries(form)).toMatchObject({ command: "/aml", text: "show", user_id: "U0LOCALAPPROVER", user_name: "approver", channel_id: "C0LOCAL" });
    // The ack is recorded as Slack shows it: for the approver only, answering the command they typed.
    const mine = (await (await fetch(`${page.url}api/messages?user=U0LOCALAPPROVER`)).json()) as { html: string }[];
    expect(mine.at(-1)!.html).toContain("Only visible to you");
    expect(mine.at(-1)!.html).toMatch(/<b>approver<\/b> used <code>\/aml show<\/code>/);
  });

  it("reads a command typed without the slash as /aml's", async () => {
    received.length = 0;
    ackBody = "";
    await postJson(page.url, "api/command", { text: "aml status fraud-scorer", user: "viewer" });
    expect(Object.fromEntries(formOf(received[0]!.body))).toMatchObject({ command: "/aml", text: "status fraud-scorer", user_id: "U0LOCALVIEWER" });
  });

  it("sends a click as a signed block_actions payload with the clicker, the message and what was typed in its box", async () => {
    const blocks = [
      { type: "input", block_id: "reason-box", label: { type: "plain_text", text: "Reason" }, element: { type: "plain_text_input", action_id: "reason-box" } },
      { type: "actions", elements: [{ type: "button", action_id: "reject", value: "req-1", text: { type: "plain_text", text: "Reject" }, style: "danger" }] },
    ];
    const posted = await webApi("chat.postMessage", { channel: "C0LOCAL", text: "request", blocks });
    for (const user of ["U0LOCALAPPROVER", "U0LOCALADMIN"]) {
      received.length = 0;
      const answer = await postJson(page.url, "api/action", { ts: posted["ts"], actionId: "reject", value: "req-1", user, typed: { "reason-box": "not during the freeze" } });
      expect(answer.status).toBe(200);
      expect(received[0]!.validSignature).toBe(true);
      const payload = payloadOf(received[0]!.body);
      expect(payload).toMatchObject({
        type: "block_actions",
        user: { id: user },
        channel: { id: "C0LOCAL" },
        container: { type: "message", message_ts: posted["ts"], channel_id: "C0LOCAL" },
        message: { ts: posted["ts"] },
        actions: [{ type: "button", action_id: "reject", value: "req-1", style: "danger" }],
        state: { values: { "reason-box": { "reason-box": { type: "plain_text_input", value: "not during the freeze" } } } },
      });
      expect(String(payload["response_url"])).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/response\//);
    }
  });

  it("sends nothing for a button the message does not have", async () => {
    const posted = await webApi("chat.postMessage", { channel: "C0LOCAL", text: "no buttons" });
    received.length = 0;
    const answer = await postJson(page.url, "api/action", { ts: posted["ts"], actionId: "apply", value: "x", user: "admin" });
    expect(answer.status).toBe(400);
    expect(received).toHaveLength(0);
  });

  it("never hands the signing secret to the browser", async () => {
    for (const path of ["", "static/slack-page.js", "static/command-menu.js", "static/emulator-panel.js", "static/slack-page.css", "api/session", "api/messages?user=admin"]) {
      expect((await fetch(`${page.url}${path}`)).status).toBe(200);
      expect(await (await fetch(`${page.url}${path}`)).text()).not.toContain(SECRET);
    }
  });

  it("refuses a command posted by another site or not as JSON, and sends nothing", async () => {
    received.length = 0;
    const body = JSON.stringify({ text: "/aml traffic fraud-scorer blue=0 green=100 --yes", user: "admin" });
    const crossSite = await fetch(`${page.url}api/command`, { method: "POST", headers: { "content-type": "application/json", origin: "http://evil.example" }, body });
    const form = await fetch(`${page.url}api/command`, { method: "POST", headers: { "content-type": "text/plain" }, body });
    expect([crossSite.status, form.status]).toEqual([403, 415]);
    expect(received).toHaveLength(0);
  });
});
