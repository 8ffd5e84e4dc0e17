import type { ScaleBurst } from "../../commands/alerts/scale-burst.js";
import type { AlertLedger, EventClaim, VersionedBurst } from "../../commands/ports/alert-ledger.port.js";

/**
 * The alert ledger in process memory, with the same conditional semantics as the Tables one (insert-if-absent
 * claims, versioned burst writes): for core unit tests and the terminal.
 */
export class MemoryAlertLedger implements AlertLedger {
  private readonly events = new Map<string, "claimed" | "done">();
  private readonly bursts = new Map<string, VersionedBurst>();
  private version = 0;

  async claim(dedupeKey: string): Promise<EventClaim> {
    if (this.events.has(dedupeKey)) return "duplicate";
    this.events.set(dedupeKey, "claimed");
    return "claimed";
  }

  async complete(dedupeKey: string): Promise<void> {
    this.events.set(dedupeKey, "done");
  }

  async release(dedupeKey: string): Promise<void> {
    if (this.events.get(dedupeKey) === "claimed") this.events.delete(dedupeKey);
  }

  async getBurst(workspace: string, endpoint: string): Promise<VersionedBurst | undefined> {
    return this.bursts.get(keyOf(workspace, endpoint));
  }

  async saveBurst(burst: ScaleBurst, ifVersion: string | undefined): Promise<string | undefined> {
    const key = keyOf(burst.workspace, burst.endpoint);
    if (this.bursts.get(key)?.version !== ifVersion) return undefined;
    const version = `v${++this.version}`;
    this.bursts.set(key, { burst, version });
    return version;
  }
}

function keyOf(workspace: string, endpoint: string): string {
  return `${workspace}/${endpoint}`.toLowerCase();
}
