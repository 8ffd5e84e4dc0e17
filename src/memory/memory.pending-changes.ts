import type { PendingChange, PendingChanges, PendingState, PendingUpdate } from "../../commands/ports/pending-change.port.js";

/** Pending changes kept in process memory: for the terminal adapter and core unit tests. */
export class MemoryPendingChanges implements PendingChanges {
  private readonly changes = new Map<string, PendingChange>();
  /** The order of moves, so "applied last" holds even when two moves share a millisecond. */
  private readonly moved = new Map<string, number>();
  private moves = 0;

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
    this.moved.set(id, ++this.moves);
    return next;
  }

  async listAwaitingApproval(): Promise<PendingChange[]> {
    return [...this.changes.values()].filter((c) => c.state === "pending" && c.approval).sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  async lastApplied(workspace: string, endpoint: string): Promise<PendingChange | undefined> {
    const applied = [...this.changes.values()].filter((c) => c.state === "applied" && c.workspace === workspace && c.endpoint === endpoint);
    return applied.sort((a, b) => (this.moved.get(b.id) ?? 0) - (this.moved.get(a.id) ?? 0))[0];
  }
}
