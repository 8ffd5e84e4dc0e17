/**
 * The digest of a workspace or an endpoint as a Reply. Pure: the same input gives the same reply, so it is
 * tested through both chat renderers against golden files, and a timer can send it as is.
 */
import type { Deployment, TrafficSplit } from "../domain/endpoint.js";
import type { DeploymentMetrics, TrafficStats, WindowedValue } from "../ports/metrics.port.js";
import { channelReply } from "../replies.js";
import type { Reply, Section } from "../reply.js";
import type { DigestEndpoint, DigestInput } from "./digest-data.js";
import { findAnomalies, findHints, findOutOfBand, type Finding } from "./digest-rules.js";
import { formatCount, formatMs, formatRate, formatShare, pointChange, relativeChange, withChange } from "./metric-format.js";
import { describeLength, utcMinute } from "./metric-window.js";

/** Rows in the table; endpoints with findings come first, the quiet rest is counted. */
export const DIGEST_ROWS = 25;

export function buildDigest(input: DigestInput): Reply {
  const anomalies = findAnomalies(input);
  const hints = findHints(input);
  const outOfBand = findOutOfBand(input);
  const { alias } = input.target.workspace;
  const one = input.target.endpoint !== undefined ? input.endpoints[0] : undefined;
  const span = describeLength(input.period.end.getTime() - input.period.start.getTime());
  const requests = sum(input.endpoints.map((e) => e.metrics?.traffic.requests ?? {}));

  const counts = [
    one ? undefined : `*${input.endpoints.length} ${input.endpoints.length === 1 ? "endpoint" : "endpoints"}*`,
    withChange(`${formatCount(requests.current ?? 0)} requests`, relativeChange(requests)),
    plural(anomalies.length, "anomaly", "anomalies"),
    plural(hints.length, "hint", "hints"),
    outOfBand.length === 0 ? undefined : plural(outOfBand.length, "change outside the bot", "changes outside the bot"),
  ].filter((part): part is string => part !== undefined);
  const sections: Section[] = [{ kind: "text", text: counts.join(" · ") }];
  if (anomalies.length > 0) sections.push(list("Anomalies", "⚠️", anomalies));
  if (outOfBand.length > 0) sections.push(list("Changed outside the bot", "✋", outOfBand));
  if (hints.length > 0) sections.push(list("Hints", "💡", hints));
  if (one !== undefined) sections.push(deploymentTable(one));
  else if (input.endpoints.length > 0) sections.push(...endpointTable(input.endpoints, new Set([...anomalies, ...hints, ...outOfBand].map((f) => f.endpoint))));

  const problems = input.endpoints.flatMap((e) => e.metrics?.problems ?? []);
  const unread = new Set(problems.map((p) => p.endpoint));
  const scope = one ? `${one.endpoint.name} · ${alias}` : alias;
  return channelReply({
    title: `Digest · ${scope}`,
    tone: anomalies.length > 0 ? "warning" : "info",
    sections,
    context: [
      `Last ${span}: ${utcMinute(input.period.start)} – ${utcMinute(input.period.end)} UTC, Δ against the ${span} before · Azure Monitor`,
      ...(unread.size === 0 ? [] : [`Some metrics could not be read for ${[...unread].sort().map((n) => `\`${n}\``).join(", ")}: ${problems[0]!.message}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ""}.`]),
      `Generated ${utcMinute(input.generatedAt)} UTC`,
    ],
    summary: `Digest of ${scope} for the last ${span}: ${counts.join(", ").replace(/\*/g, "")}.`,
  });
}

function list(title: string, icon: string, findings: readonly Finding[]): Section {
  return { kind: "text", text: [`*${title}*`, ...findings.map((f) => `${icon} ${f.text}`)].join("\n") };
}

function endpointTable(endpoints: readonly DigestEndpoint[], flagged: ReadonlySet<string>): Section[] {
  const busy = (e: DigestEndpoint): number => e.metrics?.traffic.requests.current ?? 0;
  const ordered = [...endpoints].sort((a, b) => Number(flagged.has(b.endpoint.name)) - Number(flagged.has(a.endpoint.name)) || busy(b) - busy(a) || a.endpoint.name.localeCompare(b.endpoint.name));
  const shown = ordered.slice(0, DIGEST_ROWS);
  const table: Section = {
    kind: "table",
    columns: ["Endpoint", "Live traffic", "Mirror", "Instances", "Requests", "P50 / P90 / P99", "4xx", "5xx"],
    rows: shown.map((e) => [
      e.endpoint.name,
      split(e.endpoint.traffic),
      split(e.endpoint.mirrorTraffic),
      e.deployments.map((d) => `${d.name} ${instances(d, e.metrics?.deployments.find((m) => m.deployment === d.name))}`).join(", ") || "–",
      ...trafficCells(e.metrics?.traffic),
    ]),
  };
  const rest = ordered.length - shown.length;
  return rest > 0 ? [table, { kind: "text", text: `_…and ${rest} more ${rest === 1 ? "endpoint" : "endpoints"} with fewer requests and nothing to report._` }] : [table];
}

function deploymentTable(e: DigestEndpoint): Section {
  const names = [...new Set([...e.deployments.map((d) => d.name), ...Object.keys(e.endpoint.traffic)])].sort();
  return {
    kind: "table",
    columns: ["Deployment", "Live", "Mirror", "Instances", "Requests", "P50 / P90 / P99", "4xx", "5xx"],
    rows: names.map((name) => {
      const d = e.deployments.find((x) => x.name === name);
      const m = e.metrics?.deployments.find((x) => x.deployment === name);
      return [name, `${e.endpoint.traffic[name] ?? 0} %`, e.endpoint.mirrorTraffic[name] ? `${e.endpoint.mirrorTraffic[name]} %` : "–", d ? instances(d, m) : "–", ...trafficCells(m?.traffic)];
    }),
  };
}

function trafficCells(t: TrafficStats | undefined): string[] {
  if (t === undefined) return ["–", "–", "–", "–"];
  const latency = `${formatMs(t.latencyP50InMs.current).replace(" ms", "")} / ${formatMs(t.latencyP90InMs.current).replace(" ms", "")} / ${formatMs(t.latencyP99InMs.current)}`;
  return [
    withChange(formatRate(t.requestsPerMinute.current), relativeChange(t.requestsPerMinute)),
    withChange(latency, relativeChange(t.latencyP99InMs)),
    withChange(formatShare(t.clientErrorShare.current), pointChange(t.clientErrorShare)),
    withChange(formatShare(t.serverErrorShare.current), pointChange(t.serverErrorShare)),
  ];
}

/** Instances now, with the change of the period's average against the previous period when metrics have it. */
function instances(d: Deployment, m: DeploymentMetrics | undefined): string {
  const average = m?.resources?.instances;
  const change = average === undefined ? "" : relativeChange(average);
  return withChange(String(d.capacity), change === "±0 %" ? "" : change);
}

function split(s: TrafficSplit): string {
  const entries = Object.entries(s).sort(([a], [b]) => a.localeCompare(b));
  return entries.length === 0 ? "–" : entries.map(([k, v]) => `${k} ${v} %`).join(", ");
}

function sum(values: readonly WindowedValue[]): WindowedValue {
  const add = (key: "current" | "previous"): number | undefined =>
    values.reduce<number | undefined>((acc, v) => (v[key] === undefined ? acc : (acc ?? 0) + v[key]!), undefined);
  const current = add("current");
  const previous = add("previous");
  return { ...(current === undefined ? {} : { current }), ...(previous === undefined ? {} : { previous }) };
}

function plural(n: number, one: string, many: string): string | undefined {
  return n === 0 ? undefined : `${n} ${n === 1 ? one : many}`;
}
