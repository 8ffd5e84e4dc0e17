/**
 * Small HTTP helpers shared by every route module: reading a bounded body, answering with JSON and the
 * headers Azure puts on every response (request and correlation ids).
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import { randomUUID } from "node:crypto";
import { armErrors } from "./arm-errors.js";

export const MAX_BODY_BYTES = 1024 * 1024;

/** What a route handler answers with; the router writes it. */
export interface HttpResult {
  status: number;
  body?: unknown;
  /** Raw text bodies (form errors, plain text) bypass JSON encoding. */
  text?: string;
  contentType?: string;
  headers?: Record<string, string>;
}

export async function readBody(req: IncomingMessage, limit = MAX_BODY_BYTES): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    const buffer = chunk as Buffer;
    size += buffer.length;
    // Keep draining after the limit so the socket stays usable, but stop buffering.
    if (size <= limit) chunks.push(buffer);
  }
  if (size > limit) throw armErrors.payloadTooLarge(limit);
  return Buffer.concat(chunks);
}

/** Parses a JSON body; an empty body is `undefined` so routes can decide whether they need one. */
export function parseJsonBody(raw: Buffer): unknown {
  const text = raw.toString("utf8").trim();
  if (text === "") return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw armErrors.invalidJson(error instanceof Error ? error.message : "malformed JSON");
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpResult {
  return { status, body, headers };
}

export function empty(status: number, headers: Record<string, string> = {}): HttpResult {
  return { status, headers };
}

export function writeResult(res: ServerResponse, result: HttpResult, baseHeaders: Record<string, string>): void {
  const headers: Record<string, string> = { ...baseHeaders, ...result.headers };
  let payload: string | undefined;
  if (result.text !== undefined) {
    payload = result.text;
    headers["Content-Type"] = result.contentType ?? "text/plain; charset=utf-8";
  } else if (result.body !== undefined) {
    payload = JSON.stringify(result.body);
    headers["Content-Type"] = result.contentType ?? "application/json; charset=utf-8";
  }
  headers["Content-Length"] = String(payload === undefined ? 0 : Buffer.byteLength(payload));
  res.writeHead(result.status, headers);
  res.end(payload);
}

/** Ids Azure returns on every response; the correlation id echoes the client's when it sent one. */
export function tracingHeaders(req: IncomingMessage, requestId: string): Record<string, string> {
  const correlation = headerValue(req, "x-ms-correlation-request-id") ?? requestId;
  const headers: Record<string, string> = {
    "x-ms-request-id": requestId,
    "x-ms-correlation-request-id": correlation,
    "Cache-Control": "no-cache",
  };
  const clientRequestId = headerValue(req, "x-ms-client-request-id");
  if (clientRequestId !== undefined) headers["x-ms-client-request-id"] = clientRequestId;
  return headers;
}

export function headerValue(req: IncomingMessage, name: string): string | undefined {
  const value = req.headers[name.toLowerCase()];
  if (Array.isArray(value)) return value[0];
  return value;
}

export function newRequestId(): string {
  return randomUUID();
}
