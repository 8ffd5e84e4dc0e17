/**
 * `aml metrics` end to end: the real core, the real metrics port over `MetricsClient`, the emulator's metrics
 * plane, the real chart renderer; fixed clock.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CommandCore } from "../../commands/command-core.js";
import type { Reply, Section } from "../../commands/reply.js";
import { renderBlockKit } from "../../adapters/slack/block-kit.renderer.js";
import { renderText } from "../../adapters/terminal/text.renderer.js";
import { command, startCoreHarness, textOf, VIEWER, type CoreHarness } from "../helpers/core-harness.js";

let harness: CoreHarness;

beforeAll(async () => {
  harness = await startCoreHarness();
});
afterAll(() => harness?.close());
beforeEach(() => harness.emulator.reset());

const chartOf = (reply: Reply) => reply.sections.find((s): s is Extract<Section, { kind: "chart" }> => s.kind === "chart");
/** The fields block under a deployment's name line (`*blue* · 100 % live`). */
const blockOf = (reply: Reply, deployment: string): Record<string, string> | undefined => {
  const at = reply.sections.findIndex((s) => s.kind === "text" && s.text.startsWith(`*${deployment}* · `));
  const next = reply.sections[at + 1];
  return at >= 0 && next?.kind === "fields" ? Object.fromEntries(next.fields.map((f) => [f.label, f.value])) : undefined;
};
const stringsIn = (value: unknown): string[] =>
  typeof value === "string" ? [value] : typeof value === "object" && value !== null ? Object.values(value).flatMap(stringsIn) : [];
const nameLines = (reply: Reply) => reply.sections.flatMap((s) => (s.kind === "text" && /^\*[^*]+\* · /.test(s.text) ? [s.text] : []));

