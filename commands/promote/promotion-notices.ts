/**
 * What a promotion says besides its card: the card itself (one per promotion, updated in place), a new message
 * that mentions the requester and approvers when it stops on its own (a gate failed, it paused, it could not go
 * on: an update does not notify anyone), with the candidate's chart, and an audit line per transition.
 */
import type { CoreDeps } from "../core-deps.js";
import { chartSection } from "../digest/metrics-chart.js";
import type { Promotion } from "../ports/promotions.port.js";
import type { Reply, Section } from "../reply.js";
import { promotionCard, promotionCardKey } from "./promotion-card.js";
import { readCandidate, windowSince } from "./promotion-gates.js";

export async function postPromotionCard(deps: CoreDeps, promotion: Promotion, abortSignal?: AbortSignal): Promise<void> {
  const card = promotionCard(promotion, deps.promotionTimeScale);
  const posted = await deps.notifier.post(promotion.channel, card, { updateKey: promotionCardKey(promotion.id), ...(abortSignal ? { abortSignal } : {}) });
  if (posted.kind === "unreachable") deps.logger.warn("promotion card not posted", { promotionId: promotion.id, reason: posted.message });
}

/** A new message for the people concerned, when the promotion stopped without anyone pressing a button. */
export async function announceStop(deps: CoreDeps, promotion: Promotion, abortSignal?: AbortSignal): Promise<void> {
  const what = { reverted: "was reverted", failed: "stopped", paused: "paused" }[promotion.state as "reverted" | "failed" | "paused"] ?? promotion.state;
  const sections: Section[] = [{ kind: "text", text: promotion.note ?? "" }];
  const gates = (promotion.lastGates ?? []).filter((g) => g.verdict !== "pass");
  if (gates.length > 0) sections.push({ kind: "text", text: gates.map((g) => `• ${g.gate.text}: ${g.note ?? ""}`).join("\n") });
  const workspace = deps.workspaces.find((w) => w.alias === promotion.workspace);
  if (workspace && promotion.state === "reverted") {
    // The whole promotion so far, candidate against baseline: what the gate saw, in context. On whole minutes, as
    // the gates read them: a promotion sped up by the time scale may have begun within the current minute.
    const window = windowSince(promotion.createdAt, deps.clock.now());
    try {
      const read = await readCandidate(deps, workspace, promotion, window, abortSignal);
      if (read.chart) sections.push(await chartSection(deps.charts, deps.logger, read.chart, `${promotion.candidate} against the baseline during the promotion`, abortSignal ? { abortSignal } : {}));
    } catch (error) {
      deps.logger.warn("promotion chart not read", { promotionId: promotion.id, error });
    }
  }
  const title = `Promotion of ${promotion.candidate} on ${promotion.endpoint} ${what}`;
  const reply: Reply = {
    title,
    tone: promotion.state === "paused" ? "warning" : "error",
    sections,
    notify: promotion.notify,
    context: [`\`aml promotion status ${promotion.id}\``],
    visibility: "channel",
    mode: "new",
    summary: title,
  };
  // Keyed by the transition that stopped it: a redelivery of that transition (its worker died after the row was
  // written) updates this message instead of posting it twice.
  const updateKey = `promote-stop:${promotion.id}:${promotion.transition}`;
  const posted = await deps.notifier.post(promotion.channel, reply, { updateKey, ...(abortSignal ? { abortSignal } : {}) });
  if (posted.kind === "unreachable") deps.logger.warn("promotion notice not posted", { promotionId: promotion.id, reason: posted.message });
}

export async function recordPromotion(deps: CoreDeps, promotion: Promotion, text: string): Promise<void> {
  await deps.audit
    .append({
      at: deps.clock.now(),
      correlationId: `promote-${promotion.id}`,
      platform: promotion.channel.platform,
      userId: "aml-chatops",
      channelId: promotion.channel.id,
      verb: "promote",
      text,
      workspace: promotion.workspace,
      endpoint: promotion.endpoint,
      after: promotion.state,
      outcome: ["failed"].includes(promotion.state) ? "failed" : "ok",
      detail: `${promotion.candidate}, step ${promotion.step + 1} of ${promotion.plan.steps.length}`,
    })
    .catch((error: unknown) => deps.logger.error("audit append failed", { promotionId: promotion.id, error }));
}
