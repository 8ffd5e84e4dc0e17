/**
 * Promotions at scale (issue 13 §4): N promotions at once on N endpoints, each `mirror 10% 1s, 10% 1s, 50% 1s,
 * 100%` in plan time with a time scale of 1 (so one real second per hold), gates that pass on the first read. The
 * bot runs in a child process (bench/promotion-host.ts: `createRuntime` on Azurite, a queue worker as host.json
 * configures the Functions trigger); the emulator, with one endpoint per promotion, runs here and records every
 * request. Measured per transition: lateness (when the worker got the message minus when it was due: the job's
 * `enqueuedAt` plus the step's hold), ARM and metrics calls, queue messages, and duplicate transitions.
 * Goal: p99 lateness ≤ 2 s, zero duplicates, ≤ 3 ARM calls per step.
 *
 * From bench/main.ts (BENCH_PROMOTIONS=off|<count>), or alone: `npx tsx bench/promotions.bench.ts`, which starts
 * the services itself and rewrites only the "Promotions at scale" section of BENCH_DOCS (default docs/benchmarks.md).
 */
import { spawn } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { Promotion } from "../commands/ports/promotions.port.js";
import { CONFIRM_AFTER_IN_MS } from "../commands/promote/promotion-machine.js";
import { startAzurite } from "../tools/azurite.js";
import { startAmlEmulator, type RecordedRequest } from "../tools/emulator/aml-emulator.js";
import { defaultScenario, type EmulatorScenario } from "../tools/emulator/scenario.js";
import { loadAverage, machineFacts } from "./machine.js";
import { promotionsOption } from "./options.js";
import type { PromotionDelivery, PromotionHostMessage } from "./promotion-host.js";
import { cpuTimeMs } from "./processes.js";
import { renderPromotionsConsole, renderPromotionsMarkdown, PROMOTIONS_HEADING, type PromotionsResult } from "./report-promotions.js";
import { startServices, type BenchServices } from "./services.js";
import { latencySummary } from "./stats.js";

export const PROMOTION_STEPS = "mirror 10% 1s, 10% 1s, 50% 1s, 100%";
const HOLDS_IN_MS = [1000, 1000, 1000];
// Bounds a healthy candidate cannot cross on the emulator's noise (a 3x p99 bound failed once in 400 reads): this
// measures the machine's timing, not the gates.
const GATES = "p99 <= 10x, 5xx <= baseline + 20pt";
const QUEUE = "bench-promotions";

/** N copies of fraud-scorer (blue 100 %, green 0 %), with enough load that 10 % mirrored decides a gate at once. */
function scenario(count: number): EmulatorScenario {
  const base = defaultScenario();
  const template = base.workspaces[0]!.endpoints.find((e) => e.name === "fraud-scorer")!;
  const names = Array.from({ length: count }, (_, i) => `scorer-${String(i).padStart(3, "0")}`);
  base.workspaces[0]!.endpoints = names.map((name) => ({ ...structuredClone(template), name }));
  base.metrics = { peakRequestsPerMinute: Object.fromEntries(names.map((n) => [n, 6000])) };
  return base;
}

