/**
 * A stand-in for the Slack Web API and for response URLs, on loopback, for tests and `npm start`. It keeps the
 * conversation as Slack would show it: `chat.postMessage` / `postEphemeral` / `update`, file uploads
 * (`files.getUploadURLExternal` → upload → `files.completeUploadExternal`, i.e. `files.uploadV2`), and POSTs to
 * the response URLs it minted, which apply `replace_original` / `delete_original` to the message that URL last
 * produced (at most 5 posts per URL, as Slack). Web API calls need `Authorization: Bearer xoxb-…` and answer
 * like Slack: HTTP 200 with `{ ok: true, … }` or `{ ok: false, error }`, with the token's scopes in `x-oauth-scopes`
 * (the manifest's; `setScopes` changes them); `auth.test` names the local bot. `usergroups.list` serves the configured
 * groups. Uploaded files keep their bytes (a chart PNG stays a PNG). `GET /__messages` (also under `/api/`) returns
 * the conversation as JSON, a file's bytes as `contentBase64`. For a client in another process
 * that plays Slack's part: `POST /__mint` mints a response URL, `POST /__ack` records a slash command's ack, and
 * `GET /__responses/{id}` returns the message a response URL last produced. `holdNextResponse` delays one post, as
 * a slow network would, for tests that kill the sender while its final message is on the wire.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { NEEDED_SLACK_SCOPES } from "../../commands/doctor/needed-access.js";
import { LOCAL_SLACK } from "../../src/config/local-defaults.js";

export interface StandInUsergroup {
  readonly id: string;
  readonly handle?: string;
  readonly users: readonly string[];
}

export interface RecordedSlackMessage {
  readonly ts: string;
  readonly channel: string;
  readonly visibility: "in_channel" | "ephemeral";
  /** The one user who sees an ephemeral message. */
  readonly user?: string;
  readonly via: "ack" | "response_url" | "chat.postMessage" | "chat.postEphemeral" | "files.completeUploadExternal";
  text: string;
  blocks: unknown[];
  deleted: boolean;
  /** Earlier versions, oldest first. */
  readonly history: { text: string; blocks: unknown[] }[];
  readonly threadTs?: string;
  readonly files?: readonly RecordedSlackFile[];
}

export interface RecordedSlackFile {
  readonly id: string;
  readonly filename: string;
  readonly title: string;
  /** The bytes as uploaded (shown as `contentBase64` by `GET /__messages`). */
  readonly content: Buffer;
}

export interface RecordedSlackCall {
  /** Web API method, `response_url` or `upload`. */
  readonly method: string;
  readonly args: Record<string, unknown>;
}

