/**
 * Azure Monitor metric conditions in words people read at a glance: `CpuUtilizationPercentage` 83.4 becomes
 * "CPU 83 %", `RequestLatency_P99` 412.3 becomes "latency P99 412 ms". Pure.
 */
import type { AlertCondition } from "./monitor-event.js";

interface MetricLabel {
  readonly label: string;
  /** Written after the number with a space ("83 %", "412 ms"); empty for counts. */
  readonly unit: string;
}

// Names from Microsoft's "Supported metrics" for online endpoints and deployments, plus the VM metric of the
// published sample alert; matched case-insensitively because alerts are not consistent about case.
const LABELS: Readonly<Record<string, MetricLabel>> = {
  cpuutilizationpercentage: { label: "CPU", unit: "%" },
  "percentage cpu": { label: "CPU", unit: "%" },
  cpumemoryutilizationpercentage: { label: "memory", unit: "%" },
  diskutilization: { label: "disk", unit: "%" },
  gpuutilizationpercentage: { label: "GPU", unit: "%" },
  gpumemoryutilizationpercentage: { label: "GPU memory", unit: "%" },
  deploymentcapacity: { label: "instances", unit: "" },
  requestsperminute: { label: "requests/min", unit: "" },
  requestlatency: { label: "latency", unit: "ms" },
  requestlatency_p50: { label: "latency P50", unit: "ms" },
  requestlatency_p90: { label: "latency P90", unit: "ms" },
  requestlatency_p95: { label: "latency P95", unit: "ms" },
  requestlatency_p99: { label: "latency P99", unit: "ms" },
};

const OPERATORS: Readonly<Record<string, string>> = {
  greaterthan: ">",
  greaterthanorequal: "≥",
  lessthan: "<",
  lessthanorequal: "≤",
  equals: "=",
  notequals: "≠",
};

export function metricLabel(metric: string): MetricLabel {
  return LABELS[metric.toLowerCase()] ?? { label: metric, unit: /percent/i.test(metric) ? "%" : "" };
}

/** 83.4 → "83", 7.727 → "7.7", 0.25 → "0.25": enough digits to read, never a long tail. */
export function formatAmount(value: number): string {
  if (Math.abs(value) >= 10) return String(Math.round(value));
  if (Math.abs(value) >= 1) return String(Math.round(value * 10) / 10);
  return String(Math.round(value * 100) / 100);
}

function withUnit(value: number, unit: string): string {
  return unit ? `${formatAmount(value)} ${unit}` : formatAmount(value);
}

/** `PT5M` → "5 min", `PT1H` → "1 h", `P1D` → "1 d"; anything else as it was. */
export function formatIsoDuration(duration: string): string {
  const match = /^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i.exec(duration);
  if (!match || match.slice(1).every((part) => part === undefined)) return duration;
  const [, days, hours, minutes, seconds] = match;
  const parts = [[days, "d"], [hours, "h"], [minutes, "min"], [seconds, "s"]].filter(([n]) => n !== undefined && Number(n) > 0);
  return parts.length ? parts.map(([n, unit]) => `${Number(n)} ${unit}`).join(" ") : "0 min";
}

/** "CPU 83 % (> 70 % over 5 min)"; parts the alert left out are left out. */
export function describeCondition(condition: AlertCondition): string {
  const { label, unit } = metricLabel(condition.metric);
  const head = condition.value !== undefined ? `${label} ${withUnit(condition.value, unit)}` : label;
  const operator = condition.operator ? (OPERATORS[condition.operator.toLowerCase()] ?? condition.operator) : undefined;
  const rule = [
    operator && condition.threshold !== undefined ? `${operator} ${withUnit(condition.threshold, unit)}` : undefined,
    condition.windowSize ? `over ${formatIsoDuration(condition.windowSize)}` : undefined,
  ].filter((part): part is string => part !== undefined);
  return rule.length ? `${head} (${rule.join(" ")})` : head;
}
