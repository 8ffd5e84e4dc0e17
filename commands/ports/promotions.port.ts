import type { ChannelRef } from "../invocation.js";
import type { GateResult, PromotionPlan } from "../promote/promotion-plan.js";
import type { OperationOptions } from "./operation-options.js";

/**
 * A running or finished `aml promote`: a durable state machine. Each transition is one queue message (a follow-up
 * with a visibility delay) numbered `transition`; the row records the last one completed, so a redelivered or
 * duplicated message never runs a step twice, and a host killed mid-step resumes it once:
 *
 *   running ──gate fail / Abort──▶ reverting ──▶ reverted | aborted
 *      │ ▲                                        (live and mirror traffic back to `baseline`)
 *      │ └─Resume── paused ◀──Pause / out-of-band change / inconclusive too long
 *      └──last step passed──▶ succeeded (──retire──▶ retired)
 *
 * A transition writes its intent (what it is about to send) before it sends anything, so its redelivery finishes
 * that intent instead of deciding again.
 */
export type PromotionState = "running" | "paused" | "reverting" | "succeeded" | "reverted" | "aborted" | "failed";

export const PROMOTION_STATES = ["running", "paused", "reverting", "succeeded", "reverted", "aborted", "failed"] as const satisfies readonly PromotionState[];

/** States nothing moves out of. */
export const FINAL_PROMOTION_STATES: readonly PromotionState[] = ["succeeded", "reverted", "aborted", "failed"];

/** Live and mirror traffic of an endpoint, percent per deployment. */
export interface TrafficSplit {
  readonly traffic: Readonly<Record<string, number>>;
  readonly mirror: Readonly<Record<string, number>>;
}

/** What a transition is about to do: written before it is done, so a redelivery finishes it. */
export interface PromotionIntent {
  /** The transition it belongs to. */
  readonly transition: number;
  /**
   * `step`: move to step `step` (its split); `revert`: back to the baseline; `retire`: delete or scale down the old
   * deployments; `confirm`: read the endpoint once to see that Azure ML applied the write a final step or a revert
   * sent (`target`), and only then end the promotion as `then`.
   */
  readonly action: "step" | "revert" | "retire" | "confirm";
  readonly step: number;
  /** The split it sends (absent for `retire`). */
  readonly target?: TrafficSplit;
  /** Why, for the card and the audit (`p99 1.9x baseline, 1.2x allowed`). */
  readonly reason?: string;
  /** The state once it is done: `running` for a step, `succeeded` for the last one, `reverted` or `aborted` for a revert. */
  readonly then?: PromotionState;
}

/** One line of the promotion's history, shown by `aml promote status`. */
export interface PromotionEvent {
  readonly at: Date;
  readonly text: string;
}

export interface Promotion {
  /** The id of the change (request) that started it. */
  readonly id: string;
  readonly workspace: string;
  readonly endpoint: string;
  /** The endpoint's Azure region, read when the promotion was created: Azure Monitor's metrics for the gates. */
  readonly location?: string;
  readonly candidate: string;
  readonly plan: PromotionPlan;
  /** The split before the promotion: what a failed gate or Abort restores. */
  readonly baseline: TrafficSplit;
  /** The split the promotion last sent (or found at the start): anything else on the endpoint is an out-of-band change. */
  readonly expected: TrafficSplit;
  readonly state: PromotionState;
  /** Index into `plan.steps` of the step in force (-1 before the first one). */
  readonly step: number;
  /** When the step in force started (its window for the gates starts here). */
  readonly stepStartedAt?: Date;
  /** Extra waiting granted to the step in force because its gates were inconclusive, in plan time. */
  readonly extendedInMs: number;
  /** The last completed transition; message `transition + 1` is the next one. */
  readonly transition: number;
  /** Bumped by Resume and Promote now: messages of an older epoch are stale and do nothing. */
  readonly epoch: number;
  readonly intent?: PromotionIntent;
  /** When the next transition is due (for the card and `aml promotions`). */
  readonly nextAt?: Date;
  readonly lastGates?: readonly GateResult[];
  /** Why it paused, reverted, failed or was aborted. */
  readonly note?: string;
  /** Platform-qualified (`slack:U123`). */
  readonly requestedBy: string;
  readonly requestedByName?: string;
  /** Approvers and the requester, mentioned when a gate fails. */
  readonly notify: { readonly users: readonly string[]; readonly groups: readonly string[] };
  /** Where its card lives. */
  readonly channel: ChannelRef;
  readonly reason?: string;
  readonly retire: boolean;
  readonly history: readonly PromotionEvent[];
  readonly createdAt: Date;
  readonly updatedAt: Date;
}

/**
 * The fields to write, computed from the promotion as stored right now; `undefined` declines (the call then returns
 * `undefined`). A store calls it again with the fresh row when a concurrent write won the race.
 */
export type PromotionUpdate = (current: Promotion) => Partial<Omit<Promotion, "id" | "workspace" | "endpoint" | "createdAt">> | undefined;

export interface ListPromotionsOptions extends OperationOptions {
  readonly workspace?: string;
  readonly endpoint?: string;
  /** Only the ones not in a final state. */
  readonly active?: boolean;
}

/** Implemented in Azure Tables (`src/storage/`) and in memory. */
export interface Promotions {
  /** Stores a new promotion; creating the same id again returns the stored one unchanged (a redelivered job). */
  create(promotion: Promotion, options?: OperationOptions): Promise<Promotion>;
  get(id: string, options?: OperationOptions): Promise<Promotion | undefined>;
  /**
   * Writes what `update` returns, conditionally on the stored row (compare-and-swap, retried with the fresh row
   * when another write won), and returns the promotion as written; `undefined` when it does not exist or `update`
   * declined. `updatedAt` is set by the caller.
   */
  update(id: string, update: PromotionUpdate, options?: OperationOptions): Promise<Promotion | undefined>;
  /** Newest first. */
  list(options?: ListPromotionsOptions): Promise<Promotion[]>;
}
