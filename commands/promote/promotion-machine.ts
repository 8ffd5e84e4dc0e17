/**
 * One transition of a running promotion, run from a queued follow-up: no worker sleeps through a step's hold, nor
 * through Azure ML's work on a write. Each transition reads the promotion, decides (the first step, a gate verdict
 * at the end of a hold) without calling ARM, writes its intent, then starts at most one traffic write: one read of the
 * endpoint judges it (an out-of-band change, a previous write Azure ML is still applying or did not apply) and a PUT
 * conditional on that read's ETag, which returns once Azure ML accepted it. It records the transition as done and
 * queues the next one with the hold as its delay; the next one's read sees whether the write landed. The last step
 * and a revert end the promotion, so one more transition confirms them with a single read before it ends.
 *
 * Exactly once: a message names the transition it performs (`transition`) and the epoch it belongs to. The row says
 * which transition completed last, so a duplicate or a redelivery of a completed one does nothing (except queueing
 * its successor again, in case the worker died between the two: the follow-up's id makes that idempotent), and one
 * of an older epoch (before a Pause, Resume or Promote now) is ignored. A worker that dies after writing its intent
 * leaves it for the redelivery, which finishes that intent instead of deciding again; the traffic write reads the
 * endpoint first and sends nothing when the split is already in place. A transition that finds Azure ML still busy
 * hands the same intent to the next transition, a little later.
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
  await deps.followUps.schedule(nextStep(promotion), { delayInMs: Math.max(0, Math.round(delayInMs)), ...(abortSignal ? { abortSignal } : {}) });
}

/** Runs the promotion's next transition now, in this worker (see `FollowUps.start`). */
export async function startNext(deps: CoreDeps, promotion: Promotion, abortSignal?: AbortSignal): Promise<void> {
  await deps.followUps.start(nextStep(promotion), abortSignal ? { abortSignal } : {});
}

function nextStep(promotion: Promotion): FollowUp {
  const transition = promotion.transition + 1;
  const payload: PromotionStepPayload = { promotionId: promotion.id, epoch: promotion.epoch, transition };
  return { id: `${promotion.id}:e${promotion.epoch}:t${transition}`, kind: PROMOTION_STEP, payload };
}

/** Plan time to real time: the runtime may run promotions faster (locally, a one-hour plan in about a minute). */
export function realDelay(deps: CoreDeps, planInMs: number): number {
  return planInMs / Math.max(1, deps.promotionTimeScale);
}

/** Running, or reverting with its confirmation queued: a transition follows. */
function isMoving(promotion: Promotion): boolean {
  return promotion.state === "running" || promotion.state === "reverting";
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
      if (isMoving(promotion) && promotion.nextAt) await scheduleNext(deps, promotion, promotion.nextAt.getTime() - deps.clock.now().getTime(), abortSignal);
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
  // A redelivery (or a wait for Azure ML) finishes the intent already written; otherwise decide now, without ARM.
  const decided = promotion.intent?.transition === payload.transition ? promotion : await decide(deps, workspace, promotion, payload.transition, abortSignal);
  if (!decided?.intent) return;
  await carryOut(deps, workspace, decided, decided.intent, abortSignal);
}

/**
 * Decides what transition `n` does and writes it as the intent; a decision that sends nothing (wait longer, pause)
 * completes the transition at once, without calling ARM, and returns undefined. The endpoint is not read here: the
 * traffic write's one read judges it (`judge`), and the gates take the endpoint's region from the promotion.
 */
async function decide(deps: CoreDeps, workspace: WorkspaceRef, promotion: Promotion, n: number, abortSignal?: AbortSignal): Promise<Promotion | undefined> {
  const now = deps.clock.now();
  const { steps } = promotion.plan;
  let intent: PromotionIntent;
  let gates: Promotion["lastGates"];
  let location = promotion.location;
  if (promotion.step < 0) {
    intent = stepIntent(promotion, n, 0, "start");
  } else {
    // The queue's delay was the hold: this message is the end of it (Promote now does not come through here).
    const step = steps[promotion.step]!;
    // A promotion stored before it kept the region reads it once (and keeps it with the intent).
    if (location === undefined) location = (await deps.endpoints.getEndpoint(workspace, promotion.endpoint, { abortSignal }))?.location;
    const read = await readGates(deps, workspace, promotion, abortSignal, location);
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
    (current) => (current.transition === promotion.transition && current.epoch === promotion.epoch && current.state === promotion.state && current.intent?.transition !== n ? { intent, state, ...(gates ? { lastGates: gates } : {}), ...(location !== undefined ? { location } : {}), updatedAt: now } : undefined),
    { abortSignal },
  );
  if (!written) deps.logger.info("promotion moved while a step was decided; the step stands down", { promotionId: promotion.id, transition: n });
  return written;
}

