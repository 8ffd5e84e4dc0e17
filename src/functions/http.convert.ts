import type { HttpRequest, HttpResponseInit } from "@azure/functions";
import type { RawHttpRequest, RawHttpResponse } from "../../adapters/http.js";

/** Functions' HttpRequest → the adapters' neutral request: the raw body, exactly as received (signatures). */
export async function toRawRequest(request: HttpRequest): Promise<RawHttpRequest> {
  const headers: Record<string, string> = {};
  request.headers.forEach((value, name) => (headers[name.toLowerCase()] = value));
  return { method: request.method, url: request.url, headers, body: await request.text() };
}

export function toResponseInit(response: RawHttpResponse): HttpResponseInit {
  return {
    status: response.status,
    ...(response.headers ? { headers: response.headers } : {}),
    ...(response.body !== undefined ? { body: response.body } : {}),
  };
}
