/**
 * Each endpoint's traffic split over time, so the synthetic load of a minute follows the live and mirror
 * shares in effect then: a window that starts after `aml traffic` (or a promotion step) sees the new split,
 * one before it the old. The metrics plane looks at the splits after every endpoint write (PUT, PATCH, DELETE),
 * after an out-of-band `mutate`, and on every metrics request; a changed split is dated by the endpoint's
 * `systemData.lastModifiedAt`, which every writer stamps, and applies from that minute on.
 */
import { MINUTE_MS, type SharePeriod } from "./metrics-load.js";
import type { EndpointRecord } from "./state.js";

interface Split {
  /** Epoch minute from which it applies; -Infinity for the split the emulator started (or was reset) with. */
  readonly fromMinute: number;
  readonly signature: string;
  /** Lower-case deployment name → live and mirror shares, 0–1. */
  readonly live: ReadonlyMap<string, number>;
  readonly mirror: ReadonlyMap<string, number>;
}

export class TrafficTimeline {
  private readonly splits = new Map<string, Split[]>();

  /** Forgets every change and takes the endpoints' current splits as having always been (start-up, reset). */
  startFrom(endpoints: Iterable<{ readonly key: string; readonly record: EndpointRecord }>): void {
    this.splits.clear();
    for (const { key, record } of endpoints) this.observe(key, record);
  }

  /**
   * Records the endpoint's split if it differs from the last one seen, from the minute of its last change on.
   * The minute of a change takes the new split, so a window starting right after the change sees only it.
   */
  observe(key: string, record: EndpointRecord): void {
    const { traffic, mirrorTraffic } = record.spec.properties;
    const signature = JSON.stringify([sorted(traffic), sorted(mirrorTraffic)]);
    const history = this.splits.get(key);
    if (history === undefined) {
      this.splits.set(key, [split(Number.NEGATIVE_INFINITY, signature, traffic, mirrorTraffic)]);
      return;
    }
    const last = history[history.length - 1]!;
    if (last.signature === signature) return;
    const changedAt = Date.parse(record.meta.modified.at);
    const fromMinute = Math.max(last.fromMinute, Number.isNaN(changedAt) ? Math.floor(Date.now() / MINUTE_MS) : Math.floor(changedAt / MINUTE_MS));
    if (fromMinute === last.fromMinute && history.length > 1) history.pop();
    history.push(split(fromMinute, signature, traffic, mirrorTraffic));
  }

  /** A deployment's live and mirror shares from each change on, oldest first (empty: never seen). */
  periodsOf(key: string, deployment: string): SharePeriod[] {
    const name = deployment.toLowerCase();
    return (this.splits.get(key) ?? []).map((s) => ({ fromMinute: s.fromMinute, live: s.live.get(name) ?? 0, mirror: s.mirror.get(name) ?? 0 }));
  }
}

function split(fromMinute: number, signature: string, traffic: Record<string, number>, mirror: Record<string, number>): Split {
  const shares = (map: Record<string, number>) => new Map(Object.entries(map).map(([name, percent]) => [name.toLowerCase(), percent / 100]));
  return { fromMinute, signature, live: shares(traffic), mirror: shares(mirror) };
}

function sorted(map: Record<string, number>): [string, number][] {
  return Object.entries(map)
    .map(([name, percent]): [string, number] => [name.toLowerCase(), percent])
    .filter(([, percent]) => percent > 0)
    .sort(([a], [b]) => a.localeCompare(b));
}
