/**
 * Changes that need approval (four eyes): the request, each Approve or Reject, and expiry. A request is a pending
 * change with an approval part; its last Approve is its Apply, through the same ETag-guarded apply machine
 * (`driveApplying`), so an approval after someone else's change is refused as out of date, never an overwrite.
 *
 * Every decision is one conditional write on the stored change, computed from the row as stored: concurrent clicks
 * of two approvers both count, a second click of the same person is told it already counted, and only the click
 * whose write completes the approvals moves the change to `applying`, so any number of clicks make one ARM write.
 * The cards (one per channel the request went to) are posted and updated through the channel notifier; the person
 * who clicked gets a private answer.
 */
import { driveApplying } from "../changes/apply-change.js";
import type { ChangeKind } from "../changes/change-kind.js";
import { actedByOf } from "../changes/change-people.js";
import { nothingToDo } from "../changes/press-change.js";
import { storedChange, type Proposal } from "../changes/proposal.js";
import type { CoreDeps } from "../core-deps.js";
import { endpointBusy } from "../deploy/endpoint-lock.js";
import { checkFreeze, withOverrideNote } from "../freeze/freeze-guard.js";
import type { ChannelRef } from "../invocation.js";
import { qualifiedId } from "../policy.js";
import type { FreezeOverride, PendingChange } from "../ports/pending-change.port.js";
import { channelReply, problemReply, utcTimeOfDay } from "../replies.js";
import type { Reply } from "../reply.js";
import type { VerbContext, VerbResult } from "../verb-context.js";
import { approvalCard, approvalCardKey } from "./approval-card.js";
import { DEFAULT_APPROVAL_EXPIRY_MINUTES, describeRule, refusalToDecide } from "./approval-policy.js";
import { approvalsOf, type ApprovalRequest, type ApprovalRule, type DecisionKind } from "./approval-request.js";

/**
 * Stores the change as a request for approval and posts its card where the rule says. `immediate`: the command
 * said `--yes`, which never skips an approval.
 */
export async function requestApproval(
  ctx: VerbContext,
  proposal: Proposal,
  rule: ApprovalRule,
  id: string,
  immediate: boolean,
  override?: FreezeOverride,
): Promise<VerbResult> {
  const { deps, invocation } = ctx;
  const now = deps.clock.now();
  const channels = uniqueChannels([invocation.channel, ...(rule.channel ? [rule.channel] : [])]);
  const request: ApprovalRequest = {
    rule: describeRule(rule, proposal.endpoint),
    required: rule.minApprovals ?? 1,
    approvers: { users: rule.approvers.users ?? [], groups: rule.approvers.groups ?? [] },
    requesterCanApprove: rule.requesterCanApprove ?? false,
    requester: { id: qualifiedId(invocation.actor.platform, invocation.actor.userId), name: invocation.actor.displayName ?? invocation.actor.userId },
    ...(proposal.reason ? { reason: proposal.reason } : {}),
    preview: { title: proposal.title, sections: proposal.sections, summary: proposal.summary },
    channels,
    decisions: [],
  };
  const expiresAt = new Date(now.getTime() + (rule.expiresInMinutes ?? DEFAULT_APPROVAL_EXPIRY_MINUTES) * 60_000);
  const change = storedChange(ctx, proposal, id, { state: "pending", expiresAt, approval: request, override });
  await deps.pending.create(change, { abortSignal: ctx.abortSignal });
  const posted = await postCards(deps, change, undefined, ctx.abortSignal);
  const audit = { outcome: "previewed" as const, endpoint: proposal.endpoint, detail: `approval requested (${request.required} needed)` };
  const here = posted.includes(invocation.channel.id);
  // Where no card could be posted (the terminal, a channel the bot cannot post to), the answer is the card itself.
  if (!here) return { reply: { ...approvalCard(change, request), mode: "new" }, audit };
  const elsewhere = posted.filter((c) => c !== invocation.channel.id);
  const reply = channelReply({
    title: "Approval requested",
    tone: "info",
    sections: [
      { kind: "text", text: `${proposal.title} waits for ${request.required} approval${request.required === 1 ? "" : "s"}: its card is posted in the channel where you asked${elsewhere.length ? ` and in ${elsewhere.map((c) => `<channel:${c}>`).join(", ")}` : ""}.` },
      ...(immediate ? [{ kind: "text" as const, text: "`--yes` does not skip an approval: the change is applied by the last Approve." }] : []),
    ],
    context: [`Request \`${id}\` · expires ${utcTimeOfDay(change.expiresAt)}`],
    visibility: "requester",
    summary: `Approval requested for ${proposal.summary}`,
  });
  return { reply, audit };
}

/**
 * An Approve or Reject, by someone the core let through to here (any role: being an approver is what counts, and
 * is checked here). Returns the private answer to the person who decided.
 */
