/**
 * One transition of a running promotion, run from a queued follow-up: no worker sleeps through a step's hold. Each
 * transition reads the promotion, decides (the first step, a gate verdict at the end of a hold, an out-of-band
 * change), writes its intent, sends at most one ETag-guarded traffic write, records the transition as done and
 * queues the next one with the hold as its delay.
 *
 * Exactly once: a message names the transition it performs (`transition`) and the epoch it belongs to. The row says
 * which transition completed last, so a duplicate or a redelivery of a completed one does nothing (except queueing
 * its successor again, in case the worker died between the two: the follow-up's id makes that idempotent), and one
 * of an older epoch (before a Pause, Resume or Promote now) is ignored. A worker that dies after writing its intent
 * leaves it for the redelivery, which finishes that intent instead of deciding again; the traffic write reads the
 * endpoint first and sends nothing when the split is already in place.
 */
import type { CoreDeps } from "../core-deps.js";
import { ThrottledError } from "../errors.js";
import type { FollowUp } from "../ports/follow-ups.port.js";
import type { Promotion, PromotionIntent, PromotionState, TrafficSplit } from "../ports/promotions.port.js";
import type { Endpoint, WorkspaceRef } from "../domain/endpoint.js";
import { readGates } from "./promotion-gates.js";
import { announceStop, postPromotionCard, recordPromotion } from "./promotion-notices.js";
import { retireOld } from "./promotion-retire.js";
import { describeTrafficSplit, sameTraffic, splitOf, stepSplit } from "./promotion-split.js";

export const PROMOTION_STEP = "promotion-step";

export interface PromotionStepPayload extends Record<string, unknown> {
  readonly promotionId: string;
  readonly epoch: number;
  /** The transition this message performs: the promotion's last completed one + 1. */
  readonly transition: number;
}

/** The most history a promotion keeps (a row stays small; the audit log has everything). */
const HISTORY_LIMIT = 40;

/** Queues the promotion's next transition, `delayInMs` from now (real time). */
export async function scheduleNext(deps: CoreDeps, promotion: Promotion, delayInMs: number, abortSignal?: AbortSignal): Promise<void> {
  const transition = promotion.transition + 1;
  const payload: PromotionStepPayload = { promotionId: promotion.id, epoch: promotion.epoch, transition };
  const followUp: FollowUp = { id: `${promotion.id}:e${promotion.epoch}:t${transition}`, kind: PROMOTION_STEP, payload };
  await deps.followUps.schedule(followUp, { delayInMs: Math.max(0, Math.round(delayInMs)), ...(abortSignal ? { abortSignal } : {}) });
}

/** Plan time to real time: the runtime may run promotions faster (locally, a one-hour plan in about a minute). */
export function realDelay(deps: CoreDeps, planInMs: number): number {
  return planInMs / Math.max(1, deps.promotionTimeScale);
}

/** Adds an event to the history, keeping the newest. */
export function withEvent(promotion: Promotion, at: Date, text: string): Promotion["history"] {
  return [...promotion.history, { at, text }].slice(-HISTORY_LIMIT);
}

export async function runPromotionStep(deps: CoreDeps, payload: PromotionStepPayload, abortSignal?: AbortSignal): Promise<void> {
  const options = abortSignal ? { abortSignal } : {};
  const promotion = await deps.promotions.get(payload.promotionId, options);
  if (!promotion) {
    deps.logger.warn("promotion step for an unknown promotion; dropped", { promotionId: payload.promotionId });
    return;
  }
  if (promotion.epoch !== payload.epoch) return; // paused, resumed or hurried since
  if (promotion.transition >= payload.transition) {
    // Done already, and delivered again: the worker that ran it died (or failed) after the row was written, maybe
    // before it queued the successor or updated the card. Both again: the follow-up's id makes queueing idempotent,
    // and the card is updated in place (the last transition's card is the only place a finished promotion says so).
    if (promotion.transition === payload.transition) {
      if (promotion.state === "running" && promotion.nextAt) await scheduleNext(deps, promotion, promotion.nextAt.getTime() - deps.clock.now().getTime(), abortSignal);
      await postPromotionCard(deps, promotion, abortSignal);
      // A revert or failure this transition decided: its notice is keyed by the transition, so this updates it in place.
      if (promotion.state === "reverted" || promotion.state === "failed") await announceStop(deps, promotion, abortSignal);
    }
    return;
  }
  if (!["running", "reverting"].includes(promotion.state)) return; // over
  if (payload.transition !== promotion.transition + 1) {
    deps.logger.warn("promotion step out of order; dropped", { promotionId: promotion.id, transition: payload.transition, completed: promotion.transition });
    return;
  }
  const workspace = deps.workspaces.find((w) => w.alias === promotion.workspace);
  if (!workspace) {
    deps.logger.warn("promotion in a workspace no longer configured; stopped", { promotionId: promotion.id, workspace: promotion.workspace });
    return;
  }
  // A redelivery finishes the intent its first delivery wrote; otherwise decide now (reading the endpoint once).
  const decided: { promotion: Promotion; endpoint?: Endpoint } | undefined = promotion.intent?.transition === payload.transition ? { promotion } : await decide(deps, workspace, promotion, payload.transition, abortSignal);
  if (!decided?.promotion.intent) return;
  await carryOut(deps, workspace, decided.promotion, decided.promotion.intent, abortSignal, decided.endpoint);
}

