/**
 * A step's gates, candidate against baseline, over the step's window (the `.current` of each `WindowedValue`).
 *
 * Missing data never passes a gate: it makes it inconclusive, and the step waits longer. That includes an error
 * share that is undefined although the candidate served requests. `monitor.assemble.ts` computes shares from the
 * same request counts as `requests` (defined whenever they add up to more than 0), so that only happens when the
 * numbers were not read together; counting it as 0 % would pass a candidate on numbers nobody saw.
 *
 * Overall: fail if any gate fails (a failure is a failure whatever else is unknown), else inconclusive if any is,
 * else pass (no gates at all is a pass: the plan is then timed only).
 */
import { formatMs } from "../digest/metric-format.js";
import type { DeploymentMetrics, TrafficStats, WindowedValue } from "../ports/metrics.port.js";
import { isLatencyMetric } from "./parse-gates.js";
import type { Gate, GateMetric, GateResult, Verdict } from "./promotion-plan.js";

/** Float noise in a threshold (0.002 + 0.005) must not fail a value exactly on the limit. */
const EPSILON = 1e-9;

export function evaluateGates(
  gates: readonly Gate[],
  minRequests: number,
  candidate: TrafficStats,
  baseline: TrafficStats,
): { verdict: Verdict; results: GateResult[] } {
  const results = gates.map((gate) => evaluateGate(gate, minRequests, candidate, baseline));
  return { verdict: overall(results.map((r) => r.verdict)), results };
}

function overall(verdicts: readonly Verdict[]): Verdict {
  if (verdicts.includes("fail")) return "fail";
  if (verdicts.includes("inconclusive")) return "inconclusive";
  return "pass";
}

function evaluateGate(gate: Gate, minRequests: number, candidate: TrafficStats, baseline: TrafficStats): GateResult {
  const requests = candidate.requests.current ?? 0;
  if (requests < minRequests) return { gate, verdict: "inconclusive", note: `${requestCount(requests)}, ${minRequests} needed` };
  const value = readingOf(candidate, gate.metric);
  if (value === undefined) return { gate, verdict: "inconclusive", note: `no ${gate.metric} data for the candidate yet` };

  const { bound } = gate;
  if (bound.kind === "absolute") return judge(gate, value, bound.value, undefined);
  // A baseline that served nothing in the window has no numbers to compare with (at 100 %, or after an outage).
  const base = baseline.requests.current === 0 ? undefined : readingOf(baseline, gate.metric);
  if (base === undefined) return { gate, verdict: "inconclusive", value, note: `the baseline has no ${gate.metric} data to compare with` };
  return judge(gate, value, bound.kind === "ratio" ? base * bound.factor : base + bound.points, base);
}

function judge(gate: Gate, value: number, threshold: number, baseline: number | undefined): GateResult {
  const pass = value <= threshold + EPSILON;
  const known = { gate, value, threshold, ...(baseline !== undefined ? { baseline } : {}) };
  return pass ? { ...known, verdict: "pass" } : { ...known, verdict: "fail", note: failure(gate, value, threshold, baseline) };
}

/** Why it failed, with both numbers, standing alone (the revert post quotes it). */
function failure(gate: Gate, value: number, threshold: number, baseline: number | undefined): string {
  const { metric, bound } = gate;
  const v = formatValue(metric, value);
  switch (bound.kind) {
    case "absolute":
      return `${metric} at ${v}, over its limit of ${formatValue(metric, threshold)}`;
    case "ratio": {
      const times = baseline !== undefined && baseline > 0 ? `${round2(value / baseline)}x the baseline's ${formatValue(metric, baseline)}` : `against the baseline's ${formatValue(metric, baseline)}`;
      return `${metric} at ${v}, ${times}; ${bound.factor}x allowed`;
    }
    case "baseline-plus": {
      const above = round2((value - (baseline ?? 0)) * 100);
      return `${metric} at ${v}, ${above} pt above the baseline's ${formatValue(metric, baseline)}; ${round2(bound.points * 100)} pt allowed`;
    }
  }
}

