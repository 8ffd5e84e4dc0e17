/**
 * Scoring calls that really reached the emulator, per endpoint, deployment and minute, read from the scoring
 * plane's event log (the source of truth for what was served). Live, pinned and mirrored calls all count, each
 * under the deployment that served it: Azure ML records the metrics of mirrored copies although their answers
 * are discarded (see metrics-traffic.ts and the README). The per-minute index is rebuilt only when the log
 * changed, so metrics queries do not rescan it each time.
 */
import { MINUTE_MS, type ObservedMinute } from "./metrics-load.js";

/** The fields of a scoring event the metrics need (structurally the scoring plane's `ScoringEvent`). */
export interface ScoringObservation {
  /** Epoch milliseconds. */
  readonly at: number;
  readonly workspace: string;
  readonly endpoint: string;
  readonly deployment: string;
  readonly route?: string;
  readonly status: number;
  readonly latencyInMs: number;
}

export function endpointKey(workspace: string, endpoint: string): string {
  return `${workspace}/${endpoint}`.toLowerCase();
}

export class ObservedTraffic {
  private index = new Map<string, ObservedMinute>();
  private seen: { length: number; last: ScoringObservation | undefined } = { length: 0, last: undefined };

  constructor(private readonly source: () => readonly ScoringObservation[] = () => []) {}

  /** The calls of one deployment in the `span` minutes from `minute` (epoch minutes), merged; undefined when none. */
  range(key: string, deployment: string, minute: number, span = 1): ObservedMinute | undefined {
    if (this.index.size === 0) return undefined;
    const found: ObservedMinute[] = [];
    for (let m = minute; m < minute + span; m++) {
      const one = this.index.get(`${key}|${deployment.toLowerCase()}|${m}`);
      if (one !== undefined) found.push(one);
    }
    return found.length <= 1 ? found[0] : merge(found);
  }

  /** Takes in what the scoring plane served since the last look; once per metrics request, not per sample. */
  refresh(): void {
    const events = this.source();
    const last = events[events.length - 1];
    if (events.length === this.seen.length && last === this.seen.last) return;
    this.rebuild(events, last);
  }

  get count(): number {
    this.refresh();
    return [...this.index.values()].reduce((sum, m) => sum + m.count, 0);
  }

  private rebuild(events: readonly ScoringObservation[], last: ScoringObservation | undefined): void {
    this.seen = { length: events.length, last };
    const buckets = new Map<string, Bucket>();
    for (const event of events) {
      const key = `${endpointKey(event.workspace, event.endpoint)}|${event.deployment.toLowerCase()}|${Math.floor(event.at / MINUTE_MS)}`;
      let bucket = buckets.get(key);
      if (bucket === undefined) buckets.set(key, (bucket = { ok: 0, clientErrors: 0, serverErrors: 0, modelErrors: 0, timeouts: 0, latencies: [] }));
      if (event.status >= 500) bucket.serverErrors++;
      else if (event.status >= 400) bucket.clientErrors++;
      else bucket.ok++;
      if (event.status === 424) bucket.modelErrors++;
      if (event.status === 408) bucket.timeouts++;
      bucket.latencies.push(Math.max(0, event.latencyInMs));
    }
    this.index = new Map([...buckets].map(([key, b]) => [key, summarise(b)]));
  }
}

/** Several minutes as one: counts add up, percentiles are averaged by request count (close enough here). */
function merge(minutes: readonly ObservedMinute[]): ObservedMinute {
  const count = minutes.reduce((sum, m) => sum + m.count, 0);
  const weighted = (pick: (m: ObservedMinute) => number): number => minutes.reduce((sum, m) => sum + pick(m) * m.count, 0) / count;
  return {
    count,
    ok: minutes.reduce((sum, m) => sum + m.ok, 0),
    clientErrors: minutes.reduce((sum, m) => sum + m.clientErrors, 0),
    serverErrors: minutes.reduce((sum, m) => sum + m.serverErrors, 0),
    modelErrors: minutes.reduce((sum, m) => sum + m.modelErrors, 0),
    timeouts: minutes.reduce((sum, m) => sum + m.timeouts, 0),
    p50: weighted((m) => m.p50),
    p90: weighted((m) => m.p90),
    p95: weighted((m) => m.p95),
    p99: weighted((m) => m.p99),
    mean: weighted((m) => m.mean),
  };
}

interface Bucket {
  ok: number;
  clientErrors: number;
  serverErrors: number;
  modelErrors: number;
  timeouts: number;
  latencies: number[];
}

function summarise(bucket: Bucket): ObservedMinute {
  const sorted = [...bucket.latencies].sort((a, b) => a - b);
  const at = (q: number): number => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? 0;
  return {
    count: sorted.length,
    ok: bucket.ok,
    clientErrors: bucket.clientErrors,
    serverErrors: bucket.serverErrors,
    modelErrors: bucket.modelErrors,
    timeouts: bucket.timeouts,
    p50: at(0.5),
    p90: at(0.9),
    p95: at(0.95),
    p99: at(0.99),
    mean: sorted.reduce((a, b) => a + b, 0) / sorted.length,
  };
}
