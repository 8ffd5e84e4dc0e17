/**
 * The one place where Azure Monitor metrics shapes meet ours: the SDK's `MetricsQueryResult` (from
 * `MetricsClient.queryResources` of @azure/monitor-query-metrics) and the REST wire JSON (the published
 * `metrics:getBatch` response, lower-case keys, and the ARM single-resource response) both become
 * `ResourceMetricData`. Pure: tested against the published example without a network.
 *
 * Two SDK quirks handled here: `Metric.name` and dimension names are the *localized* display names when the
 * service sends one ("Cache Write" for `cacheWrite`), so the invariant metric name is taken from the metric id
 * (`.../providers/Microsoft.Insights/metrics/{name}`); dimension names are compared lower-case.
 */
import type { MetricsQueryResult } from "@azure/monitor-query-metrics";
import * as z from "zod";

export interface MetricPoint {
  /** Epoch ms of the start of the interval. */
  readonly time: number;
  readonly average?: number;
  readonly minimum?: number;
  readonly maximum?: number;
  readonly total?: number;
  readonly count?: number;
}

export interface MetricSeriesData {
  /** Dimension values by lower-case dimension name; empty when the series is not split. */
  readonly dimensions: Readonly<Record<string, string>>;
  readonly points: readonly MetricPoint[];
}

export interface MetricData {
  /** Invariant REST name, e.g. `RequestLatency_P99`. */
  readonly name: string;
  readonly unit?: string;
  /** Set when this metric failed for this resource while the call succeeded. */
  readonly error?: { readonly code: string; readonly message: string };
  readonly series: readonly MetricSeriesData[];
}

export interface ResourceMetricData {
  readonly resourceId: string;
  readonly region?: string;
  readonly metrics: readonly MetricData[];
}

/** `.../providers/Microsoft.Insights/metrics/RequestLatency_P99` → `RequestLatency_P99`. */
export function metricNameOf(id: string | undefined, fallback: string): string {
  const match = /\/providers\/microsoft\.insights\/metrics\/([^/]+)$/i.exec(id ?? "");
  return match?.[1] ?? fallback;
}

function metricError(code: string | undefined, message: string | undefined): MetricData["error"] {
  if (code === undefined || code === "" || code.toLowerCase() === "success") return undefined;
  return { code, message: message ?? code };
}

function definedNumbers(point: Record<string, unknown>): Omit<MetricPoint, "time"> {
  const out: Record<string, number> = {};
  for (const key of ["average", "minimum", "maximum", "total", "count"] as const) {
    const value = point[key];
    if (typeof value === "number" && Number.isFinite(value)) out[key] = value;
  }
  return out;
}

export function fromSdkResults(results: readonly MetricsQueryResult[]): ResourceMetricData[] {
  return results.map((result) => ({
    resourceId: result.resourceId ?? "",
    ...(result.resourceRegion ? { region: result.resourceRegion } : {}),
    metrics: result.metrics.map((metric) => {
      const error = metricError(metric.errorCode, metric.errorMessage);
      return {
        name: metricNameOf(metric.id, metric.name),
        unit: metric.unit,
        ...(error ? { error } : {}),
        series: (metric.timeseries ?? []).map((series) => ({
          dimensions: Object.fromEntries((series.metadatavalues ?? []).map((m) => [(m.name ?? "").toLowerCase(), m.value ?? ""])),
          points: (series.data ?? []).map((p) => ({ time: p.timeStamp.getTime(), ...definedNumbers(p as unknown as Record<string, unknown>) })),
        })),
      };
    }),
  }));
}

// ─── REST wire JSON ──────────────────────────────────────────────────────────

const localizable = z.looseObject({ value: z.string(), localizedValue: z.string().nullish() });
const wireMetric = z.looseObject({
  id: z.string().nullish(),
  name: localizable,
  unit: z.string().nullish(),
  errorCode: z.string().nullish(),
  errorMessage: z.string().nullish(),
  timeseries: z
    .array(
      z.looseObject({
        metadatavalues: z.array(z.looseObject({ name: localizable.nullish(), value: z.string().nullish() })).nullish(),
        data: z.array(z.looseObject({ timeStamp: z.string() })).nullish(),
      }),
    )
    .nullish(),
});
const wireItem = z.looseObject({ resourceid: z.string().nullish(), resourceregion: z.string().nullish(), value: z.array(wireMetric) });
const wireBatch = z.looseObject({ values: z.array(wireItem) });

function fromWireItem(item: z.infer<typeof wireItem>, resourceId: string | undefined): ResourceMetricData {
  const region = item.resourceregion ?? undefined;
  return {
    resourceId: resourceId ?? item.resourceid ?? "",
    ...(region ? { region } : {}),
    metrics: item.value.map((metric) => {
      const error = metricError(metric.errorCode ?? undefined, metric.errorMessage ?? undefined);
      return {
        // The wire name has the invariant value; the id agrees with it.
        name: metricNameOf(metric.id ?? undefined, metric.name.value),
        ...(metric.unit ? { unit: metric.unit } : {}),
        ...(error ? { error } : {}),
        series: (metric.timeseries ?? []).map((series) => ({
          dimensions: Object.fromEntries((series.metadatavalues ?? []).map((m) => [(m.name?.value ?? "").toLowerCase(), m.value ?? ""])),
          points: (series.data ?? []).map((p) => ({ time: Date.parse(p.timeStamp), ...definedNumbers(p) })),
        })),
      };
    }),
  };
}

/** A `metrics:getBatch` 200 body. Throws a ZodError when it is not one. */
export function parseWireBatch(json: unknown): ResourceMetricData[] {
  return wireBatch.parse(json).values.map((item) => fromWireItem(item, undefined));
}

/** An ARM `{resourceUri}/providers/Microsoft.Insights/metrics` 200 body, which does not name its resource. */
export function parseWireResource(json: unknown, resourceId: string): ResourceMetricData {
  return fromWireItem(wireItem.parse(json), resourceId);
}