describe("aml metrics", () => {
  it("shows an endpoint and its deployments over the last hour against the hour before, with a drawn chart", async () => {
    const reply = await harness.core.execute(command("metrics fraud-scorer", VIEWER));
    expect(reply).toMatchObject({ title: "Metrics: fraud-scorer · last 1 h", tone: "info", visibility: "channel" });
    const text = textOf(reply);
    expect(text).toMatch(/Requests: \d+\/min \([+−±][\d.]+ %\)/);
    expect(text).toMatch(/Latency P50 \/ P90 \/ P99: \d+ ms \/ \d+ ms \/ \d+ ms/);
    expect(text).toContain("2026-11-25 08:00 – 2026-11-25 09:00 UTC");
    expect(nameLines(reply)).toEqual(["*blue* · 100 % live", "*green* · 0 % live"]);
    const chart = chartOf(reply)!;
    expect(chart.chart.times).toHaveLength(60); // one point a minute
    expect(chart.chart.panels.map((p) => p.title)).toEqual(["Latency P99", "Requests"]);
    expect(chart.image?.mimeType).toBe("image/png");
    expect(Buffer.from(chart.image!.base64, "base64").subarray(1, 4).toString("ascii")).toBe("PNG");
    // Two queries on the endpoint, one on its deployments.
    expect(harness.emulator.metrics.calls.batch).toBe(3);
  });

  it("fits a chat column: one block of fields per deployment, every number kept, no wide table or code line", async () => {
    const reply = await harness.core.execute(command("metrics fraud-scorer", VIEWER));
    for (const s of reply.sections) if (s.kind === "table") expect(s.columns.length).toBeLessThanOrEqual(4);
    const number = /^(\d[\d.,k]*( %|\/min| ms)?|–)( \([+−±][\d.]+ (%|pt)\))?$/;
    expect(blockOf(reply, "blue")).toEqual({
      Requests: expect.stringMatching(/^\d+\/min \([+−±][\d.]+ %\)$/),
      "P50 / P90 / P99": expect.stringMatching(/^\d+ ms \/ \d+ ms \/ \d+ ms \([+−±][\d.]+ %\)$/),
      "4xx": expect.stringMatching(/^[\d.]+ % \([+−±][\d.]+ pt\)$/),
      "5xx": expect.stringMatching(/^[\d.]+ % \([+−±][\d.]+ pt\)$/),
      CPU: expect.stringMatching(/^\d+ % \([+−±][\d.]+ %\)$/),
      Memory: expect.stringMatching(/^\d+ %$/),
      Instances: expect.stringMatching(/^\d+ \([+−±][\d.]+ %\)$/),
    });
    // green has no live traffic: no requests, but the same labels and its resources.
    const green = blockOf(reply, "green")!;
    expect(Object.keys(green)).toEqual(["Requests", "P50 / P90 / P99", "4xx", "5xx", "CPU", "Memory", "Instances"]);
    expect(green.CPU).toMatch(number);
    expect(green["P50 / P90 / P99"]).toBe("–"); // one dash, not "– / – / –"
    expect(chartOf(reply)).toBeDefined();
    // Code blocks, as the terminal and Slack show them, the chart's sparkline fallback among them: no line wider
    // than 72 characters.
    const codeLines = [renderText(reply, { color: false }), ...stringsIn(renderBlockKit(reply))].flatMap((text) => [...text.matchAll(/```[^\n]*\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split("\n")));
    for (const line of codeLines) expect(line.length, line).toBeLessThanOrEqual(72);
  });

  it("narrows to one deployment and a longer window", async () => {
    const reply = await harness.core.execute(command("metrics fraud-scorer --deployment blue --since 6h", VIEWER));
    expect(reply.title).toBe("Metrics: fraud-scorer / blue · last 6 h");
    expect(nameLines(reply)).toEqual(["*blue* · 100 % live"]);
    // Only the deployment's own block: no endpoint-wide fields above it.
    expect(reply.sections.filter((s) => s.kind === "fields")).toHaveLength(1);
    expect(chartOf(reply)!.chart.times).toHaveLength(72); // five-minute points
    expect(chartOf(reply)!.chart.panels[0]!.series.map((s) => s.name)).toEqual(["blue P50", "blue P99"]);
  });

  it("finds the endpoint from the deployment alone, as other verbs do", async () => {
    const reply = await harness.core.execute(command("metrics -d main", VIEWER));
    expect(reply.title).toBe("Metrics: churn-model / main · last 1 h");
  });

  it("refuses what it cannot read", async () => {
    expect(textOf(await harness.core.execute(command("metrics fraud-scorer --since soon", VIEWER)))).toMatch(/not a length of time/);
    expect(textOf(await harness.core.execute(command("metrics fraud-scorer --since 60d", VIEWER)))).toMatch(/from 5 minutes to 30 days/);
    const missing = await harness.core.execute(command("metrics fraud-scorer --deployment red", VIEWER));
    expect(missing).toMatchObject({ title: "Deployment not found", visibility: "requester" });
  });

  it("shows what worked and says what did not", async () => {
    harness.emulator.metrics.failMetrics({ metric: "CpuUtilizationPercentage", errorCode: "ServiceUnavailable" });
    const reply = await harness.core.execute(command("metrics fraud-scorer", VIEWER));
    expect(reply.tone).toBe("warning");
    expect(textOf(reply)).toContain("Could not read blue CpuUtilizationPercentage: ServiceUnavailable");
    expect(blockOf(reply, "blue")).toMatchObject({ Requests: expect.stringMatching(/\/min/), CPU: "–" }); // requests still there
  });

  it("falls back to sparklines when the chart cannot be drawn", async () => {
    const failing = { renderChart: () => Promise.reject(new Error("no wasm today")) };
    const core = new CommandCore({ ...harness.app.deps, charts: failing });
    const reply = await core.execute(command("metrics fraud-scorer", VIEWER));
    expect(chartOf(reply)).toMatchObject({ kind: "chart", altText: expect.stringContaining("blue") });
    expect(chartOf(reply)!.image).toBeUndefined();
  });
});
