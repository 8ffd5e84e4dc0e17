/** Y-axis ticks at nice numbers (1, 2, 2.5, 5 × 10^k steps), a zero baseline and labels without needless decimals. */
import { describe, expect, it } from "vitest";
import { axisTicks, niceTicks } from "../../src/charts/chart.ticks.js";

describe("axisTicks", () => {
  it("labels 0 to 6.25 in steps of 2.5, not 1.56 / 3.13 / 4.69", () => {
    expect(axisTicks([0, 3, 6.25])).toMatchObject({ min: 0, max: 7.5, step: 2.5, labels: ["0", "2.5", "5", "7.5"] });
  });

  it("labels 0 to 187 as 0, 50, 100, 150, 200", () => {
    expect(axisTicks([12, 187])).toMatchObject({ values: [0, 50, 100, 150, 200], labels: ["0", "50", "100", "150", "200"] });
  });

  it("labels 0 to 25 and 0 to 250 without 6.25, 18.8 or 62.5", () => {
    expect(axisTicks([25]).labels).toEqual(["0", "5", "10", "15", "20", "25"]);
    expect(axisTicks([250]).labels).toEqual(["0", "50", "100", "150", "200", "250"]);
  });

  it("starts non-negative data at zero: 3.2 to 3.9 reads 0 to 4", () => {
    expect(axisTicks([3.2, 3.5, 3.9]).labels).toEqual(["0", "1", "2", "3", "4"]);
  });

  it("gives all zeros, and no data, an axis of 0 to 1", () => {
    for (const values of [[0, 0, 0], []]) {
      expect(axisTicks(values)).toMatchObject({ min: 0, max: 1, labels: ["0", "0.25", "0.5", "0.75", "1"] });
    }
  });

  it("draws a single value from zero to just above it", () => {
    expect(axisTicks([42]).labels).toEqual(["0", "10", "20", "30", "40", "50"]);
  });

  it("keeps zero on the axis for negative data and ignores non-finite values", () => {
    expect(axisTicks([-3, 5, Number.NaN, Number.POSITIVE_INFINITY]).labels).toEqual(["-5", "-2.5", "0", "2.5", "5"]);
    expect(axisTicks([-7, -2]).labels).toEqual(["-7.5", "-5", "-2.5", "0"]);
  });

  it("shortens thousands only when the step is a thousand or more", () => {
    expect(axisTicks([2400]).labels).toEqual(["0", "500", "1000", "1500", "2000", "2500"]);
    expect(axisTicks([12_345]).labels).toEqual(["0", "5k", "10k", "15k"]);
  });

  it("keeps small steps exact, without floating-point noise", () => {
    expect(axisTicks([0.003]).labels).toEqual(["0", "0.001", "0.002", "0.003"]);
    expect(axisTicks([0.3]).values).toEqual([0, 0.1, 0.2, 0.3]); // 3 × 0.1 is 0.30000000000000004
  });

  it("covers the data with a handful of ticks at one nice step", () => {
    for (const high of [0.013, 1.01, 6.25, 9.99, 10, 77, 187, 999, 1001, 54_321]) {
      const ticks = axisTicks([high]);
      expect(ticks.min).toBe(0);
      expect(ticks.max).toBeGreaterThanOrEqual(high);
      expect(ticks.values.length).toBeGreaterThanOrEqual(3);
      expect(ticks.values.length).toBeLessThanOrEqual(8);
      const mantissa = ticks.step / 10 ** Math.floor(Math.log10(ticks.step));
      expect([1, 2, 2.5, 5]).toContainEqual(Number(mantissa.toFixed(9)));
    }
  });
});

describe("niceTicks", () => {
  it("keeps a narrow range off zero: 3.2 to 3.9 in quarters", () => {
    expect(niceTicks(3.2, 3.9)).toMatchObject({ min: 3, max: 4, step: 0.25, labels: ["3", "3.25", "3.5", "3.75", "4"] });
  });

  it("centres an axis on a single value", () => {
    expect(niceTicks(42, 42).labels).toEqual(["20", "30", "40", "50", "60", "70"]);
    expect(niceTicks(0, 0).labels).toEqual(["-0.5", "-0.25", "0", "0.25", "0.5"]);
  });

  it("refuses bounds that are not finite", () => {
    expect(() => niceTicks(0, Number.NaN)).toThrow(RangeError);
  });
});
