/**
 * What a digest calls out, as pure rules over the gathered data:
 * - anomalies: latency or 5xx errors up sharply against the previous period; a deployment with live traffic
 *   that served no requests while its endpoint did;
 * - hints: a deployment idle over both periods that still bills instances; a deployment pinned at its autoscale
 *   maximum all period;
 * - out-of-band changes: live traffic or instance counts that differ from what the bot last set (audit log), or
 *   an endpoint modified since the last digest with no change of the bot's at that time.
 */
import type { Deployment, TrafficSplit } from "../domain/endpoint.js";
import type { AuditRecord } from "../ports/audit-log.port.js";
import type { DeploymentMetrics } from "../ports/metrics.port.js";
import type { DigestEndpoint, DigestInput } from "./digest-data.js";
import { describeLength, utcMinute } from "./metric-window.js";
import { formatMs, formatShare, relativeChange } from "./metric-format.js";

export interface Finding {
  readonly endpoint: string;
  readonly deployment?: string;
  readonly text: string;
}

/** P99 at least this many times the previous period's, and at least LATENCY_MIN_MS more. */
export const LATENCY_FACTOR = 1.5;
export const LATENCY_MIN_MS = 20;
/** 5xx share at least this high, and at least twice the previous period's. */
export const SERVER_ERROR_SHARE = 0.01;
/** A bot change and an ARM modification this close together are the same change. */
const SAME_CHANGE_MS = 10 * 60_000;
const CHANGE_VERBS = new Set(["traffic", "mirror", "scale", "apply"]);

export function findAnomalies(input: DigestInput): Finding[] {
  const out: Finding[] = [];
  const span = describeLength(input.period.end.getTime() - input.period.start.getTime());
  for (const e of input.endpoints) {
    const endpointRequests = e.metrics?.traffic.requests.current ?? 0;
    for (const m of e.metrics?.deployments ?? []) {
      const where = `\`${e.endpoint.name}\` / \`${m.deployment}\``;
      const t = m.traffic;
      const p99 = t.latencyP99InMs;
      if (p99.current !== undefined && p99.previous !== undefined && p99.current >= LATENCY_FACTOR * p99.previous && p99.current - p99.previous >= LATENCY_MIN_MS) {
        out.push({ endpoint: e.endpoint.name, deployment: m.deployment, text: `Latency up sharply on ${where}: P99 ${formatMs(p99.previous)} → ${formatMs(p99.current)} (${relativeChange(p99)}).` });
      }
      const s = t.serverErrorShare;
      if (s.current !== undefined && s.current >= SERVER_ERROR_SHARE && (s.previous === undefined || s.current >= 2 * s.previous)) {
        const before = s.previous === undefined ? "" : `${formatShare(s.previous)} → `;
        out.push({ endpoint: e.endpoint.name, deployment: m.deployment, text: `5xx errors up on ${where}: ${before}${formatShare(s.current)} of requests.` });
      }
      const live = shareOf(e.endpoint.traffic, m.deployment);
      if (live > 0 && endpointRequests > 0 && (t.requests.current ?? 0) === 0 && !readFailed(e, m.deployment)) {
        out.push({ endpoint: e.endpoint.name, deployment: m.deployment, text: `${where} has ${live} % of live traffic but served no requests in the last ${span}.` });
      }
    }
  }
  return out;
}

export function findHints(input: DigestInput): Finding[] {
  const out: Finding[] = [];
  const span = describeLength(2 * (input.period.end.getTime() - input.period.start.getTime()));
  for (const e of input.endpoints) {
    for (const d of e.deployments) {
      const m = e.metrics?.deployments.find((x) => x.deployment === d.name);
      const where = `\`${e.endpoint.name}\` / \`${d.name}\``;
      if (m !== undefined && isIdle(e, d, m)) {
        out.push({
          endpoint: e.endpoint.name,
          deployment: d.name,
          text: `${where} has had no requests for ${span} (0 % live, no mirror) but still bills ${d.capacity} × ${d.instanceType ?? "instance"}. Delete it or scale it down if it is not needed.`,
        });
      }
      const max = d.scale?.type === "TargetUtilization" ? d.scale.maxInstances : undefined;
      const lowest = m?.resources?.instancesMin.current ?? d.capacity;
      if (max !== undefined && d.capacity >= max && lowest >= max) {
        const cpu = m?.resources?.cpuPercent.current;
        out.push({
          endpoint: e.endpoint.name,
          deployment: d.name,
          text: `${where} ran at its autoscale maximum of ${max} instances all period${cpu === undefined ? "" : ` (CPU ${Math.round(cpu)} %)`}: raise the maximum or look at the load.`,
        });
      }
    }
  }
  return out;
}

