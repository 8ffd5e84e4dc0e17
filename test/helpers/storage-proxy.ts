/**
 * A pass-through HTTP proxy in front of Azurite's table and queue services, for tests that must stop a host
 * between two storage calls, as the emulator's latency faults stop it between two ARM calls. A host given
 * `connectionString` talks to Azurite through it (Shared Key signatures cover the path, not the host). A rule
 * matches one request by what it says (a table row's fields, a queued job) and either holds it before Azurite sees
 * it (`"request"`: the write never happens), holds Azurite's answer (`"response"`: the write happened and the
 * caller never hears of it), or sends it twice (a queue delivering a message twice). A held exchange is never
 * let go: the test kills the host that sent it.
 */
import { createServer, request as httpRequest, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { azuriteConnectionString } from "../../tools/azurite.js";
import type { Job } from "../../src/storage/job-queue.js";

export interface StorageRequest {
  readonly service: "table" | "queue";
  readonly method: string;
  /** Path and query, as sent. */
  readonly url: string;
  readonly body: string;
  /** A table write's entity (JSON body), when it is one. */
  readonly entity?: Record<string, unknown>;
  /** A queued job (a queue POST's message, base64 JSON), when it is one. */
  readonly job?: Job;
}

export type StorageRule = { readonly match: (request: StorageRequest) => boolean } & (
  | { readonly hold: "request" | "response" }
  | { readonly duplicate: true }
);

interface Armed {
  readonly rule: StorageRule;
  readonly matched: () => void;
}

export class StorageProxy {
  readonly #servers: Server[];
  readonly #armed: Armed[];
  readonly connectionString: string;

  private constructor(servers: Server[], armed: Armed[], connectionString: string) {
    this.#servers = servers;
    this.#armed = armed;
    this.connectionString = connectionString;
  }

  /** Listens on two free loopback ports, one for each of `azurite`'s services. */
  static async start(azurite: { readonly tableUrl: string; readonly queueUrl: string }): Promise<StorageProxy> {
    const targets = { table: new URL(azurite.tableUrl), queue: new URL(azurite.queueUrl) };
    const armed: Armed[] = [];
    const servers = await Promise.all(
      (["table", "queue"] as const).map(async (service) => {
        const server = createServer((req, res) => void forward(service, targets[service], armed, req, res).catch(() => res.destroy()));
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        return server;
      }),
    );
    const url = (server: Server, target: URL): string => `http://127.0.0.1:${(server.address() as AddressInfo).port}${target.pathname}`;
    return new StorageProxy(servers, armed, azuriteConnectionString(url(servers[0]!, targets.table), url(servers[1]!, targets.queue)));
  }

  /** Arms `rule` for the next matching request; resolves once it matched (and, for a hold, is being held). */
  arm(rule: StorageRule): Promise<void> {
    return new Promise((resolve) => this.#armed.push({ rule, matched: resolve }));
  }

  async close(): Promise<void> {
    await Promise.all(
      this.#servers.map(async (server) => {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }),
    );
  }
}

async function forward(service: "table" | "queue", target: URL, armed: Armed[], req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const raw = Buffer.concat(chunks);
  const request = describe(service, req, raw.toString("utf8"));
  const index = armed.findIndex((a) => a.rule.match(request));
  const hit = index >= 0 ? armed.splice(index, 1)[0] : undefined;
  if (hit && "hold" in hit.rule && hit.rule.hold === "request") return hit.matched(); // never sent, never answered
  if (hit && "duplicate" in hit.rule) await send(target, req, raw);
  const answer = await send(target, req, raw);
  if (hit && "hold" in hit.rule) return hit.matched(); // done in storage, never answered
  hit?.matched();
  res.writeHead(answer.status, answer.headers).end(answer.body);
}

function describe(service: "table" | "queue", req: IncomingMessage, body: string): StorageRequest {
  const base = { service, method: req.method ?? "GET", url: req.url ?? "/", body };
  if (service === "table" && body.startsWith("{")) {
    try {
      return { ...base, entity: JSON.parse(body) as Record<string, unknown> };
    } catch {
      return base;
    }
  }
  const text = service === "queue" && req.method === "POST" ? /<MessageText>([^<]*)<\/MessageText>/.exec(body)?.[1] : undefined;
  if (text === undefined) return base;
  try {
    return { ...base, job: JSON.parse(Buffer.from(text, "base64").toString("utf8")) as Job };
  } catch {
    return base;
  }
}

interface Answer {
  readonly status: number;
  readonly headers: IncomingMessage["headers"];
  readonly body: Buffer;
}

function send(target: URL, req: IncomingMessage, body: Buffer): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const headers = { ...req.headers, host: target.host };
    const out = httpRequest({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers }, (answer) => {
      const chunks: Buffer[] = [];
      answer.on("data", (chunk: Buffer) => chunks.push(chunk));
      answer.on("end", () => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: Buffer.concat(chunks) }));
      answer.on("error", reject);
    });
    out.on("error", reject);
    out.end(body);
  });
}
