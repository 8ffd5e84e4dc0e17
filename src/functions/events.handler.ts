import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { RuntimeAccessor } from "../runtime/runtime-accessor.js";
import { functionsRuntime } from "./functions-runtime.js";
import { toRawRequest, toResponseInit } from "./http.convert.js";

/**
 * POST /api/events: Azure ML workspace events through an Event Grid subscription (both schemas, both validation
 * handshakes). Anonymous for the Functions host; the bridge checks the delivery secret itself.
 */
export function eventsHandlerFor(runtime: RuntimeAccessor) {
  return async function eventsHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
    const raw = await toRawRequest(request);
    return toResponseInit(await (await runtime()).handleEventsHttp(raw));
  };
}

export const eventsHandler = eventsHandlerFor(functionsRuntime);
