import type { OperationOptions } from "./operation-options.js";

/**
 * A change freeze made in chat (`aml freeze`): while it is in force, changes to its workspace (or to its one endpoint)
 * are refused unless an admin overrides it. Weekly freezes come from the config file instead (`policy.freezes`).
 */
export interface Freeze {
  readonly id: string;
  /** Workspace alias, as configured (lower case). */
  readonly workspace: string;
  /** Only this endpoint; the whole workspace when absent. */
  readonly endpoint?: string;
  readonly from: Date;
  readonly until: Date;
  readonly reason: string;
  /** Who froze it, as people read it (display name, else the chat user id). */
  readonly by: string;
  /** The IANA zone its times were given in, so replies say them as they were typed. */
  readonly timeZone: string;
  readonly createdAt: Date;
}

export interface ListFreezesOptions extends OperationOptions {
  /** Only this workspace's freezes. */
  readonly workspace?: string;
}

/** Ad-hoc freezes. Implemented in Azure Tables (`src/storage/`) and in memory. */
export interface Freezes {
  /** Stores a new freeze; adding the same id again is a no-op (a redelivered job). */
  add(freeze: Freeze, options?: OperationOptions): Promise<void>;
  /** `false` when there was no such freeze. */
  remove(workspace: string, id: string, options?: OperationOptions): Promise<boolean>;
  /** Every stored freeze, ended ones included (the core decides what is in force), sorted by start then id. */
  list(options?: ListFreezesOptions): Promise<Freeze[]>;
}

/** The order `list` returns: by start, then id. */
export function compareFreezes(a: Freeze, b: Freeze): number {
  return a.from.getTime() - b.from.getTime() || a.id.localeCompare(b.id);
}
