/**
 * Coded errors of the Slack adapter, after bolt-js `src/errors.ts`: one string enum with a product prefix, one
 * class per code, and `asSlackCodedError` wrapping anything unknown. None of their messages ever reaches chat
 * (chat shows a fixed text and the correlation id); they go to logs, which redact tokens anyway.
 */

import { CodedErrorBase } from "../../commands/errors.js";

export enum SlackErrorCode {
  /** Missing, malformed, stale or wrong signature: answered 401 and never processed. */
  AuthenticityError = "aml_chatops_slack_authenticity_error",
  /** The body could not be read as Slack sends it (form or JSON). */
  RequestBodyError = "aml_chatops_slack_request_body_error",
  /** A listener called `ack()` twice. */
  MultipleAckError = "aml_chatops_slack_multiple_ack_error",
  /** A queued job's payload failed validation: a bug or a foreign message; retrying cannot help. */
  InvalidJobError = "aml_chatops_slack_invalid_job_error",
  /** A POST to a `response_url` or a Web API call was refused or failed. */
  DeliveryError = "aml_chatops_slack_delivery_error",
  UnknownError = "aml_chatops_slack_unknown_error",
}

export interface SlackCodedError extends Error {
  readonly code: SlackErrorCode;
}

abstract class BaseSlackError extends CodedErrorBase<SlackErrorCode> implements SlackCodedError {}

export class SlackAuthenticityError extends BaseSlackError {
  readonly code = SlackErrorCode.AuthenticityError;
}

export class SlackRequestBodyError extends BaseSlackError {
  readonly code = SlackErrorCode.RequestBodyError;
}

export class SlackMultipleAckError extends BaseSlackError {
  readonly code = SlackErrorCode.MultipleAckError;
}

export class SlackInvalidJobError extends BaseSlackError {
  readonly code = SlackErrorCode.InvalidJobError;
}

export class SlackDeliveryError extends BaseSlackError {
  readonly code = SlackErrorCode.DeliveryError;
  /** HTTP status, when there was an answer. */
  readonly status?: number;
  constructor(message: string, options?: { cause?: unknown; status?: number }) {
    super(message, options);
    if (options?.status !== undefined) this.status = options.status;
  }
}

export class SlackUnknownError extends BaseSlackError {
  readonly code = SlackErrorCode.UnknownError;
}

export function isSlackCodedError(error: unknown): error is SlackCodedError {
  return error instanceof Error && Object.values<string>(SlackErrorCode).includes((error as { code?: unknown }).code as string);
}

export function asSlackCodedError(error: unknown): SlackCodedError {
  if (isSlackCodedError(error)) return error;
  const message = error instanceof Error ? error.message : String(error);
  return new SlackUnknownError(message, { cause: error });
}
