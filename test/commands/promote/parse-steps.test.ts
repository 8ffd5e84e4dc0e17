import { describe, expect, it } from "vitest";
import { describeDuration, describeSteps, parseDuration, parseSteps } from "../../../commands/promote/parse-steps.js";

const MIN = 60_000;

function refusal(text: string): string {
  const parsed = parseSteps(text);
  if (parsed.ok) throw new Error(`expected \`${text}\` to be refused, got ${describeSteps(parsed.steps)}`);
  return parsed.message;
}

describe("parseSteps", () => {
  it("reads a shadow stage, live steps and the final 100 %", () => {
    expect(parseSteps("mirror 10% 15m, 10% 15m, 50% 30m, 100%")).toEqual({
      ok: true,
      steps: [
        { kind: "mirror", percent: 10, holdInMs: 15 * MIN },
        { kind: "live", percent: 10, holdInMs: 15 * MIN },
        { kind: "live", percent: 50, holdInMs: 30 * MIN },
        { kind: "live", percent: 100, holdInMs: 0 },
      ],
    });
  });

  it("reads `100%` alone, case, extra spaces and a space before the sign", () => {
    expect(parseSteps("100%")).toEqual({ ok: true, steps: [{ kind: "live", percent: 100, holdInMs: 0 }] });
    expect(parseSteps("  MIRROR  20 %   1H30M ,25%  90s,100 %")).toEqual({
      ok: true,
      steps: [
        { kind: "mirror", percent: 20, holdInMs: 90 * MIN },
        { kind: "live", percent: 25, holdInMs: 90_000 },
        { kind: "live", percent: 100, holdInMs: 0 },
      ],
    });
  });

  it("accepts two mirror steps before the live ones, and a mirror step of exactly 50 %", () => {
    expect(parseSteps("mirror 10% 5m, mirror 50% 5m, 100%").ok).toBe(true);
  });

  it("refuses a share that is not a whole percent from 1 to 100", () => {
    expect(refusal("0% 5m, 100%")).toBe("Step 1 (`0% 5m`): a share is a whole percent from 1 to 100, not 0%.");
    expect(refusal("10.5% 5m, 100%")).toContain("whole percent from 1 to 100, not 10.5%");
    expect(refusal("50% 5m, 120%")).toContain("Step 2 (`120%`): a share is a whole percent from 1 to 100");
  });

  it("refuses a share without its % sign, and words it does not know", () => {
    expect(refusal("10 5m, 100%")).toBe("Step 1 (`10 5m`): write the share with %, e.g. `10%`.");
    expect(refusal("shadow 10% 5m, 100%")).toContain("Step 1 (`shadow 10% 5m`): `shadow` is not understood; a step is `[mirror] <percent>% <hold>`");
    expect(refusal("10% 5m later, 100%")).toContain("`later` is not understood");
    expect(refusal("mirror, 100%")).toContain("Step 1 (`mirror`) has no share");
  });

  it("refuses a mirror step above Azure ML's 50 %", () => {
    expect(refusal("mirror 60% 15m, 100%")).toBe("Step 1 (`mirror 60% 15m`): mirror traffic is at most 50 % (Azure ML's limit), not 60 %.");
  });

  it("refuses a mirror step after a live one", () => {
    expect(refusal("10% 15m, mirror 10% 15m, 100%")).toBe(
      "Step 2 (`mirror 10% 15m`) mirrors after live step 1: mirror steps (the shadow stage) come before the first live step.",
    );
  });

  it("refuses live shares that do not increase, and a step after 100 %", () => {
    expect(refusal("50% 15m, 20% 15m, 100%")).toBe("Step 2 (`20% 15m`) gives the candidate 20 %: live shares must increase, and step 1 gives 50 %.");
    expect(refusal("20% 15m, 20% 15m, 100%")).toContain("live shares must increase");
    expect(refusal("100% 5m, 100%")).toContain("step 1 already gives it 100 %, which ends the plan");
  });

  it("refuses a plan that does not end at 100 % live", () => {
    expect(refusal("10% 15m, 50% 30m")).toBe(
      "The last step must be `100%` live, so the candidate ends up serving all traffic; it is `50% 30m`. End with `, 100%`.",
    );
    expect(refusal("mirror 10% 15m")).toContain("The last step must be `100%` live");
  });

  it("refuses a step without a hold unless it is the last, and a hold on the last", () => {
    expect(refusal("mirror 10%, 100%")).toBe(
      "Step 1 (`mirror 10%`) needs a hold, e.g. `mirror 10% 15m`: every step but the last waits, and its gates are checked, before the next.",
    );
    expect(refusal("10% 5m, 100% 30m")).toContain("The last step (`100% 30m`) takes no hold");
    expect(refusal("10% 0m, 100%")).toContain("a hold of 0m is no hold");
  });

  it("refuses a hold that is not a duration, or longer than 24 hours", () => {
    expect(refusal("10% 15x, 100%")).toBe("Step 1 (`10% 15x`): `15x` is not a hold; write it in s, m or h, e.g. `90s`, `15m`, `1h30m`.");
    expect(refusal("10% 1d, 100%")).toContain("`1d` is not a hold");
    expect(refusal("10% 25h, 100%")).toBe("Step 1 (`10% 25h`): a hold is at most 24h, not 25h.");
    expect(parseSteps("10% 24h, 100%").ok).toBe(true);
  });

  it("refuses more than 10 steps, and empty steps", () => {
    const eleven = [...Array.from({ length: 10 }, (_, i) => `${i + 1}% 1m`), "100%"].join(", ");
    expect(refusal(eleven)).toBe("A promotion has at most 10 steps; this one has 11.");
    expect(parseSteps([...Array.from({ length: 9 }, (_, i) => `${i + 1}% 1m`), "100%"].join(", ")).ok).toBe(true);
    expect(refusal("10% 5m,, 100%")).toContain("Step 2 is empty: separate steps with one comma");
    expect(refusal("  ")).toBe("Give the steps, e.g. `mirror 10% 15m, 10% 15m, 50% 30m, 100%`.");
  });
});

describe("durations", () => {
  it("reads s, m, h and their sums, largest first", () => {
    expect(parseDuration("90s")).toBe(90_000);
    expect(parseDuration("15m")).toBe(15 * MIN);
    expect(parseDuration("1h30m")).toBe(90 * MIN);
    expect(parseDuration("2h15m30s")).toBe(8_130_000);
    expect(parseDuration("30m1h")).toBeUndefined();
    expect(parseDuration("m")).toBeUndefined();
    expect(parseDuration("")).toBeUndefined();
  });

  it("writes them back in the largest units", () => {
    expect(describeDuration(90_000)).toBe("1m30s");
    expect(describeDuration(90 * MIN)).toBe("1h30m");
    expect(describeDuration(2 * 3_600_000)).toBe("2h");
    expect(describeDuration(0)).toBe("0s");
  });
});

describe("describeSteps", () => {
  it("normalises what was typed, and reads back the same steps", () => {
    const parsed = parseSteps("MIRROR 10 % 900s, 10% 15m,50%  1h, 100%");
    if (!parsed.ok) throw new Error(parsed.message);
    const text = describeSteps(parsed.steps);
    expect(text).toBe("mirror 10% 15m, 10% 15m, 50% 1h, 100%");
    expect(parseSteps(text)).toEqual(parsed);
  });
});
