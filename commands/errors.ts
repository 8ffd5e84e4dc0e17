/**
 * Coded errors, after bolt-js: one string enum with a product prefix, one class per code, and `asCodedError`
 * to wrap anything unknown. Only bugs and infrastructure failures are thrown; expected outcomes
 * (invalid, denied, not found, conflict) are values the core returns.
 */

export enum ErrorCode {
  ConfigError = "aml_chatops_config_error",
  InfrastructureError = "aml_chatops_infrastructure_error",
  UnknownError = "aml_chatops_unknown_error",
}

export interface CodedError extends Error {
  readonly code: ErrorCode;
}

/** The base of every coded error, here and in the adapters (each with its own code enum, as bolt-js does). */
export abstract class CodedErrorBase<C extends string> extends Error {
  abstract readonly code: C;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

abstract class BaseCodedError extends CodedErrorBase<ErrorCode> implements CodedError {}

/** Configuration is missing or invalid: raised once at start-up with a message that says how to fix it. */
export class ConfigError extends BaseCodedError {
  readonly code = ErrorCode.ConfigError;
}

/** A dependency (Azure, storage, chat API) failed in a way the user cannot fix. */
export class InfrastructureError extends BaseCodedError {
  readonly code = ErrorCode.InfrastructureError;
}

export class UnknownError extends BaseCodedError {
  readonly code = ErrorCode.UnknownError;
}

export function isCodedError(error: unknown): error is CodedError {
  return error instanceof Error && Object.values(ErrorCode).includes((error as CodedError).code);
}

export function asCodedError(error: unknown): CodedError {
  if (isCodedError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UnknownError(message, { cause: error });
}
