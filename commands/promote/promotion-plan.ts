/**
 * What `aml promote` runs: a plan of steps (a shadow stage, then live traffic shares) and the gates each step must
 * pass, candidate against the live baseline. Plans are data: parsed once from the command (or the workspace's
 * defaults in the config), stored with the promotion, and read back by every transition.
 *
 * Grammar (both case-insensitive, comma-separated):
 *   steps: `mirror 10% 15m, 10% 15m, 50% 30m, 100%`  (a `mirror` step shadows that share of live requests; a live
 *          step gives the candidate that share of live traffic; each holds for its duration, the last needs none)
 *   gates: `p99 <= 1.2x, 5xx <= 1%, 5xx <= baseline + 0.5pt, p50 <= 300ms`
 */

/** A step of the plan. Durations are plan time: the runtime's time scale may run them faster locally. */
export type PromotionStep =
  | { readonly kind: "mirror"; readonly percent: number; readonly holdInMs: number }
  | { readonly kind: "live"; readonly percent: number; readonly holdInMs: number };

/** What a gate reads, per deployment, from Azure Monitor (`TrafficStats` in the metrics port). */
export type GateMetric = "p50" | "p90" | "p99" | "5xx" | "4xx";

/**
 * The bound a gate puts on the candidate's value:
 *   - `ratio`: at most `factor` × the baseline's value (`p99 <= 1.2x`);
 *   - `absolute`: at most `value` (milliseconds for latencies, a share 0–1 for error rates: `5xx <= 1%`, `p99 <= 250ms`);
 *   - `baseline-plus`: at most the baseline's value + `points` percentage points, as a share (`5xx <= baseline + 0.5pt`
 *     is `points: 0.005`); error rates only.
 */
export type GateBound =
  | { readonly kind: "ratio"; readonly factor: number }
  | { readonly kind: "absolute"; readonly value: number }
  | { readonly kind: "baseline-plus"; readonly points: number };

export interface Gate {
  readonly metric: GateMetric;
  readonly bound: GateBound;
  /** As the user would type it, normalised (`p99 <= 1.2x`): shown on cards. */
  readonly text: string;
}

export interface PromotionPlan {
  readonly steps: readonly PromotionStep[];
  readonly gates: readonly Gate[];
  /**
   * Fewest requests the candidate must have served over a step's window for a verdict; fewer is "inconclusive"
   * (the step waits longer).
   */
  readonly minRequests: number;
  /** How much longer an inconclusive step may wait in all, as a share of its hold, before the promotion pauses and asks. */
  readonly maxExtensions: number;
  /**
   * With `--retire` or `--scale-down`: how long the old deployments soak at 0 % before they are deleted, or scaled
   * down to their minimum (`scale`; absent on promotions stored before it could: those delete).
   */
  readonly retire?: { readonly soakInMs: number; readonly mode?: RetireMode };
}

/** What happens to the old deployments after the soak: deleted, or kept at their fewest instances for a quick way back. */
export type RetireMode = "delete" | "scale";

/** A number as the candidate and the baseline showed it over a window; `undefined` where Azure Monitor had no data. */
export interface GateReading {
  readonly candidate?: number;
  readonly baseline?: number;
  readonly candidateRequests: number;
  readonly baselineRequests: number;
}

export type Verdict = "pass" | "fail" | "inconclusive";

export interface GateResult {
  readonly gate: Gate;
  readonly verdict: Verdict;
  /** The candidate's value and the threshold it was held to, in the metric's unit (ms, or a share 0–1). */
  readonly value?: number;
  readonly threshold?: number;
  readonly baseline?: number;
  /** Why it is inconclusive or failed, in words for the card (`3 requests, 20 needed`). */
  readonly note?: string;
}
