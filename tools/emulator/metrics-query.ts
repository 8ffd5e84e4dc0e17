/**
 * Query parameters of the two metrics APIs, parsed and checked the way Azure Monitor does: the data-plane
 * batch (`starttime`/`endtime`, `filter`) and the ARM single-resource API (`timespan`, `$filter`). Both take
 * ISO-8601 intervals (PT1M, PT5M, PT1H, P1D or FULL), comma-separated `metricnames` and `aggregation`, `top`
 * and `orderby` per metric and resource, and `rollupby`.
 */
import { AGGREGATIONS, findMetric, metricsOf, type Aggregation, type MetricDefinition } from "./metrics-catalog.js";

export class MetricsQueryError extends Error {
  override readonly name = "MetricsQueryError";
  constructor(
    message: string,
    readonly code = "BadRequest",
    readonly status = 400,
  ) {
    super(message);
  }
}

/** Timegrains Azure Monitor offers for these resource types. */
const TIMEGRAINS: Readonly<Record<string, number>> = {
  PT1M: 60_000,
  PT5M: 300_000,
  PT15M: 900_000,
  PT30M: 1_800_000,
  PT1H: 3_600_000,
  PT6H: 21_600_000,
  PT12H: 43_200_000,
  P1D: 86_400_000,
};
const MAX_POINTS = 50_000;
const DEFAULT_SPAN_MS = 3_600_000;

/** Per dimension (lower-case key): the values asked for, or every value (`'*'`). */
export type DimensionFilter = ReadonlyMap<string, { readonly name: string; readonly values: ReadonlySet<string> | "*" }>;

export interface MetricsRequest {
  readonly namespace: string;
  readonly startMs: number;
  readonly endMs: number;
  /** Bucket length; the whole span for FULL. */
  readonly intervalMs: number;
  readonly intervalText: string;
  readonly metrics: readonly MetricDefinition[];
  /** Asked aggregations, or each metric's default when none were asked. */
  readonly aggregations?: readonly Aggregation[];
  readonly filter: DimensionFilter;
  readonly rollup: ReadonlySet<string>;
  readonly top: number;
  readonly orderBy?: { readonly aggregation: Aggregation; readonly descending: boolean };
}

export type QueryDialect = "batch" | "arm";

export function parseMetricsQuery(query: URLSearchParams, dialect: QueryDialect, defaultNamespace: string | undefined, nowMs: number): MetricsRequest {
  const namespace = query.get("metricnamespace") ?? defaultNamespace;
  if (namespace === undefined || namespace === "") throw new MetricsQueryError("The metricnamespace parameter is required for metrics:getBatch.");
  if (metricsOf(namespace) === undefined) throw new MetricsQueryError(`Metric namespace '${namespace}' is not supported for this resource type.`);
  const names = (query.get("metricnames") ?? "").split(",").map((n) => n.trim()).filter((n) => n !== "");
  if (names.length === 0) throw new MetricsQueryError("The metricnames parameter is required.");
  const metrics = names.map((name) => {
    const found = findMetric(namespace, name);
    if (found === undefined) {
      const valid = (metricsOf(namespace) ?? []).map((m) => m.name).join(", ");
      throw new MetricsQueryError(`Failed to find metric configuration for provider: Microsoft.MachineLearningServices, resource Type: ${namespace}, metric: ${name}, Valid metrics: ${valid}`);
    }
    return found;
  });

  const { startMs, endMs } = dialect === "batch" ? batchRange(query, nowMs) : armRange(query, nowMs);
  const intervalText = (query.get("interval") ?? "PT1M").toUpperCase();
  const intervalMs = intervalText === "FULL" ? endMs - startMs : TIMEGRAINS[intervalText];
  if (intervalMs === undefined) {
    throw new MetricsQueryError(`Invalid interval '${query.get("interval")}'. Supported intervals: ${Object.keys(TIMEGRAINS).join(", ")}, FULL.`);
  }
  if ((endMs - startMs) / intervalMs > MAX_POINTS) {
    throw new MetricsQueryError(`The requested time range and interval would return more than ${MAX_POINTS} data points per time series. Use a larger interval.`);
  }

  const aggregationText = query.get("aggregation");
  const aggregations = aggregationText === null || aggregationText.trim() === "" ? undefined : aggregationText.split(",").map((a) => parseAggregation(a));
  const filterText = query.get(dialect === "batch" ? "filter" : "$filter");
  const filter = filterText === null || filterText.trim() === "" ? new Map() : parseFilter(filterText);
  const rollup = new Set((query.get("rollupby") ?? "").split(",").map((d) => d.trim().toLowerCase()).filter((d) => d !== ""));
  const top = parseTop(query.get("top"));
  const orderBy = parseOrderBy(query.get("orderby"));
  return {
    namespace,
    startMs,
    endMs,
    intervalMs,
    intervalText,
    metrics,
    ...(aggregations ? { aggregations } : {}),
    filter,
    rollup,
    top,
    ...(orderBy ? { orderBy } : {}),
  };
}

function batchRange(query: URLSearchParams, nowMs: number): { startMs: number; endMs: number } {
  if (query.has("timespan")) {
    // Word for word what the service answers (published example MetricBatchExample2, `default` response).
    throw new MetricsQueryError("Detected invalid time range parameters for API version 2024-02-01. Please use only starttime and endtime to specify a time range.");
  }
  const start = query.get("starttime");
  const end = query.get("endtime");
  if (end !== null && start === null) throw new MetricsQueryError("The starttime parameter is required when endtime is specified.");
  const endMs = end === null ? nowMs : parseTime(end, "endtime");
  const startMs = start === null ? endMs - DEFAULT_SPAN_MS : parseTime(start, "starttime");
  return checkedRange(startMs, endMs);
}

