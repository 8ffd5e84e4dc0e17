import type { PendingChange, PendingChanges } from "../../commands/ports/pending-change.port.js";

/** Pending changes kept in process memory: for the terminal adapter and core unit tests. */
export class MemoryPendingChanges implements PendingChanges {
  private readonly changes = new Map<string, PendingChange>();

  async create(change: PendingChange): Promise<void> {
    this.changes.set(change.id, change);
  }

  async get(id: string): Promise<PendingChange | undefined> {
    return this.changes.get(id);
  }

  async settle(id: string, state: "applied" | "cancelled"): Promise<boolean> {
    const change = this.changes.get(id);
    if (change?.state !== "pending") return false;
    this.changes.set(id, { ...change, state });
    return true;
  }
}
