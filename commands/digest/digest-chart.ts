/**
 * The digest's chart: for one endpoint, latency and requests by deployment (as `aml metrics` draws them); for a
 * workspace, the busiest endpoints' P99 latency and request rate, so a glance shows where the load and the slow
 * requests were. Pure: the picture is drawn by the chart port afterwards (`chartSection`).
 */
import type { Chart, ChartSeries } from "../reply.js";
import type { DigestEndpoint, DigestInput } from "./digest-data.js";
import { describeLength, windowTimes } from "./metric-window.js";
import { endpointChart } from "./metrics-chart.js";

/** More lines than this are unreadable in a chart a few hundred pixels wide. */
export const DIGEST_CHART_ENDPOINTS = 6;
const MIN_POINTS = 3;

export function digestChart(input: DigestInput, granularityInMs: number): { readonly chart: Chart; readonly altText: string } | undefined {
  const times = windowTimes(input.period, granularityInMs);
  if (times.length < MIN_POINTS) return undefined;
  const span = describeLength(input.period.end.getTime() - input.period.start.getTime());
  const { alias } = input.target.workspace;
  let chart: Chart;
  let altText: string;
  if (input.target.endpoint !== undefined) {
    const one = input.endpoints[0];
    if (one?.metrics === undefined) return undefined;
    chart = endpointChart(`${one.endpoint.name} · last ${span} (UTC)`, times, one.metrics.deployments);
    altText = `Latency and requests per minute of ${one.endpoint.name} by deployment over the last ${span}.`;
  } else {
    const busiest = input.endpoints.filter((e) => e.metrics?.series !== undefined).sort((a, b) => requests(b) - requests(a) || a.endpoint.name.localeCompare(b.endpoint.name)).slice(0, DIGEST_CHART_ENDPOINTS);
    const latency: ChartSeries[] = [];
    const rate: ChartSeries[] = [];
    for (const e of busiest) {
      const series = e.metrics!.series!;
      if (series.latencyP99InMs.some((v) => v !== null)) latency.push({ name: e.endpoint.name, values: series.latencyP99InMs });
      if (series.requestsPerMinute.some((v) => v !== null)) rate.push({ name: e.endpoint.name, values: series.requestsPerMinute });
    }
    chart = {
      title: `${alias} · busiest endpoints · last ${span} (UTC)`,
      times,
      panels: [
        { title: "Latency P99", unit: "ms", series: latency },
        { title: "Requests", unit: "req/min", series: rate },
      ],
    };
    altText = `Latency P99 and requests per minute of the ${busiest.length} busiest endpoints of ${alias} over the last ${span}: ${busiest.map((e) => e.endpoint.name).join(", ")}.`;
  }
  return chart.panels.some((p) => p.series.length > 0) ? { chart, altText } : undefined;
}

function requests(e: DigestEndpoint): number {
  return e.metrics?.traffic.requests.current ?? 0;
}