/** One line per gate for cards: `✅ p99 <= 1.2x: 212 ms (baseline 190 ms, limit 228 ms)`. */
export function gateLine(result: GateResult): string {
  const { gate } = result;
  if (result.verdict === "inconclusive") return `⏳ ${gate.text}: inconclusive (${result.note ?? "no verdict yet"})`;
  const icon = result.verdict === "pass" ? "✅" : "❌";
  const around = [
    ...(result.baseline !== undefined ? [`baseline ${formatValue(gate.metric, result.baseline)}`] : []),
    `limit ${formatValue(gate.metric, result.threshold)}`,
  ];
  return `${icon} ${gate.text}: ${formatValue(gate.metric, result.value)} (${around.join(", ")})`;
}

/** Milliseconds as `212 ms`; shares as `3.4 %`, `1 %`, `0.25 %` (two decimals at most, no trailing zeros). */
export function formatValue(metric: GateMetric, value: number | undefined): string {
  if (value === undefined) return "–";
  if (isLatencyMetric(metric)) return formatMs(value);
  return `${round2(value * 100)} %`;
}

function round2(n: number): number {
  return Math.round(n * 100) / 100;
}

function requestCount(n: number): string {
  return `${n} ${n === 1 ? "request" : "requests"}`;
}

function readingOf(stats: TrafficStats, metric: GateMetric): number | undefined {
  return windowedOf(stats, metric).current;
}

function windowedOf(stats: TrafficStats, metric: GateMetric): WindowedValue {
  switch (metric) {
    case "p50":
      return stats.latencyP50InMs;
    case "p90":
      return stats.latencyP90InMs;
    case "p99":
      return stats.latencyP99InMs;
    case "5xx":
      return stats.serverErrorShare;
    case "4xx":
      return stats.clientErrorShare;
  }
}

type Window = keyof WindowedValue;
type StatKey = Exclude<keyof TrafficStats, "requests" | "requestsPerMinute">;

/**
 * The baseline as one deployment: the deployments that served before the promotion, together. Counts add up;
 * shares and latencies are request-weighted means (as `monitor.assemble.ts` does for an endpoint). A weighted mean
 * of p99s is an approximation of the p99 of all their requests (percentiles do not add up): close while the
 * deployments behave alike, pulled towards the busiest one otherwise, which is the one most users meet.
 */
export function combineBaseline(deployments: readonly DeploymentMetrics[]): TrafficStats {
  const all = deployments.map((d) => d.traffic);
  const both = (f: (w: Window) => number | undefined): WindowedValue => defined({ current: f("current"), previous: f("previous") });
  const sum = (key: "requests" | "requestsPerMinute"): WindowedValue =>
    both((w) => {
      const values = all.map((t) => t[key][w]).filter((v) => v !== undefined);
      return values.length > 0 ? values.reduce((a, b) => a + b, 0) : undefined;
    });
  const weighted = (key: StatKey): WindowedValue =>
    both((w) => {
      // Deployments without a value say nothing; those with one but no request count weigh nothing, unless none
      // has a count, then they count alike (the same rule as monitor.assemble.ts).
      const pairs = all.flatMap((t) => (t[key][w] === undefined ? [] : [{ value: t[key][w]!, weight: t.requests[w] ?? 0 }]));
      if (pairs.length === 0) return undefined;
      const weights = pairs.reduce((a, p) => a + p.weight, 0);
      return weights > 0 ? pairs.reduce((a, p) => a + p.value * p.weight, 0) / weights : pairs.reduce((a, p) => a + p.value, 0) / pairs.length;
    });
  return {
    requests: sum("requests"),
    requestsPerMinute: sum("requestsPerMinute"),
    clientErrorShare: weighted("clientErrorShare"),
    serverErrorShare: weighted("serverErrorShare"),
    latencyP50InMs: weighted("latencyP50InMs"),
    latencyP90InMs: weighted("latencyP90InMs"),
    latencyP99InMs: weighted("latencyP99InMs"),
  };
}

function defined(value: { current: number | undefined; previous: number | undefined }): WindowedValue {
  return { ...(value.current !== undefined ? { current: value.current } : {}), ...(value.previous !== undefined ? { previous: value.previous } : {}) };
}
