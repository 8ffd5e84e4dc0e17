import { describe, expect, it } from "vitest";
import type { PolicyConfig } from "../../../commands/policy.js";
import { describeSteps } from "../../../commands/promote/parse-steps.js";
import { planFor } from "../../../commands/promote/plan-for.js";

const policy = (promotions: PolicyConfig["promotions"]): PolicyConfig => ({ bindings: [], promotions });

function plan(p: PolicyConfig, endpoint: string, given: { steps?: string; gates?: string; retire?: "delete" | "scale" } = {}) {
  const result = planFor(p, "prod", endpoint, { ...given });
  if (!result.ok) throw new Error(result.message);
  return { steps: describeSteps(result.plan.steps), gates: result.plan.gates.map((g) => g.text).join(", "), plan: result.plan, source: result.source };
}

const configured = policy([
  { workspace: "prod", steps: "mirror 20% 30m, 25% 1h, 100%", gates: "p99 <= 1.1x", minRequests: 100, maxExtensions: 2, soakMinutes: 60 },
  { workspace: "prod", endpoints: ["churn-model"], steps: "5% 2h, 100%", minRequests: 500 },
  { workspace: "staging", steps: "100%", gates: "5xx <= 5%" },
]);

describe("planFor", () => {
  it("uses the built-in defaults without a command's steps or a policy entry", () => {
    const result = plan(policy(undefined), "churn-model", { retire: "scale" });
    expect(result).toMatchObject({
      steps: "mirror 10% 15m, 10% 15m, 50% 30m, 100%",
      gates: "p99 <= 1.2x, 5xx <= baseline + 0.5pt, 4xx <= baseline + 1pt",
      source: "built-in defaults",
      plan: { minRequests: 100, maxExtensions: 1, retire: { soakInMs: 30 * 60_000, mode: "scale" } },
    });
  });

  it("leaves retire out unless asked", () => {
    expect(plan(policy(undefined), "churn-model").plan.retire).toBeUndefined();
  });

  it("uses the workspace's entry for an endpoint it does not single out", () => {
    const result = plan(configured, "fraud-scorer", { retire: "delete" });
    expect(result).toMatchObject({ steps: "mirror 20% 30m, 25% 1h, 100%", gates: "p99 <= 1.1x", source: "policy.promotions for prod" });
    expect(result.plan).toMatchObject({ minRequests: 100, maxExtensions: 2, retire: { soakInMs: 60 * 60_000, mode: "delete" } });
  });

  it("prefers the entry naming the endpoint (any case), part by part over the workspace's", () => {
    const result = plan(configured, "Churn-Model");
    expect(result).toMatchObject({ steps: "5% 2h, 100%", gates: "p99 <= 1.1x", source: "steps from policy.promotions for Churn-Model in prod, gates from policy.promotions for prod" });
    expect(result.plan).toMatchObject({ minRequests: 500, maxExtensions: 2 });
  });

  it("prefers the command's steps and gates over every entry", () => {
    const result = plan(configured, "churn-model", { steps: "50% 5m, 100%", gates: "5xx <= 2%" });
    expect(result).toMatchObject({ steps: "50% 5m, 100%", gates: "5xx <= 2%", source: "the command" });
    expect(result.plan.minRequests).toBe(500);
    expect(plan(policy(undefined), "x", { gates: "p50 <= 100ms" }).source).toBe("steps from built-in defaults, gates from the command");
  });

  it("ignores another workspace's entries", () => {
    expect(planFor(configured, "dev", "churn-model", {})).toMatchObject({ ok: true, source: "built-in defaults" });
  });

  it("refuses the command's steps or gates with the parser's message, naming the flag", () => {
    expect(planFor(configured, "prod", "x", { steps: "mirror 60% 5m, 100%" })).toEqual({
      ok: false,
      message: "--steps: Step 1 (`mirror 60% 5m`): mirror traffic is at most 50 % (Azure ML's limit), not 60 %.",
    });
    expect(planFor(configured, "prod", "x", { gates: "p95 <= 1.2x" })).toMatchObject({ ok: false, message: expect.stringMatching(/^--gate: Gate 1 \(`p95 <= 1.2x`\): `p95` is not a gate metric/) });
  });

  it("refuses a policy entry that does not parse, naming it", () => {
    expect(planFor(policy([{ workspace: "prod", steps: "50% 5m" }]), "prod", "x", {})).toMatchObject({
      ok: false,
      message: expect.stringMatching(/^The steps of policy.promotions for prod: The last step must be `100%` live/),
    });
  });
});