export async function measurePromotions(services: Pick<BenchServices, "hostEnv">, count: number, log: (line: string) => void): Promise<PromotionsResult> {
  // BENCH_PROMOTION_LRO_MS: how long the emulator keeps a traffic update Updating (default its own, 300 ms).
  const lro = process.env["BENCH_PROMOTION_LRO_MS"] ? { lroDelayInMs: Number(process.env["BENCH_PROMOTION_LRO_MS"]) } : {};
  const emulator = await startAmlEmulator({ port: 0, scenario: scenario(count), tlsCacheDir: false, ...lro });
  // An Azurite of its own: the warm part before it leaves thousands of jobs and audit rows in the shared one, which
  // made Azurite spend 260 ms of CPU a transition there against 23 ms fresh. Azure's storage does not slow so.
  const azurite = await startAzurite();
  const dir = await mkdtemp(join(tmpdir(), "aml-chatops-promotions-"));
  try {
    const caFile = join(dir, "emulator-ca.pem");
    await writeFile(caFile, emulator.ca);
    const endpoints = emulator.scenario.workspaces[0]!.endpoints.map((e) => e.name);
    const env = services.hostEnv({
      AML_EMULATOR_URL: emulator.url,
      AML_EMULATOR_CA_FILE: caFile,
      AML_JOB_QUEUE: QUEUE,
      AzureWebJobsStorage: azurite.connectionString,
      AML_PROMOTION_TIME_SCALE: "1",
      BENCH_PROMOTION_ENDPOINTS: endpoints.join(","),
      BENCH_PROMOTION_COMMAND: `--steps "${PROMOTION_STEPS}" --gate "${GATES}"`,
      ...(process.env["BENCH_PROMOTION_WORKERS"] ? { BENCH_PROMOTION_WORKERS: process.env["BENCH_PROMOTION_WORKERS"] } : {}),
    });
    const loadAtStart = loadAverage();
    // BENCH_PROMOTION_PROFILE=<dir>: a V8 CPU profile of the bot's process, to see where a transition's CPU goes.
    const profile = process.env["BENCH_PROMOTION_PROFILE"] ? ["--cpu-prof", `--cpu-prof-dir=${process.env["BENCH_PROMOTION_PROFILE"]}`] : [];
    const child = spawn(process.execPath, [...profile, "--import", "tsx", "bench/promotion-host.ts"], { env, stdio: ["ignore", "ignore", "inherit", "ipc"] });
    const kill = (): void => void child.kill("SIGKILL");
    process.once("exit", kill);
    let started: Extract<PromotionHostMessage, { kind: "started" }> | undefined;
    let benchCpuAtStart = 0;
    let azuriteCpuAtStart = 0;
    const done = await new Promise<Extract<PromotionHostMessage, { kind: "done" }>>((resolve, reject) => {
      child.once("error", reject);
      child.once("exit", (code) => reject(new Error(`the promotion host exited (${code}) before it reported`)));
      child.on("message", (message: PromotionHostMessage) => {
        if (message.kind === "started") {
          started = message;
          benchCpuAtStart = cpuTimeMs(process.pid);
          azuriteCpuAtStart = azuriteCpuMs();
          log(`  ${message.promotions} promotions started in ${(message.startInMs / 1000).toFixed(1)} s; running…`);
        } else {
          child.removeAllListeners("exit");
          resolve(message);
        }
      });
    });
    const botCpuMs = done.cpuInMs;
    const emulatorCpuMs = cpuTimeMs(process.pid) - benchCpuAtStart;
    const storageCpuMs = azuriteCpuMs() - azuriteCpuAtStart;
    if (process.env["BENCH_PROMOTIONS_RAW"]) await writeFile(process.env["BENCH_PROMOTIONS_RAW"], JSON.stringify({ started, done, requests: emulator.requests }));
    // The host exits on its own once it has reported (a profile is written then); killed if it does not.
    await new Promise((resolve) => {
      if (child.exitCode !== null) return resolve(undefined);
      const timer = setTimeout(kill, 15_000);
      child.once("exit", () => resolve(clearTimeout(timer)));
    });
    process.off("exit", kill);
    return analyse({ count, started: started!, done, requests: emulator.requests, botCpuMs, emulatorCpuMs, storageCpuMs, loadAtStart, workers: env["BENCH_PROMOTION_WORKERS"] ?? "host.json" });
  } finally {
    await Promise.allSettled([emulator.close(), azurite.close()]);
    await rm(dir, { recursive: true, force: true });
  }
}

/** CPU time of the bench's Azurite processes (its children running azurite), 0 when there are none. */
function azuriteCpuMs(): number {
  let total = 0;
  for (const pid of readdirSync("/proc").filter((name) => /^\d+$/.test(name))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === process.pid && readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("azurite")) total += cpuTimeMs(Number(pid));
    } catch {
      // Gone meanwhile.
    }
  }
  return total;
}

