import type { OperationOptions } from "./operation-options.js";

/**
 * Where a previewed change is in its life. Every move is conditional on the stored row (its own ETag), so a
 * click, a second click and a redelivered job agree on one history:
 *
 *   pending ──Apply──▶ applying ──▶ applied        the change is in Azure ML
 *      │                  │   └────▶ stale          the endpoint changed since the preview; nothing sent
 *      │                  └────────▶ failed ──Apply──▶ applying   nothing changed (read back); may be tried again
 *      └──Cancel / expiry──▶ cancelled              (failed can be cancelled too)
 *
 * `applying` is written before anything is sent to Azure: a worker that dies after it leaves a change that the
 * next delivery of the same click resumes by reading the endpoint, never one that claims to be applied.
 */
export type PendingState = "pending" | "applying" | "applied" | "failed" | "stale" | "cancelled";

/** States nothing moves out of. */
export const FINAL_PENDING_STATES: readonly PendingState[] = ["applied", "stale", "cancelled"];

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
  /** Why it is `failed` or `stale`, in words shown to users. */
  readonly note?: string;
  /**
   * The reply that ended the attempt (JSON of the core's `VerbResult`), so a job that dies after the change
   * but before its message can send the same message when it is redelivered.
   */
  readonly result?: string;
}

/** What a transition writes besides the new state. */
export interface PendingTransition {
  readonly attempt?: string;
  readonly actedBy?: string;
  readonly note?: string;
  readonly result?: string;
}

export interface PendingChanges {
  create(change: PendingChange, options?: OperationOptions): Promise<void>;
  get(id: string, options?: OperationOptions): Promise<PendingChange | undefined>;
  /**
   * Moves a change from one of `from` to `to`, conditionally on the stored row (compare-and-swap), and returns
   * the change as written. `undefined` when it does not exist or its state is not one of `from` (someone else
   * moved it first: re-read to see where it is).
   */
  transition(
    id: string,
    from: readonly PendingState[],
    to: PendingState,
    fields?: PendingTransition,
    options?: OperationOptions,
  ): Promise<PendingChange | undefined>;
}
