import { describe, expect, it } from "vitest";
import { chartTextLines, CODE_LINE_WIDTH, formatChartValue, sparkline } from "../../commands/sparkline.js";

describe("sparklines", () => {
  it("scales between the series' own min and max, with gaps as spaces", () => {
    expect(sparkline([0, 1, 2, 3, 4, 5, 6, 7])).toBe("▁▂▃▄▅▆▇█");
    expect(sparkline([5, null, 5])).toBe("▄ ▄"); // flat: mid-height, neither empty nor full
    expect(sparkline([0, 0])).toBe("▁▁");
    expect(sparkline([null, null])).toBe("");
  });

  it("averages neighbours to fit the width", () => {
    expect(Array.from(sparkline(Array.from({ length: 120 }, (_, i) => i), 40))).toHaveLength(40);
  });

  it("lays out a chart as aligned rows with min, max and last", () => {
    const lines = chartTextLines({
      title: "t",
      times: ["a", "b", "c"],
      panels: [
        { title: "Latency P99", unit: "ms", series: [{ name: "blue", values: [10, 20, 30] }, { name: "green-long", values: [null, 5, 5] }] },
        { title: "Requests", unit: "req/min", series: [{ name: "x", values: [null, null, null] }] },
      ],
    });
    expect(lines).toEqual([
      "Latency P99 (ms)",
      "  blue        ▁▅█  min 10 · max 30 · last 30 ms",
      "  green-long   ▄▄  min 5 · max 5 · last 5 ms",
      "Requests (req/min)",
      "  no data",
    ]);
    expect(formatChartValue(12_345)).toBe("12k");
    expect(formatChartValue(0.125)).toBe("0.13");
  });

  // 60 points of a per-minute hour; ranges in the thousands read `min 1.2k · max 3.4k · last 2.1k req/min`.
  const hour = (from: number, to: number): number[] => Array.from({ length: 60 }, (_, i) => from + ((to - from) * i) / 59);
  const widths = (lines: readonly string[]): number[] => lines.map((l) => Array.from(l).length);

  it("narrows the sparklines so no line is wider than a chat code block, the same width in every panel", () => {
    const lines = chartTextLines(
      {
        title: "t",
        times: hour(0, 59).map(String),
        panels: [
          { title: "Latency P99", unit: "ms", series: [{ name: "blue", values: hour(118, 260) }, { name: "green", values: hour(94, 99) }] },
          { title: "Requests", unit: "req/min", series: [{ name: "blue", values: hour(1210, 3440) }, { name: "green", values: hour(0, 12) }] },
        ],
      },
      { sparklineWidth: 40, lineWidth: CODE_LINE_WIDTH },
    );
    expect(Math.max(...widths(lines))).toBeLessThanOrEqual(CODE_LINE_WIDTH);
    // Names 5 wide, the widest range 39 wide: 72 − 6 − 5 − 39 = 22 points.
    expect(lines[1]).toBe(`  blue   ${sparkline(hour(118, 260), 22)}  min 118 · max 260 · last 260 ms`);
    expect(lines[4]).toMatch(/^ {2}blue {3}[▁-█]{22} {2}min 1\.2k · max 3\.4k · last 3\.4k req\/min$/);
    // Without a limit, as the terminal asks, the sparklines keep their points.
    expect(chartTextLines({ title: "t", times: [], panels: [{ title: "p", unit: "", series: [{ name: "a", values: hour(0, 1) }] }] }, { sparklineWidth: 40 })[1]).toMatch(/^ {2}a {2}[▁-█]{40} {2}min/);
  });

  it("stacks a row whose name and range leave too little room for a sparkline", () => {
    const name = "a-deployment-named-at-length-p99";
    const lines = chartTextLines({ title: "t", times: [], panels: [{ title: "Latency", unit: "ms", series: [{ name, values: hour(1180, 2600) }] }] }, { sparklineWidth: 40, lineWidth: CODE_LINE_WIDTH });
    expect(lines).toEqual(["Latency (ms)", `  ${name}  min 1.2k · max 2.6k · last 2.6k ms`, `    ${sparkline(hour(1180, 2600), 40)}`]);
    const longer = chartTextLines({ title: "t", times: [], panels: [{ title: "Latency", unit: "ms", series: [{ name: `${name}-and-more-of-it`, values: hour(1180, 2600) }] }] }, { sparklineWidth: 40, lineWidth: CODE_LINE_WIDTH });
    expect(longer.slice(1, 3)).toEqual([`  ${name}-and-more-of-it`, "    min 1.2k · max 2.6k · last 2.6k ms"]);
    expect(Math.max(...widths(longer))).toBeLessThanOrEqual(CODE_LINE_WIDTH);
  });
});
