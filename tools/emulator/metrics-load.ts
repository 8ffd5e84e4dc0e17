/**
 * The load the emulator reports through Azure Monitor metrics: what really happened where it knows (scoring
 * calls the scoring plane observed, mirrored copies included; instance counts from deployment state), otherwise
 * a deterministic seeded synthetic load per endpoint and deployment. The synthetic load follows the day (peak
 * 14:00 UTC, quieter at night and at weekends) and the endpoint's live and mirror split as it was in each minute
 * (metrics-traffic.ts), so a 0 % deployment gets no requests and a shadow deployment at 10 % mirror serves about
 * 10 % of the endpoint's requests as copies. A deployment's scoring knobs (scoring-knobs.ts: latency, error
 * rate, a scripted answer) shape its numbers as the scoring plane would answer: latency adds to every
 * percentile, failed model calls are 424 (model status 500), latency beyond the request timeout is 408.
 * Degradations (scenario or fault control) raise latency or error shares, or starve a deployment, from a
 * given time on, so anomalies can be shown and tested. Everything is a pure function of (seed, ids, minute).
 */
export const MINUTE_MS = 60_000;

/**
 * The scoring calls really served to one deployment in a minute (or a span of minutes, merged), as the
 * observed-traffic index (metrics-observed.ts) counts them. Declared here, by the load model that asks for it
 * through `LoadOptions.observed`, so the model does not depend on the index.
 */
export interface ObservedMinute {
  readonly count: number;
  readonly ok: number;
  readonly clientErrors: number;
  readonly serverErrors: number;
  /** Among the client errors: 424, the model container failed (Azure ML's "model error"; model status 500). */
  readonly modelErrors: number;
  /** Among the client errors: 408, the model took longer than the request timeout. */
  readonly timeouts: number;
  /** Percentiles in ms; meaningful only when there were requests. */
  readonly p50: number;
  readonly p90: number;
  readonly p95: number;
  readonly p99: number;
  readonly mean: number;
}

export interface Degradation {
  readonly endpoint: string;
  /** All deployments of the endpoint when omitted. */
  readonly deployment?: string;
  /** Epoch ms; applies from this minute on (always when omitted). */
  readonly sinceMs?: number;
  readonly untilMs?: number;
  /** Multiplies every latency percentile. */
  readonly latencyFactor?: number;
  /** Share of requests answered 5xx / 4xx, 0–1, instead of the baseline. */
  readonly serverErrorShare?: number;
  readonly clientErrorShare?: number;
  /** Multiplies the requests a deployment gets: 0 = live traffic but no requests (broken routing). */
  readonly requestFactor?: number;
  readonly cpuPercent?: number;
}

/**
 * A deployment's shares of the endpoint's requests from one traffic change on. Mirrored copies count under the
 * shadow deployment: Azure ML's endpoint concepts page says of a 10 % mirror to green that "the results of the
 * mirrored traffic to the green deployment aren't returned to the clients, but the metrics and logs are
 * recorded", and its safe-rollout guide mirrors "so you can gather metrics and logging" and "check if latency is
 * within acceptable bounds" (MicrosoftDocs/azure-docs, articles/machine-learning/concept-endpoints.md and
 * how-to-safely-rollout-online-endpoints.md). Neither says how the Deployment dimension of RequestsPerMinute
 * files them; under the shadow deployment's name is the only place its latency and errors could show.
 */
export interface SharePeriod {
  /** Epoch minute; -Infinity for the split the emulator started with. */
  readonly fromMinute: number;
  /** Live traffic share, 0–1. */
  readonly live: number;
  /** Mirror share, 0–1: copies of that share of the endpoint's requests (Azure ML records their metrics). */
  readonly mirror: number;
}

/** The scoring plane's knobs of a deployment as they are now, as the load model needs them. */
export interface ScoringLoadKnobs {
  /** Model time per request, added to every latency percentile. */
  readonly latencyMs: number;
  /** Share of requests on which the model fails (424), 0–1. */
  readonly errorRate: number;
  /** Every request answered with this status (a scripted answer). */
  readonly answerStatus?: number;
  /** `requestSettings.requestTimeout`: a latency beyond it makes every request a 408. */
  readonly timeoutMs: number;
}

export interface DeploymentLoad {
  readonly name: string;
  /** Oldest first; the one in effect in a minute is the last that started at or before it (none: no traffic). */
  readonly periods: readonly SharePeriod[];
  readonly scoring?: ScoringLoadKnobs;
  readonly capacity: number;
  readonly instanceType: string;
  /** Stable per endpoint+deployment, for seeded baselines and noise. */
  readonly hash: number;
}

