/**
 * Reads a step's gates: the candidate's numbers against the baseline's (the deployments that served before the
 * promotion), from Azure Monitor through the metrics port, over the step's window so far. The window covers at
 * least the last minute, Azure Monitor's finest grain, so a step sped up by the time scale still has a point.
 */
import { windowTimes } from "../digest/metric-window.js";
import type { CoreDeps } from "../core-deps.js";
import type { WorkspaceRef } from "../domain/endpoint.js";
import type { DeploymentMetrics, MetricsQuery } from "../ports/metrics.port.js";
import type { Promotion } from "../ports/promotions.port.js";
import type { Chart } from "../reply.js";
import { endpointChart } from "../digest/metrics-chart.js";
import { combineBaseline, evaluateGates } from "./evaluate-gates.js";
import type { GateResult, Verdict } from "./promotion-plan.js";
import { baselineDeployments } from "./promotion-split.js";

const MINUTE_MS = 60_000;

export interface GateReadout {
  readonly verdict: Verdict;
  readonly results: GateResult[];
  /** Candidate and baseline over the window, for the chart of a failed gate. */
  readonly chart?: Chart;
}

export async function readGates(deps: CoreDeps, workspace: WorkspaceRef, promotion: Promotion, abortSignal?: AbortSignal, location?: string): Promise<GateReadout> {
  const now = deps.clock.now();
  return readCandidate(deps, workspace, promotion, windowSince(promotion.stepStartedAt ?? now, now), abortSignal, location);
}

/** From `since` to `now`, starting on a whole minute and covering the last one at least (Azure Monitor's grain). */
export function windowSince(since: Date, now: Date): MetricsQuery["window"] {
  const start = new Date(Math.floor(Math.min(since.getTime(), now.getTime() - MINUTE_MS) / MINUTE_MS) * MINUTE_MS);
  return { start, end: now };
}

/** The candidate against the baseline over `window`: the gates' verdict, and a chart of both. */
export async function readCandidate(
  deps: CoreDeps,
  workspace: WorkspaceRef,
  promotion: Pick<Promotion, "endpoint" | "candidate" | "baseline" | "plan">,
  window: MetricsQuery["window"],
  abortSignal?: AbortSignal,
  location?: string,
): Promise<GateReadout> {
  const baseline = baselineDeployments(promotion.baseline, promotion.candidate);
  const query: MetricsQuery = { window, granularityInMs: MINUTE_MS, series: true };
  const [metrics] = await deps.metrics.getEndpointMetrics(
    workspace,
    [{ endpoint: promotion.endpoint, deployments: [promotion.candidate, ...baseline], ...(location ? { location } : {}) }],
    query,
    abortSignal ? { abortSignal } : {},
  );
  const of = (name: string): DeploymentMetrics | undefined => metrics?.deployments.find((d) => d.deployment === name);
  const candidate = of(promotion.candidate);
  const base = baseline.map(of).filter((d): d is DeploymentMetrics => d !== undefined);
  const evaluated = evaluateGates(promotion.plan.gates, promotion.plan.minRequests, candidate?.traffic ?? EMPTY.traffic, combineBaseline(base));
  const shown = [candidate, ...base].filter((d): d is DeploymentMetrics => d !== undefined);
  const chart = shown.length > 0 ? endpointChart(`${promotion.endpoint}: ${promotion.candidate} against the baseline (UTC)`, windowTimes(window, MINUTE_MS), shown) : undefined;
  return { ...evaluated, ...(chart ? { chart } : {}) };
}

const NONE = {};
const EMPTY: DeploymentMetrics = {
  deployment: "",
  traffic: { requestsPerMinute: NONE, requests: NONE, clientErrorShare: NONE, serverErrorShare: NONE, latencyP50InMs: NONE, latencyP90InMs: NONE, latencyP99InMs: NONE },
};
