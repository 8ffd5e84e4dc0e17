import { randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import functions, { type HttpResponseInit, type HttpRequest as HttpRequestType, type InvocationContext as InvocationContextType } from "@azure/functions";
import { alertsHandlerFor } from "../../src/functions/alerts.handler.js";
import { chartsHandlerFor } from "../../src/functions/charts.handler.js";
import { digestTimerHandlerFor } from "../../src/functions/digest-timer.handler.js";
import { eventsHandlerFor } from "../../src/functions/events.handler.js";
import { healthHandlerFor } from "../../src/functions/health.handler.js";
import { jobsHandlerFor } from "../../src/functions/jobs.handler.js";
import { slackEventsHandlerFor } from "../../src/functions/slack-events.handler.js";
import { teamsMessagesHandlerFor } from "../../src/functions/teams-messages.handler.js";
import type { BotRuntime } from "../../src/runtime/bot-runtime.js";
import { runtimeOf, type RuntimeAccessor } from "../../src/runtime/runtime-accessor.js";
import { poisonQueueName } from "../../src/storage/storage-clients.js";
import { QueuePoller } from "../../src/storage/queue-poller.js";
import { startDigestTicker } from "./digest-ticker.js";

// The package is CommonJS and Node cannot see these two named exports from ESM; its default export has them.
const { HttpRequest, InvocationContext } = functions;

type Handler = (request: HttpRequestType, context: InvocationContextType) => Promise<HttpResponseInit>;

type Routes = Readonly<Record<string, Handler>>;

/** The same routes as the function app, served by the same handlers, over the host's runtime. */
function routesFor(runtime: RuntimeAccessor): Routes {
  return {
    "POST /api/slack/events": slackEventsHandlerFor(runtime),
    "POST /api/teams/messages": teamsMessagesHandlerFor(runtime),
    "GET /api/health": healthHandlerFor(runtime),
    "POST /api/alerts": alertsHandlerFor(runtime),
    "POST /api/events": eventsHandlerFor(runtime),
    "OPTIONS /api/events": eventsHandlerFor(runtime),
    "GET /api/charts/{id}": chartsHandlerFor(runtime),
  };
}

type Routed = { readonly handler: Handler; readonly params: Record<string, string> } | { readonly malformed: string };

/**
 * The handler for a request line, and the route's `{name}` parameters, decoded as the Functions host gives them.
 * A parameter whose percent-encoding does not decode (`%u002e`, `%zz`, a cut UTF-8 sequence) is `malformed`:
 * the client's mistake, answered 400, never a throw.
 */
function routeOf(routes: Routes, method: string, path: string): Routed | undefined {
  const exact = routes[`${method} ${path}`];
  if (exact) return { handler: exact, params: {} };
  for (const [key, handler] of Object.entries(routes)) {
    const [routeMethod, route] = key.split(" ") as [string, string];
    if (routeMethod !== method || !route.includes("{")) continue;
    // One `{name}` per path segment, matching that whole segment (never a `/`).
    const names: string[] = [];
    const pattern = route.replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), "([^/]+)"));
    const match = new RegExp(`^${pattern}$`).exec(path);
    if (!match) continue;
    const params: Record<string, string> = {};
    for (const [i, name] of names.entries()) {
      const decoded = decodeSegment(match[i + 1]!);
      if (decoded === undefined) return { malformed: `The path segment for {${name}} is not valid percent-encoding (each % must start a %XX escape of UTF-8 bytes).` };
      params[name] = decoded;
    }
    return { handler, params };
  }
  return undefined;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

/**
 * Far above anything Slack, Teams or Azure Monitor send (a slash command, an activity, an alert: a few hundred KiB
 * at most); a bigger body is answered 413 instead of being held in memory. The Functions host allows 100 MB.
 */
export const MAX_LOCAL_BODY_BYTES = 4 * 1024 * 1024;

