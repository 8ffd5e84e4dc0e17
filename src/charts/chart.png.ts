/**
 * Charts as PNG without a browser: the SVG of chart.svg.ts rasterised by resvg compiled to WebAssembly
 * (@resvg/resvg-wasm), with DejaVu Sans from the `dejavu-fonts-ttf` package as the only font. WebAssembly
 * rather than the native addon: the same bytes run wherever Node runs (a function app built on a Mac or on
 * Linux), nothing is downloaded at install or run time, and no system font is needed on Azure Functions.
 *
 * Loaded on first use only (dynamic import), so the Slack acknowledgement path never pays for it.
 */
import { readFile } from "node:fs/promises";
import type * as ResvgWasm from "@resvg/resvg-wasm";
import { createRequire } from "node:module";
import type { ChartRenderer } from "../../commands/ports/chart.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import type { Chart, ChartImage } from "../../commands/reply.js";
import { CHART_FONT_FAMILY, CHART_WIDTH, chartHeight, chartSvg } from "./chart.svg.js";

type ResvgModule = typeof ResvgWasm;

interface Engine {
  readonly resvg: ResvgModule;
  readonly font: Uint8Array;
}

/**
 * resvg-wasm refuses a second `initWasm` in one process, so the engine is one per process, created on the
 * first chart and shared by every renderer instance.
 */
let engine: Promise<Engine> | undefined;

function loadEngine(): Promise<Engine> {
  engine ??= (async () => {
    const require = createRequire(import.meta.url);
    const [resvg, wasm, font] = await Promise.all([
      import("@resvg/resvg-wasm"),
      readFile(require.resolve("@resvg/resvg-wasm/index_bg.wasm")),
      readFile(require.resolve("dejavu-fonts-ttf/ttf/DejaVuSans.ttf")),
    ]);
    await resvg.initWasm(wasm);
    return { resvg, font };
  })();
  // A failed start (missing file) must not poison every later attempt.
  engine.catch(() => (engine = undefined));
  return engine;
}

export class ResvgChartRenderer implements ChartRenderer {
  async renderChart(chart: Chart, options: OperationOptions = {}): Promise<ChartImage> {
    const { resvg, font } = await loadEngine();
    options.abortSignal?.throwIfAborted();
    const png = renderPng(resvg, font, chartSvg(chart));
    return { mimeType: "image/png", base64: Buffer.from(png).toString("base64"), width: CHART_WIDTH, height: chartHeight(chart) };
  }
}

function renderPng(resvg: ResvgModule, font: Uint8Array, svg: string): Uint8Array {
  const renderer = new resvg.Resvg(svg, { font: { fontBuffers: [font], defaultFontFamily: CHART_FONT_FAMILY, sansSerifFamily: CHART_FONT_FAMILY } });
  try {
    const image = renderer.render();
    try {
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    // WebAssembly memory is not garbage-collected: free what each render allocated.
    renderer.free();
  }
}
