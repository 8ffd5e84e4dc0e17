/**
 * Which Azure Monitor calls answer a metrics question, and how few: one `metrics:getBatch` per query, metric
 * namespace, region and 50 resources (the service's limits: same subscription, region and resource type,
 * at most 50 ids). A workspace with N endpoints costs ceil(N / 50) calls per query, never one per resource.
 *
 * Endpoint traffic takes two queries because the service refuses a filter on a dimension that one of the
 * asked metrics lacks: `RequestsPerMinute` splits by `deployment` and `statusCodeClass`, the latency
 * percentiles only by `deployment` (Microsoft's supported-metrics reference for onlineEndpoints).
 */
import type { WorkspaceRef } from "../../commands/domain/endpoint.js";
import type { MetricsTarget } from "../../commands/ports/metrics.port.js";

export const ENDPOINT_NAMESPACE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
export const DEPLOYMENT_NAMESPACE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";
export const MAX_RESOURCES_PER_CALL = 50;

export type QueryKey = "requests" | "latency" | "resources";

export interface MetricQuerySpec {
  readonly key: QueryKey;
  readonly namespace: string;
  readonly metricNames: readonly string[];
  /** Comma-separated, as the API takes it. */
  readonly aggregation: string;
  readonly filter?: string;
  /** Series per metric and resource when split (the service's default is 10). */
  readonly top?: number;
  /** For problems shown to people: "requests", "latency"... */
  readonly label: string;
}

export const REQUESTS_QUERY: MetricQuerySpec = {
  key: "requests",
  namespace: ENDPOINT_NAMESPACE,
  metricNames: ["RequestsPerMinute"],
  aggregation: "total",
  filter: "deployment eq '*' and statusCodeClass eq '*'",
  top: 100,
  label: "requests and errors",
};

export const LATENCY_QUERY: MetricQuerySpec = {
  key: "latency",
  namespace: ENDPOINT_NAMESPACE,
  metricNames: ["RequestLatency_P50", "RequestLatency_P90", "RequestLatency_P99"],
  aggregation: "average",
  filter: "deployment eq '*'",
  top: 100,
  label: "latency",
};

export const RESOURCES_QUERY: MetricQuerySpec = {
  key: "resources",
  namespace: DEPLOYMENT_NAMESPACE,
  metricNames: ["CpuUtilizationPercentage", "CpuMemoryUtilizationPercentage", "DeploymentCapacity"],
  aggregation: "average,minimum,maximum",
  label: "CPU, memory and instances",
};

export interface ResourceRef {
  readonly id: string;
  readonly endpoint: string;
  readonly deployment?: string;
}

export interface PlannedCall {
  readonly query: MetricQuerySpec;
  readonly location?: string;
  readonly resources: readonly ResourceRef[];
}

export function resourceIdOf(workspace: WorkspaceRef, endpoint: string, deployment?: string): string {
  const base =
    `/subscriptions/${workspace.subscriptionId}/resourceGroups/${workspace.resourceGroup}` +
    `/providers/Microsoft.MachineLearningServices/workspaces/${workspace.workspace}/onlineEndpoints/${endpoint}`;
  return deployment === undefined ? base : `${base}/deployments/${deployment}`;
}

export function planCalls(workspace: WorkspaceRef, targets: readonly MetricsTarget[], withResources: boolean): PlannedCall[] {
  const byLocation = new Map<string, MetricsTarget[]>();
  for (const target of targets) {
    const key = (target.location ?? "").toLowerCase();
    byLocation.set(key, [...(byLocation.get(key) ?? []), target]);
  }
  const calls: PlannedCall[] = [];
  for (const [location, group] of byLocation) {
    const endpoints = group.map((t) => ({ id: resourceIdOf(workspace, t.endpoint), endpoint: t.endpoint }));
    const deployments = group.flatMap((t) => t.deployments.map((d) => ({ id: resourceIdOf(workspace, t.endpoint, d), endpoint: t.endpoint, deployment: d })));
    const queries: [MetricQuerySpec, ResourceRef[]][] = [
      [REQUESTS_QUERY, endpoints],
      [LATENCY_QUERY, endpoints],
      ...(withResources ? ([[RESOURCES_QUERY, deployments]] as [MetricQuerySpec, ResourceRef[]][]) : []),
    ];
    for (const [query, resources] of queries) {
      for (let i = 0; i < resources.length; i += MAX_RESOURCES_PER_CALL) {
        calls.push({ query, ...(location === "" ? {} : { location }), resources: resources.slice(i, i + MAX_RESOURCES_PER_CALL) });
      }
    }
  }
  return calls;
}

const GRAINS: readonly [number, string][] = [
  [86_400_000, "P1D"],
  [43_200_000, "PT12H"],
  [21_600_000, "PT6H"],
  [3_600_000, "PT1H"],
  [1_800_000, "PT30M"],
  [900_000, "PT15M"],
  [300_000, "PT5M"],
  [60_000, "PT1M"],
];

/** The largest timegrain Azure Monitor offers that is not coarser than `granularityInMs`. */
export function timegrainOf(granularityInMs: number): { readonly iso: string; readonly ms: number } {
  const [ms, iso] = GRAINS.find(([grain]) => grain <= granularityInMs) ?? GRAINS[GRAINS.length - 1]!;
  return { iso, ms };
}
