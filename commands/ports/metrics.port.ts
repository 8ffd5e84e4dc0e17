import type { WorkspaceRef } from "../domain/endpoint.js";
import type { OperationOptions } from "./operation-options.js";

/**
 * Endpoint and deployment metrics as the core needs them: `aml metrics` for one endpoint, the digest for a
 * whole workspace. Implemented over Azure Monitor in `src/azure/monitor.metrics.ts`, which batches: the cost is
 * ceil(resources / 50) calls per metric namespace and query, never one call per resource.
 */

/** A half-open time range [start, end). */
export interface TimeWindow {
  readonly start: Date;
  readonly end: Date;
}

/** A number over the asked window and over the window of the same length just before it. */
export interface WindowedValue {
  /** `undefined`: Azure Monitor had no data (no requests, metric not emitted, or it could not be read). */
  readonly current?: number;
  readonly previous?: number;
}

/** Traffic as the endpoint's front door sees it (namespace `.../onlineEndpoints`). */
export interface TrafficStats {
  /** Average requests per minute over the window. */
  readonly requestsPerMinute: WindowedValue;
  /** Requests in the window. */
  readonly requests: WindowedValue;
  /** Share of requests answered 4xx and 5xx, 0–1 (undefined without requests). */
  readonly clientErrorShare: WindowedValue;
  readonly serverErrorShare: WindowedValue;
  readonly latencyP50InMs: WindowedValue;
  readonly latencyP90InMs: WindowedValue;
  readonly latencyP99InMs: WindowedValue;
}

/** What the instances of a deployment do (namespace `.../onlineEndpoints/deployments`). */
export interface ResourceStats {
  readonly cpuPercent: WindowedValue;
  readonly memoryPercent: WindowedValue;
  /** Instances: average, and the lowest and highest seen, over each window. */
  readonly instances: WindowedValue;
  readonly instancesMin: WindowedValue;
  readonly instancesMax: WindowedValue;
}

/** Points of the current window only, one per `granularityInMs`, for charts; `null` where there was no data. */
export interface TrafficSeries {
  readonly requestsPerMinute: readonly (number | null)[];
  readonly latencyP50InMs: readonly (number | null)[];
  readonly latencyP99InMs: readonly (number | null)[];
  readonly serverErrorShare: readonly (number | null)[];
}

export interface DeploymentMetrics {
  readonly deployment: string;
  readonly traffic: TrafficStats;
  readonly resources?: ResourceStats;
  readonly series?: TrafficSeries;
}

/** Something that could not be read: shown to the user, while everything else that worked is shown too. */
export interface MetricProblem {
  readonly endpoint: string;
  readonly deployment?: string;
  /** The Azure Monitor metric name, when one metric failed rather than the whole resource. */
  readonly metric?: string;
  /** Short, user-facing; never a token or a URL. */
  readonly message: string;
}

export interface EndpointMetrics {
  readonly endpoint: string;
  /** All deployments together. */
  readonly traffic: TrafficStats;
  readonly series?: TrafficSeries;
  /** Every deployment asked for, in the order asked, even when it had no data. */
  readonly deployments: readonly DeploymentMetrics[];
  readonly problems: readonly MetricProblem[];
}

export interface MetricsTarget {
  readonly endpoint: string;
  readonly deployments: readonly string[];
  /** Azure region of the endpoint: metrics batches are per region. */
  readonly location?: string;
}

export interface MetricsQuery {
  /** The current window; the previous window is [start - length, start). */
  readonly window: TimeWindow;
  /** Resolution of `series` and of the queries: one minute, five minutes, an hour... */
  readonly granularityInMs: number;
  /** Also read CPU, memory and instance counts of the deployments (a second metric namespace). */
  readonly resources?: boolean;
  /** Also return the points of the current window (charts, sparklines). */
  readonly series?: boolean;
}

export interface EndpointMetricsSource {
  /**
   * Metrics of each target, in the order given. Never throws for a failed resource or metric: those come back
   * as `problems` next to what could be read. Throws only when nothing could be asked at all (bad credential...).
   */
  getEndpointMetrics(
    workspace: WorkspaceRef,
    targets: readonly MetricsTarget[],
    query: MetricsQuery,
    options?: OperationOptions,
  ): Promise<EndpointMetrics[]>;
}
