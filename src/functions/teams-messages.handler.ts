import type { HttpRequest, HttpResponseInit, InvocationContext } from "@azure/functions";
import type { RuntimeAccessor } from "../runtime/runtime-accessor.js";
import { functionsRuntime } from "./functions-runtime.js";
import { toRawRequest, toResponseInit } from "./http.convert.js";

/**
 * POST /api/teams/messages: the Azure Bot's messaging endpoint. Every request is a Bot Framework activity with a
 * JWT that botbuilder validates (401 otherwise); card clicks are answered in the response body (invoke response).
 */
export function teamsMessagesHandlerFor(runtime: RuntimeAccessor) {
  return async function teamsMessagesHandler(request: HttpRequest, _context: InvocationContext): Promise<HttpResponseInit> {
    const raw = await toRawRequest(request);
    return toResponseInit(await (await runtime()).handleTeamsHttp(raw));
  };
}

export const teamsMessagesHandler = teamsMessagesHandlerFor(functionsRuntime);
