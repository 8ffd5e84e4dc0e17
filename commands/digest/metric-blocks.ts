/**
 * Metric numbers laid out to fit a chat column: one block per deployment or endpoint, a bold name line over its
 * numbers as fields (Slack section fields, a Teams FactSet), instead of a table as wide as it has numbers.
 * Shared by `aml metrics` and the digest so both read the same way (issue 14 §3).
 */
import type { TrafficStats } from "../ports/metrics.port.js";
import type { Field, Section } from "../reply.js";
import { formatMs, formatRate, formatShare, pointChange, relativeChange, withChange } from "./metric-format.js";

/** `*blue* · 80 % live`: the name in bold, then what identifies its share of the endpoint. */
export function metricBlock(name: string, details: readonly string[], fields: readonly Field[]): Section[] {
  return [
    { kind: "text", text: [`*${name}*`, ...details].join(" · ") },
    { kind: "fields", fields },
  ];
}

export interface TrafficFieldsOptions {
  /** Default `P50 / P90 / P99`; a block about the whole endpoint says `Latency P50 / P90 / P99`. */
  readonly latencyLabel?: string;
}

/**
 * Requests, latency, 4xx and 5xx with their change against the previous window; `–` throughout when there are
 * no metrics, so every block has the same labels. Each latency keeps its unit: one can be in seconds while the
 * others are in milliseconds.
 */
export function trafficFields(t: TrafficStats | undefined, options: TrafficFieldsOptions = {}): Field[] {
  const latencyLabel = options.latencyLabel ?? "P50 / P90 / P99";
  if (t === undefined) return ["Requests", latencyLabel, "4xx", "5xx"].map((label) => ({ label, value: "–" }));
  return [
    { label: "Requests", value: withChange(formatRate(t.requestsPerMinute.current), relativeChange(t.requestsPerMinute)) },
    { label: latencyLabel, value: withChange(latencies(t), relativeChange(t.latencyP99InMs)) },
    { label: "4xx", value: withChange(formatShare(t.clientErrorShare.current), pointChange(t.clientErrorShare)) },
    { label: "5xx", value: withChange(formatShare(t.serverErrorShare.current), pointChange(t.serverErrorShare)) },
  ];
}

/** `66 ms / 116 ms / 1.20 s`, or one dash when a deployment served nothing (not `– / – / –`). */
function latencies(t: TrafficStats): string {
  const values = [t.latencyP50InMs.current, t.latencyP90InMs.current, t.latencyP99InMs.current];
  return values.every((v) => v === undefined) ? "–" : values.map(formatMs).join(" / ");
}

/** `100 % live, 10 % mirror` for a deployment: its own share of the endpoint's live and mirrored traffic. */
export function deploymentShare(name: string, traffic: Readonly<Record<string, number>>, mirror: Readonly<Record<string, number>>): string {
  return `${traffic[name] ?? 0} % live${mirror[name] ? `, ${mirror[name]} % mirror` : ""}`;
}
