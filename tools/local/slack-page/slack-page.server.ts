/**
 * The Slack-like page of `npm start` (issue 14 §2): a Slack channel in the browser over the Slack stand-in. The
 * page's script (web/) draws what this server renders; this server plays Slack's servers:
 *
 * - GET  /                     the page; /static/* its script and styles
 * - GET  /api/session          the local users (role and what they approve, from the local config's policy) and
 *                              the verbs, for the composer's command menu
 * - GET  /api/messages?user=U  what user U sees (channel messages and their own ephemeral ones), as message rows
 * - GET  /api/events?user=U    the same as server-sent events: a `snapshot`, then a `message` each time the bot
 *                              posts, edits (chat.update, a response_url's replace_original) or deletes one
 * - POST /api/command          `{ text, user, channel }`: a slash command, signed and sent to the bot's real route
 * - POST /api/action           `{ ts, actionId, value, user, typed }`: a button click, as a signed `block_actions`
 * - GET  /api/emulator         the AML emulator's live state for the side panel
 * - GET  /files/{id}           an uploaded file's bytes (a chart PNG is shown as the picture)
 *
 * The signing secret never leaves this process. POSTs must be JSON from this page's own origin and every request
 * must name this server as its Host, so another site open in the same browser cannot drive the bot through it.
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { fileURLToPath } from "node:url";
import { VerbTable } from "../../../commands/verb-table.js";
import { allVerbs } from "../../../commands/verbs/all-verbs.js";
import { LOCAL_FILE_CONFIG, LOCAL_USERS } from "../../../src/config/local-defaults.js";
import type { RecordedSlackMessage, SlackApiStandIn } from "../slack-api.stand-in.js";
import { readEmulatorPanel, type EmulatorAt } from "./emulator-panel.js";
import { messageView, type Invocation, type MessageView } from "./slack-message.html.js";
import { sendButtonClick, sendSlashCommand, type SlackSender } from "./slack-page.requests.js";
import type { MrkdwnNames } from "./mrkdwn.html.js";

export interface SlackPageOptions {
  readonly slack: SlackApiStandIn;
  /** The bot's local host (`http://127.0.0.1:7071`). */
  readonly hostUrl: string;
  readonly signingSecret: string;
  /** The AML emulator, for the side panel; without it the panel says so. */
  readonly emulator?: EmulatorAt;
  /** Default 0 (any free port); `npm start` uses SLACK_PAGE_PORT, else 7430. */
  readonly port?: number;
}

export interface SlackPage {
  readonly url: string;
  close(): Promise<void>;
}

export interface PageUser {
  readonly key: string;
  readonly id: string;
  readonly role: string;
  /** Endpoints whose changes this user may approve (four eyes), from the policy's approvals. */
  readonly approves: readonly string[];
}

/** Channels the local stack's tools use, by the names a team would give them. */
const CHANNELS: Readonly<Record<string, string>> = { C0LOCAL: "ml-ops", C0ALERTS: "ml-alerts" };
const WEB = fileURLToPath(new URL("./web/", import.meta.url));
const STATIC: Readonly<Record<string, string>> = {
  "slack-page.js": "text/javascript; charset=utf-8",
  "command-menu.js": "text/javascript; charset=utf-8",
  "emulator-panel.js": "text/javascript; charset=utf-8",
  "slack-page.css": "text/css; charset=utf-8",
};
const MAX_BODY_BYTES = 64 * 1024;
const KEEP_ALIVE_MS = 15_000;

/** The local users, with the role the local config's policy gives their Slack id and what they approve. */
export function pageUsers(): PageUser[] {
  const policy = LOCAL_FILE_CONFIG.policy;
  return Object.entries(LOCAL_USERS).map(([key, user]) => {
    const qualified = `slack:${user.slack}`;
    const role = policy?.bindings?.find((b) => b.users?.includes(qualified))?.role ?? policy?.defaultRole ?? "viewer";
    const approves = (policy?.approvals ?? []).filter((rule) => rule.approvers.users?.includes(qualified)).flatMap((rule) => rule.endpoints ?? [`all of ${rule.workspace}`]);
    return { key, id: user.slack, role, approves };
  });
}

