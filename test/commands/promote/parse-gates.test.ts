import { describe, expect, it } from "vitest";
import { parseGates } from "../../../commands/promote/parse-gates.js";

function refusal(text: string): string {
  const parsed = parseGates(text);
  if (parsed.ok) throw new Error(`expected \`${text}\` to be refused, got ${parsed.gates.map((g) => g.text).join(", ")}`);
  return parsed.message;
}

describe("parseGates", () => {
  it("reads each kind of bound, in the units the plan stores", () => {
    expect(parseGates("p99 <= 1.2x, p50 <= 250ms, p90 <= 1.5s, 5xx <= 1%, 4xx <= 2.5%, 5xx <= baseline + 0.5pt")).toEqual({
      ok: true,
      gates: [
        { metric: "p99", bound: { kind: "ratio", factor: 1.2 }, text: "p99 <= 1.2x" },
        { metric: "p50", bound: { kind: "absolute", value: 250 }, text: "p50 <= 250ms" },
        { metric: "p90", bound: { kind: "absolute", value: 1500 }, text: "p90 <= 1.5s" },
        { metric: "5xx", bound: { kind: "absolute", value: 0.01 }, text: "5xx <= 1%" },
        { metric: "4xx", bound: { kind: "absolute", value: 0.025 }, text: "4xx <= 2.5%" },
        { metric: "5xx", bound: { kind: "baseline-plus", points: 0.005 }, text: "5xx <= baseline + 0.5pt" },
      ],
    });
  });

  it("normalises the text: case, spaces, ≤, and `<` read as `<=`", () => {
    const parsed = parseGates("P99<1.20X ,  5XX ≤ BASELINE+0.5PT, p50 =< 1.1s");
    expect(parsed.ok && parsed.gates.map((g) => g.text)).toEqual(["p99 <= 1.2x", "5xx <= baseline + 0.5pt", "p50 <= 1.1s"]);
    expect(parsed.ok && parsed.gates[2]?.bound).toEqual({ kind: "absolute", value: 1100 });
  });

  it("refuses an unknown metric, listing the known ones", () => {
    expect(refusal("p95 <= 1.2x")).toBe("Gate 1 (`p95 <= 1.2x`): `p95` is not a gate metric; use one of p50, p90, p99, 5xx, 4xx.");
    expect(refusal("p99 <= 1.2x, latency <= 300ms")).toContain("Gate 2 (`latency <= 300ms`): `latency` is not a gate metric");
    expect(refusal("<= 1.2x")).toContain("names no metric; start it with one of p50, p90, p99, 5xx, 4xx");
  });

  it("refuses a unit that does not fit the metric, saying which fit", () => {
    expect(refusal("p99 <= 1%")).toBe("Gate 1 (`p99 <= 1%`): `1%` does not fit p99; p99 takes a ratio to the baseline (`1.2x`) or a time (`250ms`, `1.5s`).");
    expect(refusal("p50 <= baseline + 1pt")).toContain("does not fit p50");
    expect(refusal("5xx <= 250ms")).toBe("Gate 1 (`5xx <= 250ms`): `250ms` does not fit 5xx; 5xx takes a share (`1%`) or points above the baseline (`baseline + 0.5pt`).");
    expect(refusal("4xx <= 1.2x")).toContain("`1.2x` does not fit 4xx");
  });

  it("refuses a bound it cannot read, and lower bounds", () => {
    expect(refusal("p99 <= fast")).toContain("`fast` is not a bound; p99 takes a ratio");
    expect(refusal("5xx <= baseline")).toContain("`baseline` is not a bound; 5xx takes a share");
    expect(refusal("p99 >= 1.2x")).toBe("Gate 1 (`p99 >= 1.2x`): gates are upper bounds (less latency is better); write `p99 <= …`, e.g. `p99 <= 1.2x`.");
    expect(refusal("5xx")).toContain("a gate reads `5xx <= <bound>`, e.g. `5xx <= 1%`");
  });

  it("refuses bounds out of range", () => {
    expect(refusal("5xx <= 150%")).toContain("a share is at most 100 %, not 150 %");
    expect(refusal("p99 <= 0x")).toContain("a ratio to the baseline must be above 0");
    expect(refusal("p99 <= 0ms")).toContain("a latency limit must be above 0");
    expect(parseGates("5xx <= 0%").ok).toBe(true);
  });

  it("refuses empty text and empty gates", () => {
    expect(refusal(" ")).toBe("Give at least one gate, e.g. `p99 <= 1.2x, 5xx <= baseline + 0.5pt`.");
    expect(refusal("p99 <= 1.2x,")).toContain("Gate 2 is empty");
  });

  it("reads back its own text", () => {
    const parsed = parseGates("p99<=1.2x, p90 <= 1500ms, 5xx <= 0.5%, 5xx<=baseline+0.25pt");
    if (!parsed.ok) throw new Error(parsed.message);
    expect(parseGates(parsed.gates.map((g) => g.text).join(", "))).toEqual(parsed);
  });
});
