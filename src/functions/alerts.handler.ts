import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { RuntimeAccessor } from "../runtime/runtime-accessor.js";
import { functionsRuntime } from "./functions-runtime.js";
import { toRawRequest, toResponseInit } from "./http.convert.js";

/**
 * POST /api/alerts: Azure Monitor's autoscale webhook and action-group webhooks (common alert schema). The route is
 * anonymous for the Functions host; the bridge checks the secret in the URL (`?code=` / `?token=`) itself.
 */
export function alertsHandlerFor(runtime: RuntimeAccessor) {
  return async function alertsHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
    const raw = await toRawRequest(request);
    return toResponseInit(await (await runtime()).handleAlertsHttp(raw));
  };
}

export const alertsHandler = alertsHandlerFor(functionsRuntime);
