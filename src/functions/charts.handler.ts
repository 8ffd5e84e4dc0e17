import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { RuntimeAccessor } from "../runtime/runtime-accessor.js";
import { CHART_IMAGE_ID } from "../storage/table.chart-images.js";
import { functionsRuntime } from "./functions-runtime.js";

const NOT_FOUND: HttpResponseInit = { status: 404, headers: { "content-type": "text/plain; charset=utf-8", "x-content-type-options": "nosniff" }, body: "Not found" };

/**
 * GET /api/charts/{id}: a chart picture linked from a Teams card. Anonymous: Teams clients fetch it without
 * credentials, and the 128-bit random id is the capability. A malformed id is answered 404 before storage is asked;
 * unknown and expired ids look the same, so the route tells nothing about which ids exist. A stored picture
 * never changes, hence `immutable`.
 */
export function chartsHandlerFor(runtime: RuntimeAccessor) {
  return async function chartsHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
    const id = request.params.id ?? "";
    if (!CHART_IMAGE_ID.test(id)) return NOT_FOUND;
    const image = await (await runtime()).chartImages.get(id);
    if (!image) return NOT_FOUND;
    return {
      status: 200,
      headers: { "content-type": "image/png", "cache-control": "public, max-age=86400, immutable", "x-content-type-options": "nosniff" },
      body: image.bytes,
    };
  };
}

export const chartsHandler = chartsHandlerFor(functionsRuntime);
