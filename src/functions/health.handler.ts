import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { RuntimeAccessor } from "../runtime/runtime-accessor.js";
import { functionsRuntime } from "./functions-runtime.js";

/** GET /api/health: 200 once the runtime (config, storage) is up; 503 with the reason otherwise. */
export function healthHandlerFor(runtime: RuntimeAccessor) {
  return async function healthHandler(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
    try {
      const started = await runtime();
      return { status: 200, jsonBody: { status: "ok", mode: started.config.mode } };
    } catch (error) {
      // Config errors are written for operators and carry no secrets; anything else is only named.
      const reason = error instanceof Error && error.name === "ConfigError" ? error.message : "runtime failed to start";
      return { status: 503, jsonBody: { status: "unavailable", reason } };
    }
  };
}

export const healthHandler = healthHandlerFor(functionsRuntime);
