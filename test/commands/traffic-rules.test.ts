import { describe, expect, it } from "vitest";
import { checkLiveTraffic, checkMirrorTraffic } from "../../commands/domain/traffic-rules.js";

const names = ["blue", "green"];

describe("checkLiveTraffic", () => {
  it("accepts a split that sums to 100, and all zeros", () => {
    expect(checkLiveTraffic({ blue: 80, green: 20 }, names)).toEqual([]);
    expect(checkLiveTraffic({ blue: 0, green: 0 }, names)).toEqual([]);
  });

  it("refuses a split that sums to 90, naming the sum", () => {
    expect(checkLiveTraffic({ blue: 70, green: 20 }, names)).toEqual([
      "Live traffic must add up to 100 % (or 0 % to stop serving); blue=70 green=20 adds up to 90 %.",
    ]);
  });

  it("refuses fractions and values outside 0–100", () => {
    expect(checkLiveTraffic({ blue: 80.5, green: 19.5 }, names)[0]).toContain("whole number from 0 to 100, not 80.5");
    expect(checkLiveTraffic({ blue: 120, green: -20 }, names)).toHaveLength(2);
  });

  it("refuses a deployment that does not exist and lists the real ones", () => {
    expect(checkLiveTraffic({ blue: 50, red: 50 }, names)).toEqual(["Deployment `red` does not exist (deployments: blue, green)."]);
  });
});

describe("checkMirrorTraffic", () => {
  it("accepts one deployment at up to 50 % that takes no live traffic", () => {
    expect(checkMirrorTraffic({ green: 50 }, { blue: 100, green: 0 }, names)).toEqual([]);
  });

  it("refuses more than 50 %", () => {
    expect(checkMirrorTraffic({ green: 60 }, { blue: 100 }, names)).toEqual(["Mirror traffic for `green` must be a whole number from 0 to 50, not 60."]);
  });

  it("refuses a deployment that receives live traffic", () => {
    expect(checkMirrorTraffic({ blue: 10 }, { blue: 100 }, names)[0]).toContain("`blue` receives 100 % live traffic");
  });

  it("refuses two mirrored deployments", () => {
    expect(checkMirrorTraffic({ blue: 10, green: 10 }, { blue: 0, green: 0, red: 100 }, [...names, "red"])[0]).toContain("one deployment only");
  });
});
