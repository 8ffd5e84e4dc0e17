/**
 * The digest of a 500-endpoint workspace, with 50 ms of emulated latency on every metrics call: metrics calls
 * made and wall time, batched (`metrics:getBatch` through MetricsClient, the production wiring) against the naive
 * way (one ARM `.../providers/Microsoft.Insights/metrics` call per resource), side by side on the same emulator.
 * Goal: ≤ 10 calls per metric namespace and query, ≤ 2 s.
 *
 * The emulator runs in a child process, as Azure runs elsewhere: its work of computing 500 endpoints' series
 * must not be billed to the bot's wall time on a 2-core machine. It is driven over its control surface.
 *
 * Standalone: `npx tsx bench/digest.bench.ts` (BENCH_DIGEST_ENDPOINTS, BENCH_DIGEST_LATENCY_MS). From
 * bench/main.ts: `await measureDigest({ log })`, then `renderDigestConsole(result)` / `renderDigestMarkdown(result)`.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { Agent, request } from "node:https";
import { fileURLToPath } from "node:url";
import type { DigestDeps } from "../commands/digest/digest-data.js";
import { gatherDigestData } from "../commands/digest/digest-data.js";
import { buildDigest } from "../commands/digest/digest.js";
import { ArmEndpointControl } from "../src/azure/arm.endpoint-control.js";
import { createEmulatorCredential } from "../src/azure/credentials.js";
import { BatchMetricsFetcher, ResourceMetricsFetcher, type MetricsFetcher } from "../src/azure/monitor.fetchers.js";
import { MonitorEndpointMetrics } from "../src/azure/monitor.metrics.js";
import type { RecordedRequest } from "../tools/emulator/aml-emulator.js";
import { defaultScenario, type EmulatorScenario } from "../tools/emulator/scenario.js";
import { MemoryAuditLog } from "../src/memory/memory.audit-log.js";

export interface DigestBenchOptions {
  readonly endpoints?: number;
  readonly latencyInMs?: number;
  readonly log?: (line: string) => void;
}

export interface DigestRun {
  readonly approach: "batch" | "naive";
  /** Metrics calls by metric namespace and query (`namespace · metric names`). */
  readonly callsByQuery: Readonly<Record<string, number>>;
  readonly metricCalls: number;
  /** ARM reads of endpoints and deployments (no latency injected). */
  readonly armCalls: number;
  readonly wallInMs: number;
  readonly findings: string;
}

export interface DigestBenchResult {
  readonly endpoints: number;
  readonly deployments: number;
  readonly latencyInMs: number;
  readonly runs: readonly DigestRun[];
}

const NOW = new Date("2026-11-25T09:00:00Z");
const IN_FLIGHT = 8;

/** One deployment per endpoint (the common case); the cost grows as ceil(deployments / 50) on that namespace. */
function scenario(endpoints: number): EmulatorScenario {
  const base = defaultScenario();
  const template = base.workspaces[0]!.endpoints.find((e) => e.name === "churn-model")!;
  base.workspaces[0]!.endpoints = Array.from({ length: endpoints }, (_, i) => ({ ...structuredClone(template), name: `scorer-${String(i).padStart(3, "0")}` }));
  base.metrics = { degradations: [{ endpoint: "scorer-007", latencyFactor: 3, since: new Date(NOW.getTime() - 86_400_000).toISOString() }] };
  return base;
}

interface RemoteEmulator {
  readonly url: string;
  readonly ca: string;
  readonly subscriptionId: string;
  readonly tenantId: string;
  control(method: string, path: string, body?: unknown): Promise<unknown>;
  close(): void;
}

/** The emulator in a child Node process (through tsx), announced over IPC; stopped with the bench. */
function startRemoteEmulator(scenarioToRun: EmulatorScenario): Promise<RemoteEmulator> {
  const code = [
    "const { startAmlEmulator } = await import(process.env.BENCH_EMULATOR_MODULE);",
    "process.once('message', async (scenario) => {",
    "  const e = await startAmlEmulator({ scenario, tlsCacheDir: false, lroDelayInMs: 10 });",
    "  process.send({ url: e.url, ca: e.ca, subscriptionId: e.scenario.subscriptionId, tenantId: e.scenario.tenantId });",
    "});",
    "process.send({ ready: true });",
  ].join("\n");
  const child: ChildProcess = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", code], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
    env: { ...process.env, BENCH_EMULATOR_MODULE: new URL("../tools/emulator/aml-emulator.ts", import.meta.url).href },
  });
  const stop = (): void => void child.kill();
  process.once("exit", stop);
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`the emulator process exited (${code}) before it was ready`)));
    child.on("message", (message: { ready?: boolean; url?: string; ca?: string; subscriptionId?: string; tenantId?: string }) => {
      if (message.ready) return void child.send(scenarioToRun);
      const agent = new Agent({ ca: message.ca!, keepAlive: true });
      resolve({
        url: message.url!,
        ca: message.ca!,
        subscriptionId: message.subscriptionId!,
        tenantId: message.tenantId!,
        control: (method, path, body) => controlCall(agent, `${message.url}${path}`, method, body),
        close: () => {
          child.removeAllListeners("exit");
          process.off("exit", stop);
          stop();
        },
      });
    });
  });
}

