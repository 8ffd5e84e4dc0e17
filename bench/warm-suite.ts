/**
 * Warm ack latency, side by side: one long-lived process of each server (the bot bundled, in the worker stand-in,
 * as Azure runs it; the same bundle without the Functions programming model, to show that model's share;
 * hello-world Bolt plus the storage write the bot's ack waits for, the target's reference; hello-world Bolt; the
 * bare server), warmed up, then for each verb and each concurrency level the same number of fresh signed requests
 * to each, cut into slices that the servers take in turn (options.ts: slices). Two verbs: `help` (answered inline in the ack: signature, Bolt, plan,
 * render, one audit-table write) and `show fraud-scorer` (a slow verb: "⏳" ack plus one queue write). After each
 * bot level the jobs it enqueued are counted (proof the queue writes happened). The last row per level is the
 * storage write alone, from the bench process (storage-reference.ts).
 *
 * The enqueued messages are left in their queues, not cleared: Azurite's queue service garbage-collects the
 * extents of deleted messages every 60 s, one indexed Loki removal at a time, without yielding; after ~10 000
 * cleared messages that blocked the queue service for 85 s in the middle of a level. Referenced messages cost
 * its GC only a scan.
 */
import { findFreePort } from "../tools/azurite.js";
import { loadAverage } from "./machine.js";
import { cpuTimeMs, spawnChild, type Child } from "./processes.js";
import type { BenchOptions } from "./options.js";
import type { BenchServices } from "./services.js";
import { postSlack, signedSlashCommand, type Answer, type SignedRequest } from "./slack-client.js";
import { latencySummary, type LatencySummary } from "./stats.js";
import { variant, type VariantId } from "./variants.js";
import { storageReference, type ReferenceWrite } from "./storage-reference.js";
import { closedLoop, mergeLevels, runLevel, type LevelResult } from "./warm-load.js";

interface Verb {
  readonly name: string;
  readonly text: string;
  /** The storage write its ack waits for. */
  readonly write: ReferenceWrite;
  /** Cheap check of each answer's body: that the request took the path it is meant to measure. */
  readonly expect: (answer: Answer) => boolean;
}

export const WARM_VERBS: readonly Verb[] = [
  { name: "help (inline)", text: "help", write: "audit", expect: (a) => a.body.includes('"response_type":"ephemeral"') && !a.body.includes("⏳") },
  { name: "show (ack + queue)", text: "show fraud-scorer", write: "queue", expect: (a) => a.body.includes("⏳") && a.body.includes('"response_type":"in_channel"') },
];

const WARM_UP_REQUESTS = 300;
const WARM_UP_CONCURRENCY = 8;

export interface ServerLevel extends LatencySummary {
  /** The server process's CPU time (all threads) over the level, per request answered; NaN where not measured. */
  readonly cpuPerRequestMs: number;
  readonly errors: number;
  readonly errorKinds: Record<string, number>;
  readonly throughput: number;
  readonly truncated: boolean;
}

/** The measured servers, in the order they run at each level. */
export const WARM_SERVERS = ["bot", "botDirect", "boltWrite", "bolt", "bare"] as const;
export type WarmServer = (typeof WARM_SERVERS)[number];
const SERVER_VARIANTS: Record<WarmServer, { id: VariantId; env: Record<string, string> }> = {
  bot: { id: "bundled", env: {} },
  // The same bundle, its handler called without the programming model (functions-worker.ts, BENCH_DIRECT), on a
  // storage account of its own (services.ts: ownStorage).
  botDirect: { id: "bundled", env: { BENCH_DIRECT: "on" } },
  boltWrite: { id: "bolt", env: { BENCH_BOLT_WRITE: "on" } },
  bolt: { id: "bolt", env: {} },
  bare: { id: "bare", env: {} },
};

export interface WarmRow extends Record<WarmServer, ServerLevel> {
  readonly verb: string;
  readonly concurrency: number;
  /** The storage write alone, same count and concurrency. */
  readonly write: ServerLevel;
  /** Load averages (1, 5, 15 min) when the level started. */
  readonly load: string;
  /** Jobs the bot's level added to the jobs queue (worker off): one per acked `show`. */
  readonly queued?: number;
}

export interface WarmResults {
  readonly rows: WarmRow[];
  readonly warmUpErrors: number;
  readonly loadAtStart: string;
  readonly loadAtEnd: string;
}

/** The size of slice `index` of `total` requests cut into `slices`: the first ones take the remainder. */
export function sliceSize(total: number, slices: number, index: number): number {
  return Math.floor(total / slices) + (index < total % slices ? 1 : 0);
}

function summarise(result: LevelResult, cpuMs = Number.NaN): ServerLevel {
  return {
    ...latencySummary(result.latencies),
    cpuPerRequestMs: cpuMs / (result.latencies.length + result.errors),
    errors: result.errors,
    errorKinds: result.errorKinds,
    throughput: (result.latencies.length + result.errors) / (result.wallMs / 1000),
    truncated: result.truncated,
  };
}

