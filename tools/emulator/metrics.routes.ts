/**
 * The Azure Monitor metrics plane for online endpoints and deployments:
 * - data plane batch: `POST /subscriptions/{sub}/metrics:getBatch` (what `MetricsClient.queryResources` of
 *   @azure/monitor-query-metrics calls; api-version 2024-02-01), body `{ "resourceids": [...] }`, at most 50
 *   resources of one type, subscription and region per call; errors as `{ error: { code, message, additionalInfo } }`.
 * - ARM single resource: `GET {resourceUri}/providers/Microsoft.Insights/metrics` (`timespan`, `$filter`);
 *   query errors as the flat `{ code, message }` of that API, as Microsoft's migration guide shows them.
 * - control: `GET|POST|DELETE /__emulator/metrics` (degradations, per-metric failures, call counters).
 */
import { randomBytes } from "node:crypto";
import { z } from "zod";
import { ArmError, armErrors } from "./arm-errors.js";
import { DEPLOYMENT_PATTERN, ENDPOINT_PATTERN } from "./arm-ids.js";
import { empty, json, type HttpResult } from "./http-kit.js";
import { authenticateMetrics } from "./metrics-auth.js";
import { MetricsPlaneState, type MetricsControl, type ScoringSource } from "./metrics-control.js";
import type { LoadOptions } from "./metrics-load.js";
import { MetricsQueryError, parseMetricsQuery, type MetricsRequest } from "./metrics-query.js";
import { endpointLoadKey, parseResourceId, resolveResource, type ParsedResourceId } from "./metrics-resources.js";
import { isoSeconds, metricItems } from "./metrics-series.js";
import type { Route, RouteContext } from "./router.js";
import type { EmulatorScenario } from "./scenario.js";
import type { EmulatorServices } from "./services.js";

export const MAX_BATCH_RESOURCES = 50;
const BATCH_API_VERSIONS = ["2023-10-01", "2024-02-01"];

export interface MetricsPlane {
  readonly routes: Route[];
  readonly control: MetricsControl;
  /** Back to the scenario: run-time degradations, failures and counters are dropped; the splits start again. */
  reset(): void;
  /** Takes note of traffic splits changed since the last look (after an out-of-band change). */
  observeTraffic(): void;
  /** The routes, each write of which is followed by `observeTraffic()`, so a split's change is dated when made. */
  watchingWrites(routes: readonly Route[]): Route[];
}

const batchBody = z.object({ resourceids: z.array(z.string()).min(1) });

const degradeBody = z.strictObject({
  endpoint: z.string().min(1),
  deployment: z.string().optional(),
  since: z.string().optional(),
  until: z.string().optional(),
  latencyFactor: z.number().min(0).optional(),
  serverErrorShare: z.number().min(0).max(1).optional(),
  clientErrorShare: z.number().min(0).max(1).optional(),
  requestFactor: z.number().min(0).optional(),
  cpuPercent: z.number().min(0).max(100).optional(),
});
const controlBody = z.strictObject({
  clear: z.boolean().optional(),
  degrade: z.array(degradeBody).optional(),
  failMetrics: z
    .array(z.strictObject({ resourceId: z.string().optional(), metric: z.string().optional(), errorCode: z.string().optional(), errorMessage: z.string().optional() }))
    .optional(),
});

