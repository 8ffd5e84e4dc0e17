/**
 * From normalised Azure Monitor results to the core's `EndpointMetrics`: sums and shares over the current and
 * the previous window, request-weighted latencies, per-interval series for charts. Pure arithmetic.
 *
 * Endpoint-level latency percentiles are the request-weighted mean of the deployments' (one query split by
 * deployment serves both levels); a percentile is not additive, so this is an approximation, close while the
 * deployments behave alike and pulled towards the busiest one otherwise, which is what a reader wants to see.
 */
import type {
  DeploymentMetrics,
  EndpointMetrics,
  MetricProblem,
  MetricsQuery,
  MetricsTarget,
  ResourceStats,
  TrafficSeries,
  TrafficStats,
  WindowedValue,
} from "../../commands/ports/metrics.port.js";
import type { MetricData, ResourceMetricData } from "./monitor.converters.js";

interface Counts {
  total: number;
  client: number;
  server: number;
}

export interface QueryResults {
  readonly requests: ReadonlyMap<string, ResourceMetricData>;
  readonly latency: ReadonlyMap<string, ResourceMetricData>;
  readonly resources: ReadonlyMap<string, ResourceMetricData>;
}

export interface AssembleInput {
  readonly query: MetricsQuery;
  /** Length of one interval actually used (the timegrain). */
  readonly grainMs: number;
  readonly targets: readonly MetricsTarget[];
  readonly idOf: (endpoint: string, deployment?: string) => string;
  readonly results: QueryResults;
  readonly problems: readonly MetricProblem[];
}

const LATENCY = { p50: "RequestLatency_P50", p90: "RequestLatency_P90", p99: "RequestLatency_P99" } as const;

export function assembleEndpointMetrics(input: AssembleInput): EndpointMetrics[] {
  const { query, results } = input;
  const start = query.window.start.getTime();
  const end = query.window.end.getTime();
  const previousStart = start - (end - start);
  const inCurrent = (t: number): boolean => t >= start && t < end;
  const inPrevious = (t: number): boolean => t >= previousStart && t < start;
  const minutes = (end - start) / 60_000;

  return input.targets.map((target) => {
    const id = input.idOf(target.endpoint).toLowerCase();
    const requestsMetric = metric(results.requests.get(id), "RequestsPerMinute");
    const latencyData = results.latency.get(id);
    const traffic = (deployment: string | undefined): { stats: TrafficStats; series: TrafficSeries } => {
      const counts = requestBuckets(requestsMetric, deployment);
      const latency = (name: string): Map<number, number> => weightedLatency(metric(latencyData, name), deployment, requestsMetric);
      const p50 = latency(LATENCY.p50);
      const p90 = latency(LATENCY.p90);
      const p99 = latency(LATENCY.p99);
      const requests = windowed(counts, (c) => c.total);
      const share = (pick: (c: Counts) => number): WindowedValue => ({
        ...ratio(counts, pick, inCurrent, "current"),
        ...ratio(counts, pick, inPrevious, "previous"),
      });
      const stats: TrafficStats = {
        requests,
        requestsPerMinute: scale(requests, 1 / minutes),
        clientErrorShare: share((c) => c.client),
        serverErrorShare: share((c) => c.server),
        latencyP50InMs: weightedWindow(p50, counts),
        latencyP90InMs: weightedWindow(p90, counts),
        latencyP99InMs: weightedWindow(p99, counts),
      };
      const times = grid(start, end, input.grainMs);
      const series: TrafficSeries = {
        requestsPerMinute: times.map((t) => (counts.has(t) ? counts.get(t)!.total / (input.grainMs / 60_000) : null)),
        latencyP50InMs: times.map((t) => p50.get(t) ?? null),
        latencyP99InMs: times.map((t) => p99.get(t) ?? null),
        serverErrorShare: times.map((t) => {
          const c = counts.get(t);
          return c === undefined || c.total === 0 ? null : c.server / c.total;
        }),
      };
      return { stats, series };
    };

    function windowed(counts: Map<number, Counts>, pick: (c: Counts) => number): WindowedValue {
      const sum = (range: (t: number) => boolean): number | undefined => {
        let total: number | undefined;
        for (const [t, c] of counts) if (range(t)) total = (total ?? 0) + pick(c);
        return total;
      };
      return defined({ current: sum(inCurrent), previous: sum(inPrevious) });
    }

    function weightedWindow(values: Map<number, number>, counts: Map<number, Counts>): WindowedValue {
      const mean = (range: (t: number) => boolean): number | undefined => {
        let weighted = 0;
        let weights = 0;
        let plain = 0;
        let n = 0;
        for (const [t, v] of values) {
          if (!range(t)) continue;
          const w = counts.get(t)?.total ?? 0;
          weighted += v * w;
          weights += w;
          plain += v;
          n++;
        }
        if (n === 0) return undefined;
        return weights > 0 ? weighted / weights : plain / n;
      };
      return defined({ current: mean(inCurrent), previous: mean(inPrevious) });
    }

    function ratio(counts: Map<number, Counts>, pick: (c: Counts) => number, range: (t: number) => boolean, key: "current" | "previous"): WindowedValue {
      let part = 0;
      let total = 0;
      for (const [t, c] of counts) {
        if (!range(t)) continue;
        part += pick(c);
        total += c.total;
      }
      return total > 0 ? { [key]: part / total } : {};
    }

    const all = traffic(undefined);
    const deployments: DeploymentMetrics[] = target.deployments.map((deployment) => {
      const own = traffic(deployment);
      const resources = query.resources ? resourceStats(results.resources.get(input.idOf(target.endpoint, deployment).toLowerCase()), inCurrent, inPrevious) : undefined;
      return {
        deployment,
        traffic: own.stats,
        ...(resources ? { resources } : {}),
        ...(query.series ? { series: own.series } : {}),
      };
    });
    return {
      endpoint: target.endpoint,
      traffic: all.stats,
      ...(query.series ? { series: all.series } : {}),
      deployments,
      problems: input.problems.filter((p) => p.endpoint === target.endpoint),
    };
  });
}

