/**
 * Pause, Resume, Abort and Promote now, from a promotion's card or typed (`aml promotion pause <id>`). Each is one
 * conditional write on the promotion that also bumps its epoch, so the transition already queued becomes stale and
 * does nothing; Resume, Abort and Promote now queue a transition of the new epoch. The card is updated for everyone;
 * the person who pressed gets a private answer.
 */
import { approvalRuleFor, approverList } from "../approvals/approval-policy.js";
import { hasRole, isOneOf, qualifiedId } from "../policy.js";
import type { Promotion, PromotionUpdate } from "../ports/promotions.port.js";
import { channelReply, problemReply } from "../replies.js";
import type { VerbContext, VerbResult } from "../verb-context.js";
import { ABORT_VERB, PAUSE_VERB, PROMOTE_NOW_VERB, RESUME_VERB } from "./promotion-card.js";
import { realDelay, scheduleNext, withEvent } from "./promotion-machine.js";
import { postPromotionCard } from "./promotion-notices.js";
import { describeTrafficSplit, splitOf, stepSplit } from "./promotion-split.js";

const WORDS: Record<string, string> = { [PAUSE_VERB]: "paused", [RESUME_VERB]: "resumed", [ABORT_VERB]: "aborted", [PROMOTE_NOW_VERB]: "moved on to the next step" };

