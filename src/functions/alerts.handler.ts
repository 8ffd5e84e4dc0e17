import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { toRawRequest, toResponseInit } from "./http.convert.js";
import { getRuntime } from "./runtime-instance.js";

/**
 * POST /api/alerts: Azure Monitor's autoscale webhook and action-group webhooks (common alert schema). The route is
 * anonymous for the Functions host; the bridge checks the secret in the URL (`?code=` / `?token=`) itself.
 */
export async function alertsHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const raw = await toRawRequest(request);
  const runtime = await getRuntime();
  return toResponseInit(await runtime.handleAlertsHttp(raw));
}
