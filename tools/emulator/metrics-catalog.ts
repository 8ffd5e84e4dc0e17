/**
 * The platform metrics Azure Monitor publishes for Azure ML online endpoints and deployments, as listed in
 * Microsoft's "Supported metrics" reference (MicrosoftDocs/azure-monitor-docs, articles/azure-monitor/reference/
 * supported-metrics/microsoft-machinelearningservices-workspaces-onlineendpoints[-deployments]-metrics.md):
 * REST names, units, default aggregation and dimensions. Names are matched case-insensitively, as the service does.
 */
export const ENDPOINT_NAMESPACE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
export const DEPLOYMENT_NAMESPACE = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments";

export type Aggregation = "average" | "minimum" | "maximum" | "total" | "count";
export const AGGREGATIONS: readonly Aggregation[] = ["average", "minimum", "maximum", "total", "count"];

/** What a metric measures in the emulator's load model (see metrics-load.ts). */
export type MetricSource =
  | "requests"
  | "latency"
  | "latencyP50"
  | "latencyP90"
  | "latencyP95"
  | "latencyP99"
  | "connections"
  | "newConnections"
  | "networkBytes"
  | "cpu"
  | "memory"
  | "disk"
  | "capacity"
  | "gpu"
  | "gpuMemory";

export interface MetricDefinition {
  readonly name: string;
  readonly displayName: string;
  readonly description: string;
  readonly unit: "Count" | "Milliseconds" | "Percent" | "BytesPerSecond" | "CountPerSecond";
  readonly defaultAggregation: Aggregation;
  readonly dimensions: readonly string[];
  readonly source: MetricSource;
}

const latency = (suffix: string, source: MetricSource, what: string): MetricDefinition => ({
  name: `RequestLatency${suffix}`,
  displayName: `Request Latency${suffix.replace("_", " ")}`,
  description: what,
  unit: "Milliseconds",
  defaultAggregation: "average",
  dimensions: ["deployment"],
  source,
});

const ENDPOINT_METRICS: readonly MetricDefinition[] = [
  {
    name: "RequestsPerMinute",
    displayName: "Requests Per Minute",
    description: "The number of requests sent to online endpoint within a minute",
    unit: "Count",
    defaultAggregation: "average",
    dimensions: ["deployment", "statusCode", "statusCodeClass", "modelStatusCode"],
    source: "requests",
  },
  latency("", "latency", "The average complete interval of time taken for a request to be responded in milliseconds"),
  latency("_P50", "latencyP50", "The average P50 request latency aggregated by all request latency values collected over the selected time period"),
  latency("_P90", "latencyP90", "The average P90 request latency aggregated by all request latency values collected over the selected time period"),
  latency("_P95", "latencyP95", "The average P95 request latency aggregated by all request latency values collected over the selected time period"),
  latency("_P99", "latencyP99", "The average P99 request latency aggregated by all request latency values collected over the selected time period"),
  {
    name: "ConnectionsActive",
    displayName: "Connections Active",
    description: "The total number of concurrent TCP connections active from clients.",
    unit: "Count",
    defaultAggregation: "average",
    dimensions: [],
    source: "connections",
  },
  {
    name: "NewConnectionsPerSecond",
    displayName: "New Connections Per Second",
    description: "The average number of new TCP connections per second established from clients.",
    unit: "CountPerSecond",
    defaultAggregation: "average",
    dimensions: [],
    source: "newConnections",
  },
  {
    name: "NetworkBytes",
    displayName: "Network Bytes",
    description: "The bytes per second served for the endpoint.",
    unit: "BytesPerSecond",
    defaultAggregation: "average",
    dimensions: [],
    source: "networkBytes",
  },
];

const perInstance = (name: string, displayName: string, description: string, source: MetricSource, extra: string[] = []): MetricDefinition => ({
  name,
  displayName,
  description,
  unit: "Percent",
  defaultAggregation: "average",
  dimensions: ["instanceId", ...extra],
  source,
});

const DEPLOYMENT_METRICS: readonly MetricDefinition[] = [
  perInstance("CpuUtilizationPercentage", "CPU Utilization Percentage", "Percentage of CPU utilization on an instance. Utilization is reported at one minute intervals.", "cpu"),
  perInstance("CpuMemoryUtilizationPercentage", "CPU Memory Utilization Percentage", "Percentage of memory utilization on an instance. Utilization is reported at one minute intervals.", "memory"),
  perInstance("DiskUtilization", "Disk Utilization", "Percentage of disk utilization on an instance. Utilization is reported at one minute intervals.", "disk", ["disk"]),
  perInstance("GpuUtilizationPercentage", "GPU Utilization Percentage", "Percentage of GPU utilization on an instance. Utilization is reported at one minute intervals.", "gpu"),
  perInstance("GpuMemoryUtilizationPercentage", "GPU Memory Utilization Percentage", "Percentage of GPU memory utilization on an instance. Utilization is reported at one minute intervals.", "gpuMemory"),
  {
    name: "DeploymentCapacity",
    displayName: "Deployment Capacity",
    description: "The number of instances in the deployment.",
    unit: "Count",
    defaultAggregation: "average",
    dimensions: ["instanceId", "State"],
    source: "capacity",
  },
];

const BY_NAMESPACE = new Map<string, readonly MetricDefinition[]>([
  [ENDPOINT_NAMESPACE.toLowerCase(), ENDPOINT_METRICS],
  [DEPLOYMENT_NAMESPACE.toLowerCase(), DEPLOYMENT_METRICS],
]);

/** The metrics of a namespace (resource type), or undefined for a namespace the emulator does not know. */
export function metricsOf(namespace: string): readonly MetricDefinition[] | undefined {
  return BY_NAMESPACE.get(namespace.toLowerCase());
}

export function findMetric(namespace: string, name: string): MetricDefinition | undefined {
  return metricsOf(namespace)?.find((m) => m.name.toLowerCase() === name.toLowerCase());
}