/**
 * Decides what transition `n` does and writes it as the intent; a decision that sends nothing (wait longer, pause,
 * the endpoint gone) completes the transition at once and returns undefined.
 */
async function decide(deps: CoreDeps, workspace: WorkspaceRef, promotion: Promotion, n: number, abortSignal?: AbortSignal): Promise<{ promotion: Promotion; endpoint: Endpoint } | undefined> {
  const now = deps.clock.now();
  const endpoint = await deps.endpoints.getEndpoint(workspace, promotion.endpoint, { abortSignal });
  if (!endpoint) return complete(deps, promotion, n, { state: "failed", note: `${promotion.endpoint} no longer exists.`, announce: true }, abortSignal);
  const seen = splitOf(endpoint);
  if (!sameTraffic(seen, promotion.expected)) return pauseForOutOfBand(deps, promotion, n, seen, abortSignal);

  const { steps } = promotion.plan;
  let intent: PromotionIntent;
  let gates: Promotion["lastGates"];
  if (promotion.step < 0) {
    intent = stepIntent(promotion, n, 0, "start");
  } else {
    // The queue's delay was the hold: this message is the end of it (Promote now does not come through here).
    const step = steps[promotion.step]!;
    const read = await readGates(deps, workspace, promotion, abortSignal, endpoint.location);
    gates = read.results;
    if (read.verdict === "fail") {
      const failed = read.results.filter((r) => r.verdict === "fail").map((r) => r.gate.text).join(", ");
      intent = { transition: n, action: "revert", step: promotion.step, target: promotion.baseline, reason: `gate failed: ${failed}`, then: "reverted" };
    } else if (read.verdict === "inconclusive") {
      const allowed = step.holdInMs * promotion.plan.maxExtensions;
      if (promotion.extendedInMs >= allowed) {
        const note = `Too little traffic for a verdict after ${Math.round((step.holdInMs + promotion.extendedInMs) / 60_000)} min of step ${promotion.step + 1}: ${read.results.find((r) => r.verdict === "inconclusive")?.note ?? "no data"}. Resume to wait again, Promote now to go on, or Abort.`;
        return complete(deps, promotion, n, { state: "paused", note, lastGates: gates, announce: true }, abortSignal);
      }
      const more = Math.min(step.holdInMs, allowed - promotion.extendedInMs);
      const nextAt = new Date(now.getTime() + realDelay(deps, more));
      return complete(deps, promotion, n, { state: "running", extendedInMs: promotion.extendedInMs + more, nextAt, lastGates: gates, event: `step ${promotion.step + 1} inconclusive (${read.results.find((r) => r.verdict === "inconclusive")?.note ?? "no data"}); waiting ${Math.round(more / 60_000)} min more` }, abortSignal, nextAt.getTime() - now.getTime());
    } else {
      intent = stepIntent(promotion, n, promotion.step + 1, "gates passed");
    }
  }
  const state: PromotionState = intent.action === "revert" ? "reverting" : "running";
  const written = await deps.promotions.update(
    promotion.id,
    (current) => (current.transition === promotion.transition && current.epoch === promotion.epoch && current.state === promotion.state && current.intent?.transition !== n ? { intent, state, ...(gates ? { lastGates: gates } : {}), updatedAt: now } : undefined),
    { abortSignal },
  );
  if (!written) {
    deps.logger.info("promotion moved while a step was decided; the step stands down", { promotionId: promotion.id, transition: n });
    return undefined;
  }
  return { promotion: written, endpoint };
}

