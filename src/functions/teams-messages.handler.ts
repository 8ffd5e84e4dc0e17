import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import { toRawRequest, toResponseInit } from "./http.convert.js";
import { getRuntime } from "./runtime-instance.js";

/**
 * POST /api/teams/messages: the Azure Bot's messaging endpoint. Every request is a Bot Framework activity with a
 * JWT that botbuilder validates (401 otherwise); card clicks are answered in the response body (invoke response).
 */
export async function teamsMessagesHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
  const raw = await toRawRequest(request);
  const runtime = await getRuntime();
  return toResponseInit(await runtime.handleTeamsHttp(raw));
}
