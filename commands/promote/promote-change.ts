/**
 * `aml promote` as a change: previewed (or put under approval) like any other, and applied through the same apply
 * machine, whose send starts the promotion instead of writing to Azure ML: it stores the promotion with the split
 * before it and queues its first transition. The change's state is whether that promotion exists; before it does,
 * the endpoint must still hold the split the request showed (an approval after someone's change is refused).
 */
import type { ChangeKind, Observed } from "../changes/change-kind.js";
import { trafficChangeBetween } from "../changes/traffic-change.js";
import { approvalRuleFor } from "../approvals/approval-policy.js";
import { qualifiedId } from "../policy.js";
import type { PendingChange } from "../ports/pending-change.port.js";
import type { Promotion, TrafficSplit } from "../ports/promotions.port.js";
import { channelReply } from "../replies.js";
import type { VerbContext } from "../verb-context.js";
import { startNext } from "./promotion-machine.js";
import { postPromotionCard } from "./promotion-notices.js";
import type { PromotionPlan } from "./promotion-plan.js";
import { describeTrafficSplit, sameTraffic, splitOf, stepSplit } from "./promotion-split.js";

export interface PromotePayload extends Record<string, unknown> {
  readonly candidate: string;
  readonly plan: PromotionPlan;
  /** Where the plan came from, for the card (`the command`, `policy.promotions for prod`). */
  readonly planSource: string;
  readonly retire: boolean;
  /** The split the request showed: the promotion's baseline. */
  readonly before: TrafficSplit;
  /** The endpoint's Azure region, for the gates' metrics (kept on the promotion, so a transition need not read it). */
  readonly location?: string;
  readonly reason?: string;
}

export const promoteChangeKind: ChangeKind = {
  describe(change) {
    const { candidate, before } = change.payload as PromotePayload;
    return { action: `Promoting ${candidate} on ${change.endpoint}`, before: describeTrafficSplit(before), after: `${candidate}=100 in steps` };
  },
  async observe(ctx, change) {
    const started = await ctx.deps.promotions.get(change.id, { abortSignal: ctx.abortSignal });
    if (started) return { matches: "target", now: `promotion ${started.state}`, provisioningState: "Succeeded", detail: started };
    const endpoint = await ctx.deps.endpoints.getEndpoint(ctx.workspace, change.endpoint, { abortSignal: ctx.abortSignal });
    if (!endpoint) return undefined;
    const seen = splitOf(endpoint);
    const { before } = change.payload as PromotePayload;
    return {
      matches: sameTraffic(seen, before) ? "before" : "other",
      now: describeTrafficSplit(seen),
      provisioningState: endpoint.provisioningState,
      ...(endpoint.etag !== undefined ? { etag: endpoint.etag } : {}),
      detail: undefined,
    };
  },
  async send(ctx, change) {
    const promotion = await ctx.deps.promotions.create(promotionOf(ctx, change), { abortSignal: ctx.abortSignal });
    // The first step runs here, in the Apply, rather than behind whatever the queue holds (a burst of Applies kept
    // it waiting seconds); its queued copy carries it on if this worker dies.
    await startNext(ctx.deps, promotion, ctx.abortSignal);
    // Its card, unless the first step posted it already.
    const now = (await ctx.deps.promotions.get(promotion.id, { abortSignal: ctx.abortSignal })) ?? promotion;
    if (now.transition === promotion.transition) await postPromotionCard(ctx.deps, now, ctx.abortSignal);
    const seen: Observed = { matches: "target", now: `promotion ${promotion.state}`, provisioningState: "Succeeded", detail: promotion };
    return { kind: "ok", value: seen };
  },
  inverse(change) {
    // Back to the split from before the promotion, from the one its last step leaves: a revert after someone (or
    // the promotion's own Abort or failed gate) changed it since is refused as any revert is, never an overwrite.
    const { candidate, plan, before } = change.payload as PromotePayload;
    const last = plan.steps[plan.steps.length - 1]!;
    const after = stepSplit(before, candidate, last);
    const deployments = [...new Set([...Object.keys(before.traffic), ...Object.keys(before.mirror), candidate])];
    return trafficChangeBetween({ traffic: after.traffic, mirrorTraffic: after.mirror }, { traffic: before.traffic, mirrorTraffic: before.mirror }, deployments);
  },
  doneReply(ctx, change) {
    const { candidate } = change.payload as PromotePayload;
    return channelReply({
      title: `Promoting ${candidate} on ${change.endpoint}`,
      tone: "info",
      sections: [{ kind: "text", text: `The promotion has started: its card in the channel of the request follows each step, with Pause, Resume, Promote now and Abort. \`aml promotion status ${change.id}\` shows it too.` }],
      context: [`Started by ${ctx.invocation.actor.displayName ?? ctx.invocation.actor.userId}`],
      mode: "replace",
      summary: `Promoting ${candidate} on ${change.endpoint}`,
    });
  },
};

/** The promotion a started request becomes: its card goes where the request was asked (an approver may click elsewhere). */
function promotionOf(ctx: VerbContext, change: PendingChange): Promotion {
  const payload = change.payload as PromotePayload;
  const now = ctx.deps.clock.now();
  const requestedBy = change.approval?.requester.id ?? qualifiedId(ctx.invocation.channel.platform, change.requestedBy);
  const rule = approvalRuleFor(ctx.deps.policy, change.workspace, change.endpoint, "promote");
  const users = [...new Set([requestedBy, ...(rule?.approvers.users ?? [])])];
  const name = change.approval?.requester.name ?? change.requestedByName;
  return {
    id: change.id,
    workspace: change.workspace,
    endpoint: change.endpoint,
    ...(payload.location ? { location: payload.location } : {}),
    candidate: payload.candidate,
    plan: payload.plan,
    baseline: payload.before,
    expected: payload.before,
    state: "running",
    step: -1,
    extendedInMs: 0,
    transition: 0,
    epoch: 0,
    nextAt: now,
    requestedBy,
    ...(name ? { requestedByName: name } : {}),
    notify: { users, groups: rule?.approvers.groups ?? [] },
    channel: change.approval?.channels[0] ?? ctx.invocation.channel,
    ...(payload.reason ? { reason: payload.reason } : {}),
    retire: payload.retire,
    history: [{ at: now, text: `started by ${ctx.invocation.actor.displayName ?? ctx.invocation.actor.userId} (${payload.planSource})` }],
    createdAt: now,
    updatedAt: now,
  };
}