export interface SlackApiStandIn {
  /** The `slackApiUrl`: `http://127.0.0.1:<port>/api/`. */
  readonly url: string;
  /** Mints `http://127.0.0.1:<port>/response/<id>`; `original` is the ts of the message it acts on (a click). */
  responseUrl(id: string, options?: { channel?: string; user?: string; original?: string }): string;
  /** The immediate HTTP answer to the request that carried this response URL (a slash command's ack). */
  recordAck(responseUrl: string, body: unknown): RecordedSlackMessage | undefined;
  readonly messages: readonly RecordedSlackMessage[];
  readonly calls: readonly RecordedSlackCall[];
  setUsergroups(groups: readonly StandInUsergroup[]): void;
  /** The next call of `method` answers `{ ok: false, error }`. */
  failNext(method: string, error?: string): void;
  /** The scopes the bot token carries, sent as Slack does in every Web API answer's `x-oauth-scopes` header. */
  setScopes(scopes: readonly string[]): void;
  /**
   * Holds the next response URL post whose text includes `textIncludes` for `ms`, as a slow network would; if the
   * sender's connection is gone by then (its process was killed), the post is dropped as if it never arrived.
   */
  holdNextResponse(rule: { readonly textIncludes: string; readonly ms: number }): void;
  /**
   * Calls `listener` with each message as it is posted, edited or deleted (the Slack-like page streams these to the
   * browser); returns the function that stops it.
   */
  onChange(listener: (message: RecordedSlackMessage) => void): () => void;
  waitFor<T>(predicate: (messages: readonly RecordedSlackMessage[]) => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

interface Minted {
  readonly channel: string;
  readonly user: string;
  last?: string;
  uses: number;
}

type Args = Record<string, unknown>;

/** The scopes of an app installed from deploy/slack-app-manifest.yaml: every one the bot needs. */
export const INSTALLED_SCOPES: readonly string[] = NEEDED_SLACK_SCOPES.map((s) => s.scope);

export async function startSlackApiStandIn(options: { port?: number; usergroups?: readonly StandInUsergroup[]; scopes?: readonly string[] } = {}): Promise<SlackApiStandIn> {
  const messages: RecordedSlackMessage[] = [];
  const calls: RecordedSlackCall[] = [];
  const minted = new Map<string, Minted>();
  const uploads = new Map<string, { filename: string; content?: Buffer }>();
  const failures = new Map<string, string>();
  let hold: { readonly textIncludes: string; readonly ms: number } | undefined;
  const listeners = new Set<(message: RecordedSlackMessage) => void>();
  // A listener's failure is its own: the bot's Web API call that made the change still succeeds.
  const changed = (message: RecordedSlackMessage): void => {
    for (const listener of listeners) {
      try {
        listener(message);
      } catch {
        // ignored
      }
    }
  };
  let usergroups = options.usergroups ?? [];
  let scopes = options.scopes ?? INSTALLED_SCOPES;
  let counter = 0;
  let origin = "";

  const nextTs = (): string => `${Math.floor(Date.now() / 1000)}.${String(++counter).padStart(6, "0")}`;
  const find = (ts: string | undefined): RecordedSlackMessage | undefined => messages.find((m) => m.ts === ts && !m.deleted);
  const add = (m: Omit<RecordedSlackMessage, "ts" | "deleted" | "history">): RecordedSlackMessage => {
    const message: RecordedSlackMessage = { ...m, ts: nextTs(), deleted: false, history: [] };
    messages.push(message);
    changed(message);
    return message;
  };
  const blocksOf = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const edit = (m: RecordedSlackMessage, a: Args): void => {
    m.history.push({ text: m.text, blocks: m.blocks });
    [m.text, m.blocks] = [typeof a["text"] === "string" ? a["text"] : "", blocksOf(a["blocks"])];
    changed(m);
  };
  const hasContent = (a: Args): boolean => (typeof a["text"] === "string" && a["text"] !== "") || blocksOf(a["blocks"]).length > 0;

  /** `replace_original` / `delete_original` / new message, as a response URL (or the ack) would. */
  const respond = (state: Minted, body: Args, via: "ack" | "response_url"): [number, Args, RecordedSlackMessage?] => {
    const last = find(state.last);
    if (body["delete_original"] === true) {
      if (!last) return [404, { ok: false, error: "message_not_found" }];
      last.deleted = true;
      changed(last);
      return [200, { ok: true }];
    }
    if (!hasContent(body)) return [400, { ok: false, error: "no_text" }];
    if (body["replace_original"] === true && last) {
      edit(last, body);
      return [200, { ok: true }, last];
    }
    const visibility = body["response_type"] === "in_channel" ? "in_channel" : "ephemeral";
    const recipient = visibility === "ephemeral" ? { user: state.user } : {};
    const message = add({ channel: state.channel, visibility, ...recipient, via, text: String(body["text"] ?? ""), blocks: blocksOf(body["blocks"]) });
    state.last = message.ts;
    return [200, { ok: true }, message];
  };

  const webApi = (method: string, a: Args): Args => {
    const failure = failures.get(method);
    if (failures.delete(method)) return { ok: false, error: failure };
    const str = (key: string): string | undefined => (typeof a[key] === "string" && a[key] !== "" ? (a[key] as string) : undefined);
    switch (method) {
      case "auth.test":
        // The local bot's ids, which the local config holds (LOCAL_SLACK), as a real app's auth.test gives its own.
        return { ok: true, url: `${origin}/`, team: "Local", team_id: "T0LOCAL", user_id: LOCAL_SLACK.botUserId, bot_id: LOCAL_SLACK.botId };
      case "chat.postMessage": {
        const channel = str("channel");
        if (!channel) return { ok: false, error: "channel_not_found" };
        if (!hasContent(a)) return { ok: false, error: "no_text" };
        const thread = str("thread_ts");
        const m = add({ channel, visibility: "in_channel", via: "chat.postMessage", text: str("text") ?? "", blocks: blocksOf(a["blocks"]), ...(thread ? { threadTs: thread } : {}) });
        return { ok: true, channel, ts: m.ts, message: { type: "message", text: m.text, ts: m.ts } };
      }
      case "chat.postEphemeral": {
        const channel = str("channel");
        const user = str("user");
        if (!channel) return { ok: false, error: "channel_not_found" };
        if (!user) return { ok: false, error: "user_not_in_channel" };
        if (!hasContent(a)) return { ok: false, error: "no_text" };
        const m = add({ channel, user, visibility: "ephemeral", via: "chat.postEphemeral", text: str("text") ?? "", blocks: blocksOf(a["blocks"]) });
        return { ok: true, message_ts: m.ts };
      }
      case "chat.update": {
        const m = find(str("ts"));
        if (!m || m.channel !== str("channel") || m.visibility !== "in_channel") return { ok: false, error: "message_not_found" };
        if (!hasContent(a)) return { ok: false, error: "no_text" };
        edit(m, a);
        return { ok: true, channel: m.channel, ts: m.ts, text: m.text };
      }
      case "usergroups.list": {
        const withUsers = a["include_users"] === true || a["include_users"] === "true" || a["include_users"] === "1";
        const list = usergroups.map((g) => ({ id: g.id, team_id: "T0LOCAL", handle: g.handle ?? g.id.toLowerCase(), name: g.handle ?? g.id, ...(withUsers ? { users: [...g.users], user_count: g.users.length } : {}) }));
        return { ok: true, usergroups: list };
      }
      case "conversations.open": {
        const users = str("users");
        return users ? { ok: true, channel: { id: `D${users.split(",")[0]}` } } : { ok: false, error: "users_list_not_supplied" };
      }
      case "files.getUploadURLExternal": {
        const filename = str("filename");
        if (!filename || !(Number(a["length"]) > 0)) return { ok: false, error: "invalid_arguments" };
        const fileId = `F${String(++counter).padStart(8, "0")}`;
        uploads.set(fileId, { filename });
        return { ok: true, upload_url: `${origin}/upload/${fileId}`, file_id: fileId };
      }
      case "files.completeUploadExternal": {
        const files = Array.isArray(a["files"]) ? (a["files"] as { id?: string; title?: string }[]) : [];
        const done = files.map((f) => ({ id: f.id ?? "", title: f.title ?? "", upload: uploads.get(f.id ?? "") }));
        if (done.length === 0 || done.some((f) => f.upload?.content === undefined)) return { ok: false, error: "file_not_found" };
        const shared = done.map((f) => ({ id: f.id, filename: f.upload!.filename, title: f.title || f.upload!.filename, content: f.upload!.content! }));
        const channel = str("channel_id");
        const thread = str("thread_ts");
        if (channel) add({ channel, visibility: "in_channel", via: "files.completeUploadExternal", text: str("initial_comment") ?? "", blocks: [], files: shared, ...(thread ? { threadTs: thread } : {}) });
        return { ok: true, files: shared.map((f) => ({ id: f.id, name: f.filename, title: f.title })) };
      }
      default:
        return { ok: false, error: "unknown_method" };
    }
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => send(res, 500, { ok: false, error: "internal_error" }));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = new URL(req.url ?? "/", origin).pathname;
    const raw = await readBody(req);
    if (req.method === "GET" && (path === "/__messages" || path === "/api/__messages")) return send(res, 200, messages.map(messageJson));
    // Control routes for a client in another process (`npm run slack`), which plays Slack's part.
    const produced = /^\/__responses\/([^/]+)$/.exec(path);
    if (req.method === "GET" && produced) {
      const message = find(minted.get(decodeURIComponent(produced[1]!))?.last);
      return message ? send(res, 200, messageJson(message)) : send(res, 404, { ok: false, error: "no_message" });
    }
    if (req.method !== "POST") return send(res, 405, { ok: false, error: "method_not_allowed" });
    if (path === "/__mint") {
      const a = parseArgs(raw.toString("utf8"), "application/json");
      const id = `r${Date.now().toString(36)}${String(++counter)}`;
      return send(res, 200, { ok: true, id, responseUrl: mint(id, { channel: String(a["channel"] ?? "C0LOCAL"), user: String(a["user"] ?? "U0LOCALADMIN") }) });
    }
    if (path === "/__ack") {
      const a = parseArgs(raw.toString("utf8"), "application/json");
      const message = recordAck(String(a["responseUrl"] ?? ""), a["body"]);
      return send(res, message ? 200 : 404, message ?? { ok: false, error: "expired_url" });
    }
    const response = /^\/(?:api\/)?response\/([^/]+)$/.exec(path);
    if (response) {
      const id = decodeURIComponent(response[1]!);
      const state = minted.get(id);
      const body = parseArgs(raw.toString("utf8"), req.headers["content-type"]);
      if (hold && String(body["text"] ?? "").includes(hold.textIncludes)) {
        const { ms } = hold;
        hold = undefined;
        await new Promise((resolve) => setTimeout(resolve, ms));
        if (req.socket.destroyed) return;
      }
      calls.push({ method: "response_url", args: { id, ...body } });
      if (!state) return send(res, 404, { ok: false, error: "expired_url" });
      if (state.uses >= 5) return send(res, 404, { ok: false, error: "used_url" });
      state.uses++;
      const [status, answer] = respond(state, body, "response_url");
      return send(res, status, answer);
    }
    const upload = /^\/upload\/([^/]+)$/.exec(path);
    if (upload) {
      const entry = uploads.get(upload[1]!);
      calls.push({ method: "upload", args: { fileId: upload[1], bytes: raw.length } });
      if (!entry) return send(res, 404, "not found");
      entry.content = multipartContent(raw, req.headers["content-type"]);
      return send(res, 200, `OK - ${raw.length}`);
    }
    const api = /^\/api\/([A-Za-z.]+)$/.exec(path);
    if (!api) return send(res, 404, { ok: false, error: "unknown_method" });
    const args = parseArgs(raw.toString("utf8"), req.headers["content-type"]);
    delete args["token"];
    calls.push({ method: api[1]!, args });
    const auth = req.headers.authorization;
    if (!auth) return send(res, 200, { ok: false, error: "not_authed" });
    if (!/^Bearer xoxb-[A-Za-z0-9-]+$/.test(auth)) return send(res, 200, { ok: false, error: "invalid_auth" });
    return send(res, 200, webApi(api[1]!, args), { "x-oauth-scopes": scopes.join(",") });
  }

  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(options.port ?? 0, "127.0.0.1", () => resolve()));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  function mint(id: string, options: { channel?: string; user?: string; original?: string } = {}): string {
    minted.set(id, { channel: options.channel ?? "C0LOCAL", user: options.user ?? "U0LOCALADMIN", uses: 0, ...(options.original ? { last: options.original } : {}) });
    return `${origin}/response/${encodeURIComponent(id)}`;
  }

