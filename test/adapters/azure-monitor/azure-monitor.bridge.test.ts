/**
 * `POST /api/alerts` as the bridge answers it, over the real alert dispatcher with in-memory bindings and ledger and
 * a recording notifier: the secret (and that a refused request leaves no trace), the published payloads as they
 * are, variants that post, duplicates, and an outage that Azure Monitor's retry then gets through.
 */
import { beforeEach, describe, expect, it } from "vitest";
import { createAzureMonitorBridge, type AzureMonitorBridge } from "../../../adapters/azure-monitor/azure-monitor.bridge.js";
import { checkWebhookSecret, secretOf } from "../../../adapters/azure-monitor/webhook-secret.js";
import type { RawHttpRequest } from "../../../adapters/http.js";
import { AlertDispatcher } from "../../../commands/alerts/alert-dispatcher.js";
import { MemoryAlertBindings } from "../../../src/memory/memory.alert-bindings.js";
import { MemoryAlertLedger } from "../../../src/memory/memory.alert-ledger.js";
import { alertVariant, autoscaleVariant, DEMO, publishedAlertText, publishedAutoscaleText } from "../../helpers/azure-monitor-payloads.js";
import { recordingNotifier, type RecordingNotifier } from "../../helpers/recording-notifier.js";
import { memoryLogger, type LogLine } from "../../helpers/slack-requests.js";

const SECRET = "alerts-test-secret-0123456789";

function request(body: unknown, query = `?code=${SECRET}`, method = "POST"): RawHttpRequest {
  return { method, url: `/api/alerts${query}`, headers: { "content-type": "application/json" }, body: typeof body === "string" ? body : JSON.stringify(body) };
}

let notifier: RecordingNotifier;
let ledger: MemoryAlertLedger;
let bindings: MemoryAlertBindings;
let logs: LogLine[];
let bridge: AzureMonitorBridge;

beforeEach(async () => {
  notifier = recordingNotifier();
  ledger = new MemoryAlertLedger();
  bindings = new MemoryAlertBindings();
  await bindings.bind({ workspace: "demo", channel: { platform: "slack", id: "C0ALERTS" }, boundBy: "ops", boundAt: new Date("2026-11-24T00:00:00Z") });
  const logger = memoryLogger();
  logs = logger.lines;
  const dispatcher = new AlertDispatcher({ bindings, ledger, notifier, workspaces: [{ alias: "demo", ...DEMO }], logger, burstWindowInMs: 600_000 });
  bridge = createAzureMonitorBridge({ secret: SECRET, dispatcher, logger, clock: { now: () => new Date("2026-11-25T09:00:00Z") } });
});

describe("the webhook secret", () => {
  it("reads ?code= or ?token= from a path or a full URL", () => {
    expect(secretOf("/api/alerts?code=abc")).toBe("abc");
    expect(secretOf("https://app.azurewebsites.net/api/alerts?x=1&token=def")).toBe("def");
    expect(secretOf("/api/alerts")).toBeUndefined();
  });

  it("accepts only the configured secret, of any length, and nothing when none is configured", () => {
    expect(checkWebhookSecret(`/api/alerts?code=${SECRET}`, SECRET)).toEqual({ ok: true });
    expect(checkWebhookSecret(`/api/alerts?token=${SECRET}`, SECRET)).toEqual({ ok: true });
    expect(checkWebhookSecret(`/api/alerts?code=${SECRET}x`, SECRET)).toEqual({ ok: false, reason: "wrong" });
    expect(checkWebhookSecret("/api/alerts?code=a", SECRET)).toEqual({ ok: false, reason: "wrong" });
    expect(checkWebhookSecret("/api/alerts", SECRET)).toEqual({ ok: false, reason: "missing" });
    expect(checkWebhookSecret(`/api/alerts?code=${SECRET}`, undefined)).toEqual({ ok: false, reason: "not-configured" });
  });

  it.each([
    ["a wrong secret", "?code=not-the-secret"],
    ["no secret", ""],
    ["the secret in another parameter", `?key=${SECRET}`],
  ])("answers %s with 401: nothing posted, nothing recorded, the secret never logged", async (_name, query) => {
    const response = await bridge.handleHttp(request(autoscaleVariant(), query));
    expect(response.status).toBe(401);
    expect(notifier.calls).toEqual([]);
    expect(await ledger.getBurst("demo", "fraud-scorer")).toBeUndefined();
    // The event was not claimed either: with the right secret it posts.
    expect((await bridge.handleHttp(request(autoscaleVariant()))).status).toBe(200);
    expect(notifier.calls).toHaveLength(1);
    expect(JSON.stringify(logs)).not.toContain(SECRET);
    expect(JSON.stringify(logs)).not.toContain("not-the-secret");
  });

  it("refuses everything when no secret is configured", async () => {
    const open = createAzureMonitorBridge({ secret: undefined, dispatcher: { dispatch: async () => ({ kind: "duplicate" }) }, logger: memoryLogger(), clock: { now: () => new Date() } });
    expect((await open.handleHttp(request(autoscaleVariant(), "?code="))).status).toBe(401);
    expect((await open.handleHttp(request(autoscaleVariant(), "?code=anything"))).status).toBe(401);
  });
});

describe("payloads", () => {
  it("accepts the two published payloads as they are (200) and posts nothing: neither targets Azure ML", async () => {
    for (const body of [publishedAutoscaleText(), publishedAlertText()]) {
      const response = await bridge.handleHttp(request(body));
      expect(response.status).toBe(200);
      expect(JSON.parse(response.body!)).toMatchObject({ outcome: "ignored" });
    }
    expect(notifier.calls).toEqual([]);
  });

  it("posts an autoscale step and an alert of a bound workspace, and a duplicate delivery once", async () => {
    const first = await bridge.handleHttp(request(autoscaleVariant()));
    expect(first.status).toBe(200);
    expect(JSON.parse(first.body!)).toMatchObject({ kind: "posted", channels: 1, unreachable: 0 });
    const again = await bridge.handleHttp(request(autoscaleVariant()));
    expect(JSON.parse(again.body!)).toMatchObject({ kind: "duplicate" });
    expect((await bridge.handleHttp(request(alertVariant(), `?token=${SECRET}`))).status).toBe(200);
    expect(notifier.calls.map((c) => c.reply.summary)).toEqual(["fraud-scorer: blue scaled out 2 → 4", "Alert fired on fraud-scorer/blue: fraud-scorer latency P99 · latency P99 412 ms (> 300 ms over 5 min)"]);
  });

  it("answers 400 to a body that is neither kind, and 405 to a GET", async () => {
    expect((await bridge.handleHttp(request("{not json"))).status).toBe(400);
    expect((await bridge.handleHttp(request({ hello: "world" }))).status).toBe(400);
    expect((await bridge.handleHttp(request("", `?code=${SECRET}`, "GET"))).status).toBe(405);
    expect(notifier.calls).toEqual([]);
  });

  it("answers 503 when chat is down, and the retry posts", async () => {
    notifier.failNext(1);
    expect((await bridge.handleHttp(request(autoscaleVariant()))).status).toBe(503);
    expect((await bridge.handleHttp(request(autoscaleVariant()))).status).toBe(200);
    expect(notifier.inChannel("slack:C0ALERTS")).toHaveLength(1);
  });
});
