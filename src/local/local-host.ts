import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import functions, { type HttpResponseInit, type HttpRequest as HttpRequestType, type InvocationContext as InvocationContextType } from "@azure/functions";
import { alertsHandler } from "../functions/alerts.handler.js";
import { chartsHandler } from "../functions/charts.handler.js";
import { healthHandler } from "../functions/health.handler.js";
import { jobsHandler } from "../functions/jobs.handler.js";
import { useRuntime } from "../functions/runtime-instance.js";
import { slackEventsHandler } from "../functions/slack-events.handler.js";
import { teamsMessagesHandler } from "../functions/teams-messages.handler.js";
import type { BotRuntime } from "../runtime/bot-runtime.js";
import { poisonQueueName } from "../storage/storage-clients.js";
import { QueuePoller } from "../storage/queue-poller.js";
import { startDigestTicker } from "./digest-ticker.js";

// The package is CommonJS and Node cannot see these two named exports from ESM; its default export has them.
const { HttpRequest, InvocationContext } = functions;

type Handler = (request: HttpRequestType, context: InvocationContextType) => Promise<HttpResponseInit>;

/** The same routes as the function app, served by the same handlers. */
const ROUTES: Record<string, Handler> = {
  "POST /api/slack/events": slackEventsHandler,
  "POST /api/teams/messages": teamsMessagesHandler,
  "GET /api/health": healthHandler,
  "POST /api/alerts": alertsHandler,
  "GET /api/charts/{id}": chartsHandler,
};

/** The handler for a request line, and the route's `{name}` parameters, as the Functions host gives them. */
function routeOf(method: string, path: string): { handler: Handler; params: Record<string, string> } | undefined {
  const exact = ROUTES[`${method} ${path}`];
  if (exact) return { handler: exact, params: {} };
  for (const [key, handler] of Object.entries(ROUTES)) {
    const [routeMethod, route] = key.split(" ") as [string, string];
    if (routeMethod !== method || !route.includes("{")) continue;
    // One `{name}` per path segment, matching that whole segment (never a `/`).
    const names: string[] = [];
    const pattern = route.replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), "([^/]+)"));
    const match = new RegExp(`^${pattern}$`).exec(path);
    if (match) return { handler, params: Object.fromEntries(names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)])) };
  }
  return undefined;
}

export interface LocalHostOptions {
  readonly runtime: BotRuntime;
  /** Default 7071, as `func start`. 0 picks a free port. */
  readonly port?: number;
  /** Queue poller tuning (tests use short timeouts). */
  readonly visibilityTimeoutInMs?: number;
  readonly maxPollIntervalInMs?: number;
  /** How often the digest timer runs (default 15 s; 0 turns it off). Azure runs it every minute. */
  readonly digestIntervalInMs?: number;
}

export interface LocalHost {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Runs the Functions handlers without Core Tools: an HTTP server with the function app's routes and a queue
 * poller standing in for the storage-queue trigger (same decoding, retries and poison queue), and a ticker standing
 * in for the digest timer trigger.
 */
export async function startLocalHost(options: LocalHostOptions): Promise<LocalHost> {
  const { runtime } = options;
  useRuntime(runtime);
  const server = createServer((req, res) => void serve(req, res));
  await new Promise<void>((resolve) => server.listen(options.port ?? 7071, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const stop = new AbortController();
  const poller = new QueuePoller({
    queue: runtime.storage.queue(runtime.names.jobsQueue),
    poisonQueue: runtime.storage.queue(poisonQueueName(runtime.names.jobsQueue)),
    handler: (job, context) =>
      jobsHandler(job, new InvocationContext({ functionName: "jobs", invocationId: randomUUID(), triggerMetadata: { dequeueCount: context.dequeueCount } })),
    ...(options.visibilityTimeoutInMs !== undefined ? { visibilityTimeoutInMs: options.visibilityTimeoutInMs } : {}),
    ...(options.maxPollIntervalInMs !== undefined ? { maxPollIntervalInMs: options.maxPollIntervalInMs } : {}),
    onError: (error, info) => runtime.app.deps.logger.error("job failed", { jobId: info?.jobId, kind: info?.kind, error }),
    onPoison: (info) => runtime.app.deps.logger.error("job moved to the poison queue", { jobId: info.jobId, reason: info.reason }),
  });
  const polling = poller.run(stop.signal);
  const digests = startDigestTicker(options.digestIntervalInMs ?? 15_000, runtime.app.deps.logger);

  return {
    url,
    async close() {
      stop.abort();
      server.closeAllConnections();
      await Promise.all([polling, digests.stop(), new Promise<void>((resolve) => server.close(() => resolve()))]);
      useRuntime(undefined);
    },
  };
}

async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const path = (req.url ?? "/").split("?")[0];
  const route = routeOf(req.method ?? "GET", path ?? "/");
  if (!route) {
    res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ error: `No function at ${req.method} ${path}` }));
    return;
  }
  try {
    const body = await readBody(req);
    const request = new HttpRequest({
      method: req.method ?? "GET",
      url: `http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`,
      headers: Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")])),
      body: { string: body },
      params: route.params,
    });
    const response = await route.handler(request, new InvocationContext({ functionName: path, invocationId: randomUUID() }));
    const headers = new Headers(response.headers as ConstructorParameters<typeof Headers>[0]);
    // Strings (JSON, text) and bytes (chart pictures): the only bodies these handlers return.
    let payload: string | Uint8Array | undefined = typeof response.body === "string" || response.body instanceof Uint8Array ? response.body : undefined;
    if (response.jsonBody !== undefined) {
      payload = JSON.stringify(response.jsonBody);
      if (!headers.has("content-type")) headers.set("content-type", "application/json");
    }
    res.writeHead(response.status ?? 200, Object.fromEntries(headers.entries())).end(payload);
  } catch (error) {
    res.writeHead(500, { "content-type": "text/plain" }).end("Internal error (see the host's log)");
    process.stderr.write(`local host: ${req.method} ${path} failed: ${error instanceof Error ? error.message : String(error)}\n`);
  }
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
