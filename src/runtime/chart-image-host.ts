/**
 * The Teams adapter's `ChartImageHost` over the chart store: a published picture is served by this function app
 * at `{publicBaseUrl}/api/charts/{id}`. The base URL is read on each publish, because locally the host's port is
 * known only once it listens, after the runtime is built.
 */
import type { ChartImageHost } from "../../adapters/teams/chart-hosting.js";
import type { TableChartImages } from "../storage/table.chart-images.js";

export function chartImageHost(store: TableChartImages, publicBaseUrl: () => string | undefined): ChartImageHost {
  return {
    async publish(png, mimeType) {
      const base = publicBaseUrl();
      if (base === undefined) return undefined;
      const id = await store.put(png, mimeType);
      return `${base.replace(/\/+$/, "")}/api/charts/${id}`;
    },
  };
}
