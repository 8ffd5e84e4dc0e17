/**
 * Coded errors of the Teams adapter, after the Slack adapter's (and bolt-js `src/errors.ts`): one string enum with
 * a product prefix, one class per code. None of their messages reaches chat; they go to logs.
 */

import { CodedErrorBase } from "../../commands/errors.js";

export enum TeamsErrorCode {
  /** No valid Bot Framework token (or none at all): answered 401 and never processed. */
  AuthenticationError = "aml_chatops_teams_authentication_error",
  /** The body is not a Bot Framework activity. */
  RequestBodyError = "aml_chatops_teams_request_body_error",
  /** A queued job's payload failed validation: a bug or a foreign message; retrying cannot help. */
  InvalidJobError = "aml_chatops_teams_invalid_job_error",
}

export interface TeamsCodedError extends Error {
  readonly code: TeamsErrorCode;
}

abstract class BaseTeamsError extends CodedErrorBase<TeamsErrorCode> implements TeamsCodedError {}

export class TeamsAuthenticationError extends BaseTeamsError {
  readonly code = TeamsErrorCode.AuthenticationError;
}

export class TeamsRequestBodyError extends BaseTeamsError {
  readonly code = TeamsErrorCode.RequestBodyError;
}

export class TeamsInvalidJobError extends BaseTeamsError {
  readonly code = TeamsErrorCode.InvalidJobError;
}

export function isTeamsCodedError(error: unknown): error is TeamsCodedError {
  return error instanceof Error && Object.values<string>(TeamsErrorCode).includes((error as { code?: unknown }).code as string);
}