function controlCall(agent: Agent, url: string, method: string, body?: unknown): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method, agent, headers: { "content-type": "application/json" } }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        resolve(text === "" ? undefined : JSON.parse(text));
      });
    });
    req.on("error", reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

async function runOnce(emulator: RemoteEmulator, approach: DigestRun["approach"], latencyInMs: number): Promise<DigestRun> {
  // Same state and an empty request log for each approach; every metrics call, batch or ARM, waits in the
  // emulator before it is answered.
  await emulator.control("POST", "/__emulator/reset");
  await emulator.control("POST", "/__emulator/faults", { latency: [{ ms: latencyInMs, path: "/metrics(:getBatch)?$" }] });
  const credential = createEmulatorCredential({ authorityHost: emulator.url, tenantId: emulator.tenantId, clientId: "bench", clientSecret: "bench", ca: emulator.ca });
  // Warm the token and TLS session outside the measurement: a timer in the function app has both already.
  await credential.getToken("https://management.azure.com/.default");
  const fetcher: MetricsFetcher =
    approach === "batch"
      ? new BatchMetricsFetcher({ credential, tlsCa: emulator.ca, endpointFor: () => emulator.url })
      : new ResourceMetricsFetcher({ credential, tlsCa: emulator.ca, armEndpoint: emulator.url, concurrency: IN_FLIGHT });
  const deps: DigestDeps = {
    endpoints: new ArmEndpointControl({ credential, endpoint: emulator.url, tlsCa: emulator.ca }),
    // The same cap on calls in flight for both: 8 batch calls at once, or 8 single-resource calls at once.
    metrics: new MonitorEndpointMetrics({ fetcher, concurrency: approach === "batch" ? IN_FLIGHT : 1 }),
    audit: new MemoryAuditLog(),
    clock: { now: () => NOW },
  };
  const workspace = { alias: "demo", subscriptionId: emulator.subscriptionId, resourceGroup: "ml-rg", workspace: "demo" };
  const started = performance.now();
  const gathered = await gatherDigestData(deps, { workspace }, { lengthInMs: 86_400_000 });
  if (!gathered.ok) throw new Error(gathered.message);
  const reply = buildDigest(gathered.input);
  const wallInMs = performance.now() - started;
  const { value: requests } = (await emulator.control("GET", "/__emulator/requests")) as { value: RecordedRequest[] };
  const metricRequests = requests.filter((r) => /metrics(:getBatch)?$/i.test(r.path));
  const callsByQuery: Record<string, number> = {};
  for (const r of metricRequests) {
    const namespace = r.query.metricnamespace ?? "";
    const key = `${namespace.endsWith("/deployments") ? "deployments" : "onlineEndpoints"} · ${r.query.metricnames}`;
    callsByQuery[key] = (callsByQuery[key] ?? 0) + 1;
  }
  const armCalls = requests.filter((r) => /onlineEndpoints(\/[^/]+\/deployments)?$/i.test(r.path) && r.method === "GET").length;
  return { approach, callsByQuery, metricCalls: metricRequests.length, armCalls, wallInMs, findings: reply.sections[0]?.kind === "text" ? reply.sections[0].text : "" };
}

export async function measureDigest(options: DigestBenchOptions = {}): Promise<DigestBenchResult> {
  const endpoints = options.endpoints ?? Number(process.env.BENCH_DIGEST_ENDPOINTS ?? 500);
  const latencyInMs = options.latencyInMs ?? Number(process.env.BENCH_DIGEST_LATENCY_MS ?? 50);
  const log = options.log ?? (() => undefined);
  const emulator = await startRemoteEmulator(scenario(endpoints));
  try {
    const runs: DigestRun[] = [];
    for (const approach of ["batch", "naive"] as const) {
      log(`  digest of ${endpoints} endpoints, ${approach}…`);
      runs.push(await runOnce(emulator, approach, latencyInMs));
    }
    return { endpoints, deployments: endpoints, latencyInMs, runs };
  } finally {
    emulator.close();
  }
}

export function renderDigestConsole(result: DigestBenchResult): string {
  const lines = [`Digest of ${result.endpoints} endpoints (${result.deployments} deployments), ${result.latencyInMs} ms per metrics call:`];
  for (const run of result.runs) {
    lines.push(`  ${run.approach.padEnd(5)}  ${String(run.metricCalls).padStart(5)} metrics calls  ${(run.wallInMs / 1000).toFixed(2).padStart(6)} s  (${run.armCalls} ARM reads)`);
    for (const [query, calls] of Object.entries(run.callsByQuery)) lines.push(`           ${String(calls).padStart(5)} × ${query}`);
  }
  return lines.join("\n");
}

export function renderDigestMarkdown(result: DigestBenchResult): string {
  const rows = result.runs.map((run) => `| ${run.approach} | ${run.metricCalls} | ${Object.entries(run.callsByQuery).map(([q, n]) => `${n} × ${q}`).join("<br>")} | ${(run.wallInMs / 1000).toFixed(2)} s | ${run.armCalls} |`);
  return [
    `### Digest of a ${result.endpoints}-endpoint workspace (${result.latencyInMs} ms per metrics call)`,
    "",
    "| Approach | Metrics calls | By namespace · query | Wall time | ARM reads |",
    "| --- | --- | --- | --- | --- |",
    ...rows,
    "",
  ].join("\n");
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  measureDigest({ log: (line) => console.log(line) })
    .then((result) => console.log(renderDigestConsole(result)))
    .catch((error: unknown) => {
      console.error(error);
      process.exit(1);
    });
}
