/** The cold-start tables of the bench's report: the starts side by side, the worker stand-in's steps, Teams, the probe. */
import type { Breakdown, ColdResults, ColdVariant, StandInMarks, TeamsColdResults, WorkerVariant } from "./cold-suite.js";
import { COLD_VARIANTS, WORKER_VARIANTS } from "./cold-suite.js";
import { load1, loadRange, ms, ratio, table, verdict } from "./report-format.js";
import { median, spread } from "./stats.js";
import { variant } from "./variants.js";

/** A Teams message right after a cold start, answered within (median of the bundled bot). */
export const TEAMS_COLD_TARGET_MS = 1_500;

export function coldMedians(cold: ColdResults): Record<ColdVariant, number> {
  return Object.fromEntries(COLD_VARIANTS.map((id) => [id, spread(cold.ms[id]).median])) as Record<ColdVariant, number>;
}

/** The median over the rounds of a variant's start divided by hello-world Bolt's in the same round. */
export function pairedRatio(values: readonly number[], bolt: readonly number[]): number {
  return median(values.map((value, i) => value / bolt[i]!).filter(Number.isFinite));
}

/** Median CPU time at the first ack, NaN when it was not measured (no /proc, or tsx's CLI). */
export function cpuMedian(cold: ColdResults, id: ColdVariant): number {
  const values = cold.cpuMs[id].filter(Number.isFinite);
  return values.length > 0 ? median(values) : Number.NaN;
}

export function coldTable(cold: ColdResults): string {
  const medians = coldMedians(cold);
  const boltCpu = cpuMedian(cold, "bolt");
  const rows = COLD_VARIANTS.map((id) => {
    const s = spread(cold.ms[id]);
    const cpu = cpuMedian(cold, id);
    return [
      variant(id).label,
      ms(s.min),
      ms(s.median),
      ms(s.max),
      ratio(s.median / medians.bolt),
      ratio(pairedRatio(cold.ms[id], cold.ms.bolt)),
      ratio(s.median / medians.bare),
      ms(cpu),
      ratio(cpu / boltCpu),
      loadRange(cold.load),
    ];
  });
  return table(
    ["Process", "min ms", "median ms", "max ms", "median ×Bolt", "paired ×Bolt", "median ×bare", "CPU ms (median)", "CPU ×Bolt", "load (1 min)"],
    rows,
    ["l", "r", "r", "r", "r", "r", "r", "r", "r", "r"],
  );
}

/** The worker stand-in's marks (its own clock, from its process start) against the cold start's total. */
export function standInTable(cold: ColdResults): string {
  const column = (id: WorkerVariant): string[] => {
    const marks: readonly StandInMarks[] = cold.marks[id];
    const entries = median(marks.map((m) => m.entriesLoadedAt));
    const listening = median(marks.map((m) => m.listeningAt));
    const total = median(cold.ms[id]);
    return [ms(entries), ms(listening - entries), ms(total - listening), ms(total)];
  };
  const steps = [
    "process start → entries imported (the worker loads `main`: @azure/functions and the handlers)",
    "→ listening (the stand-in's server)",
    "→ 1st ack (the runtime's import and start-up, the Slack adapter, the request with its queue write)",
    "**spawn → 1st ack (median)**",
  ];
  const columns = WORKER_VARIANTS.map(column);
  return table(["Step (median)", ...WORKER_VARIANTS.map((id) => `${id} ms`)], steps.map((step, i) => [step, ...columns.map((c) => c[i]!)]), ["l", "r", "r"]);
}

export function teamsTable(teams: TeamsColdResults): string {
  const load = loadRange([load1(teams.loadAtStart), load1(teams.loadAtEnd)]);
  const rows = WORKER_VARIANTS.map((id) => {
    const s = spread(teams.ms[id]);
    return [variant(id).label, ms(s.min), ms(s.median), ms(s.max), verdict(s.median <= TEAMS_COLD_TARGET_MS), load];
  });
  return table(["Process", "min ms", "median ms", "max ms", `≤ ${TEAMS_COLD_TARGET_MS} ms`, "load (1 min)"], rows, ["l", "r", "r", "r", "l", "r"]);
}

export function breakdownLoad(breakdown: Breakdown): string {
  return loadRange([breakdown.loadAtStart, breakdown.loadAtEnd].filter((l): l is string => l !== undefined).map(load1));
}

export function breakdownTable(breakdown: Breakdown): string | undefined {
  const compiled = breakdown.compiled;
  if (!compiled) return undefined;
  const tsx = breakdown.tsx;
  const total = (steps: readonly { step: string; ms: number }[] | undefined, upTo: number): number =>
    (steps ?? []).slice(0, upTo).reduce((sum, s) => sum + s.ms, 0);
  // The start-up proper ends with the 1st slash command; the rows after it are for comparison.
  const startUp = compiled.findIndex((s) => s.step.startsWith("1st")) + 1;
  const rows = compiled.map((s, i) => [s.step, ms(s.ms), tsx?.[i] ? ms(tsx[i]!.ms) : "–"]);
  rows.splice(startUp, 0, ["**spawn → 1st ack (sum)**", `**${ms(total(compiled, startUp))}**`, tsx ? `**${ms(total(tsx, startUp))}**` : "–"]);
  return table(["Step (probe, median)", "tsc output ms", "tsx ms"], rows, ["l", "r", "r"]);
}