export async function startSlackPage(options: SlackPageOptions): Promise<SlackPage> {
  const { slack } = options;
  const users = pageUsers();
  // The composer's command menu, from the table the bot itself parses with (hidden button verbs left out).
  const verbs = new VerbTable(allVerbs()).verbs.map((v) => ({ name: v.name, usage: v.usage, summary: v.summary }));
  const sender: SlackSender = { slack, hostUrl: options.hostUrl, signingSecret: options.signingSecret };
  const invocations = new Map<string, Invocation>();
  const names: MrkdwnNames = { user: (id) => users.find((u) => u.id === id)?.key, channel: (id) => CHANNELS[id] };
  const view = (m: RecordedSlackMessage): MessageView => {
    const invocation = invocations.get(m.ts);
    return messageView(m, { names, ...(invocation ? { invocation } : {}) });
  };
  const streams = new Set<{ readonly user: PageUser; readonly res: ServerResponse }>();
  const publish = (m: RecordedSlackMessage): void => {
    for (const stream of streams) if (concerns(m, stream.user)) sse(stream.res, "message", view(m));
  };
  const unsubscribe = slack.onChange(publish);

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      if (!res.headersSent) json(res, 500, { error: error instanceof Error ? error.message : String(error) });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(options.port ?? 0, "127.0.0.1", () => resolve()));
  const port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/`;
  const hosts = new Set([`127.0.0.1:${port}`, `localhost:${port}`]);
  const keepAlive = setInterval(() => {
    for (const stream of streams) if (!stream.res.destroyed) stream.res.write(": keep-alive\n\n");
  }, KEEP_ALIVE_MS);

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    if (!hosts.has(req.headers.host ?? "")) return json(res, 421, { error: "This page answers at 127.0.0.1 only." });
    const target = new URL(req.url ?? "/", url);
    const path = target.pathname;
    const user = userOf(target.searchParams.get("user"));
    if (req.method === "GET") {
      if (path === "/") return sendFile(res, "index.html", "text/html; charset=utf-8");
      const asset = /^\/static\/([\w.-]+)$/.exec(path);
      if (asset && STATIC[asset[1]!]) return sendFile(res, asset[1]!, STATIC[asset[1]!]!);
      if (path === "/api/session") return json(res, 200, { users, channels: CHANNELS, defaultChannel: "C0LOCAL", verbs });
      if (path === "/api/messages") return json(res, 200, visible(user));
      if (path === "/api/events") return openStream(req, res, user);
      if (path === "/api/emulator") return emulatorPanel(res);
      const file = /^\/files\/([^/]+)$/.exec(path);
      if (file) return sendUpload(res, decodeURIComponent(file[1]!));
      return json(res, 404, { error: `Nothing at ${path}.` });
    }
    if (req.method !== "POST") return json(res, 405, { error: "GET or POST only." });
    const origin = req.headers.origin;
    if (origin !== undefined && !hosts.has(origin.replace(/^http:\/\//, ""))) return json(res, 403, { error: "Requests from other sites are refused." });
    if (!(req.headers["content-type"] ?? "").startsWith("application/json")) return json(res, 415, { error: "Send JSON (application/json)." });
    const body = await readJson(req);
    if (body === undefined) return json(res, 400, { error: `The body must be a JSON object under ${MAX_BODY_BYTES} bytes.` });
    if (path === "/api/command") return command(res, body);
    if (path === "/api/action") return action(res, body);
    return json(res, 404, { error: `Nothing at ${path}.` });
  }

  /** Slack shows a channel's messages to everyone and an ephemeral one, or a DM, only to its person. */
  function concerns(m: RecordedSlackMessage, user: PageUser): boolean {
    if (m.visibility === "ephemeral") return m.user === user.id;
    return !m.channel.startsWith("D") || m.channel === `D${user.id}`;
  }

  function visible(user: PageUser): MessageView[] {
    return slack.messages.filter((m) => !m.deleted && concerns(m, user)).map(view);
  }

  function openStream(req: IncomingMessage, res: ServerResponse, user: PageUser): void {
    res.writeHead(200, { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", connection: "keep-alive" });
    const stream = { user, res };
    streams.add(stream);
    // A browser that goes away mid-write is not an error of this server.
    res.on("error", () => streams.delete(stream));
    sse(res, "snapshot", visible(user));
    req.on("close", () => streams.delete(stream));
  }

  async function command(res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const typed = String(body["text"] ?? "").trim();
    if (typed === "") return json(res, 400, { error: "Type a command, such as /aml show fraud-scorer." });
    const user = userOf(body["user"]);
    const channelId = typeof body["channel"] === "string" && /^[CDG][A-Z0-9]+$/.test(body["channel"]) ? body["channel"] : "C0LOCAL";
    // Typed without the slash (`show x`), it is the bot's command, as `aml show x` is in Teams.
    const match = /^(\/\S+)\s*([\s\S]*)$/.exec(typed);
    const [name, text] = match ? [match[1]!, match[2]!] : ["/aml", typed.replace(/^aml\s+/i, "")];
    const answer = await sendSlashCommand(sender, { command: name, text, userId: user.id, userName: user.key, channelId });
    if (answer.ack) {
      invocations.set(answer.ack.ts, { userName: user.key, command: `${name} ${text}`.trim() });
      publish(answer.ack);
    }
    return json(res, answer.status === 200 ? 200 : 502, { status: answer.status, ...(answer.status === 200 ? {} : { error: answer.body || `The bot answered HTTP ${answer.status}.` }) });
  }

  async function action(res: ServerResponse, body: Record<string, unknown>): Promise<void> {
    const user = userOf(body["user"]);
    const message = slack.messages.find((m) => m.ts === body["ts"] && !m.deleted && concerns(m, user));
    if (!message) return json(res, 404, { error: "That message is gone (or is not yours to see)." });
    const typed = body["typed"] && typeof body["typed"] === "object" ? (body["typed"] as Record<string, unknown>) : {};
    const answer = await sendButtonClick(sender, {
      message,
      actionId: String(body["actionId"] ?? ""),
      value: String(body["value"] ?? ""),
      userId: user.id,
      userName: user.key,
      typed: Object.fromEntries(Object.entries(typed).map(([k, v]) => [k, String(v ?? "")])),
    });
    return json(res, answer.status === 200 ? 200 : answer.status === 400 ? 400 : 502, { status: answer.status, ...(answer.status === 200 ? {} : { error: answer.body || `The bot answered HTTP ${answer.status}.` }) });
  }

  async function emulatorPanel(res: ServerResponse): Promise<void> {
    if (!options.emulator) return json(res, 503, { error: "No AML emulator is connected to this page." });
    try {
      return json(res, 200, await readEmulatorPanel(options.emulator));
    } catch (error) {
      return json(res, 502, { error: `The AML emulator at ${options.emulator.url} did not answer: ${error instanceof Error ? error.message : String(error)}` });
    }
  }

  function sendUpload(res: ServerResponse, id: string): void {
    const file = slack.messages.flatMap((m) => m.files ?? []).find((f) => f.id === id);
    if (!file) return json(res, 404, { error: `No file ${id}.` });
    res.writeHead(200, { "content-type": contentTypeOf(file.filename), "content-length": file.content.length, "cache-control": "no-store" }).end(file.content);
  }

  function userOf(value: unknown): PageUser {
    return users.find((u) => u.id === value || u.key === value) ?? users[0]!;
  }

  return {
    url,
    async close() {
      unsubscribe();
      clearInterval(keepAlive);
      for (const stream of streams) stream.res.end();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

function sse(res: ServerResponse, event: string, data: unknown): void {
  if (!res.writableEnded && !res.destroyed) res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8", "cache-control": "no-store" }).end(JSON.stringify(body));
}

async function sendFile(res: ServerResponse, name: string, type: string): Promise<void> {
  const content = await readFile(`${WEB}${name}`);
  res.writeHead(200, { "content-type": type, "cache-control": "no-store" }).end(content);
}

function contentTypeOf(filename: string): string {
  const ext = /\.([a-z0-9]+)$/i.exec(filename)?.[1]?.toLowerCase() ?? "";
  const types: Record<string, string> = { png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp", json: "application/json" };
  return types[ext] ?? "text/plain; charset=utf-8";
}

async function readJson(req: IncomingMessage): Promise<Record<string, unknown> | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) return undefined;
    chunks.push(chunk as Buffer);
  }
  try {
    const value: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    return value && typeof value === "object" && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
