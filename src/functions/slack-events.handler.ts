import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { toRawRequest, toResponseInit } from "./http.convert.js";
import { getRuntime } from "./runtime-instance.js";

/** POST /api/slack/events: slash commands, interactivity and events, acked within Slack's 3 seconds. */
export async function slackEventsHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const raw = await toRawRequest(request);
  const runtime = await getRuntime();
  return toResponseInit(await runtime.handleSlackHttp(raw));
}