export interface EndpointLoad {
  /** Lower-case `{workspace}/{endpoint}`: the key of observed scoring calls. */
  readonly key: string;
  readonly name: string;
  readonly hash: number;
  readonly peakRequestsPerMinute: number;
  readonly deployments: readonly DeploymentLoad[];
}

/** One deployment in one minute: the request outcomes as observed ones are counted, plus CPU and memory. */
export interface MinuteSample extends Omit<ObservedMinute, "count"> {
  readonly cpu: number;
  readonly memory: number;
}

export interface LoadOptions {
  readonly seed: number;
  readonly synthetic: boolean;
  readonly degradations: readonly Degradation[];
  /** Calls really served in the `span` minutes from `minute` on, merged. */
  readonly observed: (endpointKey: string, deployment: string, minute: number, span: number) => ObservedMinute | undefined;
}

/** Requests one instance takes per minute before its CPU is saturated, for the CPU model. */
const INSTANCE_REQUESTS_PER_MINUTE = 240;

export function fnv1a(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A uniform number in [0, 1) from three integers (a small avalanche mix: same input, same output). */
export function noise(a: number, b: number, c: number): number {
  let x = (Math.imul(a ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(b + 0x7f4a7c15, 0xc2b2ae35) ^ Math.imul(c, 0x27d4eb2f)) >>> 0;
  x ^= x >>> 16;
  x = Math.imul(x, 0x7feb352d);
  x ^= x >>> 15;
  x = Math.imul(x, 0x846ca68b);
  x ^= x >>> 16;
  return (x >>> 0) / 4294967296;
}

/** Seeded peak requests per minute of an endpoint: 20–300. */
export function seededPeak(seed: number, endpointHash: number): number {
  return Math.round(20 + 280 * noise(seed, endpointHash, 1));
}

/** 0.35 at 02:00 UTC … 1.0 at 14:00 UTC; weekends at 70 %. Arithmetic on epoch minutes (no Date: hot path). */
function dailyShape(minute: number): number {
  const hour = (((minute % 1440) + 1440) % 1440) / 60;
  const day = 0.35 + 0.65 * (0.5 + 0.5 * Math.cos((2 * Math.PI * (hour - 14)) / 24));
  const weekday = (Math.floor(minute / 1440) + 4) % 7; // 1970-01-01 was a Thursday
  return weekday === 0 || weekday === 6 ? day * 0.7 : day;
}

function degradationFor(options: LoadOptions, endpoint: EndpointLoad, deployment: string, minute: number): Degradation | undefined {
  const at = minute * MINUTE_MS;
  let found: Degradation | undefined;
  for (const rule of options.degradations) {
    if (rule.endpoint.toLowerCase() !== endpoint.name.toLowerCase()) continue;
    if (rule.deployment !== undefined && rule.deployment.toLowerCase() !== deployment.toLowerCase()) continue;
    if (rule.sinceMs !== undefined && at < rule.sinceMs) continue;
    if (rule.untilMs !== undefined && at >= rule.untilMs) continue;
    found = { ...found, ...rule };
  }
  return found;
}

const NO_TRAFFIC = { live: 0, mirror: 0 };

/** The live and mirror shares in effect in `minute`. */
function sharesAt(periods: readonly SharePeriod[], minute: number): { readonly live: number; readonly mirror: number } {
  for (let i = periods.length - 1; i >= 0; i--) if (periods[i]!.fromMinute <= minute) return periods[i]!;
  return NO_TRAFFIC;
}

/**
 * The requests, errors, latencies and utilisation of one deployment in one minute (epoch minute number),
 * standing for the `span` minutes from it: observed calls of the whole span count, spread per minute.
 */
export function sampleMinute(options: LoadOptions, endpoint: EndpointLoad, deployment: DeploymentLoad, minute: number, span = 1): MinuteSample {
  const degraded = degradationFor(options, endpoint, deployment.name, minute);
  const knobs = deployment.scoring;
  const h = deployment.hash;
  let total = 0;
  const { live, mirror } = sharesAt(deployment.periods, minute);
  if (options.synthetic && live + mirror > 0) {
    const rate = endpoint.peakRequestsPerMinute * dailyShape(minute) * (0.85 + 0.3 * noise(options.seed, h, minute));
    // Whole requests: the fraction decides by a second draw, so the long-run mean is the rate itself.
    const expected = rate * (live + mirror) * (degraded?.requestFactor ?? 1);
    total = Math.floor(expected + noise(options.seed, h ^ 0x5bd1e995, minute));
  }
  // As the scoring plane answers (scoring.routes.ts): beyond the request timeout every call is a 408 after the
  // timeout; a scripted answer gives every call its status; otherwise the model fails `errorRate` of calls (424).
  const timedOut = knobs !== undefined && knobs.latencyMs > knobs.timeoutMs;
  const answer = timedOut ? undefined : knobs?.answerStatus;
  let timeouts = timedOut ? total : 0;
  let modelErrors = 0;
  let serverErrors = 0;
  let clientErrors = timeouts;
  if (!timedOut && answer !== undefined) {
    if (answer >= 500) serverErrors = total;
    else clientErrors = total;
  } else if (!timedOut) {
    const errorRate = knobs?.errorRate ?? 0;
    // Whole errors drawn by a second draw, so a 0.3 % share shows at low traffic too instead of rounding to nothing.
    modelErrors = errorRate > 0 ? Math.min(total, Math.floor(total * errorRate + noise(options.seed, h ^ 0x27d4eb2f, minute))) : 0;
    const rest = total - modelErrors;
    const serverShare = degraded?.serverErrorShare ?? 0.001 + 0.004 * noise(options.seed, h, 2);
    const clientShare = degraded?.clientErrorShare ?? 0.005 + 0.015 * noise(options.seed, h, 3);
    serverErrors = Math.min(rest, Math.floor(rest * serverShare + noise(options.seed, h ^ 0x3c6ef372, minute)));
    clientErrors = modelErrors + Math.min(rest - serverErrors, Math.floor(rest * clientShare + noise(options.seed, h ^ 0xa54ff53a, minute)));
  }
  let ok = Math.max(0, total - serverErrors - clientErrors);

  const base = 15 + 45 * noise(options.seed, h, 4);
  const perInstance = total / Math.max(1, deployment.capacity) / INSTANCE_REQUESTS_PER_MINUTE;
  const factor = (degraded?.latencyFactor ?? 1) * (1 + 0.5 * Math.min(1, perInstance)) * (0.95 + 0.1 * noise(options.seed, h ^ 0x1b873593, minute));
  let p50 = base * factor;
  let mean = p50 * 1.15;
  let p90 = p50 * 1.8;
  let p95 = p50 * 2.2;
  let p99 = p50 * (2.8 + 0.6 * noise(options.seed, h ^ 0x68e31da4, minute));
  // The model's own time (or the timeout it ran into) on top of the serving latency, on every request alike.
  const modelTime = timedOut ? knobs.timeoutMs : (knobs?.latencyMs ?? 0);
  p50 += modelTime;
  mean += modelTime;
  p90 += modelTime;
  p95 += modelTime;
  p99 += modelTime;

  const observed = options.observed(endpoint.key, deployment.name, minute, span);
  if (observed !== undefined && observed.count > 0) {
    // Real calls join the synthetic ones (per minute of the span, so totals come out exact); latencies are
    // blended by request count.
    const perMinute = 1 / span;
    const weight = (observed.count * perMinute) / (observed.count * perMinute + total);
    const blend = (synthetic: number, real: number): number => synthetic * (1 - weight) + real * weight;
    p50 = blend(p50, observed.p50);
    p90 = blend(p90, observed.p90);
    p95 = blend(p95, observed.p95);
    p99 = blend(p99, observed.p99);
    mean = blend(mean, observed.mean);
    ok += observed.ok * perMinute;
    clientErrors += observed.clientErrors * perMinute;
    serverErrors += observed.serverErrors * perMinute;
    modelErrors += observed.modelErrors * perMinute;
    timeouts += observed.timeouts * perMinute;
  }
  const requests = ok + clientErrors + serverErrors;
  const utilisation = Math.min(1, requests / Math.max(1, deployment.capacity) / INSTANCE_REQUESTS_PER_MINUTE);
  const cpu = degraded?.cpuPercent ?? Math.min(100, 3 + 80 * utilisation + 4 * noise(options.seed, h ^ 0x2545f491, minute));
  const memory = Math.min(100, 30 + 25 * noise(options.seed, h, 5) + 10 * utilisation);
  return { ok, clientErrors, serverErrors, modelErrors, timeouts, p50, p90, p95, p99, mean, cpu, memory };
}
