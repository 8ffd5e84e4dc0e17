/**
 * The local host under malformed and random requests, on loopback, with the real stack behind it: a few hundred
 * requests from a seeded generator (so a failure replays exactly) over raw sockets, so that what a Fetch client
 * would refuse to send (a bad Host header, raw bytes and broken percent-encoding in the path, odd methods) gets
 * through. Half of them aim at the router (paths, methods, headers); half are well-formed requests to each bridge
 * with random contents (signed Slack commands and clicks, Teams activities, alerts with the right secret). Every
 * request gets an answer below 500, or a deliberate one (botbuilder's 501 for an invoke the bot does not handle),
 * and the host still answers its health check afterwards.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_ALERTS_SECRET, LOCAL_SLACK } from "../../src/config/config.js";
import { MAX_LOCAL_BODY_BYTES } from "../../tools/local/local-host.js";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";
import { signedSlackHeaders, slackSignature, slashCommandForm } from "../../tools/local/slack-signer.js";
import { teamsMessageActivity } from "../../tools/local/teams-activities.js";

let stack: LocalStack;
let port: number;
beforeAll(async () => {
  stack = await startLocalStack({ ports: { host: 0 }, emulatorLroDelayInMs: 30, logger: { info() {}, warn() {}, error() {} }, digestIntervalInMs: 0, maxPollIntervalInMs: 200 });
  port = Number(new URL(stack.hostUrl).port);
}, 30_000);
afterAll(() => stack?.close());

/** mulberry32: small, seeded, good enough to pick words. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface RawRequest {
  readonly method: string;
  /** The request target exactly as written on the request line (may hold bytes a URL may not). */
  readonly target: string;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
  /** Statuses of 500 and above that are this request's deliberate answer, not a failure. */
  readonly deliberate?: readonly number[];
}

/** Sends one request as bytes and reads the status line of the answer; "closed" if the host answered nothing. */
function send(request: RawRequest, timeoutInMs = 10_000): Promise<{ status: number | "closed"; text: string }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, "127.0.0.1");
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => (socket.destroy(), reject(new Error(`no answer to ${request.method} ${request.target}`))), timeoutInMs);
    socket.on("data", (chunk: Buffer) => chunks.push(chunk));
    socket.on("error", () => undefined); // a reset after the answer is read is fine; no answer shows as "closed"
    socket.on("close", () => {
      clearTimeout(timer);
      const text = Buffer.concat(chunks).toString("latin1");
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1];
      resolve({ status: status ? Number(status) : "closed", text });
    });
    const headers = { host: `127.0.0.1:${port}`, connection: "close", "content-length": String(request.body.length), ...request.headers };
    const head = `${request.method} ${request.target} HTTP/1.1\r\n${Object.entries(headers)
      .map(([k, v]) => `${k}: ${v}`)
      .join("\r\n")}\r\n\r\n`;
    // Written, not ended: a half-closed socket may be dropped before the answer; `connection: close` ends it.
    socket.write(Buffer.concat([Buffer.from(head, "latin1"), request.body]));
  });
}

/** The host's routes with their methods, and paths beside them that no route serves. */
const ROUTES = [
  ["POST", "/api/slack/events"],
  ["POST", "/api/teams/messages"],
  ["GET", "/api/health"],
  ["POST", "/api/alerts"],
  ["GET", "/api/charts/"],
  ["GET", "/api/charts/0123456789abcdef0123456789abcdef"],
  ["GET", "/api/"],
  ["GET", "/"],
] as const;
const ODD_METHODS = ["PUT", "DELETE", "PATCH", "HEAD", "OPTIONS", "PROPFIND", "FOO", "get", "POST "];
const SEGMENTS = ["%u002e%u002e", "%", "%zz", "%E0%A4%A", "%C0%AF", "%ff%fe", "%2e%2e", "..", "%2F", "a%00b", "%0d%0a", "é", "\u00ff", "x".repeat(300), "%25", "%%", "%e2%82%ac", "%ED%A0%80", "{id}", "*", ""];
const QUERIES = ["", "?", "?code=", `?code=${LOCAL_ALERTS_SECRET}`, "?token=%zz", "?%u002e=%", "?a=1&a=2&&=", "?code=%E0%A4%A", `?x=${"y".repeat(2000)}`];
const CONTENT_TYPES = ["application/json", "application/x-www-form-urlencoded", "text/plain", "multipart/form-data; boundary=x", "application/json; charset=latin1", ""];
const HOSTS = ["127.0.0.1", "a b", "[::1", "exa mple.com:80", "%zz", "", "localhost:99999", "h\u00e9"];

function pick<T>(next: () => number, items: readonly T[]): T {
  return items[Math.floor(next() * items.length)]!;
}

function randomText(next: () => number, length: number): string {
  const alphabet = 'abc{}[]":,=&%+ \\/\n\t0123456789é€😀\u0000<>';
  return Array.from({ length }, () => pick(next, [...alphabet])).join("");
}

