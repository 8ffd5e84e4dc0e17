/** `policy.promotions` in the config file: aml promote's defaults, read once at start-up, with errors that name the field. */
import { describe, expect, it } from "vitest";
import { planFor } from "../../commands/promote/plan-for.js";
import { fileConfigSchema, readFileConfig } from "../../src/config/file-config.js";
import { LOCAL_FILE_CONFIG } from "../../src/config/local-defaults.js";

const workspaces = [
  { alias: "demo", subscriptionId: "s", resourceGroup: "rg", workspace: "ml-demo" },
  { alias: "prod", subscriptionId: "s", resourceGroup: "rg", workspace: "ml-prod" },
];
const read = (promotions: unknown[]) => readFileConfig({ json: JSON.stringify({ workspaces, policy: { bindings: [], promotions } }) }, () => "");
const prod = { workspace: "prod", steps: "mirror 10% 15m, 25% 30m, 100%", gates: "p99 <= 1.2x, 5xx <= baseline + 0.5pt", minRequests: 50, maxExtensions: 2, soakMinutes: 60 };

describe("policy.promotions", () => {
  it("reads each entry as written, steps and gates as typed", () => {
    const churn = { workspace: "prod", endpoints: ["churn-model"], steps: "10% 1h, 100%" };
    expect(read([prod, churn])?.policy.promotions).toEqual([prod, churn]);
    expect(read([])?.policy.promotions).toEqual([]);
  });

  it("names the steps field and carries the parser's message", () => {
    expect(() => read([{ ...prod, steps: "mirror 60% 15m, 100%" }])).toThrow(
      "policy.promotions.0.steps: Step 1 (`mirror 60% 15m`): mirror traffic is at most 50 % (Azure ML's limit), not 60 %.",
    );
  });

  it("names the gates field and carries the parser's message", () => {
    expect(() => read([prod, { workspace: "demo", gates: "p95 <= 1.2x" }])).toThrow(
      "policy.promotions.1.gates: Gate 1 (`p95 <= 1.2x`): `p95` is not a gate metric; use one of p50, p90, p99, 5xx, 4xx.",
    );
  });

  it("refuses an unknown workspace, listing the known ones", () => {
    expect(() => read([{ ...prod, workspace: "staging" }])).toThrow('policy.promotions.0.workspace: no workspace has the alias "staging" (known: demo, prod)');
  });

  it("refuses two entries for the same workspace or the same endpoint", () => {
    expect(() => read([prod, { workspace: "prod", gates: "5xx <= 1%" }])).toThrow('policy.promotions.1.workspace: policy.promotions.0 already sets the defaults for the whole of "prod"');
    expect(() => read([{ workspace: "prod", endpoints: ["a", "churn-model"] }, { workspace: "prod", endpoints: ["Churn-Model"] }])).toThrow(
      'policy.promotions.1.endpoints: policy.promotions.0 already sets the defaults for "Churn-Model" in "prod"',
    );
    expect(read([prod, { workspace: "prod", endpoints: ["churn-model"] }, { workspace: "demo" }])?.policy.promotions).toHaveLength(3);
  });

  it("refuses unknown fields and numbers out of range", () => {
    expect(() => read([{ ...prod, step: "100%" }])).toThrow(/policy\.promotions\.0.*step/);
    expect(() => read([{ ...prod, minRequests: 0 }])).toThrow(/policy\.promotions\.0\.minRequests/);
    expect(() => read([{ ...prod, soakMinutes: 1.5 }])).toThrow(/policy\.promotions\.0\.soakMinutes/);
    expect(() => read([{ ...prod, endpoints: [] }])).toThrow(/policy\.promotions\.0\.endpoints/);
  });
});

describe("the embedded local config's promotions", () => {
  it("passes the same checks as a config file", () => {
    const parsed = fileConfigSchema.safeParse(LOCAL_FILE_CONFIG);
    expect(parsed.success ? [] : parsed.error.issues).toEqual([]);
  });

  it("gives the demo workspace a plan the emulator's traffic can decide", () => {
    const result = planFor(LOCAL_FILE_CONFIG.policy, "demo", "fraud-scorer", { retire: "delete" });
    expect(result).toMatchObject({ ok: true, source: "policy.promotions for demo", plan: { minRequests: 5, retire: { soakInMs: 2 * 60_000 } } });
  });
});
