/**
 * The core's metrics port over Azure Monitor. Plans the fewest batch calls (monitor.plan.ts), runs them with a
 * bounded concurrency, and turns every failure into a problem of the resources it concerned: a throttled
 * chunk or a metric with an error code shows as "could not read ..." next to everything that did work.
 * Only a bug throws from here.
 *
 * Where metrics are read: locally the emulator (`AML_METRICS_ENDPOINT`, default its URL); in Azure the regional
 * data-plane endpoint of the endpoint's location, `https://{region}.metrics.monitor.azure.com`, as the batch
 * API requires resources and endpoint to share a region.
 */
import type { TokenCredential } from "@azure/core-auth";
import { RestError } from "@azure/core-rest-pipeline";
import type { WorkspaceRef } from "../../commands/domain/endpoint.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import type {
  EndpointMetrics,
  EndpointMetricsSource,
  MetricProblem,
  MetricsQuery,
  MetricsTarget,
} from "../../commands/ports/metrics.port.js";
import { assembleEndpointMetrics, type QueryResults } from "./monitor.assemble.js";
import type { ResourceMetricData } from "./monitor.converters.js";
import { BatchMetricsFetcher, type MetricsFetcher } from "./monitor.fetchers.js";
import { planCalls, resourceIdOf, timegrainOf, type PlannedCall, type QueryKey } from "./monitor.plan.js";

export interface MonitorEndpointMetricsOptions {
  readonly fetcher: MetricsFetcher;
  /** Calls in flight at once (default 8): a 500-endpoint digest is ~30 calls, done in a few rounds. */
  readonly concurrency?: number;
}

/** Where the metrics data plane is: a fixed URL (the emulator, a proxy), or the region's own endpoint. */
export function metricsEndpointResolver(fixed: string | undefined): (location: string | undefined) => string {
  if (fixed !== undefined && fixed !== "") return () => fixed;
  return (location) => {
    if (location === undefined || location === "") throw new Error("The endpoint's Azure region is unknown: set AML_METRICS_ENDPOINT.");
    return `https://${location.replace(/\s+/g, "").toLowerCase()}.metrics.monitor.azure.com`;
  };
}

export class MonitorEndpointMetrics implements EndpointMetricsSource {
  constructor(private readonly options: MonitorEndpointMetricsOptions) {}

  async getEndpointMetrics(
    workspace: WorkspaceRef,
    targets: readonly MetricsTarget[],
    query: MetricsQuery,
    options: OperationOptions = {},
  ): Promise<EndpointMetrics[]> {
    const grain = timegrainOf(query.granularityInMs);
    const length = query.window.end.getTime() - query.window.start.getTime();
    const start = new Date(query.window.start.getTime() - length);
    const calls = planCalls(workspace, targets, query.resources === true);
    const results: Record<QueryKey, Map<string, ResourceMetricData>> = { requests: new Map(), latency: new Map(), resources: new Map() };
    const problems: MetricProblem[] = [];

    await runLimited(calls, this.options.concurrency ?? 8, async (call) => {
      try {
        const data = await this.options.fetcher.fetch(
          {
            namespace: call.query.namespace,
            metricNames: call.query.metricNames,
            aggregation: call.query.aggregation,
            ...(call.query.filter ? { filter: call.query.filter } : {}),
            ...(call.query.top !== undefined ? { top: call.query.top } : {}),
            interval: grain.iso,
            start,
            end: query.window.end,
            resourceIds: call.resources.map((r) => r.id),
            ...(call.location ? { location: call.location } : {}),
          },
          options,
        );
        collect(call, data, results[call.query.key], problems);
      } catch (error) {
        if (options.abortSignal?.aborted) throw error;
        const reason = describeFailure(error);
        for (const r of call.resources) problems.push(problem(r.endpoint, r.deployment, undefined, `${call.query.label}: ${reason}`));
      }
    });

    const queryResults: QueryResults = results;
    return assembleEndpointMetrics({
      query,
      grainMs: grain.ms,
      targets,
      idOf: (endpoint, deployment) => resourceIdOf(workspace, endpoint, deployment),
      results: queryResults,
      problems,
    });
  }
}

function collect(call: PlannedCall, data: readonly ResourceMetricData[], into: Map<string, ResourceMetricData>, problems: MetricProblem[]): void {
  const byId = new Map(data.map((d) => [d.resourceId.toLowerCase(), d]));
  for (const r of call.resources) {
    const found = byId.get(r.id.toLowerCase());
    if (found === undefined) {
      problems.push(problem(r.endpoint, r.deployment, undefined, `${call.query.label}: Azure Monitor returned nothing for it`));
      continue;
    }
    into.set(r.id.toLowerCase(), found);
    for (const m of found.metrics) {
      if (m.error !== undefined) problems.push(problem(r.endpoint, r.deployment, m.name, `${m.name}: ${m.error.code}`));
    }
  }
}

function problem(endpoint: string, deployment: string | undefined, metric: string | undefined, message: string): MetricProblem {
  return { endpoint, ...(deployment ? { deployment } : {}), ...(metric ? { metric } : {}), message };
}

/** A short reason for people; the service's message can be long, and URLs or tokens never belong in chat. */
function describeFailure(error: unknown): string {
  if (error instanceof RestError) {
    const status = error.statusCode;
    if (status === 429 || status === 529) return "throttled by Azure Monitor, try again in a minute";
    if (status === 401 || status === 403) return "the bot's identity may not read metrics (Monitoring Reader)";
    return `Azure Monitor answered ${status ?? "with an error"}${error.code ? ` (${error.code})` : ""}`;
  }
  return "Azure Monitor could not be reached";
}

async function runLimited<T>(items: readonly T[], limit: number, run: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const workers = Array.from({ length: Math.min(limit, items.length) }, async () => {
    while (next < items.length) await run(items[next++]!);
  });
  await Promise.all(workers);
}

export interface MonitorMetricsWiring {
  readonly credential: TokenCredential;
  readonly mode: "local" | "azure";
  /** ARM base URL: in local mode the emulator, which also serves the metrics data plane. */
  readonly armEndpoint: string;
  /** PEM of the emulator's CA (local mode), trusted by these clients only. */
  readonly tlsCa?: string;
  /** `AML_METRICS_ENDPOINT`: one metrics endpoint for every region (a proxy, the emulator). */
  readonly metricsEndpoint?: string;
}

/** The production wiring: batch calls through `MetricsClient`; locally against the emulator. */
export function createMonitorMetrics(wiring: MonitorMetricsWiring): MonitorEndpointMetrics {
  const fixed = wiring.metricsEndpoint ?? (wiring.mode === "local" ? wiring.armEndpoint : undefined);
  const fetcher = new BatchMetricsFetcher({
    credential: wiring.credential,
    endpointFor: metricsEndpointResolver(fixed),
    ...(wiring.tlsCa ? { tlsCa: wiring.tlsCa } : {}),
  });
  return new MonitorEndpointMetrics({ fetcher });
}
