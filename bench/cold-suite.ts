/**
 * The cold-start measurements: N fresh starts of each variant, interleaved (bundled, compiled, tsx, bolt, bare, then
 * the next round in the reverse order, …) so slow drift of the machine spreads over all of them and no variant always
 * follows the same one (tsx's two processes are the heaviest start), each preceded by one unmeasured priming start
 * (OS file cache, tsx's transform cache, and Azurite's tables and queues already existing, as they do in Azure).
 * Then a Teams message right after a cold start, and the breakdown probe. Jobs the acks enqueue are deleted after
 * every start, so none runs inside a later one.
 */
import { coldStart, type Send } from "./cold-start.js";
import { loadAverage } from "./machine.js";
import { spawnChild } from "./processes.js";
import type { BenchServices } from "./services.js";
import { post, postSlack, signedSlashCommand, type Answer } from "./slack-client.js";
import { median } from "./stats.js";
import { teamsMessageActivity } from "../tools/local/teams-activities.js";
import { LOCAL_USERS } from "../src/config/local-defaults.js";
import { variant, type VariantId } from "./variants.js";

/** A slow verb: the ack path includes the queue write. */
export const COLD_COMMAND = "traffic fraud-scorer blue=80 green=20";
/** The bot first (its ack is what Bolt and the bare server answer with), the baselines last. */
export const COLD_VARIANTS = ["bundled", "compiled", "tsx", "bolt", "bare"] as const satisfies readonly VariantId[];
/** The bot's variants that run in the worker stand-in, the Teams runs' too. */
export const WORKER_VARIANTS = ["bundled", "compiled"] as const satisfies readonly VariantId[];
export const TEAMS_COLD_TEXT = "help";

export type ColdVariant = (typeof COLD_VARIANTS)[number];
export type WorkerVariant = (typeof WORKER_VARIANTS)[number];

/** The worker stand-in's own marks (its clock: from its process start), per run. */
export interface StandInMarks {
  readonly entriesLoadedAt: number;
  readonly listeningAt: number;
}

export interface ColdResults {
  /** Spawn → first ack, per measured run; index i of every variant is from the same round. */
  readonly ms: Record<ColdVariant, number[]>;
  /** The measured process's CPU time at its first ack, per run (NaN without /proc; tsx's CLI runs the app in a child it does not count). */
  readonly cpuMs: Record<ColdVariant, number[]>;
  readonly marks: Record<WorkerVariant, StandInMarks[]>;
  /** Load average (1 min) before each measured round. */
  readonly load: number[];
  readonly loadAtStart: string;
  readonly loadAtEnd: string;
}

export interface TeamsColdResults {
  /** Spawn → the answer to a Teams message (the reply posted to the connector, then HTTP 200), per run. */
  readonly ms: Record<WorkerVariant, number[]>;
  readonly loadAtStart: string;
  readonly loadAtEnd: string;
}

/** The slow-verb ack: 200 with the in-channel "⏳ …" message (not a refusal or a usage error answered inline). */
export function isQueuedAck(answer: Answer): boolean {
  if (answer.status !== 200) return false;
  try {
    const body = JSON.parse(answer.body) as { text?: unknown; response_type?: unknown };
    return typeof body.text === "string" && body.text.startsWith("⏳") && body.response_type === "in_channel";
  } catch {
    return false;
  }
}

function standInMarks(stdout: readonly string[]): StandInMarks | undefined {
  const line = stdout.find((l) => l.startsWith('{"standIn"'));
  return line ? (JSON.parse(line) as { standIn: StandInMarks }).standIn : undefined;
}

const load1 = (): number => Number(loadAverage().split(" ")[0]);

export async function measureColdStarts(services: BenchServices, runs: number, log: (line: string) => void): Promise<ColdResults> {
  const ms = Object.fromEntries(COLD_VARIANTS.map((id) => [id, [] as number[]])) as Record<ColdVariant, number[]>;
  const cpuMs = Object.fromEntries(COLD_VARIANTS.map((id) => [id, [] as number[]])) as Record<ColdVariant, number[]>;
  const marks: Record<WorkerVariant, StandInMarks[]> = { bundled: [], compiled: [] };
  const load: number[] = [];
  const loadAtStart = loadAverage();
  // The bot's ack for COLD_COMMAND (from its priming start), which Bolt and the bare server then answer with.
  let ack = "";
  let started = 0;
  const once = async (id: ColdVariant): Promise<{ ms: number; cpuMs: number; stdout: readonly string[] }> => {
    const env = services.hostEnv(id === "bare" || id === "bolt" ? { BENCH_BARE_ACKS: JSON.stringify({ [COLD_COMMAND]: ack }) } : {});
    const request = signedSlashCommand(COLD_COMMAND, services.signingSecret, services.slack.responseUrl(`bench-cold-${++started}`, { channel: "C0BENCH" }));
    const send: Send = (port, timeoutInMs) => postSlack(port, request, false, timeoutInMs);
    const result = await coldStart(variant(id), env, send, isQueuedAck);
    if (id !== "bare" && id !== "bolt") ack ||= result.answer.body;
    await services.clearJobs();
    return result;
  };
  for (const id of COLD_VARIANTS) log(`  priming ${variant(id).label}: ${(await once(id)).ms.toFixed(0)} ms (not counted)`);
  for (let run = 1; run <= runs; run++) {
    load.push(load1());
    const line: string[] = [];
    for (const id of run % 2 === 1 ? COLD_VARIANTS : [...COLD_VARIANTS].reverse()) {
      const result = await once(id);
      ms[id].push(result.ms);
      cpuMs[id].push(id === "tsx" ? Number.NaN : result.cpuMs);
      const mark = (WORKER_VARIANTS as readonly string[]).includes(id) ? standInMarks(result.stdout) : undefined;
      if (mark) marks[id as WorkerVariant].push(mark);
      line.push(`${id} ${result.ms.toFixed(0)} ms${id === "tsx" ? "" : ` (CPU ${result.cpuMs.toFixed(0)})`}`);
    }
    log(`  run ${run}/${runs} (load ${load.at(-1)!.toFixed(2)}): ${line.join(" · ")}`);
  }
  return { ms, cpuMs, marks, load, loadAtStart, loadAtEnd: loadAverage() };
}