function armRange(query: URLSearchParams, nowMs: number): { startMs: number; endMs: number } {
  const timespan = query.get("timespan");
  if (timespan === null || timespan === "") return checkedRange(nowMs - DEFAULT_SPAN_MS, nowMs);
  const [first, second] = timespan.split("/");
  if (second === undefined) return checkedRange(nowMs - parseDuration(first ?? ""), nowMs);
  const startMs = first?.startsWith("P") ? parseTime(second, "timespan") - parseDuration(first) : parseTime(first ?? "", "timespan");
  const endMs = second.startsWith("P") ? startMs + parseDuration(second) : parseTime(second, "timespan");
  return checkedRange(startMs, endMs);
}

function checkedRange(startMs: number, endMs: number): { startMs: number; endMs: number } {
  if (!(endMs > startMs)) throw new MetricsQueryError("The end time must be later than the start time.");
  return { startMs, endMs };
}

function parseTime(text: string, what: string): number {
  const ms = Date.parse(text);
  if (!/^\d{4}-\d{2}-\d{2}T/.test(text) || Number.isNaN(ms)) throw new MetricsQueryError(`Invalid ${what} '${text}': use an ISO 8601 date and time, e.g. 2024-02-01T10:00:00Z.`);
  return ms;
}

/** ISO 8601 durations as used in timespans: PnW, PnDTnHnMnS. */
export function parseDuration(text: string): number {
  const match = /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i.exec(text);
  if (match === null || text.length < 3 || /T$/i.test(text)) throw new MetricsQueryError(`Invalid ISO 8601 duration '${text}'.`);
  const [, w, d, h, m, s] = match;
  return ((Number(w ?? 0) * 7 + Number(d ?? 0)) * 86_400 + Number(h ?? 0) * 3600 + Number(m ?? 0) * 60 + Number(s ?? 0)) * 1000;
}

function parseAggregation(text: string): Aggregation {
  const wanted = text.trim().toLowerCase();
  const found = AGGREGATIONS.find((a) => a === wanted);
  if (found === undefined) throw new MetricsQueryError(`Invalid aggregation '${text.trim()}'. Valid aggregations: Average, Count, Maximum, Minimum, Total.`);
  return found;
}

function parseTop(text: string | null): number {
  if (text === null || text === "") return 10;
  const top = Number(text);
  if (!Number.isInteger(top) || top < 1) throw new MetricsQueryError(`Invalid top '${text}': a positive whole number is expected.`);
  return top;
}

function parseOrderBy(text: string | null): MetricsRequest["orderBy"] {
  if (text === null || text.trim() === "") return undefined;
  const [aggregation, direction = "asc", ...rest] = text.trim().split(/\s+/);
  const dir = direction.toLowerCase();
  if (rest.length > 0 || (dir !== "asc" && dir !== "desc")) throw new MetricsQueryError(`Invalid orderby '${text}': use '<aggregation> asc|desc'.`);
  const named = aggregation?.toLowerCase() === "sum" ? "total" : (aggregation ?? "");
  return { aggregation: parseAggregation(named), descending: dir === "desc" };
}

/**
 * `A eq 'a1' and B eq 'b1' or B eq 'b2' and C eq '*'`: `and` joins dimensions, `or` only alternative values of
 * one dimension (the service refuses an `or` between two dimensions). Names are case-insensitive.
 */
export function parseFilter(text: string): DimensionFilter {
  const tokens = text.match(/'(?:[^']|'')*'|\S+/g) ?? [];
  const filter = new Map<string, { name: string; values: Set<string> | "*" }>();
  let i = 0;
  let previous: { key: string; joiner: string } | undefined;
  while (i < tokens.length) {
    const [name, op, quoted] = [tokens[i], tokens[i + 1], tokens[i + 2]];
    if (name === undefined || op?.toLowerCase() !== "eq" || quoted === undefined || !/^'.*'$/.test(quoted) || /^[()]|[()]$/.test(name)) {
      throw new MetricsQueryError(`The $filter '${text}' is invalid: expected conditions of the form <dimension> eq '<value>' joined by and/or.`);
    }
    const key = name.toLowerCase();
    const value = quoted.slice(1, -1).replace(/''/g, "'");
    if (previous?.joiner === "or" && previous.key !== key) {
      throw new MetricsQueryError(`The $filter '${text}' is invalid: the logical or operator cannot separate two different metadata names.`);
    }
    const entry = filter.get(key) ?? { name, values: new Set<string>() };
    if (value === "*") entry.values = "*";
    else if (entry.values !== "*") entry.values.add(value.toLowerCase());
    filter.set(key, entry);
    const joiner = tokens[i + 3]?.toLowerCase();
    if (joiner !== undefined && joiner !== "and" && joiner !== "or") throw new MetricsQueryError(`The $filter '${text}' is invalid near '${tokens[i + 3]}'.`);
    previous = joiner === undefined ? undefined : { key, joiner };
    i += 4;
  }
  if (previous !== undefined) throw new MetricsQueryError(`The $filter '${text}' is invalid: it ends with '${previous.joiner}'.`);
  return filter;
}
