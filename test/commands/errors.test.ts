/**
 * The one coded-error hierarchy (after bolt-js test/unit/errors.spec.ts): every code has its class, and the
 * classes the adapters import under their own module names are the same ones.
 */
import { describe, expect, it } from "vitest";
import * as slack from "../../adapters/slack/slack-errors.js";
import * as teams from "../../adapters/teams/teams-errors.js";
import {
  ConfigError,
  ErrorCode,
  InfrastructureError,
  InvalidJobError,
  SlackAuthenticityError,
  SlackDeliveryError,
  SlackMultipleAckError,
  SlackRequestBodyError,
  TeamsAuthenticationError,
  TeamsRequestBodyError,
  ThrottledError,
  UnknownError,
  asCodedError,
  isCodedError,
  type CodedError,
} from "../../commands/errors.js";

/** `satisfies` makes a code without a class a type error too. */
const CLASSES = {
  [ErrorCode.ConfigError]: ConfigError,
  [ErrorCode.InfrastructureError]: InfrastructureError,
  [ErrorCode.ThrottledError]: ThrottledError,
  [ErrorCode.UnknownError]: UnknownError,
  [ErrorCode.InvalidJobError]: InvalidJobError,
  [ErrorCode.SlackAuthenticityError]: SlackAuthenticityError,
  [ErrorCode.SlackRequestBodyError]: SlackRequestBodyError,
  [ErrorCode.SlackMultipleAckError]: SlackMultipleAckError,
  [ErrorCode.SlackDeliveryError]: SlackDeliveryError,
  [ErrorCode.TeamsAuthenticationError]: TeamsAuthenticationError,
  [ErrorCode.TeamsRequestBodyError]: TeamsRequestBodyError,
} satisfies Record<ErrorCode, new (message: string, options?: { cause?: unknown }) => CodedError>;

describe("coded errors", () => {
  it("map every code to its class, named after it, with the product prefix", () => {
    for (const code of Object.values(ErrorCode)) {
      const Class = CLASSES[code];
      const error = new Class("m", { cause: "why" });
      expect(error).toBeInstanceOf(Error);
      expect(error.code).toBe(code);
      expect(error.name).toBe(Class.name);
      expect(error.cause).toBe("why");
      expect(code).toMatch(/^aml_chatops_[a-z_]+_error$/);
      expect(isCodedError(error)).toBe(true);
      expect(asCodedError(error)).toBe(error);
    }
    expect(new Set(Object.values(CLASSES)).size).toBe(Object.values(ErrorCode).length);
  });

  it("wrap anything else as an UnknownError, keeping the cause", () => {
    const cause = new TypeError("x");
    const wrapped = asCodedError(cause);
    expect(wrapped).toBeInstanceOf(UnknownError);
    expect(wrapped.cause).toBe(cause);
    expect(asCodedError("text").message).toBe("text");
    expect(isCodedError(Object.assign(new Error("y"), { code: "ECONNRESET" }))).toBe(false);
  });

  it("keep a throttled read's Retry-After and a Slack delivery's HTTP status", () => {
    expect(new ThrottledError("429", { retryAfterInMs: 3000 }).retryAfterInMs).toBe(3000);
    expect(new ThrottledError("429").retryAfterInMs).toBeUndefined();
    expect(new SlackDeliveryError("refused", { status: 404 }).status).toBe(404);
    expect(new SlackDeliveryError("unreachable").status).toBeUndefined();
  });

  it("are the same classes under the adapters' module names", () => {
    expect(slack.SlackDeliveryError).toBe(SlackDeliveryError);
    expect(slack.asSlackCodedError).toBe(asCodedError);
    expect(teams.TeamsAuthenticationError).toBe(TeamsAuthenticationError);
  });
});
