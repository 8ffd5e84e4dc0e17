import { ThrottledError } from "../errors.js";
import type { ChangeOutcome } from "../ports/endpoint-control.port.js";
import type { PendingChange, PendingState } from "../ports/pending-change.port.js";
import type { Button, Reply } from "../reply.js";
import type { VerbContext, VerbResult } from "../verb-context.js";
import type { ChangeKind, Observed } from "./change-kind.js";
import { REVERT_VERB } from "./change-verbs.js";
import { failedApplyResult, staleApplyResult, type NotSent } from "./outcome-reply.js";
import { progressReply } from "./progress-reply.js";

/** How long Azure ML may keep a resource busy before a resumed change judges it as it is. */
const SETTLE_WAIT_IN_MS = 120_000;

export interface DriveOptions {
  /** `pending`: a first Apply; `failed`: a retry; `applying`: a redelivered job resuming its own attempt. */
  readonly from: Extract<PendingState, "pending" | "failed" | "applying">;
  readonly mode: Reply["mode"];
}

/**
 * Takes an `applying` change to `applied`, `failed` or `stale`, and says so truthfully. It reads the resource
 * first and decides from what Azure ML holds, so a first click, a retry and a job redelivered after its worker
 * died all behave alike:
 *   - the change is already in place: applied (a resumed attempt whose write had landed), or nothing to do;
 *   - someone changed it since the preview: stale, saying what it is now, nothing sent;
 *   - as previewed: sent, conditional on the ETag just read. A write that did not succeed is read back: in place
 *     after all → applied; unchanged → failed, saying so, with Try again; changed meanwhile → stale.
 */
export async function driveApplying(ctx: VerbContext, kind: ChangeKind, change: PendingChange, options: DriveOptions): Promise<VerbResult> {
  const words = kind.describe(change);
  const audit = { endpoint: change.endpoint, before: words.before, after: words.after };
  const resumed = options.from === "applying" ? " (resumed after a restart)" : "";
  const done = (observed: Observed, detail?: string): Promise<VerbResult> =>
    finish(ctx, change, "applied", {
      reply: withRevertButton(kind, change, { ...kind.doneReply(ctx, change, observed), mode: options.mode }),
      audit: { ...audit, after: observed.now, outcome: "ok", ...(detail || resumed ? { detail: `${detail ?? ""}${resumed}`.trim() } : {}) },
    });

  let seen: Observed | undefined;
  try {
    seen = await observe(ctx, kind, change);
  } catch (error) {
    if (ctx.abortSignal?.aborted) throw error; // the worker is stopping: the change stays `applying` for the next one
    ctx.deps.logger.error("reading the resource before a change failed", { correlationId: ctx.invocation.correlationId, error });
    const throttled = error instanceof ThrottledError ? { message: error.message, ...(error.retryAfterInMs !== undefined ? { retryAfterInMs: error.retryAfterInMs } : {}) } : undefined;
    return finish(ctx, change, "failed", failedApplyResult(ctx, change, words, { kind: "unreadable", ...(throttled ? { throttled } : {}) }, undefined));
  }
  if (!seen) return finish(ctx, change, "stale", staleApplyResult(change, words, undefined));
  if (seen.matches === "target") {
    if (options.from === "pending") return finish(ctx, change, "stale", staleApplyResult(change, words, seen));
    return done(seen);
  }
  if (seen.matches === "other") return finish(ctx, change, "stale", staleApplyResult(change, words, seen));

  let sent: ChangeOutcome<Observed> | undefined;
  try {
    sent = await kind.send(ctx, change, {
      ...(seen.etag !== undefined ? { ifMatch: seen.etag } : {}),
      ...(ctx.abortSignal ? { abortSignal: ctx.abortSignal } : {}),
      onProgress: (progress) => ctx.onProgress?.(progressReply(words.action, progress)),
    });
  } catch (error) {
    if (ctx.abortSignal?.aborted) throw error; // the worker is stopping: the change stays `applying` for the next one
    ctx.deps.logger.error("sending a change failed", { correlationId: ctx.invocation.correlationId, verb: change.verb, error });
  }
  if (sent?.kind === "ok") return done(sent.value);

  // It did not go through, or we cannot tell: Azure ML's own state decides what to say.
  const why: NotSent = sent ? { kind: "refused", outcome: sent } : { kind: "error" };
  let back: Observed | undefined;
  try {
    back = await observe(ctx, kind, change);
  } catch (error) {
    if (ctx.abortSignal?.aborted) throw error;
    ctx.deps.logger.error("reading back after a failed change failed", { correlationId: ctx.invocation.correlationId, error });
    return finish(ctx, change, "failed", failedApplyResult(ctx, change, words, why, undefined));
  }
  if (back?.matches === "target") return done(back, "in place although the write reported a failure");
  if (!back || back.matches === "other") return finish(ctx, change, "stale", staleApplyResult(change, words, back));
  return finish(ctx, change, "failed", failedApplyResult(ctx, change, words, why, back));
}

/** Every applied change whose kind can be undone carries a Revert button: it proposes the undo, never applies it. */
function withRevertButton(kind: ChangeKind, change: PendingChange, reply: Reply): Reply {
  if (!kind.inverse) return reply;
  const revert: Button = { label: "Revert", verb: REVERT_VERB, payloadId: change.id };
  return { ...reply, buttons: [...(reply.buttons ?? []), revert] };
}

function observe(ctx: VerbContext, kind: ChangeKind, change: PendingChange): Promise<Observed | undefined> {
  return kind.observe(ctx, change, { waitWhileBusyInMs: SETTLE_WAIT_IN_MS });
}

/** Records where the attempt ended, with its reply, so a redelivery of the same job can say it again. */
async function finish(ctx: VerbContext, change: PendingChange, to: "applied" | "failed" | "stale", result: VerbResult): Promise<VerbResult> {
  const note = to === "applied" ? undefined : result.audit.detail;
  const moved = await ctx.deps.pending.transition(
    change.id,
    ["applying"],
    to,
    { result: JSON.stringify(result), ...(note ? { note } : {}) },
    { abortSignal: ctx.abortSignal },
  );
  if (!moved) ctx.deps.logger.warn("pending change moved by someone else while it was applied", { correlationId: ctx.invocation.correlationId, id: change.id, to });
  return result;
}
