import type { OperationOptions } from "./operation-options.js";

/**
 * A previewed change waiting for its Apply button. The payload is the verb's own serialisable description
 * of the change; the stored ETag makes a stale Apply a conflict instead of an overwrite.
 */
export interface PendingChange {
  readonly id: string;
  readonly verb: string;
  readonly workspace: string;
  readonly endpoint: string;
  readonly payload: Readonly<Record<string, unknown>>;
  readonly etag?: string;
  readonly requestedBy: string;
  readonly channelId: string;
  readonly createdAt: Date;
  readonly expiresAt: Date;
  readonly state: "pending" | "applied" | "cancelled";
}

export interface PendingChanges {
  create(change: PendingChange, options?: OperationOptions): Promise<void>;
  get(id: string, options?: OperationOptions): Promise<PendingChange | undefined>;
  /**
   * Moves a pending change to `applied` or `cancelled` exactly once. Returns false when it was no longer
   * pending (already applied by an earlier click or a redelivered job).
   */
  settle(id: string, state: "applied" | "cancelled", options?: OperationOptions): Promise<boolean>;
}