function stepIntent(promotion: Promotion, n: number, step: number, reason: string): PromotionIntent {
  const last = step === promotion.plan.steps.length - 1;
  return { transition: n, action: "step", step, target: stepSplit(promotion.baseline, promotion.candidate, promotion.plan.steps[step]!), reason, then: last ? "succeeded" : "running" };
}

/** Sends the intent's traffic (or retires, or confirms a final write), then completes the transition and queues the next one. */
async function carryOut(deps: CoreDeps, workspace: WorkspaceRef, promotion: Promotion, intent: PromotionIntent, abortSignal?: AbortSignal): Promise<void> {
  const n = intent.transition;
  if (intent.action === "retire") {
    const note = await retireOld(deps, workspace, promotion, abortSignal);
    await complete(deps, promotion, n, { state: "succeeded", note, event: note }, abortSignal);
    return;
  }
  if (intent.action === "confirm") return confirm(deps, workspace, promotion, intent, abortSignal);
  const target = intent.target!;
  // An Abort is a person's decision, taken with the card (and any out-of-band change it reports) in front of them:
  // it restores the baseline over whatever is there. A revert the machine decides never overwrites someone else.
  const overwrite = intent.then === "aborted";
  let seen: Judged = "ready";
  const outcome = await deps.endpoints.beginTrafficUpdate(
    workspace,
    promotion.endpoint,
    { traffic: target.traffic, mirrorTraffic: target.mirror },
    {
      ...(abortSignal ? { abortSignal } : {}),
      check: (current) => {
        seen = judge(current, promotion, target, previousSplit(promotion), overwrite);
        // A revert may go over what a failed write of the promotion's own left: it is not someone else's change.
        if (seen === "not-applied" && intent.action === "revert") seen = "ready";
        return seen === "ready" ? undefined : seen;
      },
    },
  );
  switch (outcome.kind) {
    case "ok":
      break;
    case "not-found":
      await complete(deps, promotion, n, { state: "failed", note: `${promotion.endpoint} no longer exists.`, announce: true }, abortSignal);
      return;
    case "throttled":
      throw new ThrottledError(outcome.message, { retryAfterInMs: outcome.retryAfterInMs });
    case "conflict":
      // Changed between the read and the write: the redelivery reads it again and says what changed.
      throw new Error(`promotion ${promotion.id}: the endpoint changed while a step was sent (${outcome.message})`);
    default:
      await complete(deps, promotion, n, { state: intent.action === "revert" ? "failed" : "paused", note: `Azure ML refused ${describeTrafficSplit(target)}: ${outcome.message}`, announce: true }, abortSignal);
      return;
  }
  const found = splitOf(outcome.value.endpoint);
  if (outcome.value.sent) {
    if (intent.then === "running") return stepped(deps, promotion, intent, abortSignal);
    // The last step or a revert ends the promotion, and no later step would see a write Azure ML then failed: one
    // more transition reads the endpoint once, after Azure ML has had time to apply it, before calling it done.
    const event = intent.action === "revert" ? `reverted to ${describeTrafficSplit(target)} (${intent.reason})` : `step ${intent.step + 1}: ${describeTrafficSplit(target)}`;
    const started = intent.action === "step" ? { step: intent.step, stepStartedAt: deps.clock.now(), extendedInMs: 0 } : {};
    const next = { action: "confirm" as const, step: intent.step, target, ...(intent.reason ? { reason: intent.reason } : {}), ...(intent.then ? { then: intent.then } : {}) };
    await complete(deps, promotion, n, { state: promotion.state, ...started, nextAt: new Date(deps.clock.now().getTime() + CONFIRM_AFTER_IN_MS), next, event }, abortSignal, CONFIRM_AFTER_IN_MS);
    return;
  }
  await judged(deps, promotion, intent, seen, found, abortSignal);
}

