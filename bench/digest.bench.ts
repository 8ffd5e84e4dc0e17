/**
 * The digest of a 500-endpoint workspace, with 50 ms of emulated latency on every metrics call: metrics calls
 * made and wall time, batched (`metrics:getBatch` through MetricsClient, the production wiring) against the naive
 * way (one ARM `.../providers/Microsoft.Insights/metrics` call per resource), side by side on the same emulator.
 * Goal: ≤ 10 calls per metric namespace and query, ≤ 2 s.
 *
 * Standalone: `npx tsx bench/digest.bench.ts` (BENCH_DIGEST_ENDPOINTS, BENCH_DIGEST_LATENCY_MS). From
 * bench/main.ts: `await measureDigest({ log })`, then `renderDigestConsole(result)` / `renderDigestMarkdown(result)`.
 */
import { fileURLToPath } from "node:url";
import type { DigestDeps } from "../commands/digest/digest-data.js";
import { gatherDigestData } from "../commands/digest/digest-data.js";
import { buildDigest } from "../commands/digest/digest.js";
import { ArmEndpointControl } from "../src/azure/arm.endpoint-control.js";
import { createEmulatorCredential } from "../src/azure/credentials.js";
import { BatchMetricsFetcher, ResourceMetricsFetcher, type MetricsFetcher } from "../src/azure/monitor.fetchers.js";
import { MonitorEndpointMetrics } from "../src/azure/monitor.metrics.js";
import { startAmlEmulator, type RunningAmlEmulator } from "../src/emulator/aml-emulator.js";
import { defaultScenario, type EmulatorScenario } from "../src/emulator/scenario.js";
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

/** One deployment per endpoint (the common case); the cost grows as ceil(deployments / 50) on that namespace. */
function scenario(endpoints: number): EmulatorScenario {
  const base = defaultScenario();
  const template = base.workspaces[0]!.endpoints.find((e) => e.name === "churn-model")!;
  base.workspaces[0]!.endpoints = Array.from({ length: endpoints }, (_, i) => ({ ...structuredClone(template), name: `scorer-${String(i).padStart(3, "0")}` }));
  base.metrics = { degradations: [{ endpoint: "scorer-007", latencyFactor: 3, since: new Date(NOW.getTime() - 86_400_000).toISOString() }] };
  return base;
}

async function runOnce(emulator: RunningAmlEmulator, approach: DigestRun["approach"]): Promise<DigestRun> {
  emulator.requests.length = 0;
  const credential = createEmulatorCredential({ authorityHost: emulator.url, tenantId: emulator.scenario.tenantId, clientId: "bench", clientSecret: "bench", ca: emulator.ca });
  // Warm the token and TLS session outside the measurement: a timer in the function app has both already.
  await credential.getToken("https://management.azure.com/.default");
  const fetcher: MetricsFetcher =
    approach === "batch"
      ? new BatchMetricsFetcher({ credential, tlsCa: emulator.ca, endpointFor: () => emulator.url })
      : new ResourceMetricsFetcher({ credential, tlsCa: emulator.ca, armEndpoint: emulator.url });
  const deps: DigestDeps = {
    endpoints: new ArmEndpointControl({ credential, endpoint: emulator.url, tlsCa: emulator.ca }),
    metrics: new MonitorEndpointMetrics({ fetcher }),
    audit: new MemoryAuditLog(),
    clock: { now: () => NOW },
  };
  const workspace = { alias: "demo", subscriptionId: emulator.scenario.subscriptionId, resourceGroup: emulator.scenario.resourceGroup, workspace: "demo" };
  const started = performance.now();
  const gathered = await gatherDigestData(deps, { workspace }, { lengthInMs: 86_400_000 });
  if (!gathered.ok) throw new Error(gathered.message);
  const reply = buildDigest(gathered.input);
  const wallInMs = performance.now() - started;
  const metricRequests = emulator.requests.filter((r) => /metrics(:getBatch)?$/i.test(r.path));
  const callsByQuery: Record<string, number> = {};
  for (const r of metricRequests) {
    const namespace = r.query.metricnamespace ?? "";
    const key = `${namespace.endsWith("/deployments") ? "deployments" : "onlineEndpoints"} · ${r.query.metricnames}`;
    callsByQuery[key] = (callsByQuery[key] ?? 0) + 1;
  }
  const armCalls = emulator.requests.filter((r) => /onlineEndpoints(\/[^/]+\/deployments)?$/i.test(r.path) && r.method === "GET").length;
  return { approach, callsByQuery, metricCalls: metricRequests.length, armCalls, wallInMs, findings: reply.sections[0]?.kind === "text" ? reply.sections[0].text : "" };
}

export async function measureDigest(options: DigestBenchOptions = {}): Promise<DigestBenchResult> {
  const endpoints = options.endpoints ?? Number(process.env.BENCH_DIGEST_ENDPOINTS ?? 500);
  const latencyInMs = options.latencyInMs ?? Number(process.env.BENCH_DIGEST_LATENCY_MS ?? 50);
  const log = options.log ?? (() => undefined);
  const emulator = await startAmlEmulator({ scenario: scenario(endpoints), tlsCacheDir: false });
  try {
    // Every metrics call, batch or ARM, waits this long in the emulator before it is answered.
    emulator.faults.addLatency({ ms: latencyInMs, path: "/metrics(:getBatch)?$" });
    const runs: DigestRun[] = [];
    for (const approach of ["batch", "naive"] as const) {
      log(`  digest of ${endpoints} endpoints, ${approach}…`);
      runs.push(await runOnce(emulator, approach));
    }
    return { endpoints, deployments: endpoints, latencyInMs, runs };
  } finally {
    await emulator.close();
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
