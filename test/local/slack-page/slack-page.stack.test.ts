/**
 * The Slack page on the local stack `npm start` runs: what it sends reaches the real bot route signed (and a request
 * not signed with the bot's secret is refused by the bot, not by the page), the user picked in the switcher is the
 * one the bot judges, a click on Apply changes the emulator and the stream carries the bot's edit of the same
 * message, and the side panel shows the emulator's new split and the write.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../../tools/local/local-stack.js";
import { slashCommandForm } from "../../../tools/local/slack-signer.js";
import { startSlackPage, type SlackPage } from "../../../tools/local/slack-page/slack-page.server.js";
import { openEvents, postJson, type EventStream } from "./slack-page.client.js";

let stack: LocalStack;
let page: SlackPage;
let events: EventStream;
beforeAll(async () => {
  stack = await startLocalStack({
    ports: { host: 0 },
    emulatorLroDelayInMs: 30,
    logger: { info() {}, warn() {}, error() {} },
    env: { AML_LRO_POLL_MS: "20" },
    maxPollIntervalInMs: 100,
    digestIntervalInMs: 0,
  });
  page = await startSlackPage({
    slack: stack.slack,
    hostUrl: stack.hostUrl,
    signingSecret: stack.runtime.config.slack.signingSecret,
    emulator: { url: stack.emulator.url, ca: stack.emulator.ca },
  });
  events = await openEvents(page.url, "U0LOCALOPS");
}, 30_000);
afterAll(async () => {
  events?.close();
  await page?.close();
  await stack?.close();
});

const html = (data: Record<string, unknown>): string => String(data["html"]);

describe("the Slack page on the local stack", () => {
  it("sends a typed command to the bot, which answers in the channel the page streams", async () => {
    const answer = await postJson(page.url, "api/command", { text: "/aml show fraud-scorer", user: "U0LOCALOPS" });
    expect(answer).toEqual({ status: 200, body: { status: 200 } });
    const row = await events.next("message", (m) => html(m).includes("fraud-scorer") && html(m).includes("bk-header"), 15_000);
    expect(html(row.data as Record<string, unknown>)).toMatch(/<b>operator<\/b> used <code>\/aml show fraud-scorer<\/code>/);
  });

  it("leaves the bot to refuse what is not signed with its secret: unsigned, forged, or signed with another secret", async () => {
    const before = stack.slack.messages.length;
    const body = slashCommandForm({ command: "/aml", text: "traffic fraud-scorer blue=0 green=100 --yes", userId: "U0LOCALADMIN", channelId: "C0LOCAL", responseUrl: stack.slack.responseUrl("forged") });
    const unsigned = await fetch(`${stack.hostUrl}/api/slack/events`, { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body });
    const forged = await fetch(`${stack.hostUrl}/api/slack/events`, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded", "x-slack-request-timestamp": String(Math.floor(Date.now() / 1000)), "x-slack-signature": `v0=${"0".repeat(64)}` },
      body,
    });
    expect([unsigned.status, forged.status]).toEqual([401, 401]);

    const impostor = await startSlackPage({ slack: stack.slack, hostUrl: stack.hostUrl, signingSecret: "not-the-bot-secret-0123456789" });
    try {
      const answer = await postJson(impostor.url, "api/command", { text: "/aml traffic fraud-scorer blue=0 green=100 --yes", user: "admin" });
      expect(answer).toMatchObject({ status: 502, body: { status: 401 } });
    } finally {
      await impostor.close();
    }
    expect(stack.slack.messages.length).toBe(before);
    expect(stack.emulator.requests.filter((r) => r.method === "PUT")).toHaveLength(0);
  });

  it("sends as the user the switcher picked: the viewer is refused a change, only they see why", async () => {
    const viewer = await openEvents(page.url, "U0LOCALVIEWER");
    try {
      await postJson(page.url, "api/command", { text: "/aml traffic fraud-scorer blue=80 green=20", user: "U0LOCALVIEWER" });
      const refusal = await viewer.next("message", (m) => m["ephemeral"] === true && html(m).includes("viewer"), 15_000);
      expect(html(refusal.data as Record<string, unknown>)).toContain("Only visible to you");
      expect(events.seen().some((e) => (e.data as Record<string, unknown>)["ts"] === (refusal.data as Record<string, unknown>)["ts"])).toBe(false);
    } finally {
      viewer.close();
    }
  });

  it("clicks Apply on a traffic preview as the operator: the emulator changes and the stream carries the edited message", async () => {
    await postJson(page.url, "api/command", { text: "/aml traffic fraud-scorer blue=80 green=20", user: "U0LOCALOPS" });
    const preview = (await events.next("message", (m) => html(m).includes('data-action-id="apply"'), 15_000)).data as Record<string, unknown>;
    const value = /data-action-id="apply" data-value="([^"]*)"/.exec(html(preview))![1]!;
    const click = await postJson(page.url, "api/action", { ts: preview["ts"], actionId: "apply", value, user: "U0LOCALOPS" });
    expect(click.status).toBe(200);
    const done = await events.next("message", (m) => m["ts"] === preview["ts"] && html(m).includes("Traffic change on fraud-scorer: done"), 15_000);
    expect(html(done.data as Record<string, unknown>)).toContain("(edited)");

    const panel = (await (await fetch(`${page.url}api/emulator`)).json()) as { endpoints: { name: string; traffic: unknown[] }[]; writes: { method: string; target: string }[] };
    expect(panel.endpoints.find((e) => e.name === "fraud-scorer")?.traffic).toEqual([
      { deployment: "blue", percent: 80 },
      { deployment: "green", percent: 20 },
    ]);
    expect(panel.writes[0]).toMatchObject({ method: "PUT", target: "onlineEndpoints/fraud-scorer" });
  });
});
