/** Which needed actions a set of grants leaves out, as Azure RBAC evaluates `actions`, `notActions` and `*`. */
import { describe, expect, it } from "vitest";
import { matchesAction, missingActions, NEEDED_ARM_ACTIONS } from "../../commands/doctor/needed-access.js";

const ALL = NEEDED_ARM_ACTIONS.map((a) => a.action);
const READ = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read";

describe("missingActions", () => {
  it("finds nothing missing under Owner's `*`, and everything under no grant", () => {
    expect(missingActions([{ actions: ["*"], notActions: [] }])).toEqual([]);
    expect(missingActions([])).toEqual(ALL);
  });

  it("reads wildcards in the middle of an action, without regard to case", () => {
    const grants = [{ actions: ["microsoft.machinelearningservices/workspaces/*/read", "Microsoft.MachineLearningServices/workspaces/read"], notActions: [] }];
    expect(missingActions(grants, [READ, "Microsoft.MachineLearningServices/workspaces/read", "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write"])).toEqual([
      "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write",
    ]);
  });

  it("takes away what a grant's notActions name, but only within that grant", () => {
    const denied = { actions: ["Microsoft.MachineLearningServices/workspaces/*"], notActions: ["*/write"] };
    expect(missingActions([denied], [READ, "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write"])).toEqual(["Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write"]);
    expect(missingActions([denied, { actions: ["*/onlineEndpoints/write"], notActions: [] }], ["Microsoft.MachineLearningServices/workspaces/onlineEndpoints/write"])).toEqual([]);
  });

  it("treats regular-expression characters in an action as themselves", () => {
    expect(matchesAction("Microsoft.Insights/metrics/read", "MicrosoftXInsights/metrics/read")).toBe(false);
    expect(matchesAction("Microsoft.Insights/*", "Microsoft.Insights/metrics/read")).toBe(true);
  });
});
