/**
 * The digest of a workspace or an endpoint as a Reply. Pure: the same input gives the same reply, so it is
 * tested through both chat renderers against golden files, and a timer can send it as is.
 */
import type { Deployment, TrafficSplit } from "../domain/endpoint.js";
import type { DeploymentMetrics, WindowedValue } from "../ports/metrics.port.js";
import { channelReply } from "../replies.js";
import type { Reply, Section } from "../reply.js";
import type { DigestEndpoint, DigestInput } from "./digest-data.js";
import { findAnomalies, findHints, findOutOfBand, type Finding } from "./digest-rules.js";
import { deploymentShare, metricBlock, trafficFields } from "./metric-blocks.js";
import { formatCount, relativeChange, withChange } from "./metric-format.js";
import { describeLength, utcMinute } from "./metric-window.js";

/** Endpoints shown as blocks; endpoints with findings come first, the quiet rest is counted. */
export const DIGEST_ENDPOINTS = 12;

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
  if (one !== undefined) sections.push(...deploymentBlocks(one));
  else if (input.endpoints.length > 0) sections.push(...endpointBlocks(input.endpoints, new Set([...anomalies, ...hints, ...outOfBand].map((f) => f.endpoint))));

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

/**
 * One block per endpoint (flagged first, then the busiest): its live and mirror split on the name line, then its
 * numbers as fields, so the digest fits a chat column on a phone (issue 14 §3). Each block is two Slack blocks, so
 * DIGEST_ENDPOINTS of them stay well within a message's 50.
 */
function endpointBlocks(endpoints: readonly DigestEndpoint[], flagged: ReadonlySet<string>): Section[] {
  const busy = (e: DigestEndpoint): number => e.metrics?.traffic.requests.current ?? 0;
  const ordered = [...endpoints].sort((a, b) => Number(flagged.has(b.endpoint.name)) - Number(flagged.has(a.endpoint.name)) || busy(b) - busy(a) || a.endpoint.name.localeCompare(b.endpoint.name));
  const shown = ordered.slice(0, DIGEST_ENDPOINTS);
  const blocks = shown.flatMap((e) =>
    metricBlock(e.endpoint.name, [`live ${split(e.endpoint.traffic)}`, ...(Object.keys(e.endpoint.mirrorTraffic).length > 0 ? [`mirror ${split(e.endpoint.mirrorTraffic)}`] : [])], [
      ...trafficFields(e.metrics?.traffic),
      { label: "Instances", value: e.deployments.map((d) => `${d.name} ${instances(d, e.metrics?.deployments.find((m) => m.deployment === d.name))}`).join(", ") || "–" },
    ]),
  );
  const rest = ordered.slice(shown.length);
  if (rest.length === 0) return blocks;
  const withFindings = rest.filter((e) => flagged.has(e.endpoint.name)).length;
  const more = `${rest.length} more ${rest.length === 1 ? "endpoint" : "endpoints"}`;
  const note = withFindings === 0 ? `_…and ${more} with fewer requests and nothing to report._` : `_…and ${more} with fewer requests (${withFindings} named in the findings above)._`;
  return [...blocks, { kind: "text", text: note }];
}

/** One block per deployment of the endpoint, as `aml metrics` shows them, with its instances. */
function deploymentBlocks(e: DigestEndpoint): Section[] {
  const names = [...new Set([...e.deployments.map((d) => d.name), ...Object.keys(e.endpoint.traffic)])].sort();
  return names.flatMap((name) => {
    const d = e.deployments.find((x) => x.name === name);
    const m = e.metrics?.deployments.find((x) => x.deployment === name);
    return metricBlock(name, [deploymentShare(name, e.endpoint.traffic, e.endpoint.mirrorTraffic)], [...trafficFields(m?.traffic), { label: "Instances", value: d ? instances(d, m) : "–" }]);
  });
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
