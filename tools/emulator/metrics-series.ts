/**
 * Turns the load model into Azure Monitor's response shapes: one `Metric` (id, name, unit, timeseries with
 * metadatavalues and data points) per asked metric and resource. Dimensions named in the filter split the
 * series (restricted to the values asked, all for '*'), unless rolled up; aggregations combine the raw values
 * of each interval the way the service does (average = sum / count over raw values). Samples are computed
 * once per request and resource, so a 50-resource batch over two days stays in the tens of milliseconds.
 */
import type { Aggregation, MetricDefinition } from "./metrics-catalog.js";
import { STATUS_CODES, combinations, instanceIds, selectorFor, type Combination, type MetricsResource, type Selector } from "./metrics-dimensions.js";
import { MINUTE_MS, noise, sampleMinute, type LoadOptions, type MinuteSample } from "./metrics-load.js";
import type { MetricsRequest } from "./metrics-query.js";

export type { MetricsResource } from "./metrics-dimensions.js";

/** A failure of one metric of one resource, reported in the metric's `errorCode`/`errorMessage`. */
export interface MetricFailure {
  readonly errorCode: string;
  readonly errorMessage: string;
}

interface Raw {
  sum: number;
  count: number;
  min: number;
  max: number;
}

export function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}

/** The grid of the response: interval starts, aligned to the interval (FULL: the span itself). */
export function buckets(request: MetricsRequest): number[] {
  const full = request.intervalText === "FULL";
  const first = full ? request.startMs : Math.floor(request.startMs / request.intervalMs) * request.intervalMs;
  const out: number[] = [];
  for (let t = first; t < request.endMs; t += request.intervalMs) out.push(t);
  return out;
}

/**
 * Minutes between samples: every minute for intervals up to 12 minutes, then at most 12 samples per interval,
 * each standing for the minutes up to the next (observed calls of all of them count). A 50-resource batch over
 * two days at PT1H is then ~30 000 samples, not 150 000.
 */
function stepMinutes(intervalMs: number): number {
  const minutes = Math.max(1, Math.round(intervalMs / MINUTE_MS));
  return [1, 5, 15, 30, 60, 120, 240, 480, 1440].find((s) => minutes / s <= 12) ?? Math.ceil(minutes / 12);
}

export function metricItems(
  resourceId: string,
  resource: MetricsResource,
  request: MetricsRequest,
  options: LoadOptions,
  failureFor: (metric: MetricDefinition) => MetricFailure | undefined,
): unknown[] {
  const grid = buckets(request);
  const stamps = grid.map(isoSeconds);
  const step = stepMinutes(request.intervalMs);
  const deployments = resource.kind === "endpoint" ? resource.load.deployments : [resource.deployment];
  const samples = new Map<number, MinuteSample[]>();
  const sampleAt = (minute: number, span: number): MinuteSample[] => {
    const key = minute * 10_000 + span;
    let found = samples.get(key);
    if (found === undefined) {
      found = deployments.map((d) => sampleMinute(options, resource.load, d, minute, span));
      samples.set(key, found);
    }
    return found;
  };
  const offsets = resource.kind === "deployment" ? instanceIds(resource.deployment).map((_, i) => 6 * noise(options.seed, resource.deployment.hash, 100 + i) - 3) : [];
  return request.metrics.map((metric) => {
    const head = {
      id: `${resourceId}/providers/Microsoft.Insights/metrics/${metric.name}`,
      type: "Microsoft.Insights/metrics",
      name: { value: metric.name, localizedValue: metric.displayName },
      displayDescription: metric.description,
      unit: metric.unit,
    };
    const failure = failureFor(metric);
    if (failure !== undefined) return { ...head, timeseries: [], errorCode: failure.errorCode, errorMessage: failure.errorMessage };
    // GPU metrics are not emitted at all by CPU instance types: no time series, as Azure Monitor answers.
    if ((metric.source === "gpu" || metric.source === "gpuMemory") && !(resource.kind === "deployment" && /^Standard_N/i.test(resource.deployment.instanceType))) {
      return { ...head, timeseries: [], errorCode: "Success" };
    }
    const aggregations = request.aggregations ?? [metric.defaultAggregation];
    const series = combinations(metric, resource, request).map((combination) => {
      const selector = selectorFor(resource, deployments, combination, request);
      const points: Raw[] = grid.map((start) => {
        const raw: Raw = { sum: 0, count: 0, min: Number.POSITIVE_INFINITY, max: Number.NEGATIVE_INFINITY };
        const end = Math.min(start + request.intervalMs, request.endMs);
        for (let m = Math.ceil(start / MINUTE_MS); m * MINUTE_MS < end; m += step) {
          const weight = Math.min(step, Math.ceil((end - m * MINUTE_MS) / MINUTE_MS));
          addSample(raw, metric, sampleAt(m, weight), selector, weight, offsets);
        }
        return raw;
      });
      return { combination, points };
    });
    const kept = keepSeries(series, metric, request);
    return {
      ...head,
      timeseries: kept.map(({ combination, points }) => ({
        metadatavalues: [...combination].map(([dimension, value]) => ({ name: { value: dimension, localizedValue: dimension }, value })),
        data: points.map((raw, i) => dataPoint(stamps[i]!, raw, aggregations)),
      })),
      errorCode: "Success",
    };
  });
}

