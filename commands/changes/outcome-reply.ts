import type { ChangeOutcome } from "../ports/endpoint-control.port.js";
import { problemReply } from "../replies.js";
import type { AuditDetails, VerbResult } from "../verb-spec.js";

/**
 * Turns a change that did not go through into the reply the user sees. Every case says what happened, that
 * nothing was changed, and what to do next.
 */
export function failedChangeResult(
  outcome: Exclude<ChangeOutcome<unknown>, { kind: "ok" }>,
  endpointName: string,
  audit: Omit<AuditDetails, "outcome" | "detail">,
): VerbResult {
  const showHint = `Check the current state with \`aml show ${endpointName}\`, then run the command again.`;
  switch (outcome.kind) {
    case "conflict":
      return {
        reply: problemReply("Not applied: the endpoint changed", [outcome.message, "Nothing was changed by this request."], showHint),
        audit: { ...audit, outcome: "conflict", detail: outcome.message },
      };
    case "not-found":
      return {
        reply: problemReply("Not applied: not found", [outcome.message]),
        audit: { ...audit, outcome: "not-found", detail: outcome.message },
      };
    case "invalid":
      return {
        reply: problemReply("Azure ML refused the change", [`${outcome.message} (${outcome.code})`, "Nothing was changed."]),
        audit: { ...audit, outcome: "invalid", detail: `${outcome.code}: ${outcome.message}` },
      };
    case "throttled": {
      const wait = outcome.retryAfterInMs ? ` Try again in ${Math.ceil(outcome.retryAfterInMs / 1000)} s.` : " Try again shortly.";
      return {
        reply: problemReply("Azure is throttling requests", [`${outcome.message}${wait}`, "Nothing was changed."]),
        audit: { ...audit, outcome: "failed", detail: `throttled: ${outcome.message}` },
      };
    }
    case "failed":
      return {
        reply: problemReply("The change failed in Azure ML", [
          `${outcome.message} (${outcome.code})`,
          "Azure ML keeps the previous configuration when an update fails.",
        ], showHint),
        audit: { ...audit, outcome: "failed", detail: `${outcome.code}: ${outcome.message}` },
      };
  }
}
