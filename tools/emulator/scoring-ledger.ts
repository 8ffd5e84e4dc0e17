/**
 * What the scoring plane served, per deployment: counts by route (live, pinned, mirrored) and by status, and a
 * time-stamped event log. Tests read the counts; the Azure Monitor metrics plane will aggregate the events
 * by time window (requests per minute, latency, model status codes), so events keep what such metrics need.
 */

/** `live`: routed by traffic weights; `pinned`: `azureml-model-deployment` header; `mirror`: a shadow copy. */
export type ScoringRoute = "live" | "pinned" | "mirror";

export interface ScoringEvent {
  /** Epoch milliseconds when the request reached the deployment. */
  readonly at: number;
  readonly workspace: string;
  readonly endpoint: string;
  readonly deployment: string;
  readonly route: ScoringRoute;
  readonly status: number;
  readonly latencyInMs: number;
  /** The container's own status on a 424 (`ms-azureml-model-error-statuscode`). */
  readonly modelStatus?: number;
}

export interface DeploymentScoringStats {
  readonly workspace: string;
  readonly endpoint: string;
  readonly deployment: string;
  /** Requests routed by live traffic weights; their answers went back to the caller. */
  readonly live: number;
  /** Requests pinned with `azureml-model-deployment`; never mirrored. */
  readonly pinned: number;
  /** Shadow copies; their answers were discarded. */
  readonly mirrored: number;
  /** Finished requests by HTTP status, e.g. `{ "200": 41, "424": 2 }`. */
  readonly statuses: Readonly<Record<string, number>>;
  readonly firstAt?: string;
  readonly lastAt?: string;
}

interface Counters {
  workspace: string;
  endpoint: string;
  deployment: string;
  live: number;
  pinned: number;
  mirrored: number;
  statuses: Record<string, number>;
  firstAt?: number;
  lastAt?: number;
}

/** A long `npm run emulator` session must not grow without bound: older events fall off, counts stay exact. */
const MAX_EVENTS = 50_000;

export class ScoringLedger {
  private readonly counters = new Map<string, Counters>();
  private events: ScoringEvent[] = [];

  /** Counted when the request is dispatched, so a mirrored copy shows up before its (discarded) answer. */
  dispatched(target: { workspace: string; endpoint: string; deployment: string }, route: ScoringRoute, at: number): void {
    const counters = this.countersOf(target);
    if (route === "live") counters.live += 1;
    else if (route === "pinned") counters.pinned += 1;
    else counters.mirrored += 1;
    counters.firstAt ??= at;
    counters.lastAt = at;
  }

  finished(event: ScoringEvent): void {
    const counters = this.countersOf(event);
    counters.statuses[String(event.status)] = (counters.statuses[String(event.status)] ?? 0) + 1;
    this.events.push(event);
    if (this.events.length > MAX_EVENTS) this.events = this.events.slice(-MAX_EVENTS);
  }

  stats(): DeploymentScoringStats[] {
    return [...this.counters.values()]
      .map((c) => ({
        workspace: c.workspace,
        endpoint: c.endpoint,
        deployment: c.deployment,
        live: c.live,
        pinned: c.pinned,
        mirrored: c.mirrored,
        statuses: { ...c.statuses },
        ...(c.firstAt === undefined ? {} : { firstAt: new Date(c.firstAt).toISOString() }),
        ...(c.lastAt === undefined ? {} : { lastAt: new Date(c.lastAt).toISOString() }),
      }))
      .sort((a, b) => `${a.workspace}/${a.endpoint}/${a.deployment}`.localeCompare(`${b.workspace}/${b.endpoint}/${b.deployment}`));
  }

  /** Events at or after `since` (epoch ms), oldest first. */
  eventsSince(since = 0): ScoringEvent[] {
    return this.events.filter((e) => e.at >= since);
  }

  clear(): void {
    this.counters.clear();
    this.events = [];
  }

  private countersOf(target: { workspace: string; endpoint: string; deployment: string }): Counters {
    const key = `${target.workspace}/${target.endpoint}/${target.deployment}`.toLowerCase();
    let counters = this.counters.get(key);
    if (counters === undefined) {
      counters = { workspace: target.workspace, endpoint: target.endpoint, deployment: target.deployment, live: 0, pinned: 0, mirrored: 0, statuses: {} };
      this.counters.set(key, counters);
    }
    return counters;
  }
}