export async function decideApproval(ctx: VerbContext, kind: ChangeKind, change: PendingChange, decision: DecisionKind, reason: string | undefined): Promise<VerbResult> {
  const { deps, invocation } = ctx;
  const request = change.approval!;
  const options = { abortSignal: ctx.abortSignal };
  const audited = { endpoint: change.endpoint };
  const attempt = invocation.correlationId;

  // The redelivered job of the click that applied it: the same answer again.
  if (change.attempt === attempt && change.result && change.state !== "applying") return personal(JSON.parse(change.result) as VerbResult, "reply sent again after a restart");
  if (change.state === "applying" && change.attempt === attempt) return applyApproved(ctx, kind, change);
  if (change.state !== "pending") return nothingToDo(settled(change), "conflict", audited);
  if (deps.clock.now() > change.expiresAt) {
    await expire(deps, change, options);
    return nothingToDo("This request has expired. Ask again for a fresh one.", "invalid", audited);
  }
  const refusal = refusalToDecide(invocation.actor, request);
  if (refusal) return { reply: problemReply("Not allowed", [refusal], "Nothing was changed."), audit: { ...audited, outcome: "denied", detail: refusal } };
  const me = qualifiedId(invocation.actor.platform, invocation.actor.userId).toLowerCase();
  const name = invocation.actor.displayName ?? invocation.actor.userId;
  const at = deps.clock.now().toISOString();

  if (decision === "reject") {
    if (!reason) {
      const hint = `Say why, so the requester knows what to change: write it in the card's reason box, then press Reject, or type \`aml reject ${change.id} <reason>\`.`;
      return { reply: problemReply("A rejection needs a reason", [hint]), audit: { ...audited, outcome: "invalid", detail: "reject without a reason" } };
    }
    const rejected = await deps.pending.transition(
      change.id,
      ["pending"],
      "rejected",
      (current) => ({ ...actedByOf(invocation.actor), note: reason, approval: { ...current.approval!, decisions: [...current.approval!.decisions, { by: me, name, decision: "reject", at, reason }] } }),
      options,
    );
    if (!rejected) return nothingToDo(settled((await deps.pending.get(change.id, options)) ?? change), "conflict", audited);
    await postCards(deps, rejected, undefined, ctx.abortSignal);
    return { reply: privateNote("Rejected", `You rejected ${request.preview.title}. Nothing was changed; the requester sees your reason on the card.`), audit: { ...audited, outcome: "ok", detail: `rejected: ${reason}` } };
  }

  const recorded = await deps.pending.transition(
    change.id,
    ["pending"],
    "pending",
    (current) =>
      approvalsOf(current.approval!).some((d) => d.by.toLowerCase() === me)
        ? undefined
        : { approval: { ...current.approval!, decisions: [...current.approval!.decisions, { by: me, name, decision: "approve", at }] } },
    options,
  );
  if (!recorded) {
    const now = (await deps.pending.get(change.id, options)) ?? change;
    if (now.state !== "pending") return nothingToDo(settled(now), "conflict", audited);
    const count = approvalsOf(now.approval!).length;
    if (count < now.approval!.required) return nothingToDo(`You already approved this request (${count} of ${now.approval!.required}).`, "conflict", audited);
    // Complete yet not applied (a freeze held it, or the click that completed it stopped): this approver's click applies it.
    return applyComplete(ctx, kind, now);
  }
  const count = approvalsOf(recorded.approval!).length;
  if (count < recorded.approval!.required) {
    await postCards(deps, recorded, undefined, ctx.abortSignal);
    const left = recorded.approval!.required - count;
    return { reply: privateNote("Approval recorded", `${count} of ${recorded.approval!.required}: waiting for ${left} more.`), audit: { ...audited, outcome: "ok", detail: `approval ${count} of ${recorded.approval!.required}` } };
  }
  return applyComplete(ctx, kind, recorded);
}

/**
 * The approvals are complete: the one click whose move to `applying` succeeds applies the change. A freeze holds it
 * (approvals stay recorded, and an approver's Approve after the freeze applies it) unless it carries an override.
 */
async function applyComplete(ctx: VerbContext, kind: ChangeKind, change: PendingChange): Promise<VerbResult> {
  const { deps, invocation } = ctx;
  const options = { abortSignal: ctx.abortSignal };
  const freeze = await checkFreeze(ctx, { endpoint: change.endpoint, stored: change.override, step: "approve" });
  if (freeze.kind === "refused") {
    await postCards(deps, change, undefined, ctx.abortSignal);
    return freeze.result;
  }
  const busy = await endpointBusy(ctx, change.endpoint);
  if (busy) return busy;
  const applying = await deps.pending.transition(change.id, ["pending"], "applying", { attempt: invocation.correlationId, ...actedByOf(invocation.actor) }, options);
  if (!applying) return nothingToDo(settled((await deps.pending.get(change.id, options)) ?? change), "conflict", { endpoint: change.endpoint });
  return withOverrideNote(await applyApproved(ctx, kind, applying), freeze);
}

