/**
 * Child process of the bench: a stand-in for the Azure Functions Node.js worker, so a function app runs here as
 * the Functions host runs it, without the host. Like the worker it
 *   - answers `require("@azure/functions-core")` itself (a wrapper of `Module.prototype.require`), collecting what
 *     `app.http`/`app.storageQueue`/`app.timer` register and the programming model `@azure/functions` sets;
 *   - reads the app's package.json and `import()`s every file its `main` glob matches;
 *   - hands each HTTP request to the registered function through that programming model's invocation model (the
 *     host's RPC shapes in, `HttpRequest` built by the app's own `@azure/functions`, the RPC response out).
 * It listens on 127.0.0.1:PORT under the host's `/api/` prefix. Queue triggers run only with BENCH_WORKER=on
 * (the bench's QueuePoller, as the local host's), timers never: in Azure neither is the worker's process's work
 * before a request.
 *
 * BENCH_DIRECT=on (a measurement, not a host): each HTTP request goes to the registered handler itself, as a
 * minimal object with what the app's HTTP handlers read of an `HttpRequest` (`method`, `url`, `headers.forEach`,
 * `text()`), and the `HttpResponseInit` it returns is written as it is. The difference from the same bundle run
 * the normal way is what the programming model's conversions cost (undici `Request`/`Response` and their streams,
 * the invocation model), which the app cannot avoid in Azure.
 *
 * BENCH_APP_DIR: the app's folder (package.json, host.json, the files `main` names). The bench points it at the
 * deployment package's files (the bundle) or at tsc's output (the same entries, not bundled).
 */
import { randomUUID } from "node:crypto";
import { readFile, readdir } from "node:fs/promises";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import Module from "node:module";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { exitWithParent } from "./parent-watchdog.js";

exitWithParent();

interface Binding {
  readonly type: string;
  readonly direction: string;
  readonly route?: string;
  readonly methods?: string[];
  readonly queueName?: string;
}
interface Registered {
  readonly metadata: { readonly name: string; readonly bindings: Record<string, Binding> };
  readonly callback: (...args: unknown[]) => unknown;
}
interface InvocationModel {
  getArguments(): Promise<{ context: unknown; inputs: unknown[] }>;
  invokeFunction(context: unknown, inputs: unknown[], handler: Registered["callback"]): Promise<unknown>;
  getResponse(context: unknown, result: unknown): Promise<{ returnValue?: { http?: RpcHttpResponse } }>;
}
interface ProgrammingModel {
  getInvocationModel(coreCtx: unknown): InvocationModel;
}
interface RpcHttpResponse {
  readonly statusCode?: string;
  readonly headers?: Record<string, string>;
  readonly body?: { bytes?: Uint8Array; string?: string };
}

const registered: Registered[] = [];
let model: ProgrammingModel | undefined;

// What the worker provides as "@azure/functions-core" (the parts @azure/functions calls).
const coreApi = {
  version: "bench-stand-in",
  hostVersion: "4.0.0-bench",
  setProgrammingModel: (programmingModel: ProgrammingModel) => void (model = programmingModel),
  getProgrammingModel: () => model,
  registerFunction(metadata: Registered["metadata"], callback: Registered["callback"]) {
    registered.push({ metadata, callback });
    return { dispose() {} };
  },
  registerHook: () => ({ dispose() {} }),
  log: (level: string, category: string, message: string) => void (level === "error" ? process.stderr.write(`${category}: ${message}\n`) : undefined),
  Disposable: class {
    dispose(): void {}
  },
};
const moduleProto = Module.prototype as unknown as { require: (id: string) => unknown };
moduleProto.require = new Proxy(moduleProto.require, {
  apply: (target, self, args: [string]) => (args[0] === "@azure/functions-core" ? coreApi : Reflect.apply(target, self, args)),
});

/** The files a `main` such as `dist/functions/*.function.js` names (one `*`, in the file name, as the app uses). */
async function mainFiles(appDir: string, main: string): Promise<string[]> {
  const slash = main.lastIndexOf("/");
  const dir = join(appDir, main.slice(0, slash + 1));
  const pattern = main.slice(slash + 1);
  if (!pattern.includes("*")) return [join(appDir, main)];
  const [head, tail] = pattern.split("*") as [string, string];
  const names = (await readdir(dir)).filter((name) => name.startsWith(head) && name.endsWith(tail)).sort();
  return names.map((name) => join(dir, name));
}

const appDir = process.env["BENCH_APP_DIR"];
if (!appDir) throw new Error("BENCH_APP_DIR is not set");
const packageJson = JSON.parse(await readFile(join(appDir, "package.json"), "utf8")) as { main?: string; type?: string };
if (!packageJson.main || packageJson.type !== "module") throw new Error(`${appDir}/package.json needs "type": "module" and "main"`);
for (const file of await mainFiles(appDir, packageJson.main)) await import(pathToFileURL(file).href);
const entriesLoadedAt = performance.now();
if (!model) throw new Error("no programming model was set: is @azure/functions imported by the entries?");

interface Route {
  readonly fn: Registered;
  readonly trigger: string;
  readonly methods: readonly string[];
  readonly pattern: RegExp;
  readonly names: readonly string[];
}