/** What a transition does with what the endpoint holds, when it sent nothing (or, confirming, never sends). */
async function judged(deps: CoreDeps, promotion: Promotion, intent: PromotionIntent, seen: Judged, found: TrafficSplit, abortSignal?: AbortSignal): Promise<void> {
  const n = intent.transition;
  switch (seen) {
    case "in-place":
      // Azure ML holds the target and is done: a redelivery after the write, or a final write confirmed.
      return intent.then === "running" ? stepped(deps, promotion, intent, abortSignal) : finished(deps, promotion, intent, abortSignal);
    case "busy": {
      // Azure ML is still applying a write (ours before, most likely): the same intent, a little later.
      const nextAt = new Date(deps.clock.now().getTime() + BUSY_RECHECK_IN_MS);
      await complete(deps, promotion, n, { state: promotion.state, nextAt, next: withoutTransition(intent), quiet: true }, abortSignal, BUSY_RECHECK_IN_MS);
      return;
    }
    case "not-applied": {
      const k = (intent.action === "confirm" ? intent.step : promotion.step) + 1;
      const revert = intent.action === "confirm" && intent.then !== "succeeded";
      const what = revert ? "the revert" : `step ${k}`;
      const next = revert ? "Abort to send the split from before the promotion again, or Resume to go on from here" : "Resume to send the step again, or Abort to put the split from before the promotion back";
      const note = `Azure ML did not apply ${what}: ${promotion.endpoint} still holds ${describeTrafficSplit(found)}, the split before it (\`aml show ${promotion.endpoint}\` says why). ${next}.`;
      // The step in force is the one before: Resume sends the one Azure ML did not apply again.
      const back = intent.action === "confirm" ? (intent.then === "succeeded" ? intent.step - 1 : promotion.step) : promotion.step - 1;
      await complete(deps, promotion, n, { state: "paused", note, expected: found, step: back, event: `paused: Azure ML did not apply ${what}`, announce: true }, abortSignal);
      return;
    }
    default:
      await pauseForOutOfBand(deps, promotion, n, found, abortSignal);
  }
}

/** A step before the last one is sent (or found in place): the hold starts, and the next transition checks it landed. */
async function stepped(deps: CoreDeps, promotion: Promotion, intent: PromotionIntent, abortSignal?: AbortSignal): Promise<void> {
  const now = deps.clock.now();
  const target = intent.target!;
  const step = promotion.plan.steps[intent.step]!;
  const delay = realDelay(deps, step.holdInMs);
  const fields = { state: "running" as const, expected: target, step: intent.step, stepStartedAt: now, extendedInMs: 0, nextAt: new Date(now.getTime() + delay), event: `step ${intent.step + 1}: ${describeTrafficSplit(target)}` };
  await complete(deps, promotion, intent.transition, fields, abortSignal, delay);
}

/** The last step or a revert, applied by Azure ML: the promotion ends (or soaks before retiring the old deployments). */
async function finished(deps: CoreDeps, promotion: Promotion, intent: PromotionIntent, abortSignal?: AbortSignal): Promise<void> {
  const now = deps.clock.now();
  const target = intent.target!;
  const then = intent.then ?? "succeeded";
  const retireInMs = then === "succeeded" && promotion.retire && promotion.plan.retire ? realDelay(deps, promotion.plan.retire.soakInMs) : undefined;
  const revert = then === "reverted" || then === "aborted";
  // A confirmation wrote the step's history line when it sent; a write found in place writes it now.
  const event = intent.action === "confirm" ? undefined : revert ? `reverted to ${describeTrafficSplit(target)} (${intent.reason})` : `step ${intent.step + 1}: ${describeTrafficSplit(target)}`;
  await complete(
    deps,
    promotion,
    intent.transition,
    {
      state: retireInMs !== undefined ? "running" : then,
      expected: target,
      ...(intent.action === "step" ? { step: intent.step, stepStartedAt: now, extendedInMs: 0 } : {}),
      ...(retireInMs !== undefined ? { nextAt: new Date(now.getTime() + retireInMs), next: { action: "retire", step: intent.step, then: "succeeded" } } : {}),
      ...(revert ? { note: intent.reason ?? "reverted", announce: true } : {}),
      ...(event ? { event } : {}),
    },
    abortSignal,
    retireInMs,
  );
}

/** A final write's confirming transition: one read of the endpoint, nothing sent. */
async function confirm(deps: CoreDeps, workspace: WorkspaceRef, promotion: Promotion, intent: PromotionIntent, abortSignal?: AbortSignal): Promise<void> {
  const endpoint = await deps.endpoints.getEndpoint(workspace, promotion.endpoint, { abortSignal });
  if (!endpoint) {
    await complete(deps, promotion, intent.transition, { state: "failed", note: `${promotion.endpoint} no longer exists.`, announce: true }, abortSignal);
    return;
  }
  // `expected` is still the split before the write: finding it means Azure ML did not apply the write.
  const seen = judge(endpoint, promotion, intent.target!, promotion.expected, false);
  await judged(deps, promotion, intent, seen === "ready" ? "not-applied" : seen, splitOf(endpoint), abortSignal);
}

