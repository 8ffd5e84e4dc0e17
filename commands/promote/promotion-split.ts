/**
 * The traffic each step of a promotion sends, computed from the split before it (the baseline) alone, so a
 * redelivered transition computes the same split, and a revert restores exactly what was there.
 */
import type { Endpoint } from "../domain/endpoint.js";
import { describeSplit, sameSplit, withoutZeros } from "../domain/traffic-rules.js";
import type { TrafficSplit } from "../ports/promotions.port.js";
import type { PromotionStep } from "./promotion-plan.js";

/** As Azure ML holds it, zeros included, so a revert puts back exactly what was there. */
export function splitOf(endpoint: Pick<Endpoint, "traffic" | "mirrorTraffic">): TrafficSplit {
  return { traffic: { ...endpoint.traffic }, mirror: { ...endpoint.mirrorTraffic } };
}

export function sameTraffic(a: TrafficSplit, b: TrafficSplit): boolean {
  return sameSplit(a.traffic, b.traffic) && sameSplit(a.mirror, b.mirror);
}

/** `blue=90 green=10; mirror green=10`, as the traffic verb says it. */
export function describeTrafficSplit(split: TrafficSplit): string {
  const mirror = Object.keys(withoutZeros(split.mirror)).length > 0 ? `; mirror ${describeSplit(withoutZeros(split.mirror))}` : "";
  return `${describeSplit(withoutZeros(split.traffic))}${mirror}`;
}

/** The deployments that served live traffic before the promotion, other than the candidate: the gates' baseline. */
export function baselineDeployments(baseline: TrafficSplit, candidate: string): string[] {
  return Object.entries(baseline.traffic)
    .filter(([name, percent]) => name !== candidate && percent > 0)
    .map(([name]) => name);
}

/**
 * The split of `step`:
 *   - a shadow step mirrors its share of live requests to the candidate (Azure ML mirrors to one deployment, so it
 *     takes the place of any other mirror for the stage) and leaves live traffic as it was;
 *   - a live step gives the candidate its share, and the rest to the baseline deployments in their proportions
 *     (largest remainder, so the shares are whole and add up to 100); the mirror goes back to the baseline's,
 *     without the candidate (a deployment that serves live traffic cannot be mirrored to).
 */
export function stepSplit(baseline: TrafficSplit, candidate: string, step: PromotionStep): TrafficSplit {
  if (step.kind === "mirror") return { traffic: withoutZeros(baseline.traffic), mirror: { [candidate]: step.percent } };
  const others = baselineDeployments(baseline, candidate);
  const weights = others.map((name) => baseline.traffic[name] ?? 0);
  const shares = apportion(100 - step.percent, weights);
  const traffic: Record<string, number> = { [candidate]: step.percent };
  others.forEach((name, i) => (traffic[name] = shares[i] ?? 0));
  const mirror = Object.fromEntries(Object.entries(baseline.mirror).filter(([name]) => name !== candidate));
  return { traffic: withoutZeros(traffic), mirror: withoutZeros(mirror) };
}

/** Splits `total` into whole parts proportional to `weights` (largest remainder; ties go to the earlier one). */
export function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  if (sum <= 0) return weights.map(() => 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, rest: x - Math.floor(x) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  for (const { i } of order) {
    if (left <= 0) break;
    parts[i]! += 1;
    left -= 1;
  }
  return parts;
}
