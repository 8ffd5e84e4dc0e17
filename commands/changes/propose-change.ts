import { endpointBusy } from "../deploy/endpoint-lock.js";
import { checkFreeze, withOverrideNote } from "../freeze/freeze-guard.js";
import type { FreezeOverride, PendingChange } from "../ports/pending-change.port.js";
import type { Button, Reply } from "../reply.js";
import { storedChange, type Proposal } from "./proposal.js";
import { requestApproval } from "../approvals/approval-flow.js";
import { approvalRuleFor } from "../approvals/approval-policy.js";
import type { AuditDetails, VerbContext, VerbResult } from "../verb-context.js";
import { driveApplying } from "./apply-change.js";
import type { ChangeKind } from "./change-kind.js";
import { APPLY_VERB, CANCEL_VERB } from "./change-verbs.js";

export type { Proposal } from "./proposal.js";

/**
 * The id of the change a `--yes` command applies at once: derived from the command's correlation id, so a job
 * redelivered after its worker died finds the change it started instead of starting another.
 */
export function immediateChangeId(correlationId: string): string {
  return `now-${correlationId}`;
}

/**
 * Stores a previewed change and answers with the preview and Apply / Cancel buttons. Apply later compares the
 * endpoint with what the preview showed, so a click after someone else's change is refused, not an overwrite.
 * A change a rule puts under approval is stored as a request instead, and its card has Approve / Reject.
 */
export async function proposeChange(ctx: VerbContext, proposal: Proposal, audit: Omit<AuditDetails, "outcome">): Promise<VerbResult> {
  const { deps } = ctx;
  const freeze = await checkFreeze(ctx, { endpoint: proposal.endpoint, typed: proposal.override, step: "propose" });
  if (freeze.kind === "refused") return freeze.result;
  const busy = await endpointBusy(ctx, proposal.endpoint);
  if (busy) return busy;
  const override = freeze.kind === "overridden" ? freeze.override : undefined;
  const rule = approvalRuleFor(deps.policy, ctx.workspace.alias, proposal.endpoint, proposal.verb);
  if (rule) {
    const requested = await requestApproval(ctx, proposal, rule, deps.newId(), false, override);
    return withOverrideNote({ reply: requested.reply, audit: { ...audit, ...requested.audit } }, freeze);
  }
  return withOverrideNote({ reply: await previewReply(ctx, proposal, override), audit: { ...audit, outcome: "previewed" } }, freeze);
}

async function previewReply(ctx: VerbContext, proposal: Proposal, override: FreezeOverride | undefined): Promise<Reply> {
  const { deps, invocation } = ctx;
  const change = pendingOf(ctx, proposal, deps.newId(), "pending", override);
  await deps.pending.create(change, { abortSignal: ctx.abortSignal });
  const id = change.id;
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

/**
 * `--yes`: the same change as a preview, applied at once through the same states (`applying` is stored before
 * anything is sent), so a worker that dies mid-way leaves a change its redelivered job resumes.
 */
export async function applyNow(ctx: VerbContext, kind: ChangeKind, proposal: Proposal): Promise<VerbResult> {
  const freeze = await checkFreeze(ctx, { endpoint: proposal.endpoint, typed: proposal.override, step: "propose" });
  if (freeze.kind === "refused") return freeze.result;
  const busy = await endpointBusy(ctx, proposal.endpoint);
  if (busy) return busy;
  const override = freeze.kind === "overridden" ? freeze.override : undefined;
  const rule = approvalRuleFor(ctx.deps.policy, ctx.workspace.alias, proposal.endpoint, proposal.verb);
  if (rule) return withOverrideNote(await requestApproval(ctx, proposal, rule, immediateChangeId(ctx.invocation.correlationId), true, override), freeze);
  const change = pendingOf(ctx, proposal, immediateChangeId(ctx.invocation.correlationId), "applying", override);
  await ctx.deps.pending.create(change, { abortSignal: ctx.abortSignal });
  return withOverrideNote(await driveApplying(ctx, kind, change, { from: "pending", mode: "new" }), freeze);
}

function pendingOf(ctx: VerbContext, proposal: Proposal, id: string, state: "pending" | "applying", override: FreezeOverride | undefined): PendingChange {
  return storedChange(ctx, proposal, id, { state, expiresAt: new Date(ctx.deps.clock.now().getTime() + ctx.deps.pendingTtlInMs), override });
}
