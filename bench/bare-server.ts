/**
 * Child process of the bench: the baseline. A bare `node:http` server that does what the bot's ack path must do
 * at least — read the body, check Slack's signature (HMAC-SHA256 of `v0:<ts>:<body>`, constant-time compare,
 * 5-minute window both ways), read the form — and answers with the same ack JSON the bot sent for that command
 * text (BENCH_BARE_ACKS, captured from the bot by the bench), so both put the same bytes on the wire.
 * No framework, no storage: the floor the bot is compared with.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import { exitWithParent } from "./parent-watchdog.js";

exitWithParent();

const secret = process.env["SLACK_SIGNING_SECRET"] ?? "";
const acks = JSON.parse(process.env["BENCH_BARE_ACKS"] ?? "{}") as Record<string, string>;
const FALLBACK_ACK = JSON.stringify({ response_type: "in_channel", text: "⏳ Working on it…" });
const MAX_SKEW_SECONDS = 5 * 60;

function authentic(req: IncomingMessage, body: Buffer): boolean {
  const signature = req.headers["x-slack-signature"];
  const timestamp = Number(req.headers["x-slack-request-timestamp"]);
  if (typeof signature !== "string" || !Number.isInteger(timestamp)) return false;
  if (Math.abs(Date.now() / 1000 - timestamp) > MAX_SKEW_SECONDS) return false;
  const expected = Buffer.from(`v0=${createHmac("sha256", secret).update(`v0:${timestamp}:`).update(body).digest("hex")}`);
  const given = Buffer.from(signature);
  return given.length === expected.length && timingSafeEqual(given, expected);
}

function serve(req: IncomingMessage, res: ServerResponse, body: Buffer): void {
  if (req.method !== "POST" || req.url !== "/api/slack/events") {
    res.writeHead(404).end();
    return;
  }
  if (!authentic(req, body)) {
    res.writeHead(401).end();
    return;
  }
  const text = new URLSearchParams(body.toString("utf8")).get("text") ?? "";
  res.writeHead(200, { "content-type": "application/json; charset=utf-8" }).end(acks[text] ?? FALLBACK_ACK);
}

const server = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (chunk: Buffer) => chunks.push(chunk));
  req.on("end", () => serve(req, res, Buffer.concat(chunks)));
});
server.listen(Number(process.env["PORT"] ?? 7072), "127.0.0.1", () => process.stdout.write("bare server listening\n"));
