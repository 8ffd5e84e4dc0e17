import type { FreezeOverride, PendingChange } from "../ports/pending-change.port.js";
import type { Section } from "../reply.js";
import type { VerbContext } from "../verb-context.js";
import { actedByOf } from "./change-people.js";

/** A change as a verb proposes it: what the preview (or the approval card) shows, and what is stored to apply. */
export interface Proposal {
  readonly verb: string;
  readonly endpoint: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly etag?: string;
  readonly title: string;
  readonly sections: readonly Section[];
  readonly summary: string;
  /** Words for the Apply confirmation dialog. */
  readonly confirmText: string;
  /** Why the requester wants it (`--reason`), shown to approvers. */
  readonly reason?: string;
  /** `--override "<reason>"`: an admin's reason to change a frozen endpoint. */
  readonly override?: string | undefined;
}

/** The change as stored from its proposal, by the person asking in their channel; the caller says its state and expiry. */
export function storedChange(
  ctx: VerbContext,
  proposal: Proposal,
  id: string,
  fields: Pick<PendingChange, "state" | "expiresAt"> & { readonly override?: FreezeOverride | undefined; readonly approval?: PendingChange["approval"] },
): PendingChange {
  const { invocation } = ctx;
  return {
    id,
    verb: proposal.verb,
    workspace: ctx.workspace.alias,
    endpoint: proposal.endpoint,
    payload: proposal.payload,
    ...(proposal.etag !== undefined ? { etag: proposal.etag } : {}),
    requestedBy: invocation.actor.userId,
    ...(invocation.actor.displayName ? { requestedByName: invocation.actor.displayName } : {}),
    channelId: invocation.channel.id,
    createdAt: ctx.deps.clock.now(),
    expiresAt: fields.expiresAt,
    state: fields.state,
    ...(fields.state === "applying" ? { attempt: invocation.correlationId, ...actedByOf(invocation.actor) } : {}),
    ...(fields.override ? { override: fields.override } : {}),
    ...(fields.approval ? { approval: fields.approval } : {}),
  };
}