export async function controlPromotion(ctx: VerbContext, verb: string, id: string): Promise<VerbResult> {
  const { deps, invocation } = ctx;
  const options = { abortSignal: ctx.abortSignal };
  const promotion = await deps.promotions.get(id, options);
  if (!promotion) return refused("No such promotion", `There is no promotion \`${id}\`. \`aml promotions\` lists them.`, "not-found");
  const audit = { endpoint: promotion.endpoint };
  if (!hasRole(invocation.actor, "operator", deps.policy)) {
    return refused("Not allowed", "You need the *operator* role to pause, resume, abort or hurry a promotion.", "denied", audit);
  }
  if (verb === PROMOTE_NOW_VERB) {
    const refusal = mayHurry(ctx, promotion);
    if (refusal) return refused("Not allowed", refusal, "denied", audit);
  }
  const who = invocation.actor.displayName ?? invocation.actor.userId;
  const now = deps.clock.now();
  let update: PromotionUpdate;
  const workspace = deps.workspaces.find((w) => w.alias === promotion.workspace) ?? ctx.workspace;
  switch (verb) {
    case PAUSE_VERB:
      update = (p) => (p.state !== "running" || p.intent?.action === "confirm" ? undefined : { state: "paused", epoch: p.epoch + 1, note: `Paused by ${who}.`, nextAt: undefined, history: withEvent(p, now, `paused by ${who}`), updatedAt: now });
      break;
    case RESUME_VERB: {
      // What is on the endpoint now is accepted as the promotion's own (someone may have changed it while paused).
      const endpoint = await deps.endpoints.getEndpoint(workspace, promotion.endpoint, options);
      if (!endpoint) return refused("Cannot resume", `${promotion.endpoint} no longer exists.`, "not-found", audit);
      update = (p) => {
        if (p.state !== "paused") return undefined;
        if (p.step === p.plan.steps.length - 1) {
          // Paused at 100 % during the retire soak: the soak starts again (a pause there was to keep the old ones
          // longer); with nothing to retire, it is simply done.
          if (!(p.retire && p.plan.retire)) return { state: "succeeded", epoch: p.epoch + 1, nextAt: undefined, note: undefined, history: withEvent(p, now, `resumed by ${who}`), updatedAt: now };
          const soakInMs = p.plan.retire.soakInMs;
          const intent = { transition: p.transition + 1, action: "retire" as const, step: p.step, then: "succeeded" as const };
          return { state: "running", epoch: p.epoch + 1, expected: splitOf(endpoint), intent, nextAt: new Date(now.getTime() + realDelay(deps, soakInMs)), note: undefined, history: withEvent(p, now, `resumed by ${who}`), updatedAt: now };
        }
        const hold = p.plan.steps[p.step]?.holdInMs ?? 0;
        return { state: "running", epoch: p.epoch + 1, expected: splitOf(endpoint), stepStartedAt: now, extendedInMs: 0, nextAt: new Date(now.getTime() + realDelay(deps, hold)), note: undefined, intent: undefined, history: withEvent(p, now, `resumed by ${who}`), updatedAt: now };
      };
      break;
    }
    case ABORT_VERB:
      update = (p) => {
        if (p.state !== "running" && p.state !== "paused") return undefined;
        const intent = { transition: p.transition + 1, action: "revert" as const, step: p.step, target: p.baseline, reason: `aborted by ${who}`, then: "aborted" as const };
        return { state: "reverting", epoch: p.epoch + 1, intent, nextAt: now, note: `Aborted by ${who}: back to ${describeTrafficSplit(p.baseline)}.`, history: withEvent(p, now, `aborted by ${who}`), updatedAt: now };
      };
      break;
    case PROMOTE_NOW_VERB:
      update = (p) => {
        if ((p.state !== "running" && p.state !== "paused") || p.intent?.action === "retire" || p.intent?.action === "confirm") return undefined;
        const next = p.step + 1;
        const step = p.plan.steps[next];
        if (!step) return undefined;
        const target = stepSplit(p.baseline, p.candidate, step);
        const intent = { transition: p.transition + 1, action: "step" as const, step: next, target, reason: `promoted now by ${who}`, then: next === p.plan.steps.length - 1 ? ("succeeded" as const) : ("running" as const) };
        return { state: "running", epoch: p.epoch + 1, intent, nextAt: now, note: undefined, history: withEvent(p, now, `step ${next + 1} started now by ${who}, without waiting for the gates`), updatedAt: now };
      };
      break;
    default:
      return refused("Unknown action", `\`${verb}\` is not something a promotion does.`, "invalid", audit);
  }
  const written = await deps.promotions.update(id, update, options);
  if (!written) {
    const fresh = (await deps.promotions.get(id, options)) ?? promotion;
    return refused("Nothing to do", `The promotion is ${fresh.state}${fresh.intent?.action === "retire" ? " (retiring the old deployments)" : ""}: it cannot be ${WORDS[verb]} now.`, "conflict", audit);
  }
  if (written.state === "running" || written.state === "reverting") {
    const delay = written.intent && written.intent.action !== "retire" ? 0 : Math.max(0, (written.nextAt?.getTime() ?? now.getTime()) - now.getTime());
    await scheduleNext(deps, written, delay, ctx.abortSignal);
  }
  await postPromotionCard(deps, written, ctx.abortSignal);
  const reply = channelReply({
    title: `Promotion ${WORDS[verb]}`,
    tone: "info",
    sections: [{ kind: "text", text: `The promotion of ${written.candidate} on ${written.endpoint} is ${WORDS[verb]}; its card shows where it is.` }],
    visibility: "requester",
    mode: "new",
    summary: `Promotion of ${written.candidate} ${WORDS[verb]}`,
  });
  return { reply, audit: { ...audit, outcome: "ok", detail: `${written.id} ${WORDS[verb]}` } };
}

/**
 * Promote now skips a step's gates, so under an approval rule for `promote` it takes an approver who is not the
 * requester (four eyes, as the request had); without one, any operator.
 */
function mayHurry(ctx: VerbContext, promotion: Promotion): string | undefined {
  const rule = approvalRuleFor(ctx.deps.policy, promotion.workspace, promotion.endpoint, "promote");
  if (!rule) return undefined;
  const actor = ctx.invocation.actor;
  const self = qualifiedId(actor.platform, actor.userId).toLowerCase() === promotion.requestedBy.toLowerCase();
  if (self && !rule.requesterCanApprove) return "Promote now skips the gates of a promotion that needed approval: someone else among its approvers may press it, not the requester.";
  if (!isOneOf(actor, rule.approvers)) return `Promote now skips the gates of a promotion that needed approval: only its approvers may press it (${approverList({ approvers: { users: rule.approvers.users ?? [], groups: rule.approvers.groups ?? [] } })}).`;
  return undefined;
}

function refused(title: string, message: string, outcome: "not-found" | "denied" | "conflict" | "invalid", extra: { endpoint?: string } = {}): VerbResult {
  const reply = { ...problemReply(title, [message]), visibility: "requester" as const, mode: "new" as const };
  return { reply, audit: { ...extra, outcome, detail: message } };
}
