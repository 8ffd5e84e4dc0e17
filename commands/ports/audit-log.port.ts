import type { OperationOptions } from "./operation-options.js";

export type AuditOutcome = "ok" | "denied" | "invalid" | "not-found" | "conflict" | "failed" | "error" | "previewed";

/** One line of history: every command, and every change with its before → after. */
export interface AuditRecord {
  readonly at: Date;
  readonly correlationId: string;
  readonly platform: string;
  readonly userId: string;
  readonly channelId: string;
  readonly verb: string;
  readonly text: string;
  readonly workspace?: string;
  readonly endpoint?: string;
  readonly before?: string;
  readonly after?: string;
  readonly outcome: AuditOutcome;
  readonly detail?: string;
}

export interface ListAuditOptions extends OperationOptions {
  readonly workspace?: string;
  readonly endpoint?: string;
  readonly limit?: number;
}

export interface AuditLog {
  append(record: AuditRecord, options?: OperationOptions): Promise<void>;
  /** Newest first. */
  list(options?: ListAuditOptions): Promise<AuditRecord[]>;
}
