/**
 * Scale steps of one endpoint that come close together (autoscale stepping 2 → 4 → 6 within minutes) make one
 * burst, shown as one chat message that is updated as steps arrive instead of one message per step. Pure: the
 * dispatcher stores bursts through the AlertLedger port and renders them with `scaleBurstReply`.
 */
import type { AutoscaleEvent } from "./monitor-event.js";

export interface ScaleStep {
  readonly deployment: string;
  readonly direction: "out" | "in";
  readonly oldCapacity?: number;
  readonly newCapacity?: number;
  readonly reason?: string;
  /** ISO 8601, UTC: bursts are stored as JSON. */
  readonly at: string;
  readonly dedupeKey: string;
}

export interface ScaleBurst {
  /**
   * When the burst's first-seen step happened (ISO 8601). It names the burst's message and thread for good: a late
   * step that moves `startedAt` earlier must still update the same message.
   */
  readonly id: string;
  /** Workspace alias. */
  readonly workspace: string;
  readonly endpoint: string;
  readonly startedAt: string;
  readonly lastAt: string;
  /** Oldest first. */
  readonly steps: readonly ScaleStep[];
  /** The autoscale setting of the latest step, when known. */
  readonly setting?: string;
}

/** A burst is one message; a very long one keeps its newest steps (the chain then starts with "…"). */
export const MAX_BURST_STEPS = 30;

/**
 * The burst after `event`: the event joins `current` when it is within `windowInMs` of it (before its last step or
 * after it), otherwise it starts a new burst. A step already in the burst (same dedupe key) changes nothing, so a
 * redelivered event re-renders the same message.
 */
export function addToBurst(current: ScaleBurst | undefined, workspace: string, event: AutoscaleEvent, windowInMs: number): ScaleBurst {
  const step: ScaleStep = {
    deployment: event.resource.deployment,
    direction: event.direction,
    ...(event.oldCapacity !== undefined ? { oldCapacity: event.oldCapacity } : {}),
    ...(event.newCapacity !== undefined ? { newCapacity: event.newCapacity } : {}),
    ...(event.reason !== undefined ? { reason: event.reason } : {}),
    at: event.at.toISOString(),
    dedupeKey: event.dedupeKey,
  };
  const setting = event.setting !== undefined ? { setting: event.setting } : {};
  if (current?.steps.some((s) => s.dedupeKey === step.dedupeKey)) return current;
  if (current === undefined || !joins(current, event.at.getTime(), windowInMs)) {
    return { id: step.at, workspace, endpoint: event.resource.endpoint, startedAt: step.at, lastAt: step.at, steps: [step], ...setting };
  }
  const steps = [...current.steps, step].sort((a, b) => a.at.localeCompare(b.at)).slice(-MAX_BURST_STEPS);
  const times = [current.startedAt, current.lastAt, step.at].sort();
  return { ...current, startedAt: times[0]!, lastAt: times[2]!, steps, ...setting };
}

function joins(burst: ScaleBurst, at: number, windowInMs: number): boolean {
  const start = Date.parse(burst.startedAt);
  const last = Date.parse(burst.lastAt);
  return at >= start - windowInMs && at <= last + windowInMs;
}

/**
 * The message a burst is shown as, per channel: the same key for every step of the burst, a new one for the
 * next burst (its first step's time is in it).
 */
export function burstUpdateKey(burst: ScaleBurst): string {
  return `alerts:scale:${burst.workspace}:${burst.endpoint}:${burst.id}`.toLowerCase();
}
