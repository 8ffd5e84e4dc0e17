import * as z from "zod";
import { deploymentFlag, endpointArg, workspaceFlag } from "../common-flags.js";
import { endpointChart, chartSection } from "../digest/metrics-chart.js";
import { deploymentShare, metricBlock, trafficFields } from "../digest/metric-blocks.js";
import { formatMs, formatPercent, formatRate, formatShare, relativeChange, withChange } from "../digest/metric-format.js";
import { describeLength, granularityFor, MAX_WINDOW_MS, metricsQuery, MIN_WINDOW_MS, parseWindowLength, utcMinute, windowTimes } from "../digest/metric-window.js";
import { refuse } from "../parse/refuse.js";
import type { DeploymentMetrics, EndpointMetrics } from "../ports/metrics.port.js";
import { channelReply, problemReply } from "../replies.js";
import type { Section } from "../reply.js";
import { resolveEndpoint } from "../target-resolver.js";
import { defineVerb } from "../verb-spec.js";

const DEFAULT_WINDOW = "1h";

/** `--since 6h`: a window of 5 minutes to 30 days. */
const windowLength = z.string().transform((word, ctx) => {
  const lengthInMs = parseWindowLength(word);
  if (lengthInMs === undefined) return refuse(ctx, `\`--since ${word}\` is not a length of time: use e.g. \`30m\`, \`1h\`, \`6h\`, \`1d\` or \`7d\`.`);
  if (lengthInMs < MIN_WINDOW_MS || lengthInMs > MAX_WINDOW_MS) return refuse(ctx, "`--since` must be from 5 minutes to 30 days.");
  return lengthInMs;
});

export const metricsVerb = defineVerb({
  name: "metrics",
  group: "look",
  aliases: ["stats"],
  summary: "Requests, latency, errors, CPU, memory and instances over a window, against the window before, with a chart",
  examples: ["metrics fraud-scorer", "metrics fraud-scorer --since 6h", "metrics --deployment green --since 1d"],
  role: "viewer",
  slow: true,
  positionals: [endpointArg],
  flags: {
    workspace: workspaceFlag,
    since: { type: "string", short: "s", description: `How far back (default ${DEFAULT_WINDOW}): 30m, 6h, 1d, 7d`, placeholder: "duration", default: DEFAULT_WINDOW, schema: windowLength },
    deployment: deploymentFlag,
  },
  ackText: (a) => `⏳ Reading metrics of ${a.endpoint ?? "the endpoint"}…`,
  async run(ctx, a) {
    const target = await resolveEndpoint(ctx, a.endpoint, a.deployment ? [a.deployment] : []);
    if (!target.ok) return { reply: target.reply, audit: { outcome: "invalid", detail: target.reply.summary } };
    const { endpoint, deployments } = target.value;
    const names = deployments.map((d) => d.name).filter((n) => a.deployment === undefined || n.toLowerCase() === a.deployment.toLowerCase()).sort();
    if (a.deployment !== undefined && names.length === 0) {
      const known = deployments.map((d) => `\`${d.name}\``).sort().join(", ") || "none";
      const reply = problemReply("Deployment not found", [`\`${endpoint.name}\` has no deployment \`${a.deployment}\`. Deployments: ${known}.`]);
      return { reply, audit: { outcome: "not-found", endpoint: endpoint.name, detail: reply.summary } };
    }
    const query = metricsQuery(ctx.deps.clock.now(), a.since, { resources: true, series: true }, granularityFor(a.since));
    const [metrics] = await ctx.deps.metrics.getEndpointMetrics(
      ctx.workspace,
      [{ endpoint: endpoint.name, deployments: names, ...(endpoint.location ? { location: endpoint.location } : {}) }],
      query,
      { abortSignal: ctx.abortSignal },
    );
    const span = describeLength(a.since);
    const title = `${endpoint.name}${a.deployment ? ` / ${names[0] ?? a.deployment}` : ""} · last ${span}`;
    const sections: Section[] = [];
    if (metrics !== undefined) {
      if (a.deployment === undefined) sections.push({ kind: "fields", fields: trafficFields(metrics.traffic, { latencyLabel: "Latency P50 / P90 / P99" }) });
      sections.push(...deploymentBlocks(metrics.deployments, endpoint.traffic, endpoint.mirrorTraffic, deployments));
      const chart = endpointChart(`${title} (UTC)`, windowTimes(query.window, query.granularityInMs), metrics.deployments);
      sections.push(await chartSection(ctx.deps.charts, ctx.deps.logger, chart, altText(title, metrics), { correlationId: ctx.invocation.correlationId, ...(ctx.abortSignal ? { abortSignal: ctx.abortSignal } : {}) }));
    }
    const problems = metrics?.problems ?? [];
    const reply = channelReply({
      title: `Metrics: ${title}`,
      tone: problems.length > 0 ? "warning" : "info",
      sections,
      context: [
        `${utcMinute(query.window.start)} – ${utcMinute(query.window.end)} UTC, Δ against the ${span} before · Azure Monitor`,
        ...problems.slice(0, 5).map((p) => `Could not read ${p.deployment ? `${p.deployment} ` : ""}${p.message}`),
        ...(problems.length > 5 ? [`…and ${problems.length - 5} more metrics that could not be read`] : []),
      ],
      summary: `${endpoint.name}: ${formatRate(metrics?.traffic.requestsPerMinute.current)}, P99 ${formatMs(metrics?.traffic.latencyP99InMs.current)}, 5xx ${formatShare(metrics?.traffic.serverErrorShare.current)} over the last ${span}`,
    });
    return { reply, audit: { outcome: "ok", endpoint: endpoint.name, detail: `last ${span}` } };
  },
});

/**
 * One block per deployment: a name line, then its numbers as fields (Teams FactSet, Slack fields), so nothing
 * needs a table wider than a chat column.
 */
function deploymentBlocks(
  metrics: readonly DeploymentMetrics[],
  traffic: Readonly<Record<string, number>>,
  mirror: Readonly<Record<string, number>>,
  deployments: readonly { name: string; capacity: number }[],
): Section[] {
  return metrics.flatMap((m): Section[] => {
    const r = m.resources;
    const capacity = deployments.find((d) => d.name === m.deployment)?.capacity;
    const instances = r?.instances.current !== undefined ? withChange(r.instances.current.toFixed(r.instances.current % 1 === 0 ? 0 : 1), relativeChange(r.instances)) : String(capacity ?? "–");
    return metricBlock(m.deployment, [deploymentShare(m.deployment, traffic, mirror)], [
      ...trafficFields(m.traffic),
      { label: "CPU", value: withChange(formatPercent(r?.cpuPercent.current), relativeChange(r?.cpuPercent ?? {})) },
      { label: "Memory", value: formatPercent(r?.memoryPercent.current) },
      { label: "Instances", value: instances },
    ]);
  });
}

function altText(title: string, metrics: EndpointMetrics): string {
  const parts = metrics.deployments.map((d) => `${d.deployment}: P99 ${formatMs(d.traffic.latencyP99InMs.current)}, ${formatRate(d.traffic.requestsPerMinute.current)}`);
  return `Latency and requests per minute by deployment, ${title}. ${parts.join("; ")}.`;
}