/** How long after a final write's acceptance its confirming read comes (real time: Azure ML's own pace). */
export const CONFIRM_AFTER_IN_MS = 1_000;
/** How long a transition waits, when Azure ML is still applying a write, before it looks again. */
const BUSY_RECHECK_IN_MS = 2_000;

/**
 * What the endpoint as read means for a write of `target`:
 *   - `busy`: Azure ML is still applying a write (the promotion's previous one, most likely): look again later;
 *   - `in-place`: it holds the target (a redelivery after the write);
 *   - `ready`: it holds what the promotion left (or anything, for an Abort): send;
 *   - `not-applied`: it holds the split before the promotion's last write, which Azure ML accepted and then failed;
 *   - `other`: someone else changed it.
 * `before`: the split a failed write of the promotion's own would leave (none before its first write).
 */
type Judged = "busy" | "in-place" | "ready" | "not-applied" | "other";

function judge(endpoint: Endpoint, promotion: Promotion, target: TrafficSplit, before: TrafficSplit | undefined, overwrite: boolean): Judged {
  if (BUSY.test(endpoint.provisioningState)) return "busy";
  const seen = splitOf(endpoint);
  if (sameTraffic(seen, target)) return "in-place";
  if (overwrite || sameTraffic(seen, promotion.expected)) return "ready";
  return before !== undefined && sameTraffic(seen, before) ? "not-applied" : "other";
}

const BUSY = /^(creating|updating|deleting)$/i;

/** The split before the step in force was sent (the baseline before the first): what a failed write of it leaves. */
function previousSplit(promotion: Promotion): TrafficSplit | undefined {
  if (promotion.step < 0) return undefined;
  const previous = promotion.step === 0 ? promotion.baseline : stepSplit(promotion.baseline, promotion.candidate, promotion.plan.steps[promotion.step - 1]!);
  return sameTraffic(previous, promotion.expected) ? undefined : previous;
}

async function pauseForOutOfBand(deps: CoreDeps, promotion: Promotion, n: number, seen: TrafficSplit, abortSignal?: AbortSignal): Promise<undefined> {
  const note = `${promotion.endpoint} was changed outside the promotion: it holds ${describeTrafficSplit(seen)}, the promotion left ${describeTrafficSplit(promotion.expected)}. Resume to go on from here (the next step starts from the split before the promotion), or Abort to put that split back.`;
  return complete(deps, promotion, n, { state: "paused", note, event: "paused: changed outside the promotion", announce: true }, abortSignal);
}

function withoutTransition(intent: PromotionIntent): Omit<PromotionIntent, "transition"> {
  const { transition, ...rest } = intent;
  void transition;
  return rest;
}

interface Completion extends Partial<Pick<Promotion, "state" | "expected" | "step" | "stepStartedAt" | "extendedInMs" | "nextAt" | "lastGates" | "note">> {
  /** A history line (and audit line); by default the note. */
  readonly event?: string;
  /**
   * The next transition's intent, written with this one's completion: the retirement after the soak, the
   * confirmation of a final write, or the same write again once Azure ML is no longer busy.
   */
  readonly next?: Omit<PromotionIntent, "transition">;
  /** Nothing a person needs to see happened (a wait for Azure ML): the card is left as it is. */
  readonly quiet?: boolean;
  /** It stopped on its own: a new message tells the requester and the approvers (an updated card notifies no one). */
  readonly announce?: boolean;
}

/**
 * Records transition `n` as done (conditionally on nobody having moved the promotion since), queues the next one
 * when `delayInMs` is given and it keeps running, and updates the card. Returns undefined, for `decide`.
 */
async function complete(deps: CoreDeps, promotion: Promotion, n: number, fields: Completion, abortSignal?: AbortSignal, delayInMs?: number): Promise<undefined> {
  const now = deps.clock.now();
  const { event, next, quiet, announce, ...rest } = fields;
  const text = event ?? fields.note;
  const written = await deps.promotions.update(
    promotion.id,
    (current) => {
      if (current.transition !== n - 1 || current.epoch !== promotion.epoch) return undefined;
      return {
        ...rest,
        transition: n,
        intent: next ? { ...next, transition: n + 1 } : undefined,
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
  if (isMoving(written) && delayInMs !== undefined) await scheduleNext(deps, written, delayInMs, abortSignal);
  if (!quiet) await postPromotionCard(deps, written, abortSignal);
  if (announce) await announceStop(deps, written, abortSignal);
  if (text) await recordPromotion(deps, written, text);
  return undefined;
}
