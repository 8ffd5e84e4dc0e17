/**
 * A stand-in for the Bot Framework connector (the Teams `serviceUrl`), on loopback, for tests and `npm start`:
 * the REST calls botbuilder's ConnectorClient makes, recorded as Teams would show the conversation.
 *
 *   POST /v3/conversations                                   create (a 1:1 chat: the same one again per member)
 *   POST /v3/conversations/{conversationId}/activities       send a message
 *   POST /v3/conversations/{conversationId}/activities/{id}  reply to a message (threaded under it)
 *   PUT  /v3/conversations/{conversationId}/activities/{id}  update a message the bot posted
 *   DELETE /v3/conversations/{conversationId}/activities/{id}
 * (for an update or a delete, a channel's thread id `19:…;messageid=<root>` names the channel's messages too)
 *
 * Answers as the connector does: `{ id }` for sends, `{ id, activityId? }` for creates, 404 with
 * `{ error: { code, message } }` for an unknown message, 413 above Teams' ~28 KB per message. Locally nothing
 * authenticates (anonymous mode); whether a call carried a bearer token is recorded.
 *
 * For a client in another process (`npm run teams`): `GET /__messages` (optionally `?conversation=<id>`) returns
 * the recorded messages with their update history, `GET /__conversations` the conversations it created.
 */
import { createHash } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { teamsUserId } from "./teams-activities.js";

export interface RecordedTeamsMessage {
  readonly id: string;
  readonly conversationId: string;
  readonly via: "send" | "reply";
  readonly replyToId?: string;
  readonly type: string;
  text?: string;
  summary?: string;
  attachments: unknown[];
  deleted: boolean;
  /** Earlier versions, oldest first. */
  readonly history: { text?: string; summary?: string; attachments: unknown[] }[];
  /** Whether the call carried `Authorization: Bearer …`. */
  readonly authorized: boolean;
}

export interface StandInTeamsConversation {
  readonly id: string;
  readonly isGroup: boolean;
  readonly tenantId?: string;
  readonly members: readonly { id: string; name?: string }[];
}

export interface RecordedConnectorCall {
  readonly method: string;
  /** Decoded: `/v3/conversations/<id>/activities/<activityId>`. */
  readonly path: string;
  readonly body: unknown;
  readonly status: number;
}

export type ConnectorOperation = "create" | "send" | "reply" | "update" | "delete";

export interface TeamsConnectorStandIn {
  /** The `serviceUrl` of local activities: `http://127.0.0.1:<port>/`. */
  readonly url: string;
  readonly messages: readonly RecordedTeamsMessage[];
  readonly conversations: readonly StandInTeamsConversation[];
  readonly calls: readonly RecordedConnectorCall[];
  /** The next call of `operation` answers `status` (default 500) with a connector error body. */
  failNext(operation: ConnectorOperation, status?: number): void;
  waitFor<T>(predicate: (messages: readonly RecordedTeamsMessage[]) => T | undefined | null | false, timeoutMs?: number): Promise<T>;
  close(): Promise<void>;
}

/** Teams refuses larger messages (`MessageSizeTooBig`). */
const MAX_ACTIVITY_BYTES = 28 * 1024;

type Json = Record<string, unknown>;

/** Someone the stand-in's tenant knows, as `GET /v3/conversations/{id}/members/{userId}` answers for them. */
export interface StandInTeamsPerson {
  readonly aadObjectId: string;
  readonly name: string;
}

