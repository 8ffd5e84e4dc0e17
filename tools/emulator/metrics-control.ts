/**
 * The metrics plane's knobs and counters: degradations (from the scenario, and added at run time to show an
 * anomaly), per-metric failures (a metric answering with an error code inside a successful batch), the scoring
 * calls the scoring plane observed and the knobs it runs each deployment with, the endpoints' traffic splits
 * over time, and how many metrics calls were served (tests count batches with it).
 */
import type { MetricDefinition } from "./metrics-catalog.js";
import type { Degradation, LoadOptions } from "./metrics-load.js";
import { ObservedTraffic, type ScoringObservation } from "./metrics-observed.js";
import type { LoadKnobs, LoadSources } from "./metrics-resources.js";
import type { MetricFailure } from "./metrics-series.js";
import { TrafficTimeline } from "./metrics-traffic.js";
import type { EmulatorScenario } from "./scenario.js";
import type { DeploymentScoring } from "./scoring-knobs.js";
import type { DeploymentRecord } from "./state.js";

/** What the metrics plane reads from the scoring plane. */
export interface ScoringSource {
  /** What it served (live, pinned and mirrored calls join the reported load). */
  events(): readonly ScoringObservation[];
  /** The knobs a deployment runs with now (scenario, overridden at run time). */
  knobsOf(deployment: DeploymentRecord): DeploymentScoring;
}

export interface DegradeRule extends Omit<Degradation, "sinceMs" | "untilMs"> {
  readonly since?: Date | string;
  readonly until?: Date | string;
}

export interface MetricFailureRule {
  /** Case-insensitive RegExp source tested against the resource id; every resource when omitted. */
  readonly resourceId?: string;
  /** Metric name, case-insensitive; every metric when omitted. */
  readonly metric?: string;
  readonly errorCode?: string;
  readonly errorMessage?: string;
}

export interface MetricsCalls {
  /** `POST .../metrics:getBatch` answered (any status). */
  readonly batch: number;
  /** `GET {resourceUri}/providers/Microsoft.Insights/metrics` answered (any status). */
  readonly resource: number;
}

export interface MetricsControl {
  /** Degrades an endpoint or deployment from `since` on (always without it), until `clear()` or `reset()`. */
  degrade(rule: DegradeRule): void;
  failMetrics(rule: MetricFailureRule): void;
  /** Drops run-time degradations and failures and the counters; scenario degradations stay. */
  clear(): void;
  readonly calls: MetricsCalls;
}

export class MetricsPlaneState implements MetricsControl {
  readonly observed: ObservedTraffic;
  readonly knobs: LoadKnobs;
  readonly sources: LoadSources;
  private readonly synthetic: boolean;
  private readonly scenarioDegradations: Degradation[];
  private degradations: Degradation[] = [];
  private failures: MetricFailureRule[] = [];
  private counters = { batch: 0, resource: 0 };

  constructor(scenario: EmulatorScenario, scoring?: ScoringSource) {
    this.observed = new ObservedTraffic(scoring === undefined ? undefined : () => scoring.events());
    this.sources = { traffic: new TrafficTimeline(), knobsOf: (deployment) => scoring?.knobsOf(deployment) ?? {} };
    const knobs = scenario.metrics;
    this.knobs = {
      seed: knobs?.seed ?? 1,
      peaks: new Map(Object.entries(knobs?.peakRequestsPerMinute ?? {}).map(([name, peak]) => [name.toLowerCase(), peak])),
    };
    this.synthetic = knobs?.synthetic ?? true;
    this.scenarioDegradations = (knobs?.degradations ?? []).map(toDegradation);
  }

  get calls(): MetricsCalls {
    return { ...this.counters };
  }

  count(kind: keyof MetricsCalls): void {
    this.counters[kind]++;
  }

  degrade(rule: DegradeRule): void {
    this.degradations.push(toDegradation(rule));
  }

  failMetrics(rule: MetricFailureRule): void {
    this.failures.push(rule);
  }

  clear(): void {
    this.degradations = [];
    this.failures = [];
    this.counters = { batch: 0, resource: 0 };
  }

  /** The load model's inputs for one metrics request (observed calls read once, here). */
  loadOptions(): LoadOptions {
    this.observed.refresh();
    return {
      seed: this.knobs.seed,
      synthetic: this.synthetic,
      degradations: [...this.scenarioDegradations, ...this.degradations],
      observed: (key, deployment, minute, span) => this.observed.range(key, deployment, minute, span),
    };
  }

  failureFor(resourceId: string, metric: MetricDefinition): MetricFailure | undefined {
    const rule = this.failures.find(
      (f) => (f.resourceId === undefined || new RegExp(f.resourceId, "i").test(resourceId)) && (f.metric === undefined || f.metric.toLowerCase() === metric.name.toLowerCase()),
    );
    if (rule === undefined) return undefined;
    return { errorCode: rule.errorCode ?? "InternalServerError", errorMessage: rule.errorMessage ?? `Failed to read metric ${metric.name} (injected by the AML emulator).` };
  }

  snapshot(): Record<string, unknown> {
    return {
      calls: this.calls,
      observedCalls: this.observed.count,
      degradations: [...this.scenarioDegradations, ...this.degradations].map((d) => ({
        ...d,
        ...(d.sinceMs === undefined ? {} : { sinceMs: undefined, since: new Date(d.sinceMs).toISOString() }),
        ...(d.untilMs === undefined ? {} : { untilMs: undefined, until: new Date(d.untilMs).toISOString() }),
      })),
      failures: this.failures,
    };
  }
}

function toDegradation(rule: DegradeRule): Degradation {
  const { since, until, ...rest } = rule;
  const ms = (value: Date | string | undefined): number | undefined => (value === undefined ? undefined : new Date(value).getTime());
  const sinceMs = ms(since);
  const untilMs = ms(until);
  return { ...rest, ...(sinceMs === undefined ? {} : { sinceMs }), ...(untilMs === undefined ? {} : { untilMs }) };
}
