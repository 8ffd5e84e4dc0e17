import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { RuntimeAccessor } from "../runtime/runtime-accessor.js";
import { functionsRuntime } from "./functions-runtime.js";
import { toRawRequest, toResponseInit } from "./http.convert.js";

/** POST /api/slack/events: slash commands, interactivity and events, acked within Slack's 3 seconds. */
export function slackEventsHandlerFor(runtime: RuntimeAccessor) {
  return async function slackEventsHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
    const raw = await toRawRequest(request);
    return toResponseInit(await (await runtime()).handleSlackHttp(raw));
  };
}

export const slackEventsHandler = slackEventsHandlerFor(functionsRuntime);