function metric(data: ResourceMetricData | undefined, name: string): MetricData | undefined {
  const found = data?.metrics.find((m) => m.name.toLowerCase() === name.toLowerCase());
  return found?.error === undefined ? found : undefined;
}

function matches(dimensions: Readonly<Record<string, string>>, deployment: string | undefined): boolean {
  return deployment === undefined || (dimensions["deployment"] ?? "").toLowerCase() === deployment.toLowerCase();
}

/** Requests per interval start, with the 4xx and 5xx among them, for one deployment or all. */
function requestBuckets(requests: MetricData | undefined, deployment: string | undefined): Map<number, Counts> {
  const out = new Map<number, Counts>();
  for (const series of requests?.series ?? []) {
    if (!matches(series.dimensions, deployment)) continue;
    const cls = (series.dimensions["statuscodeclass"] ?? "").toLowerCase();
    for (const point of series.points) {
      const counts = out.get(point.time) ?? { total: 0, client: 0, server: 0 };
      const n = point.total ?? 0;
      counts.total += n;
      if (cls === "4xx") counts.client += n;
      if (cls === "5xx") counts.server += n;
      out.set(point.time, counts);
    }
  }
  return out;
}

/** Latency per interval: the deployment's own, or the request-weighted mean over deployments. */
function weightedLatency(latency: MetricData | undefined, deployment: string | undefined, requests: MetricData | undefined): Map<number, number> {
  const sums = new Map<number, { weighted: number; weights: number; plain: number; n: number }>();
  for (const series of latency?.series ?? []) {
    if (!matches(series.dimensions, deployment)) continue;
    const weights = requestBuckets(requests, series.dimensions["deployment"]);
    for (const point of series.points) {
      if (point.average === undefined) continue;
      const w = weights.get(point.time)?.total ?? 0;
      const acc = sums.get(point.time) ?? { weighted: 0, weights: 0, plain: 0, n: 0 };
      acc.weighted += point.average * w;
      acc.weights += w;
      acc.plain += point.average;
      acc.n += 1;
      sums.set(point.time, acc);
    }
  }
  return new Map([...sums].map(([t, a]) => [t, a.weights > 0 ? a.weighted / a.weights : a.plain / a.n]));
}

function resourceStats(data: ResourceMetricData | undefined, inCurrent: (t: number) => boolean, inPrevious: (t: number) => boolean): ResourceStats | undefined {
  if (data === undefined) return undefined;
  const over = (name: string, field: "average" | "minimum" | "maximum", how: "mean" | "min" | "max"): WindowedValue => {
    const values = (range: (t: number) => boolean): number | undefined => {
      const found = (metric(data, name)?.series ?? []).flatMap((s) => s.points.filter((p) => range(p.time) && p[field] !== undefined).map((p) => p[field]!));
      if (found.length === 0) return undefined;
      return how === "mean" ? found.reduce((a, b) => a + b, 0) / found.length : how === "min" ? Math.min(...found) : Math.max(...found);
    };
    return defined({ current: values(inCurrent), previous: values(inPrevious) });
  };
  return {
    cpuPercent: over("CpuUtilizationPercentage", "average", "mean"),
    memoryPercent: over("CpuMemoryUtilizationPercentage", "average", "mean"),
    instances: over("DeploymentCapacity", "average", "mean"),
    instancesMin: over("DeploymentCapacity", "minimum", "min"),
    instancesMax: over("DeploymentCapacity", "maximum", "max"),
  };
}

function grid(start: number, end: number, step: number): number[] {
  const out: number[] = [];
  for (let t = start; t < end; t += step) out.push(t);
  return out;
}

function scale(value: WindowedValue, factor: number): WindowedValue {
  return defined({
    current: value.current === undefined ? undefined : value.current * factor,
    previous: value.previous === undefined ? undefined : value.previous * factor,
  });
}

function defined(value: { current: number | undefined; previous: number | undefined }): WindowedValue {
  return { ...(value.current === undefined ? {} : { current: value.current }), ...(value.previous === undefined ? {} : { previous: value.previous }) };
}
