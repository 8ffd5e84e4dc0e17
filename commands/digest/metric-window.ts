/**
 * Time windows of metrics questions: `--since 1h` as a length, aligned to the resolution Azure Monitor is
 * asked for, so the current and the previous window line up with its intervals and replay identically.
 */
import type { MetricsQuery, TimeWindow } from "../ports/metrics.port.js";

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

export const MIN_WINDOW_MS = 5 * MINUTE;
export const MAX_WINDOW_MS = 30 * DAY;

/** `30m`, `1h`, `6h`, `1d`, `7d`, `2w` → milliseconds; undefined when not a length. */
export function parseWindowLength(text: string): number | undefined {
  const match = /^(\d+)\s*(m|min|mins|h|hr|hrs|d|day|days|w|wk)$/i.exec(text.trim());
  if (match === null) return undefined;
  const unit = match[2]!.toLowerCase();
  const factor = unit.startsWith("m") ? MINUTE : unit.startsWith("h") ? HOUR : unit.startsWith("d") ? DAY : 7 * DAY;
  return Number(match[1]) * factor;
}

/** Resolution for a window: about 24–120 points, on a timegrain Azure Monitor offers. */
export function granularityFor(lengthInMs: number): number {
  if (lengthInMs <= 2 * HOUR) return MINUTE;
  if (lengthInMs <= 6 * HOUR) return 5 * MINUTE;
  if (lengthInMs <= DAY) return 15 * MINUTE;
  if (lengthInMs <= 7 * DAY) return HOUR;
  return DAY;
}

/** The window of `lengthInMs` that ends at the last interval boundary at or before `now`. */
export function windowEndingAt(now: Date, lengthInMs: number, granularityInMs = granularityFor(lengthInMs)): { window: TimeWindow; granularityInMs: number } {
  const end = Math.floor(now.getTime() / granularityInMs) * granularityInMs;
  return { window: { start: new Date(end - lengthInMs), end: new Date(end) }, granularityInMs };
}

export function metricsQuery(now: Date, lengthInMs: number, extra: Omit<MetricsQuery, "window" | "granularityInMs"> = {}, granularityInMs?: number): MetricsQuery {
  const { window, granularityInMs: grain } = windowEndingAt(now, lengthInMs, granularityInMs);
  return { window, granularityInMs: grain, ...extra };
}

/** `1 h`, `30 min`, `2 d`: a window length for people. */
export function describeLength(lengthInMs: number): string {
  if (lengthInMs % DAY === 0) return `${lengthInMs / DAY} d`;
  if (lengthInMs % HOUR === 0) return `${lengthInMs / HOUR} h`;
  return `${Math.round(lengthInMs / MINUTE)} min`;
}

/** `2026-11-25 08:00` (UTC), from the ISO text: no locale, no clock. */
export function utcMinute(date: Date): string {
  return date.toISOString().slice(0, 16).replace("T", " ");
}

/** The ISO start of each interval of the window, for chart axes. */
export function windowTimes(window: TimeWindow, granularityInMs: number): string[] {
  const out: string[] = [];
  for (let t = window.start.getTime(); t < window.end.getTime(); t += granularityInMs) out.push(new Date(t).toISOString());
  return out;
}
