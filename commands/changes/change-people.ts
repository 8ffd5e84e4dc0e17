/**
 * The people of a stored change as chat shows them: by the name their platform gave when they acted, never by a
 * bare user id where a name is known (`U0LOCALOPS` tells a channel nothing). The ids stay for rules and the audit.
 */
import type { Actor } from "../invocation.js";
import type { PendingChange, PendingTransition } from "../ports/pending-change.port.js";

/** What a transition records of the person who moved the change. */
export function actedByOf(actor: Actor): Pick<PendingTransition, "actedBy" | "actedByName"> {
  return { actedBy: actor.userId, ...(actor.displayName ? { actedByName: actor.displayName } : {}) };
}

/** Who asked for the change. */
export function requesterName(change: PendingChange): string {
  return change.approval?.requester.name ?? change.requestedByName ?? change.requestedBy;
}

/** Who moved the change last (Apply, Cancel), when someone did. */
export function actorName(change: PendingChange): string | undefined {
  return change.actedByName ?? change.actedBy;
}
