import type { ChangeOutcome } from "../ports/endpoint-control.port.js";
import type { PendingChange } from "../ports/pending-change.port.js";
import { problemReply, utcTimeOfDay } from "../replies.js";
import type { Reply } from "../reply.js";
import type { AuditDetails, VerbContext, VerbResult } from "../verb-context.js";
import type { Observed } from "./change-kind.js";
import { APPLY_VERB, CANCEL_VERB } from "./change-verbs.js";

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

/** Why an Apply sent nothing that took effect: Azure ML's refusal, an error without an answer, or no read at all. */
export type NotSent =
  | { readonly kind: "refused"; readonly outcome: Exclude<ChangeOutcome<unknown>, { kind: "ok" }> }
  | { readonly kind: "error" }
  /** Reading the resource before sending failed; `throttled` when Azure throttled the read past the SDK's retries. */
  | { readonly kind: "unreadable"; readonly throttled?: { readonly message: string; readonly retryAfterInMs?: number } };

interface ChangeWords {
  readonly action: string;
  readonly before: string;
  readonly after: string;
}

/**
 * An Apply that did not take effect while the resource is as previewed: says what went wrong, that nothing
 * changed (read back from Azure ML when it could be), and offers Try again unless Azure ML refused it as invalid.
 */
export function failedApplyResult(ctx: VerbContext, change: PendingChange, words: ChangeWords, why: NotSent, back: Observed | undefined): VerbResult {
  const audit = { endpoint: change.endpoint, before: words.before, after: words.after };
  const reference = `Reference for the operators: \`${ctx.invocation.correlationId}\`.`;
  const { title, problem, outcome, detail, retryable } = describeNotSent(why, reference);
  const state = back
    ? `Nothing changed: Azure ML still reports \`${back.now}\` on ${change.endpoint}.`
    : why.kind === "unreadable"
      ? "Nothing was sent."
      : `Azure ML could not be read back, so the outcome is unknown: check with \`aml show ${change.endpoint}\` before trying again.`;
  const expired = ctx.deps.clock.now() > change.expiresAt;
  const offerRetry = retryable && !expired;
  const hint = offerRetry
    ? `Press *Try again* to send it again (the preview is valid until ${utcTimeOfDay(change.expiresAt)}), or *Cancel*.`
    : `Run the command again for a fresh preview.`;
  const reply: Reply = {
    ...problemReply(title, [problem, state], hint),
    ...(offerRetry
      ? { buttons: [{ label: "Try again", verb: APPLY_VERB, payloadId: change.id, style: "primary" as const }, { label: "Cancel", verb: CANCEL_VERB, payloadId: change.id }] }
      : {}),
  };
  return { reply, audit: { ...audit, outcome, detail } };
}

/** An Apply that found the resource changed since the preview (or gone): nothing is sent, and it says what it found. */
export function staleApplyResult(change: PendingChange, words: ChangeWords, seen: Observed | undefined): VerbResult {
  const audit = { endpoint: change.endpoint, before: words.before, after: words.after };
  const showHint = `Check the current state with \`aml show ${change.endpoint}\`, then run the command again for a fresh preview.`;
  if (!seen) {
    const message = `What this change is about no longer exists on ${change.endpoint}.`;
    return { reply: problemReply("Not applied: not found", [message, "Nothing was sent."], showHint), audit: { ...audit, outcome: "not-found", detail: message } };
  }
  if (seen.matches === "target") {
    const message = `${change.endpoint} is already at \`${seen.now}\`: someone made this change since the preview.`;
    return { reply: { ...problemReply("Nothing to do: already in place", [message]), tone: "info" }, audit: { ...audit, outcome: "conflict", detail: message } };
  }
  const message = `${change.endpoint} changed since the preview: it was \`${words.before}\`, Azure ML now reports \`${seen.now}\`.`;
  return {
    reply: problemReply("Not applied: the endpoint changed", [message, "Nothing was changed by this request."], showHint),
    audit: { ...audit, outcome: "conflict", detail: message },
  };
}

function describeNotSent(
  why: NotSent,
  reference: string,
): { title: string; problem: string; outcome: AuditDetails["outcome"]; detail: string; retryable: boolean } {
  if (why.kind === "unreadable" && why.throttled) {
    const wait = why.throttled.retryAfterInMs ? ` Try again in ${Math.ceil(why.throttled.retryAfterInMs / 1000)} s.` : " Try again shortly.";
    return { title: "Azure is throttling requests", problem: `${why.throttled.message}${wait}`, outcome: "failed", detail: `throttled: ${why.throttled.message}`, retryable: true };
  }
  if (why.kind === "unreadable") {
    return { title: "Not applied: Azure ML could not be read", problem: `The endpoint could not be read before the change. ${reference}`, outcome: "error", detail: "read failed", retryable: true };
  }
  if (why.kind === "error") {
    return { title: "Not applied: Azure ML answered with an error", problem: `The change did not go through. ${reference}`, outcome: "error", detail: "write failed", retryable: true };
  }
  const o = why.outcome;
  switch (o.kind) {
    case "conflict":
      return { title: "Not applied: the endpoint is busy", problem: o.message, outcome: "conflict", detail: o.message, retryable: true };
    case "throttled": {
      const wait = o.retryAfterInMs ? ` Try again in ${Math.ceil(o.retryAfterInMs / 1000)} s.` : " Try again shortly.";
      return { title: "Azure is throttling requests", problem: `${o.message}${wait}`, outcome: "failed", detail: `throttled: ${o.message}`, retryable: true };
    }
    case "failed":
      return { title: "The change failed in Azure ML", problem: `${o.message} (${o.code})`, outcome: "failed", detail: `${o.code}: ${o.message}`, retryable: true };
    case "invalid":
      return { title: "Azure ML refused the change", problem: `${o.message} (${o.code})`, outcome: "invalid", detail: `${o.code}: ${o.message}`, retryable: false };
    case "not-found":
      return { title: "Not applied: not found", problem: o.message, outcome: "not-found", detail: o.message, retryable: false };
  }
}