export interface LocalHostOptions {
  readonly runtime: BotRuntime;
  /** Default 7071, as `func start`. 0 picks a free port. */
  readonly port?: number;
  /** Queue poller tuning (tests use short timeouts). */
  readonly visibilityTimeoutInMs?: number;
  readonly maxPollIntervalInMs?: number;
  /** Jobs run at once (default the poller's 4; the Functions host runs up to 48: batchSize 32 + newBatchThreshold 16). */
  readonly concurrency?: number;
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
  const accessor = runtimeOf(runtime);
  const routes = routesFor(accessor);
  const server = createServer((req, res) => serve(routes, req, res));
  await new Promise<void>((resolve) => server.listen(options.port ?? 7071, "127.0.0.1", resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const stop = new AbortController();
  const jobs = jobsHandlerFor(accessor);
  const poller = new QueuePoller({
    queue: runtime.storage.queue(runtime.names.jobsQueue),
    poisonQueue: runtime.storage.queue(poisonQueueName(runtime.names.jobsQueue)),
    handler: (job, context) =>
      jobs(job, new InvocationContext({ functionName: "jobs", invocationId: randomUUID(), triggerMetadata: { dequeueCount: context.dequeueCount } })),
    ...(options.visibilityTimeoutInMs !== undefined ? { visibilityTimeoutInMs: options.visibilityTimeoutInMs } : {}),
    ...(options.maxPollIntervalInMs !== undefined ? { maxPollIntervalInMs: options.maxPollIntervalInMs } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    onError: (error, info) => runtime.app.deps.logger.error("job failed", { jobId: info?.jobId, kind: info?.kind, error }),
    onPoison: (info) => runtime.app.deps.logger.error("job moved to the poison queue", { jobId: info.jobId, reason: info.reason }),
  });
  const polling = poller.run(stop.signal);
  const digests = startDigestTicker(options.digestIntervalInMs ?? 15_000, digestTimerHandlerFor(accessor), runtime.app.deps.logger);

  return {
    url,
    async close() {
      stop.abort();
      server.closeAllConnections();
      await Promise.all([polling, digests.stop(), new Promise<void>((resolve) => server.close(() => resolve()))]);
    },
  };
}

function serve(routes: Routes, req: IncomingMessage, res: ServerResponse): void {
  handle(routes, req, res).catch((error: unknown) => {
    // A last resort: whatever went wrong, this request fails alone and the host keeps serving.
    process.stderr.write(`local host: ${req.method} request failed: ${error instanceof Error ? error.message : String(error)}\n`);
    if (!res.headersSent) res.writeHead(500, { "content-type": "text/plain" }).end("Internal error (see the host's log)");
    else res.destroy();
  });
}

/** Client mistakes (an unknown route, a malformed path, Host or body) are 4xx; only a handler's failure is 500. */
async function handle(routes: Routes, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = req.method ?? "GET";
  const target = req.url ?? "/";
  const path = target.split("?")[0] ?? "/";
  const route = routeOf(routes, method, path);
  if (!route) return answer(res, 404, { error: `No function at ${method} ${path}` });
  if ("malformed" in route) return answer(res, 400, { error: route.malformed });
  const url = requestUrl(req.headers.host, target);
  if (url === undefined) return answer(res, 400, { error: "The request target and Host header do not make a valid URL." });
  const body = await readBody(req);
  if (body === undefined) return answer(res, 413, { error: `The body is larger than ${MAX_LOCAL_BODY_BYTES} bytes.` });
  let request: HttpRequestType;
  try {
    request = new HttpRequest({ method, url, headers: headersOf(req), body: { string: body }, params: route.params });
  } catch (error) {
    // What Node's parser let through but a Fetch `Request` refuses (a header value, say): still the client's.
    return answer(res, 400, { error: `The request could not be read: ${error instanceof Error ? error.message : String(error)}` });
  }
  try {
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
    process.stderr.write(`local host: ${method} ${path} failed: ${error instanceof Error ? error.message : String(error)}\n`);
    if (res.headersSent) res.destroy();
    else res.writeHead(500, { "content-type": "text/plain" }).end("Internal error (see the host's log)");
  }
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
}

/** The absolute URL the Functions host would hand over, or undefined when the client's Host or target cannot make one. */
function requestUrl(host: string | undefined, target: string): string | undefined {
  const url = `http://${host ?? "127.0.0.1"}${target}`;
  return URL.canParse(url) ? url : undefined;
}

function headersOf(req: IncomingMessage): Record<string, string> {
  return Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));
}

/** The body as UTF-8, or undefined when it is over `MAX_LOCAL_BODY_BYTES` (read to the end, but not kept). */
function readBody(req: IncomingMessage): Promise<string | undefined> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_LOCAL_BODY_BYTES) chunks.push(chunk);
      else chunks.length = 0;
    });
    req.on("end", () => resolve(size > MAX_LOCAL_BODY_BYTES ? undefined : Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });
}