function randomJson(next: () => number, depth = 0): unknown {
  const r = next();
  if (depth > 3 || r < 0.3) return pick(next, [null, true, 0, -1.5, "", randomText(next, 12), 1e308]);
  if (r < 0.6) return Array.from({ length: Math.floor(next() * 4) }, () => randomJson(next, depth + 1));
  const keys = ["type", "text", "from", "conversation", "recipient", "value", "id", "serviceUrl", "channelId", "name", "payload", "data", "schemaId", "essentials"];
  return Object.fromEntries(Array.from({ length: Math.floor(next() * 6) }, () => [pick(next, keys), randomJson(next, depth + 1)]));
}

function randomBody(next: () => number): Buffer {
  switch (Math.floor(next() * 5)) {
    case 0:
      return Buffer.alloc(0);
    case 1:
      return Buffer.from(Array.from({ length: Math.floor(next() * 200) }, () => Math.floor(next() * 256)));
    case 2:
      return Buffer.from(JSON.stringify(randomJson(next)));
    case 3:
      return Buffer.from(`payload=${encodeURIComponent(JSON.stringify(randomJson(next)))}`);
    default:
      return Buffer.from(`command=%2Faml&text=${randomText(next, 40)}&user_id=%zz&response_url=${randomText(next, 10)}`);
  }
}

/** Command texts: half random, half what parsers and decoders may trip on. */
function commandText(next: () => number): string {
  if (next() < 0.5) return randomText(next, Math.floor(next() * 60));
  return pick(next, [
    "help",
    "aml show %zz",
    "aml show &#99999999;",
    "&#x110000; &#0; &#xD800;",
    "&bogus; &amp &lt;&gt;",
    "<at>aml-chatops</at>",
    'invoke fraud-scorer {"data": [[1,2',
    "traffic blue=% green=-0",
    "traffic fraud-scorer blue=1e999",
    "scale fraud-scorer blue 99999999999999999999",
    "metrics --since 99999d",
    "digest subscribe --every \"weekday 25:61\" --tz Mars/Olympus",
    "use \u0000",
    "audit --limit -1",
    "x".repeat(5_000),
  ]);
}

/** A well-formed request to one bridge, with random contents: what the platforms could send, and a bit more. */
function bridgeRequest(next: () => number): RawRequest {
  const kind = pick(next, ["slack-command", "slack-click", "teams", "teams", "alerts"] as const);
  if (kind === "slack-command" || kind === "slack-click") {
    const responseUrl = stack.slack.responseUrl(`fuzz-${Math.floor(next() * 1e9)}`, { channel: "C0FUZZ", user: "U0FUZZ" });
    const body =
      kind === "slack-command"
        ? slashCommandForm({ command: pick(next, ["/aml", "/aml", "/other", ""]), text: commandText(next), userId: pick(next, ["U0FUZZ", "", "U".repeat(100)]), channelId: "C0FUZZ", responseUrl })
        : `payload=${encodeURIComponent(JSON.stringify({ type: pick(next, ["block_actions", "view_submission", 7]), user: { id: "U0FUZZ" }, response_url: responseUrl, channel: next() < 0.5 ? { id: "C0FUZZ" } : undefined, trigger_id: String(next()), actions: [{ type: "button", action_id: pick(next, ["apply", "cancel", "other"]), value: randomText(next, 20) }] }))}`;
    return { method: "POST", target: "/api/slack/events", headers: signedSlackHeaders(body, LOCAL_SLACK.signingSecret), body: Buffer.from(body) };
  }
  if (kind === "teams") {
    const scope = pick(next, ["personal", "groupChat", "channel"] as const);
    const activity = teamsMessageActivity({ text: commandText(next), serviceUrl: stack.teams.url, user: { aadObjectId: "00000000-0000-4000-8000-00000000f022", name: "Fuzz" }, scope });
    // Now and then a field of the envelope is dropped or replaced by something of the wrong shape.
    if (next() < 0.3) activity[pick(next, ["from", "conversation", "recipient", "type", "serviceUrl", "entities", "text"])] = pick(next, [undefined, null, 7, "", randomJson(next)]);
    const invoke = next() < 0.2 ? pick(next, ["adaptiveCard/action", "composeExtension/query"]) : undefined;
    if (invoke) Object.assign(activity, { type: "invoke", name: invoke, value: randomJson(next), replyToId: randomText(next, 8) });
    // An invoke the bot does not handle is answered 501 Not Implemented by botbuilder, as the Bot Framework expects.
    const deliberate = invoke === "composeExtension/query" ? [501] : [];
    return { method: "POST", target: "/api/teams/messages", headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(activity)), deliberate };
  }
  const alert = next() < 0.5 ? randomJson(next) : { schemaId: pick(next, ["azureMonitorCommonAlertSchema", "x"]), data: { essentials: randomJson(next), alertContext: randomJson(next) } };
  return { method: "POST", target: `/api/alerts?code=${LOCAL_ALERTS_SECRET}`, headers: { "content-type": "application/json" }, body: Buffer.from(JSON.stringify(alert) ?? "") };
}

