/**
 * The coded errors of aml-chatops, after bolt-js `src/errors.ts`: one string enum with the product prefix, one class
 * per code, and `asCodedError` to wrap anything unknown. The core, the runtime and both chat adapters throw from this
 * one hierarchy (platform codes included), so a log line's `code` says where a failure came from whatever layer logs
 * it, and a test checks that every code has its class.
 *
 * Only bugs and infrastructure failures are thrown; expected outcomes (invalid, denied, not found, conflict) are values
 * the core returns. None of these messages reaches chat as such: chat gets a fixed text and the correlation id.
 */

export enum ErrorCode {
  /** Configuration is missing or invalid. */
  ConfigError = "aml_chatops_config_error",
  /** A dependency (Azure, storage, a chat API) failed in a way the user cannot fix. */
  InfrastructureError = "aml_chatops_infrastructure_error",
  /** Azure kept answering 429 to a read, after the SDK's own retries: the core says when to try again. */
  ThrottledError = "aml_chatops_throttled_error",
  /** Anything else, wrapped by `asCodedError`. */
  UnknownError = "aml_chatops_unknown_error",
  /** A queued chat job failed validation (a bug or a foreign message); retrying cannot help. */
  InvalidJobError = "aml_chatops_invalid_job_error",

  /** Slack: a missing, malformed, stale or wrong signature; answered 401 and never processed. */
  SlackAuthenticityError = "aml_chatops_slack_authenticity_error",
  /** Slack: the body could not be read as Slack sends it (form or JSON). */
  SlackRequestBodyError = "aml_chatops_slack_request_body_error",
  /** Slack: a listener called `ack()` twice. */
  SlackMultipleAckError = "aml_chatops_slack_multiple_ack_error",
  /** Slack: a POST to a `response_url` or a Web API call was refused or failed. */
  SlackDeliveryError = "aml_chatops_slack_delivery_error",

  /** Teams: no valid Bot Framework token (or none at all); answered 401 and never processed. */
  TeamsAuthenticationError = "aml_chatops_teams_authentication_error",
  /** Teams: the body is not a Bot Framework activity. */
  TeamsRequestBodyError = "aml_chatops_teams_request_body_error",
}

export interface CodedError extends Error {
  readonly code: ErrorCode;
}

/** The base of every class below: the class name as `name`, the code, and the original failure as `cause`. */
abstract class CodedErrorBase extends Error implements CodedError {
  abstract readonly code: ErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** Raised once at start-up with a message that says how to fix it. */
export class ConfigError extends CodedErrorBase {
  readonly code = ErrorCode.ConfigError;
}

/**
 * What an infrastructure failure says about the bot's own set-up, when the port that met it could tell: the identity
 * lacks an action (ARM's 403 `AuthorizationFailed`, naming the action), or it could not get or use a token. The core
 * tells an admin this much and points everyone to `aml doctor`; it never holds a secret.
 */
export type SetupProblem =
  /** `scope`: the ARM path the action was refused at, which names the workspace. */
  | { readonly kind: "forbidden"; readonly action?: string; readonly scope?: string }
  | { readonly kind: "token" };

export class InfrastructureError extends CodedErrorBase {
  readonly code = ErrorCode.InfrastructureError;
  readonly setupProblem?: SetupProblem;
  constructor(message: string, options?: { cause?: unknown; setupProblem?: SetupProblem | undefined }) {
    super(message, options);
    if (options?.setupProblem !== undefined) this.setupProblem = options.setupProblem;
  }
}

/**
 * A read that Azure throttled (HTTP 429) beyond the SDK's own retries. Thrown rather than returned so the read
 * ports keep their plain signatures; the core's guard turns it into the throttled reply, as a write's `throttled`
 * outcome is, with `retryAfterInMs` (the service's Retry-After) when Azure sent one.
 */
export class ThrottledError extends CodedErrorBase {
  readonly code = ErrorCode.ThrottledError;
  readonly retryAfterInMs?: number;
  constructor(message: string, options?: { cause?: unknown; retryAfterInMs?: number | undefined }) {
    super(message, options);
    if (options?.retryAfterInMs !== undefined) this.retryAfterInMs = options.retryAfterInMs;
  }
}

export class UnknownError extends CodedErrorBase {
  readonly code = ErrorCode.UnknownError;
}

/** A chat job that can never run; the message names the platform whose schema refused it, and the fields. */
export class InvalidJobError extends CodedErrorBase {
  readonly code = ErrorCode.InvalidJobError;
}

export class SlackAuthenticityError extends CodedErrorBase {
  readonly code = ErrorCode.SlackAuthenticityError;
}

export class SlackRequestBodyError extends CodedErrorBase {
  readonly code = ErrorCode.SlackRequestBodyError;
}

export class SlackMultipleAckError extends CodedErrorBase {
  readonly code = ErrorCode.SlackMultipleAckError;
}

export class SlackDeliveryError extends CodedErrorBase {
  readonly code = ErrorCode.SlackDeliveryError;
  /** HTTP status, when there was an answer. */
  readonly status?: number;
  constructor(message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options);
    if (options?.status !== undefined) this.status = options.status;
  }
}

export class TeamsAuthenticationError extends CodedErrorBase {
  readonly code = ErrorCode.TeamsAuthenticationError;
}

export class TeamsRequestBodyError extends CodedErrorBase {
  readonly code = ErrorCode.TeamsRequestBodyError;
}

const CODES: ReadonlySet<string> = new Set(Object.values(ErrorCode));

export function isCodedError(error: unknown): error is CodedError {
  return error instanceof Error && CODES.has((error as { code?: unknown }).code as string);
}

/** The error itself when it is coded; otherwise an `UnknownError` with the same message and the original as `cause`. */
export function asCodedError(error: unknown): CodedError {
  if (isCodedError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new UnknownError(message, { cause: error });
}