export function createMetricsPlane(services: EmulatorServices, scenario: EmulatorScenario, scoring?: ScoringSource): MetricsPlane {
  const plane = new MetricsPlaneState(scenario, scoring);
  // The splits the emulator starts with have always been; later changes show from the minute they were made.
  const endpoints = () => services.state.workspaces.flatMap((ws) => [...ws.endpoints.values()].map((record) => ({ key: endpointLoadKey(ws, record), record })));
  const startTraffic = (): void => plane.sources.traffic.startFrom(endpoints());
  const observeTraffic = (): void => {
    for (const { key, record } of endpoints()) plane.sources.traffic.observe(key, record);
  };
  startTraffic();

  function values(request: MetricsRequest, load: LoadOptions, id: string, parsed: ParsedResourceId): { item: Record<string, unknown>; region?: string } {
    const resolved = resolveResource(services.state, parsed, plane.knobs, plane.sources);
    const head = { starttime: isoSeconds(request.startMs), endtime: isoSeconds(request.endMs), interval: request.intervalText };
    if (resolved === undefined) {
      // A resource deleted since it was listed: its metrics fail one by one, the rest of the batch still answers.
      const missing = { errorCode: "ResourceNotFound", errorMessage: `The resource '${id}' was not found.` };
      return { item: { ...head, value: metricItems(id, { kind: "endpoint", load: emptyLoad() }, request, load, () => missing), namespace: request.namespace.toLowerCase(), resourceid: id } };
    }
    const value = metricItems(id, resolved.resource, request, load, (metric) => plane.failureFor(id, metric));
    return { item: { ...head, value, namespace: request.namespace.toLowerCase(), resourceregion: resolved.region, resourceid: id }, region: resolved.region };
  }

  async function batch(ctx: RouteContext): Promise<HttpResult> {
    plane.count("batch");
    authenticateMetrics(services.issuer, ctx);
    const apiVersion = ctx.query.get("api-version");
    if (apiVersion === null || apiVersion === "") throw armErrors.missingApiVersion();
    if (!BATCH_API_VERSIONS.includes(apiVersion)) throw badRequest(`The api-version '${apiVersion}' is not supported. Supported versions: ${BATCH_API_VERSIONS.join(", ")}.`);
    const body = batchBody.safeParse(await ctx.jsonBody());
    if (!body.success) throw badRequest("The request body must be { \"resourceids\": [\"<resource id>\", ...] } (lower-case property name).");
    const ids = [...new Map(body.data.resourceids.map((id) => [id.toLowerCase(), id])).values()];
    if (ids.length > MAX_BATCH_RESOURCES) {
      throw badRequest(`The batch contains ${ids.length} resource IDs; at most ${MAX_BATCH_RESOURCES} unique resource IDs can be queried in one call.`);
    }
    const request = query(() => parseMetricsQuery(ctx.query, "batch", undefined, Date.now()));
    const subscriptionId = ctx.params.subscriptionId ?? "";
    const load = plane.loadOptions();
    const regions = new Set<string>();
    const items = ids.map((id) => {
      const parsed = parseResourceId(id);
      if (parsed === undefined || parsed.subscriptionId.toLowerCase() !== subscriptionId.toLowerCase()) {
        throw badRequest(`Resource '${id}' is not a resource of subscription '${subscriptionId}'. All resources in a batch must be in the subscription of the request path.`);
      }
      if (parsed.namespace.toLowerCase() !== request.namespace.toLowerCase()) {
        throw badRequest(`Resource '${id}' is not of type '${request.namespace}'. All resources in a batch must be of the metric namespace's resource type.`);
      }
      const { item, region } = query(() => values(request, load, id, parsed));
      if (region !== undefined) regions.add(region.toLowerCase());
      return item;
    });
    if (regions.size > 1) throw badRequest(`All resources in a batch must be in the same region; this one spans ${[...regions].sort().join(", ")}.`);
    return json(200, { values: items });
  }

  function single(ctx: RouteContext): HttpResult {
    plane.count("resource");
    const id = decodeURIComponent(ctx.path).replace(/\/providers\/Microsoft\.Insights\/metrics\/?$/i, "");
    const parsed = parseResourceId(id);
    const resolved = parsed === undefined ? undefined : resolveResource(services.state, parsed, plane.knobs, plane.sources);
    if (parsed === undefined || resolved === undefined) {
      throw new ArmError(404, "ResourceNotFound", `The Resource '${id}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);
    }
    try {
      const request = parseMetricsQuery(ctx.query, "arm", parsed.namespace, Date.now());
      return json(200, {
        cost: 0,
        timespan: `${isoSeconds(request.startMs)}/${isoSeconds(request.endMs)}`,
        interval: request.intervalText,
        value: metricItems(id, resolved.resource, request, plane.loadOptions(), (metric) => plane.failureFor(id, metric)),
        namespace: request.namespace,
        resourceregion: resolved.region,
      });
    } catch (error) {
      if (error instanceof MetricsQueryError) return json(error.status, { code: error.code, message: `${error.message}, TraceId: {${traceId()}}` });
      throw error;
    }
  }

  async function control(ctx: RouteContext): Promise<HttpResult> {
    if (ctx.method === "DELETE") {
      plane.clear();
      return empty(204);
    }
    if (ctx.method === "POST") {
      const parsed = controlBody.safeParse((await ctx.jsonBody()) ?? {});
      if (!parsed.success) throw armErrors.badArgument(`Invalid metrics control request: ${parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ")}`);
      if (parsed.data.clear === true) plane.clear();
      for (const rule of parsed.data.degrade ?? []) plane.degrade(withoutUndefined(rule));
      for (const rule of parsed.data.failMetrics ?? []) plane.failMetrics(withoutUndefined(rule));
    }
    return json(200, plane.snapshot());
  }

  const routes: Route[] = [
    { name: "metrics.batch", methods: ["POST"], pattern: "/subscriptions/{subscriptionId}/metrics:getBatch", access: "public", handle: batch },
    { name: "metrics.endpoint", methods: ["GET"], pattern: `${ENDPOINT_PATTERN}/providers/Microsoft.Insights/metrics`, access: "arm", handle: single },
    { name: "metrics.deployment", methods: ["GET"], pattern: `${DEPLOYMENT_PATTERN}/providers/Microsoft.Insights/metrics`, access: "arm", handle: single },
    { name: "metrics.control", methods: ["GET", "POST", "DELETE"], pattern: "/__emulator/metrics", access: "public", handle: control },
  ];
  return {
    routes,
    control: plane,
    reset: () => {
      plane.clear();
      startTraffic();
    },
    observeTraffic,
    watchingWrites: (watched) =>
      watched.map((route) => ({
        ...route,
        handle: async (ctx: RouteContext): Promise<HttpResult> => {
          try {
            return await route.handle(ctx);
          } finally {
            if (ctx.method !== "GET") observeTraffic();
          }
        },
      })),
  };
}

function query<T>(run: () => T): T {
  try {
    return run();
  } catch (error) {
    if (error instanceof MetricsQueryError) throw badRequest(error.message, error.code, error.status);
    throw error;
  }
}

/** The metrics service's own error body: code, message and trace / exception information. */
function badRequest(message: string, code = "BadRequest", status = 400): ArmError {
  return new ArmError(status, code, message, {
    additionalInfo: [
      { type: "string", info: `TraceId=${traceId()}` },
      { type: "string", info: "ExceptionType=Microsoft.Online.Metrics.MetricsMP.Utilities.RPRequestFormatException" },
    ],
  });
}

function traceId(): string {
  return randomBytes(16).toString("hex");
}

function emptyLoad(): { key: string; name: string; hash: number; peakRequestsPerMinute: number; deployments: [] } {
  return { key: "", name: "", hash: 0, peakRequestsPerMinute: 0, deployments: [] };
}

function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
