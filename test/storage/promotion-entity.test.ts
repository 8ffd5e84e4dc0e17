/** A promotion as a Table row, without a network: the limits a row must keep to. */
import { describe, expect, it } from "vitest";
import type { Promotion } from "../../commands/ports/promotions.port.js";
import { fromEntity, MAX_PROPERTY_CHARS, toProperties } from "../../src/storage/promotion-entity.js";

const T0 = new Date("2026-12-01T10:00:00.000Z");

function promotion(overrides: Partial<Promotion> = {}): Promotion {
  return {
    id: "pr-1",
    workspace: "demo",
    endpoint: "churn-model",
    candidate: "green",
    plan: { steps: [{ kind: "live", percent: 100, holdInMs: 0 }], gates: [], minRequests: 20, maxExtensions: 1 },
    baseline: { traffic: { blue: 100 }, mirror: {} },
    expected: { traffic: { blue: 100 }, mirror: {} },
    state: "running",
    step: -1,
    extendedInMs: 0,
    transition: 0,
    epoch: 0,
    requestedBy: "slack:U1",
    notify: { users: [], groups: [] },
    channel: { platform: "teams", id: "19:abc@thread.tacv2" },
    retire: false,
    history: [],
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

describe("promotion rows", () => {
  it("drops the oldest events while the history's JSON is over a property's limit", () => {
    const history = Array.from({ length: 50 }, (_, i) => ({ at: new Date(T0.getTime() + i), text: `${i} ${"x".repeat(1_000)}` }));
    const properties = toProperties(promotion({ history }));
    const stored = JSON.parse(properties["history"] as string) as { text: string }[];
    expect((properties["history"] as string).length).toBeLessThanOrEqual(MAX_PROPERTY_CHARS);
    expect(stored.length).toBeLessThan(50);
    expect(stored.at(-1)?.text).toBe(history.at(-1)?.text);
  });

  it("refuses a field no row can hold, naming it", () => {
    expect(() => toProperties(promotion({ reason: "r".repeat(MAX_PROPERTY_CHARS + 1) }))).toThrow(`Promotion pr-1: reason is ${MAX_PROPERTY_CHARS + 1} characters, at most ${MAX_PROPERTY_CHARS}`);
    const users = Array.from({ length: 3_000 }, (_, i) => `slack:U${String(i).padStart(8, "0")}`);
    expect(() => toProperties(promotion({ notify: { users, groups: [] } }))).toThrow(/Promotion pr-1: notify is \d+ characters/);
  });

  it("refuses a row over the entity limit though each field fits", () => {
    const big = "n".repeat(31_000);
    const scalars = { id: big, workspace: big, endpoint: big, candidate: big, note: big, requestedBy: big, requestedByName: big, reason: big };
    expect(() => toProperties(promotion(scalars))).not.toThrow();
    const gate = { metric: "p99" as const, bound: { kind: "ratio" as const, factor: 1 }, text: big };
    const everything = promotion({
      ...scalars,
      plan: { steps: [], gates: [gate], minRequests: 1, maxExtensions: 1 },
      baseline: { traffic: { [big]: 100 }, mirror: {} },
      expected: { traffic: { [big]: 100 }, mirror: {} },
      intent: { transition: 1, action: "step", step: 0, reason: big },
      lastGates: [{ gate: { ...gate, text: "p99" }, verdict: "pass", note: big }],
      notify: { users: [big], groups: [] },
      channel: { platform: "slack", id: big },
      history: [{ at: T0, text: big }],
    });
    expect(() => toProperties(everything)).toThrow(/characters in all, at most 480000 in one row/);
  });

  it("reads a row back without the row's own properties, and reports fields that are not a promotion's", () => {
    const row = { partitionKey: "p:pr-1", rowKey: "promotion", etag: 'W/"1"', timestamp: "2026-12-01T10:00:00Z", "odata.metadata": "x", ...toProperties(promotion()), extendedInMs: 0 };
    expect(fromEntity(row)).toStrictEqual(promotion());
    expect(() => fromEntity({ ...row, channel: '{"platform":"irc","id":"#ops"}', history: "[" })).toThrow("not a promotion (channel.platform, history)");
  });
});
