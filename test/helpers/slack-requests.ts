/**
 * Builds Slack requests the way Slack sends them: signed (`v0=` HMAC-SHA256 of `v0:<ts>:<raw body>`), form bodies
 * for slash commands and `payload=` forms for interactivity. Plus small recorders for the adapter's outputs.
 */
import { readSharedFixture } from "./shared-fixtures.js";
import { slackSignature } from "../../tools/local/slack-signer.js";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "../../commands/ports/logger.port.js";
import type { FetchLike } from "../../adapters/slack/response-url.client.js";
import type { RawHttpRequest, RawHttpResponse } from "../../adapters/http.js";
import { chatJob, type ChatJobSink } from "../../adapters/chat-job.js";
import { parseSlackJob, type SlackJob } from "../../adapters/slack/slack-jobs.js";

/** A test value: not a secret of any app. */
export const TEST_SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5";
export const TEST_BOT_TOKEN = "xoxb-0000000000-0000000000000-testtokennotreal";

export function readSlackFixture(name: string): string {
  return readSharedFixture(`slack/${name}`);
}

export function sign(body: string, timestampSeconds: number, secret = TEST_SIGNING_SECRET): string {
  return slackSignature(body, timestampSeconds, secret);
}

export interface SignOptions {
  readonly secret?: string;
  readonly timestampSeconds?: number;
  readonly contentType?: string;
  readonly headers?: Record<string, string>;
}

export function signedRequest(body: string, options: SignOptions = {}): RawHttpRequest {
  const ts = options.timestampSeconds ?? Math.floor(Date.now() / 1000);
  return {
    method: "POST",
    url: "/api/slack/events",
    headers: {
      "content-type": options.contentType ?? "application/x-www-form-urlencoded",
      "x-slack-request-timestamp": String(ts),
      "x-slack-signature": sign(body, ts, options.secret),
      ...options.headers,
    },
    body,
  };
}

/** The fixture's slash command with some fields replaced (same field order as Slack). */
export function slashCommandBody(overrides: Record<string, string> = {}): string {
  const params = new URLSearchParams(readSlackFixture("slash_command.docs-example.form.txt"));
  for (const [key, value] of Object.entries(overrides)) params.set(key, value);
  return params.toString();
}

export function interactionBody(payload: unknown): string {
  return `payload=${encodeURIComponent(JSON.stringify(payload))}`;
}

/** `state` of a `block_actions` payload: every input of the message, by block_id then action_id. */
export interface SlackState {
  readonly values: Record<string, Record<string, { readonly type: string; readonly value: string | null }>>;
}

/**
 * What Slack sends as `state` for a message: every `plain_text_input` of its input blocks, with what the user typed
 * (`typed`: by action_id, or one text for every box) or `null` for a box left empty (Slack's documented shape,
 * docs.slack.dev block_actions payload).
 */
export function typedState(blocks: readonly unknown[], typed: Record<string, string> | string = {}): SlackState {
  const values: Record<string, Record<string, { type: string; value: string | null }>> = {};
  for (const block of blocks as Record<string, unknown>[]) {
    const element = block["element"] as Record<string, unknown> | undefined;
    if (block["type"] !== "input" || element?.["type"] !== "plain_text_input") continue;
    const actionId = String(element["action_id"]);
    const value = typeof typed === "string" ? typed : (typed[actionId] ?? null);
    values[String(block["block_id"])] = { [actionId]: { type: "plain_text_input", value } };
  }
  return { values };
}

/** A `block_actions` click on one of our buttons, shaped like the published example (with `state` when given). */
export function buttonClick(options: {
  actionId: string;
  value: string;
  userId: string;
  userName?: string;
  channelId: string;
  responseUrl: string;
  messageTs: string;
  triggerId: string;
  state?: SlackState;
}): unknown {
  const example = JSON.parse(readSlackFixture("block_actions.docs-example.json")) as Record<string, unknown>;
  return {
    ...example,
    ...(options.state ? { state: options.state } : {}),
    user: { id: options.userId, username: options.userName ?? options.userId, team_id: "T9TK3CUKW" },
    container: { type: "message", message_ts: options.messageTs, channel_id: options.channelId, is_ephemeral: false },
    trigger_id: options.triggerId,
    channel: { id: options.channelId, name: "ml-ops" },
    message: { type: "message", ts: options.messageTs, text: "preview" },
    response_url: options.responseUrl,
    actions: [{ action_id: options.actionId, block_id: "b1", value: options.value, type: "button", action_ts: "1548426417.840180", text: { type: "plain_text", text: options.actionId } }],
  };
}

export function recordingFetch(status = 200): { fetch: FetchLike; posts: { url: string; body: Record<string, unknown> }[] } {
  const posts: { url: string; body: Record<string, unknown> }[] = [];
  const fetch: FetchLike = async (url, init) => {
    posts.push({ url, body: JSON.parse(init.body) as Record<string, unknown> });
    return { ok: status < 400, status, text: async () => (status < 400 ? "ok" : "error") };
  };
  return { fetch, posts };
}

/** A queued Slack command as the bridge builds it: `text` from `userId` in `channelId`, answered through `responseUrl`. */
export function slackCommandJob(o: { id: string; text: string; responseUrl: string; userId: string; userName?: string; channelId: string }): SlackJob {
  return chatJob(`slack:T0:${o.id}`, {
    platform: "slack",
    correlationId: `corr-${o.id}`,
    actor: { userId: o.userId, ...(o.userName ? { displayName: o.userName } : {}) },
    channelId: o.channelId,
    request: { text: o.text },
    address: { responseUrl: o.responseUrl, triggerId: o.id },
  });
}

/** A job sink that keeps what it is given, read as the Slack worker reads it. */
export function recordingJobs(fail?: () => Error): ChatJobSink & { jobs: SlackJob[] } {
  const jobs: SlackJob[] = [];
  return {
    jobs,
    async enqueue(job) {
      if (fail) throw fail();
      jobs.push(parseSlackJob(job));
    },
  };
}

export type LogLine = { level: "info" | "warn" | "error"; message: string; fields: Record<string, unknown> | undefined };

export function memoryLogger(): Logger & { lines: LogLine[] } {
  const lines: LogLine[] = [];
  return {
    lines,
    info: (message, fields) => void lines.push({ level: "info", message, fields }),
    warn: (message, fields) => void lines.push({ level: "warn", message, fields }),
    error: (message, fields) => void lines.push({ level: "error", message, fields }),
  };
}

/** A loopback HTTP server in front of `handle`, as a host would be: raw body in, response out. */
export async function serveRaw(handle: (req: RawHttpRequest) => Promise<RawHttpResponse>): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(", ") : v;
      void handle({ method: req.method ?? "GET", url: req.url ?? "/", headers, body: Buffer.concat(chunks).toString("utf8") }).then((out) => {
        res.writeHead(out.status, out.headers);
        res.end(out.body ?? "");
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
