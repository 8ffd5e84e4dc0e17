/**
 * How metric numbers read in chat: rates, milliseconds, shares, and their change against the previous window
 * (`+16 %` for amounts, `+0.4 pt` for shares, where a relative change of a tiny share would shout).
 */
import type { WindowedValue } from "../ports/metrics.port.js";

export function formatRate(perMinute: number | undefined): string {
  if (perMinute === undefined) return "–";
  if (perMinute >= 1000) return `${(perMinute / 1000).toFixed(1)}k/min`;
  return `${perMinute >= 10 ? perMinute.toFixed(0) : perMinute.toFixed(1)}/min`;
}

export function formatCount(count: number | undefined): string {
  if (count === undefined) return "–";
  if (count >= 1_000_000) return `${(count / 1_000_000).toFixed(1)}M`;
  if (count >= 10_000) return `${(count / 1000).toFixed(0)}k`;
  if (count >= 1000) return `${(count / 1000).toFixed(1)}k`;
  return String(Math.round(count));
}

export function formatMs(ms: number | undefined): string {
  if (ms === undefined) return "–";
  return ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${Math.round(ms)} ms`;
}

export function formatShare(share: number | undefined): string {
  if (share === undefined) return "–";
  const percent = share * 100;
  return `${percent === 0 ? "0" : percent < 10 ? percent.toFixed(1) : percent.toFixed(0)} %`;
}

export function formatPercent(percent: number | undefined): string {
  return percent === undefined ? "–" : `${Math.round(percent)} %`;
}

/** Relative change, e.g. `+16 %`, `−3 %`, `new`; empty when it cannot be said. */
export function relativeChange(value: WindowedValue): string {
  const { current, previous } = value;
  if (current === undefined || previous === undefined) return "";
  if (previous === 0) return current === 0 ? "±0 %" : "new";
  const change = ((current - previous) / previous) * 100;
  if (Math.abs(change) < 0.5) return "±0 %";
  return `${change > 0 ? "+" : "−"}${Math.abs(change) >= 10 ? Math.round(Math.abs(change)) : Math.abs(change).toFixed(1)} %`;
}

/** Change of a share in percentage points, e.g. `+0.4 pt`. */
export function pointChange(value: WindowedValue): string {
  const { current, previous } = value;
  if (current === undefined || previous === undefined) return "";
  const points = (current - previous) * 100;
  if (Math.abs(points) < 0.05) return "±0 pt";
  return `${points > 0 ? "+" : "−"}${Math.abs(points).toFixed(1)} pt`;
}

/** `24/min (+16 %)`: a value with its change in brackets when there is one. */
export function withChange(text: string, change: string): string {
  return change === "" ? text : `${text} (${change})`;
}
