import type { ApprovalRequest } from "../approvals/approval-request.js";
import type { OperationOptions } from "./operation-options.js";

/**
 * Where a previewed change is in its life. Every move is conditional on the stored row (its own ETag), so a
 * click, a second click and a redelivered job agree on one history:
 *
 *   pending ──Apply──▶ applying ──▶ applied        the change is in Azure ML
 *      │                  │   └────▶ stale          the endpoint changed since the preview; nothing sent
 *      │                  └────────▶ failed ──Apply──▶ applying   nothing changed (read back); may be tried again
 *      ├──Cancel / expiry──▶ cancelled              (failed can be cancelled too)
 *      └──Reject────────────▶ rejected               (a change that needs approval; its last Approve is its Apply)
 *
 * `applying` is written before anything is sent to Azure: a worker that dies after it leaves a change that the
 * next delivery of the same click resumes by reading the endpoint, never one that claims to be applied.
 */
export type PendingState = "pending" | "applying" | "applied" | "failed" | "stale" | "cancelled" | "rejected";

/** Every state, in the order of the diagram (stores validate what they read against it). */
export const PENDING_STATES = ["pending", "applying", "applied", "failed", "stale", "cancelled", "rejected"] as const satisfies readonly PendingState[];

/** States nothing moves out of. */
export const FINAL_PENDING_STATES: readonly PendingState[] = ["applied", "stale", "cancelled", "rejected"];

/**
 * A previewed change waiting for its Apply button. The payload is the verb's own serialisable description
 * of the change; the stored ETag is the resource's at preview time.
 */
export interface PendingChange {
  readonly id: string;
  readonly verb: string;
  readonly workspace: string;
  readonly endpoint: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly etag?: string;
  readonly requestedBy: string;
  /** How chat named the requester when they asked (a display name, where the platform gave one): what people read. */
  readonly requestedByName?: string;
  /** The channel the preview was posted in: only a click or a typed `aml apply` there acts on it. */
  readonly channelId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly state: PendingState;
  /** The correlation id of the Apply that moved it to `applying`: a redelivery of that click resumes it. */
  readonly attempt?: string;
  /** When it last changed state. */
  readonly updatedAt?: Date;
  /** Who moved it last (Apply, Cancel), as a chat user id. */
  readonly actedBy?: string;
  /** Their name as chat gave it. */
  readonly actedByName?: string;
  /** Why it is `failed` or `stale`, in words shown to users. */
  readonly note?: string;
  /**
   * The reply that ended the attempt (JSON of the core's `VerbResult`), so a job that dies after the change
   * but before its message can send the same message when it is redelivered.
   */
  readonly result?: string;
  /** Set when a rule asks for approval: the rule, where the request was posted and the decisions so far. */
  readonly approval?: ApprovalRequest;
  /** An admin's override of a change freeze, given with the command: its Apply (or last Approve) goes ahead during one. */
  readonly override?: FreezeOverride;
}

/** Who overrode a freeze for a change, and why (both audited wherever the override is used). */
export interface FreezeOverride {
  /** Platform-qualified id (`slack:U123`). */
  readonly by: string;
  /** Their name as chat gave it, for the cards (the audit keeps the id). */
  readonly name?: string;
  readonly reason: string;
}

/** What a transition writes besides the new state. */
export interface PendingTransition {
  readonly attempt?: string;
  readonly actedBy?: string;
  readonly actedByName?: string;
  readonly note?: string;
  readonly result?: string;
  readonly approval?: ApprovalRequest;
}

/**
 * The fields to write, computed from the change as stored right now; `undefined` leaves it as it is (the call then
 * returns `undefined`). A store calls it again with the fresh row when a concurrent write won the race, so a
 * decision is always added to the decisions actually stored.
 */
export type PendingUpdate = PendingTransition | ((current: PendingChange) => PendingTransition | undefined);

export interface PendingChanges {
  create(change: PendingChange, options?: OperationOptions): Promise<void>;
  get(id: string, options?: OperationOptions): Promise<PendingChange | undefined>;
  /**
   * Moves a change from one of `from` to `to`, conditionally on the stored row (compare-and-swap), and returns
   * the change as written. `undefined` when it does not exist, its state is not one of `from` (someone else
   * moved it first: re-read to see where it is), or `fields` as a function declined.
   */
  transition(
    id: string,
    from: readonly PendingState[],
    to: PendingState,
    fields?: PendingUpdate,
    options?: OperationOptions,
  ): Promise<PendingChange | undefined>;
  /** Changes still waiting for approval (state `pending` with an approval request), oldest first. */
  listAwaitingApproval(options?: OperationOptions): Promise<PendingChange[]>;
  /** The change on this endpoint that reached `applied` last (what `aml revert` undoes), if any. */
  lastApplied(workspace: string, endpoint: string, options?: OperationOptions): Promise<PendingChange | undefined>;
}