function stepIntent(promotion: Promotion, n: number, step: number, reason: string): PromotionIntent {
  const last = step === promotion.plan.steps.length - 1;
  return { transition: n, action: "step", step, target: stepSplit(promotion.baseline, promotion.candidate, promotion.plan.steps[step]!), reason, then: last ? "succeeded" : "running" };
}

/** Sends the intent's traffic (or retires), then completes the transition and queues the next one. */
async function carryOut(deps: CoreDeps, workspace: WorkspaceRef, promotion: Promotion, intent: PromotionIntent, abortSignal?: AbortSignal, read?: Endpoint): Promise<void> {
  const n = intent.transition;
  if (intent.action === "retire") {
    const note = await retireOld(deps, workspace, promotion, abortSignal);
    await complete(deps, promotion, n, { state: "succeeded", note, event: note }, abortSignal);
    return;
  }
  const target = intent.target!;
  // An Abort is a person's decision, taken with the card (and any out-of-band change it reports) in front of them:
  // it restores the baseline over whatever is there. A revert the machine decides never overwrites someone else.
  const sent = await sendSplit(deps, workspace, promotion, target, { ...(abortSignal ? { abortSignal } : {}), overwrite: intent.then === "aborted", ...(read ? { read } : {}) });
  if (sent.kind === "other") {
    if (intent.action === "revert") {
      const note = `Could not revert: ${promotion.endpoint} was changed outside the promotion (now ${describeTrafficSplit(sent.seen)}; before the promotion ${describeTrafficSplit(promotion.baseline)}). Nothing was overwritten: check it with \`aml show ${promotion.endpoint}\`.`;
      await complete(deps, promotion, n, { state: "failed", note, announce: true }, abortSignal);
      return;
    }
    await pauseForOutOfBand(deps, promotion, n, sent.seen, abortSignal);
    return;
  }
  if (sent.kind === "refused") {
    await complete(deps, promotion, n, { state: intent.action === "revert" ? "failed" : "paused", note: `Azure ML refused ${describeTrafficSplit(target)}: ${sent.message}`, announce: true }, abortSignal);
    return;
  }
  const now = deps.clock.now();
  const then = intent.then ?? "running";
  const step = promotion.plan.steps[intent.step];
  const holdInMs = then === "running" && step ? realDelay(deps, step.holdInMs) : undefined;
  const retireInMs = then === "succeeded" && promotion.retire && promotion.plan.retire ? realDelay(deps, promotion.plan.retire.soakInMs) : undefined;
  const delay = holdInMs ?? retireInMs;
  const event = intent.action === "revert" ? `reverted to ${describeTrafficSplit(target)} (${intent.reason})` : `step ${intent.step + 1}: ${describeTrafficSplit(target)}`;
  await complete(
    deps,
    promotion,
    n,
    {
      state: retireInMs !== undefined ? "running" : then,
      expected: target,
      ...(intent.action === "step" ? { step: intent.step, stepStartedAt: now, extendedInMs: 0 } : {}),
      ...(delay !== undefined ? { nextAt: new Date(now.getTime() + delay) } : {}),
      ...(intent.action === "revert" ? { note: intent.reason ?? "reverted" } : {}),
      ...(retireInMs !== undefined ? { retiring: true } : {}),
      ...(then === "reverted" ? { announce: true } : {}),
      event,
    },
    abortSignal,
    delay,
  );
}

interface SendOptions {
  readonly abortSignal?: AbortSignal;
  /** Put the target over whatever the endpoint holds (an Abort), not only over what the promotion left. */
  readonly overwrite?: boolean;
  /** The endpoint as just read, to save a second read. */
  readonly read?: Endpoint;
}

type Sent = { kind: "ok" } | { kind: "other"; seen: TrafficSplit } | { kind: "refused"; message: string };

/**
 * Puts `target` on the endpoint: nothing when it is already there (a redelivery after the write), a write
 * conditional on the ETag just read when the endpoint is as the promotion left it, never one over someone else's change.
 */
