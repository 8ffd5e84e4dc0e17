import type { ChannelRef } from "../invocation.js";
import type { OperationOptions } from "./operation-options.js";

/** A channel's standing order for a digest (`aml digest subscribe`). */
export interface DigestSubscription {
  /** Short and typeable (`dg-3f9a2c1b`); unique within its channel. */
  readonly id: string;
  /** Where the digest is posted: the channel the subscription was made in. */
  readonly channel: ChannelRef;
  /** Workspace alias. */
  readonly workspace: string;
  /** One endpoint of the workspace; the whole workspace when absent. */
  readonly endpoint?: string;
  /** Canonical schedule text (`weekday 09:00`), see `digest-schedule.ts`. */
  readonly schedule: string;
  /** IANA zone the schedule's times are in. */
  readonly timeZone: string;
  /** What each digest covers (a day, a week…). */
  readonly periodInMs: number;
  readonly createdBy: string;
  readonly createdAt: Date;
  /** The due time of the last run handled (sent, or given up as unreachable). */
  readonly lastDueAt?: Date;
  /** When the last digest went out: changes after it that the bot did not make are reported as out of band. */
  readonly lastDigestAt?: Date;
}

/**
 * - `claimed`: the caller owns this run and must post it, then `completeRun`;
 * - `in-progress`: someone else holds a live claim (another timer instance);
 * - `done`: it was handled already.
 * A claim that was never completed expires after a lease set by the implementation: its poster is taken for
 * dead, and the next caller may claim the run again.
 */
export type DigestRunClaim = "claimed" | "in-progress" | "done";

export interface ListSubscriptionsOptions extends OperationOptions {
  /** Only this channel's; every channel's when absent (the timer). */
  readonly channel?: ChannelRef;
}

export interface DigestSubscriptions {
  /** `exists`: the channel already has a subscription with this id (ask for a new id and try again). */
  create(subscription: DigestSubscription, options?: OperationOptions): Promise<"created" | "exists">;
  list(options?: ListSubscriptionsOptions): Promise<DigestSubscription[]>;
  /** Whether there was such a subscription in that channel. */
  delete(channel: ChannelRef, id: string, options?: OperationOptions): Promise<boolean>;
  /** Exactly one caller gets `claimed` for a subscription and a due time, however many timers ask at once. */
  claimRun(subscription: DigestSubscription, dueAt: Date, options?: OperationOptions): Promise<DigestRunClaim>;
  /** Marks the run done and records it on the subscription; `sentAt` when a digest went out. */
  completeRun(subscription: DigestSubscription, dueAt: Date, sentAt: Date | undefined, options?: OperationOptions): Promise<void>;
}
