/** Classifies Azure Storage failures and wraps the unexpected ones as `InfrastructureError`, without secrets. */
import { redact } from "../logging/redact.js";
import { isRestError } from "@azure/core-rest-pipeline";
import { InfrastructureError } from "../../commands/errors.js";

export function statusOf(error: unknown): number | undefined {
  return isRestError(error) ? error.statusCode : undefined;
}

export function hasStatus(error: unknown, ...statuses: number[]): boolean {
  const status = statusOf(error);
  return status !== undefined && statuses.includes(status);
}

export function isAbortError(error: unknown): boolean {
  return error instanceof Error && error.name === "AbortError";
}

/** The Tables service puts its OData error JSON in the RestError message; pull out code and text. */
function serviceError(message: string): { code?: string; message: string } {
  if (!message.startsWith("{")) return { message };
  try {
    const body = JSON.parse(message) as { "odata.error"?: { code?: string; message?: { value?: string } } };
    const error = body["odata.error"];
    if (error) return { ...(error.code ? { code: error.code } : {}), message: error.message?.value ?? "" };
  } catch {
    // not JSON after all
  }
  return { message };
}

/**
 * The service's error code: the RestError's own (the Queue service's `x-ms-error-code`), else the one in the Tables
 * service's OData error JSON, which the Tables SDK leaves in the message (`TableNotFound`, `ResourceNotFound`).
 */
export function serviceErrorCode(error: unknown): string | undefined {
  if (!isRestError(error)) return undefined;
  return error.code ?? serviceError(error.message ?? "").code;
}

/** `operation` names what we were doing, e.g. `append audit record to table "auditlog"`. */
export function infrastructureError(operation: string, cause: unknown): InfrastructureError {
  let detail: string;
  if (isRestError(cause)) {
    const { code, message } = serviceError(cause.message ?? "");
    const firstLine = message.split(/\r?\n/, 1)[0] ?? "";
    detail = [cause.statusCode, cause.code ?? code, firstLine].filter((part) => part !== undefined && part !== "").join(" ");
  } else if (cause instanceof Error) {
    detail = `${cause.name}: ${cause.message.split(/\r?\n/, 1)[0] ?? ""}`;
  } else {
    detail = String(cause);
  }
  return new InfrastructureError(`Storage failure: ${operation}: ${redact(detail)}`, { cause });
}

/** Runs a storage call; abort errors pass through, everything else becomes an `InfrastructureError`. */
export async function guard<T>(operation: string, call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (isAbortError(error)) throw error;
    throw infrastructureError(operation, error);
  }
}