  function recordAck(url: string, body: unknown): RecordedSlackMessage | undefined {
    const id = decodeURIComponent(url.split("/response/")[1] ?? url);
    const state = minted.get(id);
    const parsed = typeof body === "string" ? (body.trim().startsWith("{") ? (JSON.parse(body) as Args) : { text: body }) : ((body ?? {}) as Args);
    if (!state || !hasContent(parsed)) return undefined;
    return respond(state, { ...parsed, replace_original: false }, "ack")[2];
  }

  return {
    url: `${origin}/api/`,
    responseUrl: mint,
    recordAck,
    get messages() {
      return messages;
    },
    get calls() {
      return calls;
    },
    setUsergroups(groups) {
      usergroups = groups;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    holdNextResponse(rule) {
      hold = rule;
    },
    failNext(method, error = "internal_error") {
      failures.set(method, error);
    },
    setScopes(list) {
      scopes = list;
    },
    async waitFor(predicate, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = predicate(messages);
        if (found !== undefined && found !== null && found !== false) return found;
        if (Date.now() > deadline) throw new Error(`slack stand-in: condition not met within ${timeoutMs} ms (${messages.length} messages)`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** JSON, or a form whose structured fields (blocks, files, …) are JSON strings, as the WebClient sends them. */
function parseArgs(text: string, contentType: string | undefined): Args {
  if ((contentType ?? "").includes("application/json")) {
    try {
      const value: unknown = JSON.parse(text || "{}");
      return value && typeof value === "object" && !Array.isArray(value) ? (value as Args) : {};
    } catch {
      return {};
    }
  }
  const args: Args = {};
  for (const [key, value] of new URLSearchParams(text)) {
    try {
      args[key] = /^[[{]/.test(value) ? JSON.parse(value) : value;
    } catch {
      args[key] = value;
    }
  }
  return args;
}

/**
 * The first part's bytes of a multipart body (the WebClient uploads one file per request), else the body. Cut
 * from the Buffer, never decoded as text: a PNG is not UTF-8 and would come back with U+FFFD in place of its bytes.
 */
function multipartContent(raw: Buffer, contentType: string | undefined): Buffer {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/i.exec(contentType ?? "");
  if (!boundary) return raw;
  const delimiter = Buffer.from(`--${boundary[1] ?? boundary[2]}`, "latin1");
  const open = raw.indexOf(delimiter);
  const headersEnd = open < 0 ? -1 : raw.indexOf("\r\n\r\n", open + delimiter.length, "latin1");
  if (headersEnd < 0) return raw;
  const start = headersEnd + 4;
  const close = raw.indexOf(Buffer.concat([Buffer.from("\r\n", "latin1"), delimiter]), start);
  return Buffer.from(raw.subarray(start, close < 0 ? raw.length : close));
}

/** A message as `GET /__messages` shows it: a file's bytes as base64, with their count. */
function messageJson(message: RecordedSlackMessage): unknown {
  if (!message.files) return message;
  return { ...message, files: message.files.map(({ content, ...file }) => ({ ...file, size: content.length, contentBase64: content.toString("base64") })) };
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = typeof body === "string" ? body : JSON.stringify(body);
  res.writeHead(status, { "content-type": typeof body === "string" ? "text/plain; charset=utf-8" : "application/json; charset=utf-8", ...headers });
  res.end(text);
}