async function startServer(id: VariantId, env: NodeJS.ProcessEnv): Promise<{ child: Child; port: number }> {
  const port = await findFreePort();
  const child = spawnChild(variant(id).command, variant(id).args, { ...env, ...variant(id).env, PORT: String(port) });
  const deadline = Date.now() + 30_000;
  // Ready when it answers a signed request (not merely when the port is open).
  for (;;) {
    try {
      const answer = await postSlack(port, signedSlashCommand("help", String(env["SLACK_SIGNING_SECRET"]), "http://127.0.0.1:9/r"), false);
      if (answer.status === 200) return { child, port };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "ECONNREFUSED") throw error;
    }
    if (Date.now() > deadline) {
      await child.kill();
      throw new Error(`${variant(id).label} did not start:\n${child.tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export async function measureWarm(services: BenchServices, options: BenchOptions, log: (line: string) => void): Promise<WarmResults> {
  let minted = 0;
  const requests = (text: string, count: number): SignedRequest[] =>
    Array.from({ length: count }, () => signedSlashCommand(text, services.signingSecret, services.slack.responseUrl(`bench-warm-${++minted}`, { channel: "C0BENCH" })));
  const maxMs = options.maxSecondsPerLevel * 1000;
  let warmUpErrors = 0;
  const loadAtStart = loadAverage();

  const servers: Partial<Record<WarmServer, Awaited<ReturnType<typeof startServer>>>> = {};
  try {
    const bot = (servers.bot = await startServer("bundled", services.hostEnv({ BENCH_WORKER: options.worker })));
    // Warm-up: JIT, connection pools to Azurite, the usergroups cache. Keep one ack per verb for the baselines.
    const acks: Record<string, string> = {};
    for (const verb of WARM_VERBS) {
      const warm = await runLevel(bot.port, requests(verb.text, WARM_UP_REQUESTS), WARM_UP_CONCURRENCY, maxMs, verb.expect);
      warmUpErrors += warm.errors;
      const sample = await postSlack(bot.port, requests(verb.text, 1)[0]!, false);
      if (sample.status !== 200 || !verb.expect(sample)) throw new Error(`bot answered ${verb.text} with HTTP ${sample.status}: ${sample.body.slice(0, 300)}\n${bot.child.tail()}`);
      acks[verb.text] = sample.body;
    }
    for (const server of WARM_SERVERS.filter((s) => s !== "bot")) {
      const { id, env } = SERVER_VARIANTS[server];
      const storage: Record<string, string> = server === "botDirect" ? { AzureWebJobsStorage: await services.ownStorage("benchdirect") } : {};
      const started = (servers[server] = await startServer(id, services.hostEnv({ ...env, ...storage, BENCH_BARE_ACKS: JSON.stringify(acks) })));
      for (const verb of WARM_VERBS) warmUpErrors += (await runLevel(started.port, requests(verb.text, WARM_UP_REQUESTS), WARM_UP_CONCURRENCY, maxMs, verb.expect)).errors;
    }

    const reference = await storageReference(services.storage, "alone");
    for (const verb of WARM_VERBS) await closedLoop(WARM_UP_REQUESTS, WARM_UP_CONCURRENCY, maxMs, () => reference.write(verb.write).then(() => undefined));

    const rows: WarmRow[] = [];
    let level = 0;
    for (const verb of WARM_VERBS) {
      for (const concurrency of options.concurrency) {
        const countJobs = verb.write === "queue" && options.worker === "off";
        const slices = Object.fromEntries([...WARM_SERVERS, "write"].map((server) => [server, []])) as unknown as Record<WarmServer | "write", LevelResult[]>;
        const cpuMs = Object.fromEntries(WARM_SERVERS.map((server) => [server, 0])) as Record<WarmServer, number>;
        let queued = 0;
        const loadBefore = loadAverage();
        const order = level++ % 2 === 0 ? [...WARM_SERVERS, "write" as const] : ["write" as const, ...[...WARM_SERVERS].reverse()];
        for (let slice = 0; slice < options.slices; slice++) {
          // Each slice in the reverse order of the one before, so no server always follows the same one.
          const count = sliceSize(options.requests, options.slices, slice);
          for (const server of slice % 2 === 0 ? order : [...order].reverse()) {
            if (server === "write") {
              slices.write.push(await closedLoop(count, concurrency, maxMs / options.slices, () => reference.write(verb.write).then(() => undefined)));
              continue;
            }
            // Only the bot's queue writes go to the jobs queue (the Bolt reference writes to a queue of its own).
            const jobsBefore = countJobs && server === "bot" ? await services.queuedJobs() : 0;
            const { child, port } = servers[server]!;
            const cpuBefore = cpuTimeMs(child.pid);
            slices[server].push(await runLevel(port, requests(verb.text, count), concurrency, maxMs / options.slices, verb.expect));
            cpuMs[server] += cpuTimeMs(child.pid) - cpuBefore;
            if (countJobs && server === "bot") queued += (await services.queuedJobs()) - jobsBefore;
          }
        }
        const levels = Object.fromEntries(WARM_SERVERS.map((server) => [server, summarise(mergeLevels(slices[server]), cpuMs[server])])) as Record<WarmServer, ServerLevel>;
        const write = summarise(mergeLevels(slices.write));
        const row = { verb: verb.name, concurrency, ...levels, write, load: loadBefore, ...(countJobs ? { queued } : {}) };
        rows.push(row);
        const errors = [...WARM_SERVERS.map((s) => row[s].errors), write.errors];
        log(
          `  ${verb.name.padEnd(19)} C=${String(concurrency).padEnd(3)} load ${loadBefore.split(" ")[0]} · ` +
            WARM_SERVERS.map((s) => `${s} p50 ${row[s].p50.toFixed(2)} p99 ${row[s].p99.toFixed(2)} cpu/req ${row[s].cpuPerRequestMs.toFixed(2)}`).join(" · ") +
            ` · write alone p50 ${write.p50.toFixed(2)} p99 ${write.p99.toFixed(2)} ms` +
            (errors.some((e) => e > 0) ? ` · errors ${errors.join("/")}` : ""),
        );
      }
    }
    return { rows, warmUpErrors, loadAtStart, loadAtEnd: loadAverage() };
  } finally {
    await Promise.all(Object.values(servers).map((server) => server.child.kill()));
  }
}
