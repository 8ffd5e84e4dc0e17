/**
 * Neutral HTTP shapes between a host (the Azure Functions HTTP trigger, the local host, tests) and the chat
 * adapters (Slack, Teams). An adapter never sees a framework's request object: the host hands over the raw body
 * exactly as received (Slack's signature is computed over those bytes) and writes back whatever comes out.
 */

export interface RawHttpRequest {
  readonly method: string;
  readonly url: string;
  /** Header names in lower case; a repeated header joined with ", " as Node and Fetch do. */
  readonly headers: Readonly<Record<string, string>>;
  /** The raw body, exactly as received (UTF-8 text): never a re-serialised parse. */
  readonly body: string;
}

export interface RawHttpResponse {
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string;
}

/** Builds a `RawHttpRequest` from any header collection, lower-casing the names. */
export function rawHttpRequest(method: string, url: string, headers: Iterable<[string, string]> | Record<string, string | undefined>, body: string): RawHttpRequest {
  const entries: Iterable<[string, string | undefined]> = Symbol.iterator in headers ? (headers as Iterable<[string, string]>) : Object.entries(headers);
  const lower: Record<string, string> = {};
  for (const [name, value] of entries) {
    if (value === undefined) continue;
    const key = name.toLowerCase();
    lower[key] = lower[key] === undefined ? value : `${lower[key]}, ${value}`;
  }
  return { method: method.toUpperCase(), url, headers: lower, body };
}

export function emptyResponse(status: number): RawHttpResponse {
  return { status, body: "" };
}

export function jsonResponse(status: number, value: unknown): RawHttpResponse {
  return { status, headers: { "content-type": "application/json; charset=utf-8" }, body: JSON.stringify(value) };
}
