/** The promotions bench's results: console lines and the "Promotions at scale" section of docs/benchmarks.md. */
import { ms, plain, table, verdict } from "./report-format.js";
import type { LatencySummary } from "./stats.js";

/** What bench/promotions.bench.ts measured. */
export interface PromotionsResult {
  readonly promotions: number;
  readonly steps: string;
  readonly gates: string;
  readonly workers: string;
  readonly states: Readonly<Record<string, number>>;
  readonly transitions: number;
  readonly lateness: LatencySummary;
  /** Lateness of the first transition (queued by Apply with no delay) and of the later ones (after a hold). */
  readonly firstLateness: LatencySummary;
  readonly laterLateness: LatencySummary;
  /** How long a transition ran, from the worker getting the message to the job done. */
  readonly duration: LatencySummary;
  /** Transitions that started while every worker slot was busy. */
  readonly startedSaturated: number;
  /** Steps the promotions ran (a transition confirming the last step, or waiting for Azure ML, is not one). */
  readonly stepsRun: number;
  readonly arm: { readonly total: number; readonly reads: number; readonly writes: number; readonly polls: number; readonly applyReads: number };
  readonly metricsCalls: number;
  readonly queue: { readonly followUps: number; readonly watchdogs: number; readonly deliveries: number };
  /** First steps run in their Apply (not delivered by the queue). */
  readonly inlineFirst: number;
  readonly duplicates: { readonly runs: number; readonly writes: number; readonly history: number };
  readonly inconclusive: number;
  readonly startInMs: number;
  readonly wallInMs: number;
  readonly botCpuMs: number;
  /** The bench process's CPU over the run: the emulator answering (and the bench idling). */
  readonly emulatorCpuMs: number;
  /** Azurite's processes (the bench's children), over the run. */
  readonly storageCpuMs: number;
  readonly lroDelayInMs: number;
  readonly warnings: number;
  readonly errors: readonly string[];
  readonly loadAtStart: string;
  readonly loadAtEnd: string;
  /** The code measured (`git rev-parse`, with "uncommitted changes" when the tree has them). */
  readonly commit: string;
}

export const PROMOTIONS_HEADING = "## Promotions at scale";
export const LATENESS_P99_TARGET_MS = 2_000;
export const ARM_PER_STEP_TARGET = 3;

const per = (value: number, transitions: number): string => (transitions > 0 ? (value / transitions).toFixed(2) : "–");

function latencyRow(name: string, s: LatencySummary): string[] {
  return [name, String(s.count), ms(s.p50), ms(s.p90), ms(s.p99), ms(s.max)];
}

function tables(r: PromotionsResult): { lateness: string; costs: string } {
  const lateness = table(
    ["Per transition", "n", "p50 ms", "p90 ms", "p99 ms", "max ms"],
    [latencyRow("lateness, all", r.lateness), latencyRow("lateness, first (stored → started)", r.firstLateness), latencyRow("lateness, after a hold", r.laterLateness), latencyRow("duration (message → job done)", r.duration)],
    ["l", "r", "r", "r", "r", "r"],
  );
  const n = r.transitions;
  const costs = table(
    ["Per transition", "calls", "per transition"],
    [
      ["ARM calls (endpoint reads + writes + LRO polls)", String(r.arm.total), per(r.arm.total, n)],
      ["· endpoint reads", String(r.arm.reads), per(r.arm.reads, n)],
      ["· traffic writes (PUT)", String(r.arm.writes), per(r.arm.writes, n)],
      ["· LRO status polls", String(r.arm.polls), per(r.arm.polls, n)],
      ["Azure Monitor metrics calls (not ARM)", String(r.metricsCalls), per(r.metricsCalls, n)],
      ["queue messages: transitions", String(r.queue.followUps), per(r.queue.followUps, n)],
      ["queue messages: job-ledger watchdogs", String(r.queue.watchdogs), per(r.queue.watchdogs, n)],
      ["deliveries handled by the worker", String(r.queue.deliveries), per(r.queue.deliveries, n)],
    ],
    ["l", "r", "r"],
  );
  return { lateness, costs };
}

function duplicates(r: PromotionsResult): number {
  return r.duplicates.runs + r.duplicates.writes + r.duplicates.history;
}

/** Where the time goes, from this run's numbers. */
function reading(r: PromotionsResult): string {
  const n = r.transitions;
  const cpu = (r.botCpuMs + r.storageCpuMs + r.emulatorCpuMs) / n;
  const rate = n / (r.wallInMs / 1000);
  return [
    `**What dominates:** every transition costs about ${ms(cpu)} ms of CPU (the bot ${per(r.botCpuMs, n)}, Azurite serving its`,
    `Tables and queue calls ${per(r.storageCpuMs, n)}, the emulator ${per(r.emulatorCpuMs, n)}), so two idle cores would run at most`,
    `about ${ms(2000 / cpu)} transitions a second; this run, sharing them with other work, ran ${rate.toFixed(1)}. The promotions start`,
    `together and stay in step, so each step's ${r.promotions} transitions arrive as one wave that takes about`,
    `${(r.promotions / rate).toFixed(1)} s to drain: that is the lateness, not the queue poller (its back-off is at most`,
    `2 s and it is polling busily here) nor the metrics reads. The ARM calls are one endpoint read a transition (${per(r.arm.reads, n)}`,
    `a step) and the PUT, which returns once Azure ML accepted it (status polls: ${per(r.arm.polls, n)} a step); the next`,
    "transition's read sees whether it landed, and one more after the last step reads the endpoint to confirm it, so",
    "neither the calls nor a worker's time grow with how long Azure ML takes to apply a write.",
  ].join("\n");
}

