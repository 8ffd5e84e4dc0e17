import { endpointBusy } from "../deploy/endpoint-lock.js";
import { checkFreeze, withOverrideNote } from "../freeze/freeze-guard.js";
import type { PendingChange } from "../ports/pending-change.port.js";
import { channelReply, problemReply, utcTimeOfDay } from "../replies.js";
import type { AuditDetails, VerbContext, VerbResult } from "../verb-context.js";
import { driveApplying } from "./apply-change.js";
import type { ChangeKind } from "./change-kind.js";
import { actedByOf, actorName } from "./change-people.js";
import { CANCEL_VERB } from "./change-verbs.js";

/**
 * An Apply on a change another click is applying may take it over after this long: its worker is long gone
 * (a live one finishes a traffic or scale change in minutes, and a dead one's job resumes within about one).
 */
const ABANDONED_APPLYING_IN_MS = 15 * 60_000;

/**
 * An Apply or Cancel on a stored change, by a person allowed to act on it in its channel (the core checked
 * both). Moves the change through its states (see `PendingState`) with conditional writes only:
 *   - the redelivered job of the click that ended it sends that click's message again;
 *   - a change being applied by this click (its worker died) is resumed; by another click, it is left alone;
 *   - a pending or failed change is applied (or cancelled) unless it expired.
 */
export async function pressChange(ctx: VerbContext, kind: ChangeKind, change: PendingChange, verb: string): Promise<VerbResult> {
  const { deps, invocation } = ctx;
  const attempt = invocation.correlationId;
  const options = { abortSignal: ctx.abortSignal };
  const audited = { endpoint: change.endpoint };

  if (change.attempt === attempt && change.result && change.state !== "applying") return replay(change.result);
  switch (change.state) {
    case "applied":
    case "cancelled":
    case "stale":
    case "rejected":
      return nothingToDo(settledMessage(change), "conflict", audited);
    case "applying": {
      if (verb === CANCEL_VERB) return nothingToDo("This change is being applied: it can no longer be cancelled.", "conflict", audited);
      const since = change.updatedAt ?? change.createdAt;
      const abandoned = deps.clock.now().getTime() - since.getTime() > ABANDONED_APPLYING_IN_MS;
      if (change.attempt !== attempt && !abandoned) {
        const message = `This change is already being applied (Apply pressed by ${actorName(change) ?? "someone"} at ${utcTimeOfDay(since)}); its message updates when it is done.`;
        return nothingToDo(message, "conflict", audited);
      }
      return driveApplying(ctx, kind, change, { from: "applying", mode: "replace" });
    }
    case "pending":
    case "failed":
      break;
  }
  if (deps.clock.now() > change.expiresAt) {
    await deps.pending.transition(change.id, ["pending", "failed"], "cancelled", { note: "expired" }, options);
    return nothingToDo("This preview has expired. Run the command again for a fresh one.", "invalid", audited);
  }
  const actedBy = actedByOf(invocation.actor);
  if (verb === CANCEL_VERB) {
    const cancelled = await deps.pending.transition(change.id, ["pending", "failed"], "cancelled", { ...actedBy, note: "cancelled" }, options);
    if (!cancelled) return nothingToDo("Someone else already handled this change.", "conflict", audited);
    const reply = channelReply({
      title: `Cancelled: ${change.verb} on ${change.endpoint}`,
      sections: [{ kind: "text", text: "Nothing was changed." }],
      context: [`Cancelled by ${invocation.actor.displayName ?? invocation.actor.userId}`],
      mode: "replace",
      summary: `Cancelled ${change.verb} on ${change.endpoint}`,
    });
    return { reply, audit: { ...audited, outcome: "ok", detail: "cancelled" } };
  }
  // A frozen endpoint keeps the preview as it is: Apply works again once the freeze ends (or with an admin's override).
  const freeze = await checkFreeze(ctx, { endpoint: change.endpoint, stored: change.override, step: "apply" });
  if (freeze.kind === "refused") return freeze.result;
  const busy = await endpointBusy(ctx, change.endpoint);
  if (busy) return busy;
  const applying = await deps.pending.transition(change.id, ["pending", "failed"], "applying", { attempt, ...actedBy }, options);
  if (!applying) return nothingToDo("Someone else already handled this change.", "conflict", audited);
  return withOverrideNote(await driveApplying(ctx, kind, applying, { from: change.state, mode: "replace" }), freeze);
}

function settledMessage(change: PendingChange): string {
  if (change.state === "stale") return `This preview is out of date: ${change.note ?? "the endpoint changed since"}. Run the command again for a fresh one.`;
  if (change.state === "cancelled" && change.note === "expired") return "This preview has expired. Run the command again for a fresh one.";
  return `This change was already ${change.state}.`;
}

/** The message that ended this click's attempt, for its redelivered job: the chat then shows the outcome, once more. */
function replay(stored: string): VerbResult {
  const result = JSON.parse(stored) as VerbResult;
  const detail = [result.audit.detail, "reply sent again after a restart"].filter(Boolean).join("; ");
  return { reply: result.reply, audit: { ...result.audit, detail } };
}

/** A click or typed action that finds nothing to act on: says why, changes nothing. */
export function nothingToDo(message: string, outcome: AuditDetails["outcome"], extra: Partial<AuditDetails> = {}): VerbResult {
  return { reply: problemReply("Nothing to do", [message]), audit: { ...extra, outcome, detail: message } };
}
