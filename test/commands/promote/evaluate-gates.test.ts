import { describe, expect, it } from "vitest";
import type { DeploymentMetrics, TrafficStats } from "../../../commands/ports/metrics.port.js";
import { combineBaseline, evaluateGates, gateLine } from "../../../commands/promote/evaluate-gates.js";
import { parseGates } from "../../../commands/promote/parse-gates.js";
import type { Gate } from "../../../commands/promote/promotion-plan.js";

function gates(text: string): Gate[] {
  const parsed = parseGates(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.gates;
}

/** Stats of the current window; anything not given had no data. */
function stats(s: { requests?: number; p50?: number; p90?: number; p99?: number; e5xx?: number; e4xx?: number }): TrafficStats {
  const v = (current: number | undefined) => (current === undefined ? {} : { current });
  return {
    requests: v(s.requests),
    requestsPerMinute: v(s.requests === undefined ? undefined : s.requests / 10),
    latencyP50InMs: v(s.p50),
    latencyP90InMs: v(s.p90),
    latencyP99InMs: v(s.p99),
    serverErrorShare: v(s.e5xx),
    clientErrorShare: v(s.e4xx),
  };
}

const baseline = stats({ requests: 500, p50: 80, p90: 150, p99: 190, e5xx: 0.002, e4xx: 0.01 });

describe("evaluateGates", () => {
  it("passes when every gate holds, with the value, threshold and baseline of each", () => {
    const result = evaluateGates(gates("p99 <= 1.2x, 5xx <= baseline + 0.5pt, p50 <= 100ms"), 20, stats({ requests: 50, p50: 90, p99: 212, e5xx: 0.004 }), baseline);
    expect(result.verdict).toBe("pass");
    expect(result.results.map((r) => [r.verdict, r.value, r.threshold, r.baseline])).toEqual([
      ["pass", 212, 228, 190],
      ["pass", 0.004, 0.007, 0.002],
      ["pass", 90, 100, undefined],
    ]);
  });

  it("passes a value exactly on its limit, float noise and all", () => {
    // 0.7 + 0.1 is 0.7999999999999999 in binary floating point.
    const result = evaluateGates(gates("5xx <= baseline + 10pt"), 20, stats({ requests: 1000, e5xx: 0.8 }), stats({ requests: 1000, e5xx: 0.7 }));
    expect(result.verdict).toBe("pass");
  });

  it("fails a gate over its limit, saying both numbers, and fails the step whatever else is unknown", () => {
    const result = evaluateGates(gates("p99 <= 1.2x, 5xx <= 1%, p90 <= 1.2x"), 20, stats({ requests: 50, p99: 380, e5xx: 0.034 }), baseline);
    expect(result.verdict).toBe("fail");
    expect(result.results.map((r) => r.verdict)).toEqual(["fail", "fail", "inconclusive"]);
    expect(result.results[0]).toMatchObject({ value: 380, threshold: 228, baseline: 190, note: "p99 at 380 ms, 2x the baseline's 190 ms; 1.2x allowed" });
    expect(result.results[1]).toMatchObject({ value: 0.034, threshold: 0.01, note: "5xx at 3.4 %, over its limit of 1 %" });
  });

  it("fails a baseline-plus gate with the points above the baseline", () => {
    const result = evaluateGates(gates("5xx <= baseline + 0.5pt"), 20, stats({ requests: 50, e5xx: 0.03 }), baseline);
    expect(result.results[0]).toMatchObject({ verdict: "fail", note: "5xx at 3 %, 2.8 pt above the baseline's 0.2 %; 0.5 pt allowed" });
  });

  it("is inconclusive for every gate while the candidate has served fewer requests than needed", () => {
    const result = evaluateGates(gates("p99 <= 1.2x, 5xx <= 1%"), 20, stats({ requests: 3, p99: 900, e5xx: 0.5 }), baseline);
    expect(result.verdict).toBe("inconclusive");
    expect(result.results.map((r) => [r.verdict, r.note])).toEqual([
      ["inconclusive", "3 requests, 20 needed"],
      ["inconclusive", "3 requests, 20 needed"],
    ]);
    expect(evaluateGates(gates("p99 <= 1.2x"), 20, stats({ requests: 1 }), baseline).results[0]?.note).toBe("1 request, 20 needed");
    expect(evaluateGates(gates("p99 <= 1.2x"), 20, stats({}), baseline).results[0]?.note).toBe("0 requests, 20 needed");
  });

  it("is inconclusive for a gate against a baseline without data, while an absolute gate still judges", () => {
    const empty = stats({ requests: 0 });
    const result = evaluateGates(gates("p99 <= 1.2x, 5xx <= baseline + 0.5pt, 5xx <= 1%"), 20, stats({ requests: 50, p99: 200, e5xx: 0 }), empty);
    expect(result.verdict).toBe("inconclusive");
    expect(result.results.map((r) => [r.verdict, r.note])).toEqual([
      ["inconclusive", "the baseline has no p99 data to compare with"],
      ["inconclusive", "the baseline has no 5xx data to compare with"],
      ["pass", undefined],
    ]);
    const noLatency = stats({ requests: 500, e5xx: 0 });
    expect(evaluateGates(gates("p99 <= 1.2x"), 20, stats({ requests: 50, p99: 200 }), noLatency).results[0]?.verdict).toBe("inconclusive");
  });

  it("is inconclusive, never a pass, when the candidate served requests but a number is missing", () => {
    const result = evaluateGates(gates("5xx <= 1%, p99 <= 300ms"), 20, stats({ requests: 50 }), baseline);
    expect(result.results.map((r) => [r.verdict, r.note])).toEqual([
      ["inconclusive", "no 5xx data for the candidate yet"],
      ["inconclusive", "no p99 data for the candidate yet"],
    ]);
  });

  it("passes with no gates: the plan is timed only", () => {
    expect(evaluateGates([], 20, stats({}), baseline)).toEqual({ verdict: "pass", results: [] });
  });
});

describe("gateLine", () => {
  it("shows a ratio gate's value, baseline and limit", () => {
    const [result] = evaluateGates(gates("p99 <= 1.2x"), 20, stats({ requests: 50, p99: 212 }), baseline).results;
    expect(gateLine(result!)).toBe("✅ p99 <= 1.2x: 212 ms (baseline 190 ms, limit 228 ms)");
  });

  it("shows a failed absolute gate with its limit only", () => {
    const [result] = evaluateGates(gates("5xx <= 1%"), 20, stats({ requests: 50, e5xx: 0.034 }), baseline).results;
    expect(gateLine(result!)).toBe("❌ 5xx <= 1%: 3.4 % (limit 1 %)");
  });

  it("shows why a gate is inconclusive", () => {
    const [result] = evaluateGates(gates("5xx <= baseline + 0.5pt"), 20, stats({ requests: 3 }), baseline).results;
    expect(gateLine(result!)).toBe("⏳ 5xx <= baseline + 0.5pt: inconclusive (3 requests, 20 needed)");
  });

  it("shows seconds above a second", () => {
    const [result] = evaluateGates(gates("p99 <= 1.5s"), 20, stats({ requests: 50, p99: 1720 }), baseline).results;
    expect(gateLine(result!)).toBe("❌ p99 <= 1.5s: 1.72 s (limit 1.50 s)");
  });
});

describe("combineBaseline", () => {
  const deployment = (name: string, traffic: TrafficStats): DeploymentMetrics => ({ deployment: name, traffic });

  it("adds counts and weighs shares and latencies by requests", () => {
    const combined = combineBaseline([
      deployment("blue", stats({ requests: 300, p99: 100, p50: 40, e5xx: 0.01, e4xx: 0 })),
      deployment("green", stats({ requests: 100, p99: 300, p50: 60, e5xx: 0.05, e4xx: 0.02 })),
    ]);
    expect(combined.requests).toEqual({ current: 400 });
    expect(combined.requestsPerMinute).toEqual({ current: 40 });
    expect(combined.latencyP99InMs.current).toBeCloseTo(150);
    expect(combined.latencyP50InMs.current).toBeCloseTo(45);
    expect(combined.serverErrorShare.current).toBeCloseTo(0.02);
    expect(combined.clientErrorShare.current).toBeCloseTo(0.005);
    expect(combined.latencyP90InMs).toEqual({});
  });

  it("leaves out a deployment without data, and weighs the previous window on its own", () => {
    const blue: TrafficStats = { ...stats({ requests: 100, p99: 200 }), requests: { current: 100, previous: 10 }, latencyP99InMs: { current: 200, previous: 500 } };
    const idle = stats({ requests: 0 });
    const red: TrafficStats = { ...stats({}), requests: { previous: 30 }, latencyP99InMs: { previous: 100 } };
    const combined = combineBaseline([deployment("blue", blue), deployment("idle", idle), deployment("red", red)]);
    expect(combined.requests).toEqual({ current: 100, previous: 40 });
    expect(combined.latencyP99InMs.current).toBeCloseTo(200);
    expect(combined.latencyP99InMs.previous).toBeCloseTo(200);
  });

  it("is all without data for no deployments, so relative gates are inconclusive", () => {
    const combined = combineBaseline([]);
    expect(combined.requests).toEqual({});
    const result = evaluateGates(gates("p99 <= 1.2x"), 20, stats({ requests: 50, p99: 100 }), combined);
    expect(result.verdict).toBe("inconclusive");
  });
});
