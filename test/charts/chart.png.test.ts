/**
 * Charts drawn without a browser: a valid PNG of the announced size, the same bytes for the same chart, and an
 * SVG that escapes what it is given.
 */
import { inflateSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import type { Chart } from "../../commands/reply.js";
import { ResvgChartRenderer } from "../../src/charts/chart.png.js";
import { CHART_WIDTH, chartHeight, chartSvg } from "../../src/charts/chart.svg.js";

const times = Array.from({ length: 60 }, (_, i) => new Date(Date.UTC(2026, 10, 25, 8, i)).toISOString());
const wave = (base: number, swing: number, gapFrom = -1) => times.map((_, i) => (i >= gapFrom && i < gapFrom + 5 ? null : base + swing * Math.sin(i / 7)));
const chart: Chart = {
  title: "fraud-scorer · last 1 h",
  times,
  panels: [
    { title: "Latency P99", unit: "ms", series: [{ name: "blue", values: wave(180, 30) }, { name: "green", values: wave(240, 60, 20) }] },
    { title: "Requests", unit: "req/min", series: [{ name: "blue", values: wave(24, 5) }] },
  ],
};

/** Width, height, bit depth and colour type from the IHDR chunk, after checking the signature and chunk CRCs' layout. */
function pngHeader(bytes: Buffer): { width: number; height: number; bitDepth: number; colorType: number; chunks: string[] } {
  expect(bytes.subarray(0, 8)).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
  const chunks: string[] = [];
  let offset = 8;
  const idat: Buffer[] = [];
  while (offset < bytes.length) {
    const length = bytes.readUInt32BE(offset);
    const type = bytes.toString("ascii", offset + 4, offset + 8);
    if (type === "IDAT") idat.push(bytes.subarray(offset + 8, offset + 8 + length));
    chunks.push(type);
    offset += 12 + length;
  }
  expect(offset).toBe(bytes.length);
  inflateSync(Buffer.concat(idat)); // the image data is a valid zlib stream
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20), bitDepth: bytes[24]!, colorType: bytes[25]!, chunks };
}

describe("ResvgChartRenderer", () => {
  it("draws a valid PNG of the announced size", async () => {
    const image = await new ResvgChartRenderer().renderChart(chart);
    const header = pngHeader(Buffer.from(image.base64, "base64"));
    expect(image).toMatchObject({ mimeType: "image/png", width: CHART_WIDTH, height: chartHeight(chart) });
    expect(header).toMatchObject({ width: 640, height: 34 + 2 * 170, bitDepth: 8 });
    expect(header.chunks[0]).toBe("IHDR");
    expect(header.chunks.at(-1)).toBe("IEND");
    // Small enough for an Adaptive Card data URL and quick to upload.
    expect(image.base64.length).toBeLessThan(60_000);
  });

  it("is deterministic: the same chart gives the same bytes", async () => {
    const renderer = new ResvgChartRenderer();
    const [a, b] = await Promise.all([renderer.renderChart(chart), new ResvgChartRenderer().renderChart(chart)]);
    expect(a.base64).toBe(b.base64);
  });

  it("draws a chart without any data", async () => {
    const empty: Chart = { title: "nothing yet", times: [], panels: [{ title: "Requests", unit: "req/min", series: [] }] };
    const header = pngHeader(Buffer.from((await new ResvgChartRenderer().renderChart(empty)).base64, "base64"));
    expect(header.height).toBe(34 + 170);
  });
});

describe("chartSvg", () => {
  it("escapes titles and names and breaks lines at gaps", () => {
    const svg = chartSvg({ ...chart, title: `<script>&"x'` });
    expect(svg).toContain("&lt;script&gt;&amp;&quot;x&apos;");
    expect(svg).not.toContain("<script>");
    expect(svg.match(/<polyline/g)).toHaveLength(4); // blue, green before and after its gap, requests
    expect(svg).toContain(">08:00<");
  });
});
