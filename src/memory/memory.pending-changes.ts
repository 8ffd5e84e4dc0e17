import type { PendingChange, PendingChanges, PendingState, PendingUpdate } from "../../commands/ports/pending-change.port.js";

/** Pending changes kept in process memory: for the terminal adapter and core unit tests. */
export class MemoryPendingChanges implements PendingChanges {
  private readonly changes = new Map<string, PendingChange>();

  async create(change: PendingChange): Promise<void> {
    if (!this.changes.has(change.id)) this.changes.set(change.id, change);
  }

  async get(id: string): Promise<PendingChange | undefined> {
    return this.changes.get(id);
  }

  async transition(id: string, from: readonly PendingState[], to: PendingState, update: PendingUpdate = {}): Promise<PendingChange | undefined> {
    const change = this.changes.get(id);
    if (!change || !from.includes(change.state)) return undefined;
    const fields = typeof update === "function" ? update(change) : update;
    if (!fields) return undefined;
    const next: PendingChange = { ...change, ...fields, state: to, updatedAt: new Date() };
    this.changes.set(id, next);
    return next;
  }

  async listAwaitingApproval(): Promise<PendingChange[]> {
    return [...this.changes.values()].filter((c) => c.state === "pending" && c.approval).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }
}
