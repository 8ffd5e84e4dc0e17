/**
 * The cold-start measurements: N fresh starts of each variant, interleaved (compiled, tsx, bare, compiled, …)
 * so slow drift of the machine spreads over all three, each preceded by one unmeasured priming start (OS file
 * cache, tsx's transform cache, and Azurite's tables and queues already existing, as they do in Azure). Then the
 * breakdown probe. Jobs the acks enqueue are deleted after every start, so none runs inside a later one.
 */
import { coldStart } from "./cold-start.js";
import { spawnChild } from "./processes.js";
import type { BenchServices } from "./services.js";
import { signedSlashCommand, type Answer } from "./slack-client.js";
import { median } from "./stats.js";
import { variant, type VariantId } from "./variants.js";

/** A slow verb: the ack path includes the queue write. */
export const COLD_COMMAND = "traffic fraud-scorer blue=80 green=20";
export const COLD_VARIANTS: readonly VariantId[] = ["compiled", "tsx", "bare"];

export interface ColdResults {
  /** Spawn → first ack, per measured run. */
  readonly ms: Record<VariantId, number[]>;
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

export async function measureColdStarts(services: BenchServices, runs: number, log: (line: string) => void): Promise<ColdResults> {
  const ms: Record<VariantId, number[]> = { compiled: [], tsx: [], bare: [] };
  // The bot's ack for COLD_COMMAND (from its priming start), which the bare server then answers with.
  let ack = "";
  let started = 0;
  const once = async (id: VariantId): Promise<number> => {
    const env = services.hostEnv(id === "bare" ? { BENCH_BARE_ACKS: JSON.stringify({ [COLD_COMMAND]: ack }) } : {});
    const request = signedSlashCommand(COLD_COMMAND, services.signingSecret, services.slack.responseUrl(`bench-cold-${++started}`, { channel: "C0BENCH" }));
    const result = await coldStart(variant(id), env, request, isQueuedAck);
    if (id !== "bare") ack ||= result.answer.body;
    await services.clearJobs();
    return result.ms;
  };
  for (const id of COLD_VARIANTS) log(`  priming ${variant(id).label}: ${(await once(id)).toFixed(0)} ms (not counted)`);
  for (let run = 1; run <= runs; run++) {
    const line: string[] = [];
    for (const id of COLD_VARIANTS) {
      const value = await once(id);
      ms[id].push(value);
      line.push(`${id} ${value.toFixed(0)} ms`);
    }
    log(`  run ${run}/${runs}: ${line.join(" · ")}`);
  }
  return { ms };
}

export interface BreakdownStep {
  readonly step: string;
  /** Median over the probe runs. */
  readonly ms: number;
}

export type Breakdown = Partial<Record<"compiled" | "tsx", BreakdownStep[]>>;

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
  for (const id of ["compiled", "tsx"] as const) {
    const samples: number[][] = [];
    let steps: string[] = [];
    for (let run = 0; run <= runs; run++) {
      const spawnedAt = performance.timeOrigin + performance.now();
      const child = spawnChild(variant(id, "cold-probe").command, variant(id, "cold-probe").args, services.hostEnv());
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
  return breakdown;
}
