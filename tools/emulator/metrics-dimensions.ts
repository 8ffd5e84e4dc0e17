/**
 * Dimensions of the emulator's metrics: the values each dimension takes for a resource, the series a filter
 * asks for (one per combination of split values), and, per series, which deployments, status codes and
 * instances it covers, worked out once per series rather than per sample.
 */
import type { MetricDefinition } from "./metrics-catalog.js";
import type { DeploymentLoad, EndpointLoad } from "./metrics-load.js";
import { MetricsQueryError, type MetricsRequest } from "./metrics-query.js";

export type MetricsResource =
  | { readonly kind: "endpoint"; readonly load: EndpointLoad }
  | { readonly kind: "deployment"; readonly load: EndpointLoad; readonly deployment: DeploymentLoad };

export type Combination = ReadonlyMap<string, string>;

/**
 * The status codes the emulator emits. `model` is the `ModelStatusCode` value when it differs from the status:
 * Azure ML answers 424 when the model container fails, and its troubleshooting guide points to the Model Status
 * Code dimension of Requests Per Minute for what the container said (here 500, as the scoring plane's
 * `errorRate` failures). So a model failure is StatusCode 424, StatusCodeClass 4xx, ModelStatusCode 500.
 */
export const STATUS_CODES: readonly { readonly code: string; readonly cls: string; readonly model?: string }[] = [
  { code: "200", cls: "2xx" },
  { code: "400", cls: "4xx" },
  { code: "408", cls: "4xx" },
  { code: "424", cls: "4xx", model: "500" },
  { code: "429", cls: "4xx" },
  { code: "500", cls: "5xx" },
  { code: "503", cls: "5xx" },
];

const MODEL_STATUS_CODES = [...new Set(STATUS_CODES.map((s) => s.model ?? s.code))];

/** Canonical dimension names of the metric, keyed lower-case. */
function dimensionNames(metric: MetricDefinition): Map<string, string> {
  return new Map(metric.dimensions.map((d) => [d.toLowerCase(), d]));
}

function dimensionValues(dimension: string, resource: MetricsResource): string[] {
  switch (dimension) {
    case "deployment":
      return resource.load.deployments.map((d) => d.name);
    case "statuscodeclass":
      return ["2xx", "4xx", "5xx"];
    case "statuscode":
      return STATUS_CODES.map((s) => s.code);
    case "modelstatuscode":
      return MODEL_STATUS_CODES;
    case "instanceid":
      return resource.kind === "deployment" ? instanceIds(resource.deployment) : [];
    case "state":
      return ["Running"];
    case "disk":
      return ["os"];
    default:
      return [];
  }
}

export function instanceIds(deployment: DeploymentLoad): string[] {
  return Array.from({ length: deployment.capacity }, (_, i) => `${deployment.name}-${(deployment.hash % 0xfffff).toString(16)}-${i}`);
}

export function combinations(metric: MetricDefinition, resource: MetricsResource, request: MetricsRequest): Combination[] {
  const names = dimensionNames(metric);
  const unsupported = [...request.filter.values()].filter((f) => !names.has(f.name.toLowerCase())).map((f) => f.name);
  if (unsupported.length > 0) {
    throw new MetricsQueryError(
      `Metric: ${metric.name} does not support requested dimension combination: ${unsupported.join(",")}, supported ones are: ${metric.dimensions.join(",") || "none"}`,
    );
  }
  let combos: Map<string, string>[] = [new Map()];
  for (const [key, entry] of request.filter) {
    if (request.rollup.has(key)) continue;
    const all = dimensionValues(key, resource);
    const values = entry.values === "*" ? all : all.filter((v) => (entry.values as ReadonlySet<string>).has(v.toLowerCase()));
    combos = combos.flatMap((combo) => values.map((v) => new Map([...combo, [names.get(key)!, v]])));
  }
  return combos;
}

/** Whether a value of `dimension` (lower-case) is allowed by the combination or, when rolled up, the filter. */
export function allows(dimension: string, value: string, combination: Combination, request: MetricsRequest): boolean {
  for (const [name, wanted] of combination) if (name.toLowerCase() === dimension) return wanted.toLowerCase() === value.toLowerCase();
  const filter = request.filter.get(dimension);
  return filter === undefined || filter.values === "*" || filter.values.has(value.toLowerCase());
}

/** Which deployments, status codes and instances a series covers: worked out once, not per sample. */
export interface Selector {
  readonly deployments: readonly number[];
  readonly codes: readonly number[];
  readonly instances: readonly number[];
  readonly instanceSplit: boolean;
}

export function selectorFor(resource: MetricsResource, deployments: readonly DeploymentLoad[], combination: Combination, request: MetricsRequest): Selector {
  const ok = (dimension: string, value: string): boolean => allows(dimension, value, combination, request);
  return {
    deployments: deployments.flatMap((d, i) => (ok("deployment", d.name) ? [i] : [])),
    codes: STATUS_CODES.flatMap(({ code, cls, model }, i) => (ok("statuscodeclass", cls) && ok("statuscode", code) && ok("modelstatuscode", model ?? code) ? [i] : [])),
    instances: resource.kind === "deployment" ? instanceIds(resource.deployment).flatMap((id, i) => (ok("instanceid", id) ? [i] : [])) : [],
    instanceSplit: [...combination.keys()].some((k) => k.toLowerCase() === "instanceid"),
  };
}