const routes: Route[] = registered.flatMap((fn) => {
  const [trigger, binding] = Object.entries(fn.metadata.bindings).find(([, b]) => b.type === "httpTrigger") ?? [];
  if (!trigger || !binding) return [];
  const names: string[] = [];
  const path = `api/${binding.route ?? fn.metadata.name}`.replace(/[.+?^$()[\]\\]/g, "\\$&");
  const pattern = new RegExp(`^/${path.replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), "([^/]+)"))}$`);
  return [{ fn, trigger, methods: (binding.methods ?? ["GET", "POST"]).map((m) => m.toUpperCase()), pattern, names }];
});

async function invoke(fn: Registered, inputData: unknown[], triggerMetadata: Record<string, unknown>): Promise<RpcHttpResponse | undefined> {
  const invocationId = randomUUID();
  const coreCtx = { invocationId, request: { invocationId, inputData, triggerMetadata }, metadata: fn.metadata, log: () => undefined, state: undefined };
  const invocation = model!.getInvocationModel(coreCtx);
  const { context, inputs } = await invocation.getArguments();
  const result = await invocation.invokeFunction(context, inputs, fn.callback);
  return (await invocation.getResponse(context, result)).returnValue?.http;
}

interface ResponseInit {
  readonly status?: number;
  readonly headers?: Record<string, string>;
  readonly body?: string;
}

/** BENCH_DIRECT=on: the handler without the programming model (see the header). */
async function invokeDirect(fn: Registered, method: string, url: string, headers: Record<string, string>, body: Buffer): Promise<RpcHttpResponse> {
  const request = {
    method,
    url,
    headers: { forEach: (callback: (value: string, name: string) => void) => Object.entries(headers).forEach(([name, value]) => callback(value, name)) },
    text: () => Promise.resolve(body.toString("utf8")),
  };
  const init = (await fn.callback(request, {})) as ResponseInit;
  return { statusCode: String(init.status ?? 200), ...(init.headers ? { headers: init.headers } : {}), body: { string: init.body ?? "" } };
}
const DIRECT = process.env["BENCH_DIRECT"] === "on";

async function serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const [path = "/", query = ""] = (req.url ?? "/").split("?");
  const method = req.method ?? "GET";
  for (const route of routes) {
    const match = route.pattern.exec(path);
    if (!match || !route.methods.includes(method)) continue;
    const params = Object.fromEntries(route.names.map((name, i) => [name, decodeURIComponent(match[i + 1]!)]));
    const headers = Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k, Array.isArray(v) ? v.join(", ") : (v ?? "")]));
    const http = { method, url: `http://${req.headers.host ?? "127.0.0.1"}${req.url ?? "/"}`, headers, body: { bytes: Buffer.concat(chunks) }, params, query: Object.fromEntries(new URLSearchParams(query)) };
    const answer = DIRECT
      ? await invokeDirect(route.fn, method, http.url, headers, http.body.bytes)
      : await invoke(route.fn, [{ name: route.trigger, data: { http } }], { headers, query: http.query, params });
    const body = answer?.body?.bytes ?? answer?.body?.string ?? "";
    res.writeHead(Number(answer?.statusCode ?? 200), answer?.headers ?? {}).end(body);
    return;
  }
  res.writeHead(404).end();
}

const server = createServer((req, res) => {
  serve(req, res).catch((error: unknown) => {
    process.stderr.write(`stand-in: ${req.method} ${req.url} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    if (!res.headersSent) res.writeHead(500).end();
    else res.destroy();
  });
});
await new Promise<void>((resolve) => server.listen(Number(process.env["PORT"] ?? 7071), "127.0.0.1", resolve));
const listeningAt = performance.now();
process.stdout.write(`${JSON.stringify({ standIn: { entriesLoadedAt, listeningAt, functions: registered.map((r) => r.metadata.name) } })}\n`);

if (process.env["BENCH_WORKER"] === "on") await runQueueTriggers();

/** The storage-queue trigger, as the local host stands in for it (src/storage/queue-poller.ts), loaded only here. */
async function runQueueTriggers(): Promise<void> {
  const [{ QueuePoller }, { StorageClients, poisonQueueName }] = await Promise.all([import("../src/storage/queue-poller.js"), import("../src/storage/storage-clients.js")]);
  const storage = StorageClients.fromConnectionString(process.env["AzureWebJobsStorage"] ?? "");
  for (const fn of registered) {
    const [trigger, binding] = Object.entries(fn.metadata.bindings).find(([, b]) => b.type === "queueTrigger") ?? [];
    if (!trigger || !binding?.queueName) continue;
    const name = binding.queueName.replace(/^%(\w+)%$/, (_, setting: string) => {
      const value = process.env[setting];
      if (!value) throw new Error(`The queue trigger of ${fn.metadata.name} names the app setting ${setting}, which is not set`);
      return value;
    });
    await storage.ensure({ queues: [name, poisonQueueName(name)] });
    const poller = new QueuePoller({
      queue: storage.queue(name),
      poisonQueue: storage.queue(poisonQueueName(name)),
      handler: async (job, context) => void (await invoke(fn, [{ name: trigger, data: { json: JSON.stringify(job) } }], { dequeueCount: { json: String(context.dequeueCount) } })),
    });
    void poller.run(new AbortController().signal);
  }
}