/**
 * A Teams message (`aml help`, answered inline: the help card posted to the connector stand-in during the turn)
 * sent to a freshly started bot, as Teams would send it to an app that has just scaled from zero: spawn → HTTP 200,
 * checked that the card reached the connector.
 */
export async function measureTeamsCold(services: BenchServices, runs: number, log: (line: string) => void): Promise<TeamsColdResults> {
  const ms: Record<WorkerVariant, number[]> = { bundled: [], compiled: [] };
  const loadAtStart = loadAverage();
  let conversation = 0;
  const once = async (id: WorkerVariant): Promise<number> => {
    const conversationId = `a:bench-cold-${process.pid}-${++conversation}`;
    const activity = teamsMessageActivity({ text: `aml ${TEAMS_COLD_TEXT}`, serviceUrl: services.teams.url, user: { aadObjectId: LOCAL_USERS.admin.teams }, conversationId });
    const body = JSON.stringify(activity);
    const request = { body, headers: { "content-type": "application/json", "content-length": String(Buffer.byteLength(body)) } };
    const send: Send = (port, timeoutInMs) => post(port, "/api/teams/messages", request, false, timeoutInMs);
    const result = await coldStart(variant(id), services.hostEnv(), send, (answer) => answer.status === 200);
    if (!services.teams.messages.some((m) => m.conversationId === conversationId)) throw new Error(`${variant(id).label}: HTTP 200 but no reply reached the connector stand-in`);
    return result.ms;
  };
  for (const id of WORKER_VARIANTS) log(`  priming ${variant(id).label}, Teams: ${(await once(id)).toFixed(0)} ms (not counted)`);
  for (let run = 1; run <= runs; run++) {
    const line: string[] = [];
    for (const id of WORKER_VARIANTS) {
      const value = await once(id);
      ms[id].push(value);
      line.push(`${id} ${value.toFixed(0)} ms`);
    }
    log(`  Teams run ${run}/${runs} (load ${loadAverage().split(" ")[0]}): ${line.join(" · ")}`);
  }
  return { ms, loadAtStart, loadAtEnd: loadAverage() };
}

export interface BreakdownStep {
  readonly step: string;
  /** Median over the probe runs. */
  readonly ms: number;
}

export type Breakdown = Partial<Record<"compiled" | "tsx", BreakdownStep[]>> & {
  /** Load averages (1, 5, 15 min) before and after the probe runs. */
  loadAtStart?: string;
  loadAtEnd?: string;
};

interface ProbeOutput {
  readonly timeOrigin: number;
  readonly marks: { step: string; at: number }[];
  readonly statuses: number[];
}

/**
 * Runs cold-probe.ts `runs` times per bot variant: the start-up in steps. The first step is measured from the
 * bench's `spawn()` (wall clock on both sides) to the probe's first line, so it includes process creation and
 * node's (and tsx's) own start-up.
 */
export async function measureBreakdown(services: BenchServices, runs: number, log: (line: string) => void): Promise<Breakdown> {
  const breakdown: Breakdown = {};
  if (runs === 0) return breakdown;
  breakdown.loadAtStart = loadAverage();
  for (const id of ["compiled", "tsx"] as const) {
    const samples: number[][] = [];
    let steps: string[] = [];
    for (let run = 0; run <= runs; run++) {
      const spawnedAt = performance.timeOrigin + performance.now();
      const probe = variant(id, "cold-probe");
      const child = spawnChild(probe.command, probe.args, { ...services.hostEnv(), ...probe.env });
      const code = await Promise.race([child.exited, new Promise<"timeout">((resolve) => setTimeout(() => resolve("timeout"), 30_000))]);
      await child.kill();
      await services.clearJobs();
      const line = child.stdout.find((l) => l.startsWith("{"));
      if (code !== 0 || !line) throw new Error(`cold-start probe (${id}) failed (${code}):\n${child.tail()}`);
      const output = JSON.parse(line) as ProbeOutput;
      if (output.statuses.some((s) => s !== 200)) throw new Error(`cold-start probe (${id}) got HTTP ${output.statuses.join(", ")}`);
      if (run === 0) continue; // priming, like the cold starts
      steps = output.marks.map((m) => m.step);
      samples.push(output.marks.map((m, i) => (i === 0 ? output.timeOrigin + m.at - spawnedAt : m.at - output.marks[i - 1]!.at)));
    }
    breakdown[id] = steps.map((step, i) => ({ step, ms: median(samples.map((s) => s[i]!)) }));
    log(`  breakdown ${id}: ${runs} runs`);
  }
  breakdown.loadAtEnd = loadAverage();
  return breakdown;
}