function add(raw: Raw, value: number, weight: number): void {
  raw.sum += value * weight;
  raw.count += weight;
  if (value < raw.min) raw.min = value;
  if (value > raw.max) raw.max = value;
}

function dataPoint(timeStamp: string, raw: Raw, aggregations: readonly Aggregation[]): Record<string, unknown> {
  const point: Record<string, unknown> = { timeStamp };
  for (const aggregation of aggregations) {
    if (aggregation === "total") point.total = raw.sum;
    else if (aggregation === "count") point.count = raw.count;
    else if (raw.count > 0) point[aggregation] = aggregation === "average" ? raw.sum / raw.count : aggregation === "minimum" ? raw.min : raw.max;
  }
  return point;
}

const LATENCY_FIELD = { latency: "mean", latencyP50: "p50", latencyP90: "p90", latencyP95: "p95", latencyP99: "p99" } as const;

/** Adds one sample's raw value(s) of `metric` for the series `selector` describes. Allocation-free: hot path. */
function addSample(raw: Raw, metric: MetricDefinition, samples: readonly MinuteSample[], selector: Selector, weight: number, offsets: readonly number[]): void {
  switch (metric.source) {
    case "requests": {
      let count = 0;
      for (const i of selector.deployments) for (const c of selector.codes) count += codeCount(samples[i]!, c);
      add(raw, count, weight);
      return;
    }
    case "latency":
    case "latencyP50":
    case "latencyP90":
    case "latencyP95":
    case "latencyP99": {
      const field = LATENCY_FIELD[metric.source];
      let requests = 0;
      let weighted = 0;
      for (const i of selector.deployments) {
        const s = samples[i]!;
        const n = s.ok + s.clientErrors + s.serverErrors;
        requests += n;
        weighted += s[field] * n;
      }
      if (requests > 0) add(raw, weighted / requests, weight);
      return;
    }
    case "connections":
    case "newConnections":
    case "networkBytes": {
      let perMinute = 0;
      for (const i of selector.deployments) perMinute += samples[i]!.ok + samples[i]!.clientErrors + samples[i]!.serverErrors;
      add(raw, perMinute * (metric.source === "connections" ? 0.05 : metric.source === "newConnections" ? 0.3 / 60 : 2048 / 60), weight);
      return;
    }
    case "capacity":
      if (selector.instanceSplit) for (let k = 0; k < selector.instances.length; k++) add(raw, 1, weight);
      else if (selector.instances.length > 0) add(raw, selector.instances.length, weight);
      return;
    default: {
      const s = samples[0];
      if (s === undefined) return;
      const base = metric.source === "cpu" ? s.cpu : metric.source === "memory" ? s.memory : metric.source === "disk" ? 20 : s.cpu * 0.9;
      for (const i of selector.instances) add(raw, Math.min(100, Math.max(0, base + offsets[i]!)), weight);
    }
  }
}

/**
 * Requests of one status code (index into STATUS_CODES): 408 and 424 as counted; the other 4xx are 80 % 400 and
 * 20 % 429, 5xx 70 % 500 and 30 % 503.
 */
function codeCount(s: MinuteSample, code: number): number {
  const other4xx = s.clientErrors - s.modelErrors - s.timeouts;
  switch (STATUS_CODES[code]!.code) {
    case "200":
      return s.ok;
    case "400":
      return Math.round(other4xx * 0.8);
    case "408":
      return s.timeouts;
    case "424":
      return s.modelErrors;
    case "429":
      return other4xx - Math.round(other4xx * 0.8);
    case "500":
      return Math.round(s.serverErrors * 0.7);
    default:
      return s.serverErrors - Math.round(s.serverErrors * 0.7);
  }
}

/** Drops all-zero status-code series that were split with '*' (the service only has emitted values), then `top`. */
function keepSeries(series: { combination: Combination; points: Raw[] }[], metric: MetricDefinition, request: MetricsRequest): typeof series {
  const statusSplit = [...request.filter].some(([key, f]) => f.values === "*" && key.startsWith("status") && !request.rollup.has(key));
  let kept = statusSplit && metric.source === "requests" ? series.filter((s) => s.points.some((p) => p.sum > 0)) : series;
  if (request.filter.size > 0 && kept.length > request.top) {
    const order = request.orderBy;
    if (order !== undefined) {
      const score = (points: Raw[]): number => summarise(points, order.aggregation);
      kept = [...kept].sort((a, b) => (order.descending ? score(b.points) - score(a.points) : score(a.points) - score(b.points)));
    }
    kept = kept.slice(0, request.top);
  }
  return kept;
}

function summarise(points: Raw[], aggregation: Aggregation): number {
  const sum = points.reduce((a, p) => a + p.sum, 0);
  const count = points.reduce((a, p) => a + p.count, 0);
  if (aggregation === "total") return sum;
  if (aggregation === "count") return count;
  if (aggregation === "minimum") return Math.min(...points.map((p) => p.min));
  if (aggregation === "maximum") return Math.max(...points.map((p) => p.max));
  return count === 0 ? 0 : sum / count;
}
