/**
 * The latency / request-rate chart of an endpoint, from the series the metrics port returns, and the chart
 * section of a Reply: the data always, the picture when the chart renderer could draw it (a failed drawing
 * is logged and the reply falls back to sparklines; it is never an error for the user).
 */
import type { Logger } from "../ports/logger.port.js";
import type { ChartRenderer } from "../ports/chart.port.js";
import type { DeploymentMetrics } from "../ports/metrics.port.js";
import type { Chart, ChartSeries, Section } from "../reply.js";

export function endpointChart(title: string, times: readonly string[], deployments: readonly DeploymentMetrics[]): Chart {
  const withData = (values: readonly (number | null)[] | undefined): boolean => (values ?? []).some((v) => v !== null);
  const latency: ChartSeries[] = [];
  const rate: ChartSeries[] = [];
  for (const d of deployments) {
    if (d.series === undefined) continue;
    // One deployment: show its median next to its tail; several: the tail of each, comparable at a glance.
    if (deployments.length === 1 && withData(d.series.latencyP50InMs)) latency.push({ name: `${d.deployment} P50`, values: d.series.latencyP50InMs });
    if (withData(d.series.latencyP99InMs)) latency.push({ name: deployments.length === 1 ? `${d.deployment} P99` : d.deployment, values: d.series.latencyP99InMs });
    if (withData(d.series.requestsPerMinute)) rate.push({ name: d.deployment, values: d.series.requestsPerMinute });
  }
  return {
    title,
    times,
    panels: [
      { title: deployments.length === 1 ? "Latency" : "Latency P99", unit: "ms", series: latency },
      { title: "Requests", unit: "req/min", series: rate },
    ],
  };
}

export async function chartSection(
  charts: ChartRenderer,
  logger: Logger,
  chart: Chart,
  altText: string,
  options: { readonly abortSignal?: AbortSignal; readonly correlationId?: string } = {},
): Promise<Section> {
  try {
    const image = await charts.renderChart(chart, options.abortSignal ? { abortSignal: options.abortSignal } : {});
    return { kind: "chart", chart, altText, image };
  } catch (error) {
    logger.warn("chart not drawn; replying with sparklines", { correlationId: options.correlationId, error });
    return { kind: "chart", chart, altText };
  }
}
