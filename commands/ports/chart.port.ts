import type { Chart, ChartImage } from "../reply.js";
import type { OperationOptions } from "./operation-options.js";

/**
 * Draws a chart server-side (no browser). The core asks for the picture and puts it in the Reply next to the
 * data, so renderers stay pure: each one shows the picture or falls back to sparklines from the data.
 */
export interface ChartRenderer {
  renderChart(chart: Chart, options?: OperationOptions): Promise<ChartImage>;
}