interface Raw {
  readonly count: number;
  readonly started: Extract<PromotionHostMessage, { kind: "started" }>;
  readonly done: Extract<PromotionHostMessage, { kind: "done" }>;
  readonly requests: readonly RecordedRequest[];
  readonly botCpuMs: number;
  readonly emulatorCpuMs: number;
  readonly storageCpuMs: number;
  readonly loadAtStart: string;
  readonly workers: string;
}

function analyse(raw: Raw): PromotionsResult {
  const { done, started } = raw;
  const promotions = done.promotions as unknown as (Omit<Promotion, "history"> & { history: { at: string; text: string }[] })[];
  const follow = done.deliveries.filter((d) => d.kind === "follow-up" && !d.watchdog && d.transition !== undefined);
  const ran = follow.filter((d) => d.outcome === "ran");
  // Transition 1 is due at once, 2 to 4 after the step before's hold, 5 (reading that Azure ML applied the last step)
  // CONFIRM_AFTER_IN_MS after its PUT was accepted.
  const delayOf = (transition: number): number => (transition < 2 ? 0 : (HOLDS_IN_MS[transition - 2] ?? CONFIRM_AFTER_IN_MS));
  const dueOf = (d: PromotionDelivery): number => Date.parse(d.enqueuedAt) + delayOf(d.transition!);
  const firstRun = new Map<string, PromotionDelivery>();
  for (const d of [...ran].sort((a, b) => a.startedAt - b.startedAt)) if (!firstRun.has(d.jobId)) firstRun.set(d.jobId, d);
  const transitions = [...firstRun.values()];
  const late = (ds: PromotionDelivery[]): number[] => ds.map((d) => d.startedAt - dueOf(d));
  const slots = started.workers;
  const inFlightAt = (t: number): number => done.deliveries.filter((d) => d.startedAt < t && d.endedAt > t).length;

  // ARM: every request to the emulator from the first Apply on, but tokens and Azure Monitor's metrics.
  const after = raw.requests.filter((r) => Date.parse(r.at) >= started.appliedAt && !/oauth2|\/__emulator|discovery|openid/i.test(r.path));
  const metrics = after.filter((r) => /metrics(:getBatch)?$/i.test(r.path));
  const arm = after.filter((r) => !metrics.includes(r));
  const endpointOf = (path: string): string | undefined => /onlineEndpoints\/([^/]+)$/i.exec(path)?.[1];
  const firstStart = new Map<string, number>();
  const endpointById = new Map(promotions.map((p) => [p.id, p.endpoint]));
  for (const d of transitions) if (d.transition === 1) firstStart.set(endpointById.get(d.promotionId!) ?? "", d.startedAt);
  // The Apply reads the endpoint and its deployments before the promotion exists: not a transition's calls.
  const ownerOf = (path: string): string | undefined => /onlineEndpoints\/([^/]+)(\/deployments(\/[^/]+)?)?$/i.exec(path)?.[1];
  const apply = arm.filter((r) => r.method === "GET" && ownerOf(r.path) && Date.parse(r.at) < (firstStart.get(ownerOf(r.path)!) ?? Infinity));
  const applyReads = apply.length;
  const writes = arm.filter((r) => r.method === "PUT" || r.method === "PATCH");
  const polls = arm.filter((r) => r.method === "GET" && !ownerOf(r.path));

  const stepLines = (p: (typeof promotions)[number]): string[] => p.history.map((e) => /^step \d+:/.exec(e.text)?.[0]).filter((s): s is string => s !== undefined);
  const writeLines = (p: (typeof promotions)[number]): number => stepLines(p).length + p.history.filter((e) => e.text.startsWith("reverted to")).length;
  const writesPer = new Map<string, number>();
  for (const w of writes) writesPer.set(endpointOf(w.path) ?? "", (writesPer.get(endpointOf(w.path) ?? "") ?? 0) + 1);
  const states: Record<string, number> = {};
  for (const p of promotions) states[p.state] = (states[p.state] ?? 0) + 1;

  const followUpMessages = new Set(follow.filter((d) => !d.inline).map((d) => d.messageId)).size;
  const inline = follow.filter((d) => d.inline).length;
  const watchdogsDelivered = new Set(done.deliveries.filter((d) => d.watchdog).map((d) => d.messageId)).size;
  return {
    promotions: raw.count,
    steps: PROMOTION_STEPS,
    gates: GATES,
    workers: raw.workers === "host.json" ? `${slots} (host.json: batchSize + newBatchThreshold)` : raw.workers,
    states,
    transitions: transitions.length,
    lateness: latencySummary(late(transitions)),
    firstLateness: latencySummary(late(transitions.filter((d) => d.transition === 1))),
    laterLateness: latencySummary(late(transitions.filter((d) => d.transition! >= 2))),
    duration: latencySummary(transitions.map((d) => d.endedAt - d.startedAt)),
    // A saturated worker starts a message as another ends: the others are then all still busy.
    startedSaturated: transitions.filter((d) => inFlightAt(d.startedAt) >= slots - 1).length,
    arm: { total: arm.length - applyReads, reads: arm.filter((r) => r.method === "GET" && ownerOf(r.path) && !apply.includes(r)).length, writes: writes.length, polls: polls.length, applyReads },
    // Steps run (a history line each): a transition that confirms the last step or waits for Azure ML is not one.
    stepsRun: promotions.reduce((sum, p) => sum + stepLines(p).length, 0),
    metricsCalls: metrics.length,
    queue: { followUps: followUpMessages, watchdogs: watchdogsDelivered + done.queued, deliveries: done.deliveries.length - inline },
    inlineFirst: inline,
    duplicates: {
      runs: ran.length - firstRun.size,
      writes: promotions.reduce((sum, p) => sum + Math.max(0, (writesPer.get(p.endpoint) ?? 0) - writeLines(p)), 0),
      history: promotions.reduce((sum, p) => sum + stepLines(p).length - new Set(stepLines(p)).size, 0),
    },
    inconclusive: promotions.reduce((sum, p) => sum + p.history.filter((e) => e.text.includes("inconclusive")).length, 0),
    startInMs: started.startInMs,
    wallInMs: Math.max(...done.deliveries.map((d) => d.endedAt)) - started.appliedAt,
    botCpuMs: raw.botCpuMs,
    emulatorCpuMs: raw.emulatorCpuMs,
    storageCpuMs: raw.storageCpuMs,
    lroDelayInMs: Number(process.env["BENCH_PROMOTION_LRO_MS"] || 300),
    warnings: done.warnings,
    errors: done.errors,
    loadAtStart: raw.loadAtStart,
    loadAtEnd: loadAverage(),
    commit: machineFacts().commit,
  };
}

/** Replaces the section in an existing results file (or appends it): a run of this part alone changes only it. */
export async function writePromotionsSection(file: string, section: string): Promise<void> {
  const text = await readFile(file, "utf8").catch(() => "");
  const start = text.indexOf(`\n${PROMOTIONS_HEADING}\n`);
  if (start < 0) return writeFile(file, `${text.replace(/\n*$/, "\n")}\n${section}`);
  const next = text.indexOf("\n## ", start + 1);
  await writeFile(file, `${text.slice(0, start + 1)}${section}${next < 0 ? "" : `\n${text.slice(next + 1)}`}`);
}

if (process.argv[1] !== undefined && fileURLToPath(import.meta.url) === process.argv[1]) {
  const count = promotionsOption();
  if (count === "off") process.exit(0);
  const services = await startServices();
  try {
    const result = await measurePromotions(services, count, (line) => console.log(line));
    console.log(renderPromotionsConsole(result));
    const docs = process.env["BENCH_DOCS"] ?? "docs/benchmarks.md";
    if (docs) {
      await writePromotionsSection(docs, renderPromotionsMarkdown(result));
      console.log(`Wrote the section to ${docs}`);
    }
  } finally {
    await services.close();
  }
}
