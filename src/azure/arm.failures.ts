/**
 * Wording and hygiene for failures reported out of `src/azure/`: messages say which ARM action failed and
 * what the service said, and are scrubbed of anything that looks like a credential before they leave.
 */
import { isRestError, type HttpHeaders } from "@azure/core-rest-pipeline";
import { InfrastructureError, ThrottledError, type SetupProblem } from "../../commands/errors.js";
import { redact } from "../logging/redact.js";
import { parseServiceError, type ServiceError } from "./arm.converters.js";
import { ArmHttpError, parseJsonText, pathOf } from "./arm.endpoint-requests.js";

/** "update traffic of e failed: HTTP 500 InternalServerError: <service message>" (redacted). */
export function describeFailure(action: string, status: number, error: ServiceError | undefined, path?: string): string {
  const said = error ? ` ${error.code}${error.message ? `: ${error.message}` : ""}` : "";
  const where = path ? ` (${path})` : "";
  return redact(`${action} failed: HTTP ${status}${said}${where}`);
}

/** Retry-After in ms from `retry-after-ms`, `x-ms-retry-after-ms` (ms) or `Retry-After` (seconds or date). */
export function retryAfterInMs(headers: HttpHeaders, now: number = Date.now()): number | undefined {
  for (const name of ["retry-after-ms", "x-ms-retry-after-ms"]) {
    const ms = Number(headers.get(name));
    if (headers.get(name) && Number.isFinite(ms) && ms >= 0) return ms;
  }
  const value = headers.get("retry-after");
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - now);
}

/** An HTTP answer we could not map to an outcome: the action, status, service code/message and path. */
export function httpFailure(action: string, status: number, error: ServiceError | undefined, path?: string, cause?: unknown): InfrastructureError {
  const setupProblem = setupProblemOf(status, error);
  return new InfrastructureError(describeFailure(action, status, error, path), { ...(cause === undefined ? {} : { cause }), ...(setupProblem ? { setupProblem } : {}) });
}

/** The `@azure/identity` errors of a token that could not be had (wrong tenant, no managed identity, a refused secret). */
const CREDENTIAL_ERRORS = new Set(["AuthenticationError", "CredentialUnavailableError", "AggregateAuthenticationError"]);

/**
 * What a refusal says about the bot's set-up: a 403 is an action its identity lacks (ARM's `AuthorizationFailed` names
 * it and the scope: "… does not have authorization to perform action 'X' over scope 'Y' …"); a 401 is a token ARM
 * would not take (another tenant's, expired, wrong audience).
 */
export function setupProblemOf(status: number, error: ServiceError | undefined): SetupProblem | undefined {
  if (status === 401) return { kind: "token" };
  if (status !== 403) return undefined;
  const said = /perform action '([^']+)' over scope '([^']+)'/.exec(error?.message ?? "");
  return { kind: "forbidden", ...(said ? { action: said[1]!, scope: said[2]! } : {}) };
}

/** A credential's own failure, met by the SDK pipeline before any request went out. */
export function isCredentialError(error: unknown): boolean {
  return error instanceof Error && CREDENTIAL_ERRORS.has(error.name);
}

/**
 * A 429 that outlasted the pipeline's own retries (which honour Retry-After): a ThrottledError carrying the
 * service's Retry-After, which the core shows as "try again in N s".
 */
export function throttledFailure(action: string, headers: HttpHeaders | undefined, error: ServiceError | undefined, cause?: unknown): ThrottledError {
  const wait = headers ? retryAfterInMs(headers) : undefined;
  return new ThrottledError(describeFailure(action, 429, error), { ...(cause === undefined ? {} : { cause }), retryAfterInMs: wait });
}

/**
 * What to throw for an unexpected error: an InfrastructureError with a scrubbed message and the original as
 * `cause` (RestError keeps request/response non-enumerable, so the cause does not leak headers when
 * logged), or a ThrottledError for a 429. An AbortError is returned as is: the caller asked for it, nothing failed.
 */
export function toThrowable(action: string, error: unknown): Error {
  if (isAbortError(error)) return error;
  if (error instanceof InfrastructureError || error instanceof ThrottledError) return error;
  if (error instanceof ArmHttpError) {
    const { status, headers, body } = error.response;
    if (status === 429) return throttledFailure(action, headers, parseServiceError(body), error);
    return httpFailure(action, status, parseServiceError(body), pathOf(error.url), error);
  }
  if (isRestError(error) && error.statusCode !== undefined) {
    const serviceError = parseServiceError(parseJsonText(error.response?.bodyAsText));
    if (error.statusCode === 429) return throttledFailure(action, error.response?.headers, serviceError, error);
    return httpFailure(action, error.statusCode, serviceError, undefined, error);
  }
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return new InfrastructureError(redact(`${action} failed: ${detail}`), { cause: error, ...(isCredentialError(error) ? { setupProblem: { kind: "token" as const } } : {}) });
}

/** Runs a conversion of a service response; one we cannot understand is an infrastructure failure. */
export function convertOrFail<T>(action: string, convert: () => T): T {
  try {
    return convert();
  } catch (error) {
    const detail = error instanceof Error ? error.message.slice(0, 500) : String(error);
    throw new InfrastructureError(redact(`${action}: unexpected response from Azure: ${detail}`), { cause: error });
  }
}

export function isAbortError(error: unknown): error is Error {
  return error instanceof Error && error.name === "AbortError";
}
