/**
 * Teams delivery publishes chart pictures before rendering; failures leave the Reply as it was (fallbacks apply).
 */
import { describe, expect, it } from "vitest";
import { hostChartImages, type ChartImageHost } from "../../../adapters/teams/chart-hosting.js";
import type { Reply, Section } from "../../../commands/reply.js";
import { replies } from "../fixtures/replies.js";

const warnings: unknown[] = [];
const logger = { info() {}, warn: (message: string) => void warnings.push(message), error() {} };
const chart = replies.chart.sections.find((s) => s.kind === "chart") as Extract<Section, { kind: "chart" }>;

describe("hostChartImages", () => {
  it("gives each drawn chart the published url and hands the host the PNG bytes", async () => {
    const published: { bytes: Uint8Array; mimeType: string }[] = [];
    const host: ChartImageHost = { publish: async (bytes, mimeType) => (published.push({ bytes, mimeType }), `https://h/api/charts/${published.length}`) };
    const hosted = await hostChartImages(replies.chart, host, logger);
    const section = hosted.sections.find((s) => s.kind === "chart") as Extract<Section, { kind: "chart" }>;
    expect(section.image?.url).toBe("https://h/api/charts/1");
    expect(Buffer.from(published[0]!.bytes).toString("base64")).toBe(chart.image!.base64);
    expect(published[0]!.mimeType).toBe("image/png");
    // Already hosted: not published twice (a retried or re-rendered reply).
    await hostChartImages(hosted, host, logger);
    expect(published).toHaveLength(1);
  });

  it("leaves the reply as it is when publishing fails or gives no url, or there is no host", async () => {
    const failing: ChartImageHost = { publish: () => Promise.reject(new Error("storage down")) };
    expect(await hostChartImages(replies.chart, failing, logger)).toEqual(replies.chart);
    expect(warnings).toHaveLength(1);
    expect(await hostChartImages(replies.chart, { publish: async () => undefined }, logger)).toEqual(replies.chart);
    expect(await hostChartImages(replies.chart, undefined, logger)).toBe(replies.chart);
    const noChart: Reply = replies["chart-text"]!;
    expect(await hostChartImages(noChart, failing, logger)).toBe(noChart);
  });
});