export function renderPromotionsConsole(r: PromotionsResult): string {
  const { lateness, costs } = tables(r);
  return [
    `Promotions at scale: ${r.promotions} promotions (${r.steps}), ${r.transitions} transitions, states ${JSON.stringify(r.states)}, workers ${r.workers}`,
    plain(lateness),
    plain(costs),
    `duplicates: ${duplicates(r)} (job runs ${r.duplicates.runs}, traffic writes ${r.duplicates.writes}, history ${r.duplicates.history}); inconclusive ${r.inconclusive}; started with every worker busy ${r.startedSaturated}; bot CPU ${ms(r.botCpuMs)} ms (${per(r.botCpuMs, r.transitions)} ms per transition), emulator CPU ${ms(r.emulatorCpuMs)} ms, Azurite CPU ${ms(r.storageCpuMs)} ms, LRO ${r.lroDelayInMs} ms, wall ${ms(r.wallInMs)} ms; warnings ${r.warnings}, errors ${r.errors.length}`,
    ...r.errors.map((e) => `  ! ${e}`),
    `load ${r.loadAtStart} → ${r.loadAtEnd}`,
  ].join("\n");
}

export function renderPromotionsMarkdown(r: PromotionsResult): string {
  const { lateness, costs } = tables(r);
  const armPerStep = r.stepsRun > 0 ? r.arm.total / r.stepsRun : Number.NaN;
  const dups = duplicates(r);
  return `${PROMOTIONS_HEADING}

${r.promotions} promotions at once on ${r.promotions} endpoints of the emulator (each blue 100 %, green 0 %), every one
\`${r.steps}\` with \`AML_PROMOTION_TIME_SCALE=1\` (plan time is real time: one-second holds) and gates
\`${r.gates}\` that a healthy candidate passes on the first read (minRequests 1; the emulator's load is 6000
requests a minute per endpoint at the daily peak). The bot runs in a process of its own (\`bench/promotion-host.ts\`:
\`createRuntime\` on Azurite, the promotions started through the core as \`aml promote\` + Apply) with a queue worker
configured as host.json configures the Functions trigger (messages in flight: ${r.workers}; the same polling
back-off); the emulator runs in the bench process and records every request. A transition's lateness is when the
worker got its message minus when it was due (the job's \`enqueuedAt\`, plus the step's hold after the first). The
first step runs in the Apply's job, as soon as the promotion is stored (its queued copy only runs it if that job
dies): its lateness is from the row's creation to the step's claim in the job ledger (${r.inlineFirst} of ${r.promotions} ran so).
Those copies are due a lease and a margin after the Apply, after this run: they are among the messages left queued,
counted with the watchdogs.
Code: ${r.commit}. Outcome: ${Object.entries(r.states).map(([s, n]) => `${n} ${s}`).join(", ")}; ${r.transitions} transitions in ${(r.wallInMs / 1000).toFixed(1)} s${r.inconclusive ? `, ${r.inconclusive} inconclusive reads` : ""}.
Load average (1, 5, 15 min): ${r.loadAtStart} before, ${r.loadAtEnd} after (2 CPUs; other sessions' work was running).

| Target | This run | |
| --- | --- | --- |
| Step-transition lateness p99 ≤ ${LATENESS_P99_TARGET_MS / 1000} s | p50 ${ms(r.lateness.p50)} ms, p99 ${ms(r.lateness.p99)} ms | ${verdict(r.lateness.p99 <= LATENESS_P99_TARGET_MS)} |
| Zero duplicate transitions | ${dups} (job runs twice ${r.duplicates.runs}, traffic writes beyond one a step ${r.duplicates.writes}, a step twice in history ${r.duplicates.history}) | ${verdict(dups === 0)} |
| ARM calls per step ≤ ${ARM_PER_STEP_TARGET} | ${Number.isFinite(armPerStep) ? armPerStep.toFixed(2) : "–"} (${r.arm.total} calls, ${r.stepsRun} steps) | ${verdict(armPerStep <= ARM_PER_STEP_TARGET)} |

${lateness}

${costs}

The Apply's own reads of the endpoint and its deployments (${r.arm.applyReads}, before a promotion's first transition) are not counted; token
requests are not ARM calls. Transitions that started while all ${r.workers.split(" ")[0]} worker slots were busy: ${r.startedSaturated}. The bot's
CPU over the run: ${ms(r.botCpuMs)} ms, ${per(r.botCpuMs, r.transitions)} ms per transition; the emulator's (the bench
process): ${ms(r.emulatorCpuMs)} ms; Azurite's: ${ms(r.storageCpuMs)} ms. The emulator keeps a traffic update Updating
for ${r.lroDelayInMs} ms (Azure takes far longer); no transition waits for it.

${reading(r)}

Alone: \`BENCH_PROMOTIONS=100 npx tsx bench/promotions.bench.ts\` rewrites only this section.
`;
}
