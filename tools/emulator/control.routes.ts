/**
 * The emulator's own control surface under `/__emulator/` (no auth, loopback only): health, faults, reset,
 * the request log and a dump of the state. Lets tests in other processes (or a person with curl) drive
 * the same fault injection as the programmatic `faults` object.
 */
import { z } from "zod";
import { armErrors } from "./arm-errors.js";
import { deploymentView, endpointView } from "./arm-views.js";
import { DEPLOYMENT_FAILURES } from "./deployment-failures.js";
import { empty, json, type HttpResult } from "./http-kit.js";
import type { Route, RouteContext } from "./router.js";
import type { EmulatorServices } from "./services.js";
import { workspaceId } from "./arm-ids.js";

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  /** ISO 8601 time the request arrived. */
  at: string;
  requestId: string;
}

export interface ControlRoutesConfig {
  services: EmulatorServices;
  requests: RecordedRequest[];
  reset(): void;
  health(): Record<string, unknown>;
}

const match = { method: z.string().optional(), path: z.string().optional() };
const faultsBody = z.strictObject({
  clear: z.boolean().optional(),
  latency: z.array(z.strictObject({ ...match, ms: z.number().min(0), count: z.number().int().min(1).optional(), after: z.number().int().min(0).optional() })).optional(),
  failRequests: z
    .array(
      z.strictObject({
        ...match,
        status: z.number().int().min(400).max(599),
        count: z.number().int().min(1).optional(),
        retryAfterSeconds: z.number().int().min(0).optional(),
        code: z.string().optional(),
        message: z.string().optional(),
      }),
    )
    .optional(),
  failOperations: z
    .array(
      z.strictObject({
        count: z.number().int().min(1).optional(),
        resourceType: z.enum(["endpoint", "deployment"]).optional(),
        name: z.string().optional(),
        action: z.enum(["create", "update", "delete", "regenerateKeys"]).optional(),
        code: z.string().optional(),
        message: z.string().optional(),
        failure: z.enum(DEPLOYMENT_FAILURES).optional(),
      }),
    )
    .optional(),
  mutate: z
    .array(z.strictObject({ resourceId: z.string(), patch: z.record(z.string(), z.unknown()), by: z.string().optional() }))
    .optional(),
});

const tokenBody = z.strictObject({
  audience: z.string().optional(),
  tenantId: z.string().optional(),
  clientId: z.string().optional(),
  expiresInSeconds: z.number().int().optional(),
});

export function controlRoutes(config: ControlRoutesConfig): Route[] {
  const { services } = config;

  async function postFaults(ctx: RouteContext): Promise<HttpResult> {
    const parsed = faultsBody.safeParse((await ctx.jsonBody()) ?? {});
    if (!parsed.success) {
      const detail = parsed.error.issues.map((i) => `${i.path.join(".") || "(body)"}: ${i.message}`).join("; ");
      throw armErrors.badArgument(`Invalid fault request: ${detail}`);
    }
    const body = parsed.data;
    const { faults } = services;
    try {
      if (body.clear === true) faults.clear();
      for (const rule of body.latency ?? []) faults.addLatency(withoutUndefined(rule));
      for (const rule of body.failRequests ?? []) faults.failRequests(withoutUndefined(rule));
      for (const rule of body.failOperations ?? []) faults.failOperations(withoutUndefined(rule));
      for (const change of body.mutate ?? []) {
        faults.mutate(change.resourceId, change.patch, change.by === undefined ? {} : { by: change.by });
      }
    } catch (error) {
      throw armErrors.badArgument(`Invalid fault request: ${(error as Error).message}`);
    }
    return json(200, faults.snapshot());
  }

  function state(ctx: RouteContext): HttpResult {
    return json(200, {
      subscriptionId: services.state.subscriptionId,
      tenantId: services.tenantId,
      workspaces: services.state.workspaces.map((ws) => ({
        id: workspaceId(ws),
        name: ws.name,
        resourceGroup: ws.resourceGroup,
        location: ws.location,
        endpoints: [...ws.endpoints.values()].map((endpoint) => ({
          ...endpointView(endpoint, ctx.baseUrl),
          etag: endpoint.meta.etag,
          deployments: [...endpoint.deployments.values()].map((d) => ({
            ...deploymentView(d),
            etag: d.meta.etag,
            ...(d.autoscale === undefined ? {} : { autoscale: d.autoscale }),
          })),
        })),
      })),
    });
  }

  return [
    { name: "control.health", methods: ["GET"], pattern: "/__emulator/health", access: "public", handle: () => json(200, config.health()) },
    { name: "control.faults.get", methods: ["GET"], pattern: "/__emulator/faults", access: "public", handle: () => json(200, services.faults.snapshot()) },
    { name: "control.faults.post", methods: ["POST"], pattern: "/__emulator/faults", access: "public", handle: postFaults },
    {
      name: "control.faults.delete",
      methods: ["DELETE"],
      pattern: "/__emulator/faults",
      access: "public",
      handle: () => {
        services.faults.clear();
        return empty(204);
      },
    },
    {
      name: "control.reset",
      methods: ["POST"],
      pattern: "/__emulator/reset",
      access: "public",
      handle: () => {
        config.reset();
        return empty(204);
      },
    },
    {
      // Handy for curl: a token without the OAuth form. Body (optional): IssueTokenOptions.
      name: "control.token",
      methods: ["POST"],
      pattern: "/__emulator/token",
      access: "public",
      handle: async (ctx) => {
        const parsed = tokenBody.safeParse((await ctx.jsonBody()) ?? {});
        if (!parsed.success) throw armErrors.badArgument(`Invalid token request: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
        const issued = services.issuer.issue(withoutUndefined(parsed.data));
        return json(200, { token_type: "Bearer", expires_in: issued.expiresInSeconds, access_token: issued.accessToken });
      },
    },
    { name: "control.requests", methods: ["GET"], pattern: "/__emulator/requests", access: "public", handle: () => json(200, { value: config.requests }) },
    { name: "control.state", methods: ["GET"], pattern: "/__emulator/state", access: "public", handle: state },
  ];
}

/** zod leaves absent optionals as `undefined` keys; the typed API wants them absent. */
function withoutUndefined<T extends object>(value: T): T {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as T;
}
