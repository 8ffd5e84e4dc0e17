import type { OperationOptions } from "./operation-options.js";

/**
 * Work the core asks to be done later, without a user asking: checking on a provisioning that takes minutes. Each
 * follow-up runs once (its id is its idempotency key) and may schedule the next one, so no worker ever waits for
 * Azure: the runtime queues it with a visibility delay and hands it back to `CommandCore.followUp`.
 */
export interface FollowUp {
  /** Unique per check (e.g. the change id and the check's number): a redelivery of the same check runs it once. */
  readonly id: string;
  readonly kind: FollowUpKind;
  readonly payload: Readonly<Record<string, unknown>>;
}

/**
 * - `watch-operation`: re-check a long Azure operation the bot started (a new deployment, a deletion).
 * - `promotion-step`: one transition of a promotion (`aml promote`); payload `{ promotionId, epoch, transition }`.
 */
export type FollowUpKind = (typeof FOLLOW_UP_KINDS)[number];

/** Every kind, for the runtime's schema of a queued follow-up. */
export const FOLLOW_UP_KINDS = ["watch-operation", "promotion-step"] as const;

export interface ScheduleOptions extends OperationOptions {
  /** How long from now; the queue's visibility delay. */
  readonly delayInMs: number;
}

export interface FollowUps {
  /** Resolves once the follow-up is durably queued. */
  schedule(followUp: FollowUp, options: ScheduleOptions): Promise<void>;
  /**
   * Runs the follow-up now, in this process, exactly once as a delivery of it would (its id claims it), for work a
   * person is waiting on: the first step of a promotion should not wait behind the queue. A copy is queued first, so
   * the follow-up still runs if this process dies before or during it; a failure here is left to that copy. Throws
   * only when the copy could not be queued.
   */
  start(followUp: FollowUp, options?: OperationOptions): Promise<void>;
}