export function findOutOfBand(input: DigestInput): Finding[] {
  const out: Finding[] = [];
  for (const e of input.endpoints) {
    const name = e.endpoint.name;
    const changes = input.audit.filter((r) => r.outcome === "ok" && r.after !== undefined && r.endpoint === name && CHANGE_VERBS.has(r.verb));
    const modifiedAt = e.endpoint.lastModifiedAt;
    const lastTraffic = changes.find((r) => parseChange(r.after!).kind === "traffic");
    if (lastTraffic !== undefined && (modifiedAt === undefined || modifiedAt > input.since)) {
      const expected = parseChange(lastTraffic.after!);
      const live = { traffic: e.endpoint.traffic, mirror: e.endpoint.mirrorTraffic };
      if (expected.kind === "traffic" && (!sameSplit(expected.traffic, live.traffic) || !sameSplit(expected.mirror, live.mirror))) {
        out.push({ endpoint: name, text: `Live traffic on \`${name}\` is ${describe(live.traffic, live.mirror)}, but the bot last set ${lastTraffic.after} (${who(lastTraffic)}): changed outside the bot${by(e)}.` });
        continue;
      }
    }
    if (modifiedAt !== undefined && modifiedAt > input.since && !changes.some((r) => Math.abs(r.at.getTime() - modifiedAt.getTime()) <= SAME_CHANGE_MS)) {
      out.push({ endpoint: name, text: `\`${name}\` was changed outside the bot at ${utcMinute(modifiedAt)} UTC${by(e)}; live traffic is now ${describe(e.endpoint.traffic, e.endpoint.mirrorTraffic)}.` });
    }
    for (const d of e.deployments) {
      if (d.scale?.type === "TargetUtilization") continue; // autoscale moves instance counts on purpose
      const last = changes.find((r) => {
        const c = parseChange(r.after!);
        return c.kind === "capacity" && c.deployment.toLowerCase() === d.name.toLowerCase();
      });
      const expected = last === undefined ? undefined : parseChange(last.after!);
      if (expected?.kind === "capacity" && expected.capacity !== d.capacity) {
        out.push({ endpoint: name, deployment: d.name, text: `\`${name}\` / \`${d.name}\` runs ${d.capacity} ${d.capacity === 1 ? "instance" : "instances"}, but the bot last set ${expected.capacity} (${who(last!)}): changed outside the bot.` });
      }
    }
  }
  return out;
}

type ParsedChange =
  | { readonly kind: "traffic"; readonly traffic: TrafficSplit; readonly mirror: TrafficSplit }
  | { readonly kind: "capacity"; readonly deployment: string; readonly capacity: number };

/**
 * Audit `after` texts: traffic changes read `blue=80 green=20` (then `; mirror green=10`), a scale reads
 * `green=3`. A single pair is a capacity when its value is 1–20 (instances), since a one-deployment split is 0 or 100.
 */
export function parseChange(after: string): ParsedChange {
  const [live = "", mirror = ""] = after.split(/;\s*mirror\s*/);
  const pairs = (text: string): Record<string, number> =>
    Object.fromEntries([...text.matchAll(/([A-Za-z0-9_-]+)=(\d+)/g)].map((m) => [m[1]!, Number(m[2])]));
  const traffic = pairs(live);
  const entries = Object.entries(traffic);
  if (mirror === "" && entries.length === 1 && entries[0]![1] >= 1 && entries[0]![1] <= 20) {
    return { kind: "capacity", deployment: entries[0]![0], capacity: entries[0]![1] };
  }
  return { kind: "traffic", traffic, mirror: pairs(mirror) };
}

function sameSplit(a: TrafficSplit, b: TrafficSplit): boolean {
  const norm = (s: TrafficSplit): string =>
    Object.entries(s)
      .filter(([, v]) => v !== 0)
      .map(([k, v]) => `${k.toLowerCase()}=${v}`)
      .sort()
      .join(" ");
  return norm(a) === norm(b);
}

function describe(traffic: TrafficSplit, mirror: TrafficSplit): string {
  const split = (s: TrafficSplit): string => Object.entries(s).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}=${v}`).join(" ") || "none";
  return Object.keys(mirror).length > 0 ? `${split(traffic)}; mirror ${split(mirror)}` : split(traffic);
}

function who(record: AuditRecord): string {
  return `${record.userId}, ${utcMinute(record.at)} UTC`;
}

function by(e: DigestEndpoint): string {
  return e.endpoint.lastModifiedBy ? ` by ${e.endpoint.lastModifiedBy}` : "";
}

function shareOf(split: TrafficSplit, deployment: string): number {
  return Object.entries(split).find(([k]) => k.toLowerCase() === deployment.toLowerCase())?.[1] ?? 0;
}

function readFailed(e: DigestEndpoint, deployment: string): boolean {
  return (e.metrics?.problems ?? []).some((p) => p.deployment === undefined || p.deployment === deployment);
}

function isIdle(e: DigestEndpoint, d: Deployment, m: DeploymentMetrics): boolean {
  if (shareOf(e.endpoint.traffic, d.name) > 0 || shareOf(e.endpoint.mirrorTraffic, d.name) > 0 || d.capacity < 1 || readFailed(e, d.name)) return false;
  return (m.traffic.requests.current ?? 0) === 0 && (m.traffic.requests.previous ?? 0) === 0;
}