function randomRequest(next: () => number): RawRequest {
  const [routeMethod, base] = pick(next, ROUTES);
  // Mostly the route's own method, so that most requests reach a handler rather than the 404.
  const method = next() < 0.75 ? routeMethod : pick(next, ODD_METHODS);
  // `/api/charts/` takes a segment; elsewhere an added segment is usually a path no route serves.
  const extra = next() < (base === "/api/charts/" ? 0.9 : 0.25) ? pick(next, SEGMENTS) : "";
  const target = next() < 0.05 ? pick(next, ["*", "http://evil.example/api/health", "//api/health", "api/health"]) : `${base}${extra}${pick(next, QUERIES)}`;
  const body = randomBody(next);
  const headers: Record<string, string> = {};
  const contentType = pick(next, CONTENT_TYPES);
  if (contentType) headers["content-type"] = contentType;
  if (next() < 0.15) headers["host"] = pick(next, HOSTS);
  if (next() < 0.4) {
    // Signed as the local Slack app would be (or with a skewed or broken signature): the bridge parses the body.
    const ts = Math.floor(Date.now() / 1000) + pick(next, [0, 0, 0, -10_000, 999_999_999]);
    headers["x-slack-request-timestamp"] = pick(next, [String(ts), String(ts), "NaN", "-1", ""]);
    headers["x-slack-signature"] = next() < 0.8 ? slackSignature(body.toString("latin1"), ts, LOCAL_SLACK.signingSecret) : "v0=zz";
  }
  if (next() < 0.1) headers["authorization"] = pick(next, ["Bearer", "Bearer x.y.z", "Basic %%%", "Bearer eyJhbGciOiJub25lIn0.e30."]);
  if (next() < 0.05) headers["x-slack-retry-num"] = pick(next, ["1", "-1", "abc"]);
  return { method, target, headers, body };
}

describe("the local host under malformed and random requests", () => {
  it("answers GET /api/charts/%u002e%u002e with a 400 that says what is wrong, and keeps serving", async () => {
    const res = await fetch(`${stack.hostUrl}/api/charts/%u002e%u002e`);
    expect(res.status).toBe(400);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(await res.json()).toEqual({ error: "The path segment for {id} is not valid percent-encoding (each % must start a %XX escape of UTF-8 bytes)." });
    expect((await fetch(`${stack.hostUrl}/api/health`)).status).toBe(200);
  });

  it("answers a Host header that makes no URL with 400, before any handler runs", async () => {
    for (const host of ["a b", "[::1", "exa mple.com"]) {
      const res = await send({ method: "POST", target: "/api/alerts?code=x", headers: { host }, body: Buffer.from("{}") });
      expect(res.status, host).toBe(400);
    }
  });

  it("answers a body over the limit with 413, without keeping it", async () => {
    const res = await send({ method: "POST", target: "/api/teams/messages", headers: { "content-type": "application/json" }, body: Buffer.alloc(MAX_LOCAL_BODY_BYTES + 1, 0x20) });
    expect(res.status).toBe(413);
  });

  it("answers 400 random requests below 500 (or deliberately), every one, and still answers health afterwards", async () => {
    const next = random(0x5eed);
    const requests = Array.from({ length: 400 }, (_, i) => (i % 2 === 0 ? randomRequest(next) : bridgeRequest(next)));
    const failures: string[] = [];
    const statuses = new Map<string, number>();
    // A few at a time: the host serves concurrent requests, and the machine is shared.
    for (let i = 0; i < requests.length; i += 8) {
      const batch = requests.slice(i, i + 8);
      const answers = await Promise.all(batch.map((r) => send(r)));
      answers.forEach((answer, j) => {
        const r = batch[j]!;
        statuses.set(String(answer.status), (statuses.get(String(answer.status)) ?? 0) + 1);
        if (answer.status === "closed" || (answer.status >= 500 && !r.deliberate?.includes(answer.status))) failures.push(`#${i + j} ${r.method} ${JSON.stringify(r.target)} ${JSON.stringify(r.headers)} ${r.body.length} → ${answer.status} ${JSON.stringify(answer.text.slice(0, 200))}`);
      });
    }
    expect(failures).toEqual([]);
    // The generator reaches the handlers, not only the router: some requests were understood, some refused.
    expect([...statuses.keys()]).toEqual(expect.arrayContaining(["200", "400", "401", "404"]));
    const health = await fetch(`${stack.hostUrl}/api/health`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: "ok", mode: "local" });
  }, 120_000);
});