export async function startTeamsConnectorStandIn(options: { port?: number; people?: readonly StandInTeamsPerson[] } = {}): Promise<TeamsConnectorStandIn> {
  const messages: RecordedTeamsMessage[] = [];
  const conversations: StandInTeamsConversation[] = [];
  const calls: RecordedConnectorCall[] = [];
  const failures = new Map<ConnectorOperation, number>();
  let counter = 0;
  const base = Date.now();
  const nextId = (): string => String(base + ++counter);

  const content = (body: Json): Pick<RecordedTeamsMessage, "text" | "summary" | "attachments"> => ({
    ...(typeof body["text"] === "string" ? { text: body["text"] } : {}),
    ...(typeof body["summary"] === "string" ? { summary: body["summary"] } : {}),
    attachments: Array.isArray(body["attachments"]) ? (body["attachments"] as unknown[]) : [],
  });

  const post = (conversationId: string, body: Json, authorized: boolean, replyToId?: string): RecordedTeamsMessage => {
    const message: RecordedTeamsMessage = {
      id: nextId(),
      conversationId,
      via: replyToId ? "reply" : "send",
      ...(replyToId ? { replyToId } : {}),
      type: typeof body["type"] === "string" ? body["type"] : "message",
      ...content(body),
      deleted: false,
      history: [],
      authorized,
    };
    messages.push(message);
    return message;
  };

  /** A conversation's member, looked up by Teams user id or AAD object id (as `TeamsInfo.getMember` asks). */
  const member = (userId: string): [number, unknown] => {
    const person = (options.people ?? []).find((p) => p.aadObjectId === userId || teamsUserId(p.aadObjectId) === userId);
    if (!person) return [404, error("MemberNotFoundInConversation", "The user is not a member of the conversation")];
    return [200, { id: teamsUserId(person.aadObjectId), name: person.name, aadObjectId: person.aadObjectId, userRole: "user" }];
  };

  const route = (method: string, path: string, body: Json, authorized: boolean, bytes: number): [number, unknown] => {
    const members = /^\/v3\/conversations\/([^/]+)\/members\/([^/]+)$/.exec(path);
    if (members && method === "GET") return member(decodeURIComponent(members[2]!));
    const activities = /^\/v3\/conversations\/([^/]+)\/activities(?:\/([^/]+))?$/.exec(path);
    const operation: ConnectorOperation | undefined =
      method === "POST" && path === "/v3/conversations"
        ? "create"
        : activities && method === "POST"
          ? activities[2] ? "reply" : "send"
          : activities && method === "PUT" && activities[2]
            ? "update"
            : activities && method === "DELETE" && activities[2]
              ? "delete"
              : undefined;
    if (!operation) return [404, error("NotFound", `No route for ${method} ${path}`)];
    const failure = failures.get(operation);
    if (failures.delete(operation)) return [failure!, error("ServiceError", `Injected failure of ${operation}`)];
    if ((operation === "send" || operation === "reply" || operation === "update") && bytes > MAX_ACTIVITY_BYTES) {
      return [413, error("MessageSizeTooBig", `Activity of ${bytes} bytes is over the limit`)];
    }
    if (operation === "create") return createConversation(body, authorized);
    const conversationId = decodeURIComponent(activities![1]!);
    const activityId = activities![2] ? decodeURIComponent(activities![2]) : undefined;
    if (operation === "send" || operation === "reply") return [201, { id: post(conversationId, body, authorized, activityId).id }];
    // A channel's thread (`19:…;messageid=<root>`) addresses the channel's messages, as in Teams: a click on a card the
    // bot posted to the channel comes from that card's thread, and its update names the thread.
    const found = messages.find((m) => m.id === activityId && channelOf(m.conversationId) === channelOf(conversationId) && !m.deleted);
    if (!found) return [404, error("ActivityNotFoundInConversation", "Unknown activity")];
    if (operation === "delete") {
      found.deleted = true;
      return [200, {}];
    }
    found.history.push({ ...(found.text !== undefined ? { text: found.text } : {}), ...(found.summary !== undefined ? { summary: found.summary } : {}), attachments: found.attachments });
    const next = content(body);
    found.text = next.text;
    found.summary = next.summary;
    found.attachments = next.attachments;
    return [200, { id: found.id }];
  };

  const createConversation = (body: Json, authorized: boolean): [number, unknown] => {
    const members = Array.isArray(body["members"]) ? (body["members"] as { id?: unknown; name?: unknown }[]) : [];
    const member = members[0];
    if (members.length !== 1 || typeof member?.id !== "string") return [400, error("BadArgument", "A 1:1 conversation needs exactly one member")];
    const tenantId = typeof body["tenantId"] === "string" ? body["tenantId"] : undefined;
    const id = `a:local-personal-${createHash("sha256").update(`${tenantId ?? ""}|${member.id}`).digest("hex").slice(0, 24)}`;
    if (!conversations.some((c) => c.id === id)) {
      conversations.push({ id, isGroup: false, ...(tenantId ? { tenantId } : {}), members: [{ id: member.id, ...(typeof member.name === "string" ? { name: member.name } : {}) }] });
    }
    const first = body["activity"] && typeof body["activity"] === "object" ? post(id, body["activity"] as Json, authorized) : undefined;
    return [201, { id, ...(first ? { activityId: first.id } : {}) }];
  };

  const server = createServer((req, res) => {
    void handle(req, res).catch(() => send(res, 500, error("ServiceError", "stand-in failure")));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://127.0.0.1");
    const raw = await readBody(req);
    if (req.method === "GET" && url.pathname === "/__messages") {
      const conversation = url.searchParams.get("conversation");
      return send(res, 200, conversation ? messages.filter((m) => m.conversationId === conversation) : messages);
    }
    if (req.method === "GET" && url.pathname === "/__conversations") return send(res, 200, conversations);
    const path = url.pathname;
    let body: Json = {};
    try {
      const parsed: unknown = raw.length ? JSON.parse(raw.toString("utf8")) : {};
      if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) body = parsed as Json;
    } catch {
      return send(res, 400, error("BadSyntax", "Body is not JSON"));
    }
    const authorized = /^Bearer \S+$/.test(req.headers.authorization ?? "");
    const [status, answer] = route(req.method ?? "GET", path, body, authorized, raw.length);
    calls.push({ method: req.method ?? "GET", path: decodeURIComponent(path), body, status });
    return send(res, status, answer);
  }

  await new Promise<void>((resolve, reject) => server.once("error", reject).listen(options.port ?? 0, "127.0.0.1", () => resolve()));
  const origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  return {
    url: `${origin}/`,
    get messages() {
      return messages;
    },
    get conversations() {
      return conversations;
    },
    get calls() {
      return calls;
    },
    failNext(operation, status = 500) {
      failures.set(operation, status);
    },
    async waitFor(predicate, timeoutMs = 5_000) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const found = predicate(messages);
        if (found !== undefined && found !== null && found !== false) return found;
        if (Date.now() > deadline) throw new Error(`teams connector stand-in: condition not met within ${timeoutMs} ms (${messages.length} messages)`);
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function channelOf(conversationId: string): string {
  return conversationId.split(";")[0] ?? conversationId;
}

function error(code: string, message: string): { error: { code: string; message: string } } {
  return { error: { code, message } };
}

async function readBody(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json; charset=utf-8" });
  res.end(JSON.stringify(body));
}