async function sendSplit(deps: CoreDeps, workspace: WorkspaceRef, promotion: Promotion, target: TrafficSplit, options: SendOptions): Promise<Sent> {
  const { abortSignal, overwrite = false } = options;
  // The endpoint as `decide` just read it (its ETag guards the write), or read now when finishing an earlier intent.
  const endpoint = options.read ?? (await deps.endpoints.getEndpoint(workspace, promotion.endpoint, { abortSignal, waitWhileBusyInMs: 60_000 }));
  if (!endpoint) return { kind: "refused", message: `${promotion.endpoint} no longer exists` };
  const seen = splitOf(endpoint);
  if (sameTraffic(seen, target)) return { kind: "ok" };
  if (!overwrite && !sameTraffic(seen, promotion.expected)) return { kind: "other", seen };
  const outcome = await deps.endpoints.updateTraffic(workspace, promotion.endpoint, { traffic: target.traffic, mirrorTraffic: target.mirror }, { ...(endpoint.etag ? { ifMatch: endpoint.etag } : {}), ...(abortSignal ? { abortSignal } : {}) });
  switch (outcome.kind) {
    case "ok":
      return { kind: "ok" };
    case "throttled":
      throw new ThrottledError(outcome.message, { retryAfterInMs: outcome.retryAfterInMs });
    case "conflict":
      // Changed between the read and the write: the redelivery reads it again and says what changed.
      throw new Error(`promotion ${promotion.id}: the endpoint changed while a step was sent (${outcome.message})`);
    default:
      return { kind: "refused", message: outcome.message };
  }
}

async function pauseForOutOfBand(deps: CoreDeps, promotion: Promotion, n: number, seen: TrafficSplit, abortSignal?: AbortSignal): Promise<undefined> {
  const note = `${promotion.endpoint} was changed outside the promotion: it holds ${describeTrafficSplit(seen)}, the promotion left ${describeTrafficSplit(promotion.expected)}. Resume to go on from here (the next step starts from the split before the promotion), or Abort to put that split back.`;
  return complete(deps, promotion, n, { state: "paused", note, event: "paused: changed outside the promotion", announce: true }, abortSignal);
}

interface Completion extends Partial<Pick<Promotion, "state" | "expected" | "step" | "stepStartedAt" | "extendedInMs" | "nextAt" | "lastGates" | "note">> {
  /** A history line (and audit line); by default the note. */
  readonly event?: string;
  /** Succeeded, but the old deployments are still to be retired after the soak. */
  readonly retiring?: boolean;
  /** It stopped on its own: a new message tells the requester and the approvers (an updated card notifies no one). */
  readonly announce?: boolean;
}

/**
 * Records transition `n` as done (conditionally on nobody having moved the promotion since), queues the next one
 * when `delayInMs` is given and it keeps running, and updates the card. Returns undefined, for `decide`.
 */
async function complete(deps: CoreDeps, promotion: Promotion, n: number, fields: Completion, abortSignal?: AbortSignal, delayInMs?: number): Promise<undefined> {
  const now = deps.clock.now();
  const { event, retiring, announce, ...rest } = fields;
  const text = event ?? fields.note;
  const written = await deps.promotions.update(
    promotion.id,
    (current) => {
      if (current.transition !== n - 1 || current.epoch !== promotion.epoch) return undefined;
      return {
        ...rest,
        transition: n,
        intent: retiring ? { transition: n + 1, action: "retire", step: current.step, then: "succeeded" } : undefined,
        ...(rest.state !== "running" && rest.nextAt === undefined ? { nextAt: undefined } : {}),
        ...(text ? { history: withEvent(current, now, text) } : {}),
        updatedAt: now,
      };
    },
    { abortSignal },
  );
  if (!written) {
    deps.logger.info("promotion moved while a step completed; the step stands down", { promotionId: promotion.id, transition: n });
    return undefined;
  }
  if (written.state === "running" && delayInMs !== undefined) await scheduleNext(deps, written, delayInMs, abortSignal);
  await postPromotionCard(deps, written, abortSignal);
  if (announce) await announceStop(deps, written, abortSignal);
  if (text) await recordPromotion(deps, written, text);
  return undefined;
}
