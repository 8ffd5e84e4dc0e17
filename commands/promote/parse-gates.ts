/**
 * `--gate` of `aml promote` (and `gates` in `policy.promotions`): `p99 <= 1.2x, 5xx <= 1%, 5xx <= baseline + 0.5pt`.
 *
 * A gate is `<metric> <= <bound>`; the bound decides how it reads:
 *   - `1.2x`: at most that multiple of the baseline's value (latencies only: error shares are often 0, and a
 *     multiple of 0 would fail on the first error);
 *   - `250ms`, `1.5s`: at most that latency;
 *   - `1%`: at most that share of requests (errors only);
 *   - `baseline + 0.5pt`: at most the baseline's share plus that many percentage points (errors only).
 *
 * `<` is read as `<=` and written back as `<=`: a gate is an upper bound on a measured average, where the two only
 * differ at equality, and the card shows the normalised text, so nothing is checked other than what is shown.
 * Lower bounds (`>`, `>=`) are refused: every gate metric is one where less is better.
 */
import type { Gate, GateBound, GateMetric } from "./promotion-plan.js";

export type ParsedGates = { readonly ok: true; readonly gates: Gate[] } | { readonly ok: false; readonly message: string };

export const GATE_METRICS: readonly GateMetric[] = ["p50", "p90", "p99", "5xx", "4xx"];
const LATENCY: readonly GateMetric[] = ["p50", "p90", "p99"];

const EXAMPLE = "`p99 <= 1.2x, 5xx <= baseline + 0.5pt`";
const NUMBER = String.raw`(\d+(?:\.\d+)?|\.\d+)`;
const RATIO = new RegExp(`^${NUMBER}x$`);
const TIME = new RegExp(`^${NUMBER}(ms|s)$`);
const SHARE = new RegExp(`^${NUMBER}%$`);
const PLUS = new RegExp(`^baseline\\+${NUMBER}(pt|pts|pp)$`);

export function isLatencyMetric(metric: GateMetric): boolean {
  return LATENCY.includes(metric);
}

export function parseGates(text: string): ParsedGates {
  const parts = text.split(",").map((p) => p.trim().replace(/\s+/g, " "));
  if (parts.length === 1 && parts[0] === "") return { ok: false, message: `Give at least one gate, e.g. ${EXAMPLE}.` };
  const gates: Gate[] = [];
  for (const [i, part] of parts.entries()) {
    const gate = parseGate(part, i + 1);
    if (typeof gate === "string") return { ok: false, message: gate };
    gates.push(gate);
  }
  return { ok: true, gates };
}

function parseGate(part: string, n: number): Gate | string {
  if (part === "") return `Gate ${n} is empty: separate gates with one comma, e.g. ${EXAMPLE}.`;
  const named = `Gate ${n} (\`${part}\`)`;
  const match = /^([^\s<>=≤≥]+)\s*(<=|=<|≤|<|>=|=>|≥|>|=)?\s*(.*)$/.exec(part.toLowerCase());
  const [, name = "", op, rest = ""] = match ?? [];
  if (name === "") return `${named} names no metric; start it with one of ${GATE_METRICS.join(", ")}.`;
  if (!(GATE_METRICS as readonly string[]).includes(name)) {
    return `${named}: \`${name}\` is not a gate metric; use one of ${GATE_METRICS.join(", ")}.`;
  }
  const metric = name as GateMetric;
  if (op === undefined || rest === "") return `${named}: a gate reads \`${metric} <= <bound>\`, e.g. ${example(metric)}.`;
  if (![`<=`, `=<`, `≤`, `<`].includes(op)) {
    return `${named}: gates are upper bounds (less ${isLatencyMetric(metric) ? "latency" : "errors"} is better); write \`${metric} <= …\`, e.g. ${example(metric)}.`;
  }
  const bound = parseBound(rest.replace(/\s+/g, ""));
  if (bound === undefined) return `${named}: \`${rest}\` is not a bound; ${fits(metric)}.`;
  const latency = isLatencyMetric(metric);
  if (latency !== (bound.unit === "ratio" || bound.unit === "time")) return `${named}: \`${rest}\` does not fit ${metric}; ${fits(metric)}.`;

  switch (bound.unit) {
    case "ratio":
      if (bound.number <= 0) return `${named}: a ratio to the baseline must be above 0, e.g. \`1.2x\`.`;
      return gate(metric, { kind: "ratio", factor: bound.number });
    case "time":
      if (bound.number <= 0) return `${named}: a latency limit must be above 0, e.g. \`250ms\`.`;
      return gate(metric, { kind: "absolute", value: bound.ms ? bound.number : round(bound.number * 1000) });
    case "share":
      if (bound.number > 100) return `${named}: a share is at most 100 %, not ${bound.number} %.`;
      return gate(metric, { kind: "absolute", value: round(bound.number / 100) });
    case "points":
      if (bound.number > 100) return `${named}: at most 100 points above the baseline, not ${bound.number}.`;
      return gate(metric, { kind: "baseline-plus", points: round(bound.number / 100) });
  }
}

type ParsedBound =
  | { readonly unit: "ratio" | "share" | "points"; readonly number: number }
  | { readonly unit: "time"; readonly number: number; readonly ms: boolean };

/** The bound with its spaces removed (`baseline + 0.5pt` → `baseline+0.5pt`). */
function parseBound(bound: string): ParsedBound | undefined {
  let m = RATIO.exec(bound);
  if (m) return { unit: "ratio", number: Number(m[1]) };
  m = TIME.exec(bound);
  if (m) return { unit: "time", number: Number(m[1]), ms: m[2] === "ms" };
  m = SHARE.exec(bound);
  if (m) return { unit: "share", number: Number(m[1]) };
  m = PLUS.exec(bound);
  if (m) return { unit: "points", number: Number(m[1]) };
  return undefined;
}

function gate(metric: GateMetric, bound: GateBound): Gate {
  return { metric, bound, text: `${metric} <= ${describeBound(bound, metric)}` };
}

/** A bound as the grammar writes it: `1.2x`, `250ms`, `1.5s`, `1%`, `baseline + 0.5pt`. */
export function describeBound(bound: GateBound, metric: GateMetric): string {
  switch (bound.kind) {
    case "ratio":
      return `${bound.factor}x`;
    case "absolute":
      if (!isLatencyMetric(metric)) return `${round(bound.value * 100)}%`;
      return bound.value >= 1000 ? `${round(bound.value / 1000)}s` : `${bound.value}ms`;
    case "baseline-plus":
      return `baseline + ${round(bound.points * 100)}pt`;
  }
}

function fits(metric: GateMetric): string {
  return isLatencyMetric(metric)
    ? `${metric} takes a ratio to the baseline (\`1.2x\`) or a time (\`250ms\`, \`1.5s\`)`
    : `${metric} takes a share (\`1%\`) or points above the baseline (\`baseline + 0.5pt\`)`;
}

function example(metric: GateMetric): string {
  return isLatencyMetric(metric) ? `\`${metric} <= 1.2x\`` : `\`${metric} <= 1%\``;
}

/** Drops binary noise from unit changes (0.5 / 100 stays 0.005, 1.1 * 1000 is 1100, not 1100.0000000000002). */
function round(n: number): number {
  return Number(n.toPrecision(12));
}
