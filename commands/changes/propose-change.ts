import type { Button, Reply, Section } from "../reply.js";
import type { VerbContext } from "../verb-spec.js";

export const APPLY_VERB = "apply";
export const CANCEL_VERB = "cancel";

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
}

/**
 * Stores a previewed change and answers with the preview and Apply / Cancel buttons. The stored ETag makes
 * a click after someone else's change a conflict rather than an overwrite.
 */
export async function proposeChange(ctx: VerbContext, proposal: Proposal): Promise<Reply> {
  const { deps, invocation } = ctx;
  const now = deps.clock.now();
  const id = deps.newId();
  await deps.pending.create(
    {
      id,
      verb: proposal.verb,
      workspace: ctx.workspace.alias,
      endpoint: proposal.endpoint,
      payload: proposal.payload,
      ...(proposal.etag !== undefined ? { etag: proposal.etag } : {}),
      requestedBy: invocation.actor.userId,
      channelId: invocation.channel.id,
      createdAt: now,
      expiresAt: new Date(now.getTime() + deps.pendingTtlInMs),
      state: "pending",
    },
    { abortSignal: ctx.abortSignal },
  );
  const buttons: Button[] = [
    {
      label: "Apply",
      verb: APPLY_VERB,
      payloadId: id,
      style: "primary",
      confirm: { title: proposal.title, text: proposal.confirmText, confirm: "Apply", deny: "Back" },
    },
    { label: "Cancel", verb: CANCEL_VERB, payloadId: id },
  ];
  const minutes = Math.round(deps.pendingTtlInMs / 60_000);
  return {
    title: proposal.title,
    tone: "info",
    sections: proposal.sections,
    buttons,
    context: [
      `Requested by ${invocation.actor.displayName ?? invocation.actor.userId} in workspace ${ctx.workspace.alias}`,
      `Preview only: nothing changes until Apply. Expires in ${minutes} min.`,
    ],
    visibility: "channel",
    mode: "new",
    summary: proposal.summary,
  };
}