/** Requests past their expiry end as `expired` and their cards say so. Returns how many ended. */
export async function expireApprovals(deps: CoreDeps, now: Date, options: { readonly abortSignal?: AbortSignal } = {}): Promise<number> {
  let ended = 0;
  for (const change of await deps.pending.listAwaitingApproval(options)) {
    if (change.expiresAt > now) continue;
    if (await expire(deps, change, options)) ended++;
  }
  return ended;
}

/** A Cancel of a request by its requester (`pressChange` moved it): every card says so. */
export async function requestCancelled(deps: CoreDeps, id: string, options: { readonly abortSignal?: AbortSignal } = {}): Promise<void> {
  const change = await deps.pending.get(id, options);
  if (change?.approval) await postCards(deps, change, undefined, options.abortSignal);
}

/** The last approval's apply: the cards say "applying", then the outcome; the approver gets the outcome privately. */
async function applyApproved(ctx: VerbContext, kind: ChangeKind, applying: PendingChange): Promise<VerbResult> {
  await postCards(ctx.deps, applying, undefined, ctx.abortSignal);
  // No progress into the clicked message: the cards belong to the notifier, which updates them all alike.
  const { onProgress: _dropped, ...quiet } = ctx;
  const result = await driveApplying(quiet, kind, applying, { from: "applying", mode: "replace" });
  const final = (await ctx.deps.pending.get(applying.id, { abortSignal: ctx.abortSignal })) ?? applying;
  await postCards(ctx.deps, final, result.reply, ctx.abortSignal);
  return personal(result, "applied by the last approval");
}

async function expire(deps: CoreDeps, change: PendingChange, options: { readonly abortSignal?: AbortSignal }): Promise<boolean> {
  const expired = await deps.pending.transition(change.id, ["pending"], "cancelled", { note: "expired" }, options);
  if (!expired) return false;
  await postCards(deps, expired, undefined, options.abortSignal);
  const request = expired.approval!;
  await deps.audit
    .append({
      at: deps.clock.now(),
      correlationId: `expiry-${change.id}`,
      platform: request.channels[0]?.platform ?? "terminal",
      userId: "aml-chatops",
      channelId: change.channelId,
      verb: change.verb,
      text: `expire ${change.id}`,
      workspace: change.workspace,
      endpoint: change.endpoint,
      outcome: "ok",
      detail: `approval request expired with ${approvalsOf(request).length} of ${request.required} approvals`,
    })
    .catch((error: unknown) => deps.logger.error("audit append failed", { id: change.id, error }));
  return true;
}

/**
 * Posts or updates the card in every channel of the request; returns the channels it reached. A channel the bot
 * cannot reach is logged (the other copies and the stored request still hold the truth).
 */
async function postCards(deps: CoreDeps, change: PendingChange, outcome: Reply | undefined, abortSignal?: AbortSignal): Promise<string[]> {
  const request = change.approval!;
  const card = approvalCard(change, request, outcome);
  const reached: string[] = [];
  for (const channel of request.channels) {
    const posted = await deps.notifier.post(channel, card, { updateKey: approvalCardKey(change.id), ...(abortSignal ? { abortSignal } : {}) });
    if (posted.kind === "unreachable") deps.logger.warn("approval card not posted", { id: change.id, platform: channel.platform, channel: channel.id, reason: posted.message });
    else reached.push(channel.id);
  }
  return reached;
}

function settled(change: PendingChange): string {
  switch (change.state) {
    case "applying":
      return "The approvals are complete and the change is being applied; the cards update when it is done.";
    case "rejected":
      return "This request was rejected.";
    case "cancelled":
      return change.note === "expired" ? "This request has expired. Ask again for a fresh one." : "This request was cancelled.";
    case "stale":
      return "This request is out of date: the endpoint changed since. Ask again for a fresh one.";
    default:
      return `This request was already ${change.state}.`;
  }
}

/** A decision's answer, for the person who decided only (the cards tell everyone else). */
function privateNote(title: string, text: string): Reply {
  return { title, tone: "info", sections: [{ kind: "text", text }], visibility: "requester", mode: "new", summary: `${title}: ${text}` };
}

function personal(result: VerbResult, detail: string): VerbResult {
  return {
    reply: { ...result.reply, visibility: "requester", mode: "new", buttons: [] },
    audit: { ...result.audit, detail: [result.audit.detail, detail].filter(Boolean).join("; ") },
  };
}

function uniqueChannels(channels: readonly ChannelRef[]): ChannelRef[] {
  const seen = new Set<string>();
  return channels.filter((c) => !seen.has(`${c.platform}:${c.id}`) && seen.add(`${c.platform}:${c.id}`));
}

