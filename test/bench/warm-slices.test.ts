import { describe, expect, it } from "vitest";
import { mergeLevels } from "../../bench/warm-load.js";
import { sliceSize } from "../../bench/warm-suite.js";

describe("warm levels cut into slices", () => {
  it("cuts a level's requests into slices that add up to it, the first ones taking the remainder", () => {
    const sizes = Array.from({ length: 3 }, (_, index) => sliceSize(2000, 3, index));
    expect(sizes).toEqual([667, 667, 666]);
    expect(Array.from({ length: 10 }, (_, index) => sliceSize(5, 10, index)).filter((size) => size > 0)).toHaveLength(5);
  });

  it("pools the slices' latencies and adds up their errors and wall time", () => {
    const merged = mergeLevels([
      { latencies: [1, 2], errors: 1, errorKinds: { "HTTP 404": 1 }, wallMs: 10, truncated: false },
      { latencies: [3], errors: 2, errorKinds: { "HTTP 404": 1, ECONNRESET: 1 }, wallMs: 5, truncated: true },
    ]);
    expect(merged).toEqual({ latencies: [1, 2, 3], errors: 3, errorKinds: { "HTTP 404": 2, ECONNRESET: 1 }, wallMs: 15, truncated: true });
  });
});
