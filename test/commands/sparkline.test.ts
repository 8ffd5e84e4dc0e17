import { describe, expect, it } from "vitest";
import { chartTextLines, formatChartValue, sparkline } from "../../commands/sparkline.js";

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
});
