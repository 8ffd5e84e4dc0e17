import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { getRuntime } from "./runtime-instance.js";

/** GET /api/health: 200 once the runtime (config, storage) is up; 503 with the reason otherwise. */
export async function healthHandler(_request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  try {
    const runtime = await getRuntime();
    return { status: 200, jsonBody: { status: "ok", mode: runtime.config.mode } };
  } catch (error) {
    // Config errors are written for operators and carry no secrets; anything else is only named.
    const reason = error instanceof Error && error.name === "ConfigError" ? error.message : "runtime failed to start";
    return { status: 503, jsonBody: { status: "unavailable", reason } };
  }
}
