import { describe, expect, it } from "vitest";
import type { Actor } from "../../commands/invocation.js";
import { hasRole, roleOf, type PolicyConfig } from "../../commands/policy.js";

const policy: PolicyConfig = {
  bindings: [
    { role: "admin", users: ["slack:UADMIN"] },
    { role: "operator", groups: ["slack:SOPS", "teams:ops-group"] },
  ],
};

const actor = (platform: Actor["platform"], userId: string, groups: string[] = []): Actor => ({ platform, userId, groups });

describe("policy", () => {
  it("gives the highest role a user holds through user or group bindings", () => {
    expect(roleOf(actor("slack", "UADMIN", ["SOPS"]), policy)).toBe("admin");
    expect(roleOf(actor("slack", "U1", ["SOPS"]), policy)).toBe("operator");
    expect(roleOf(actor("teams", "oid", ["ops-group"]), policy)).toBe("operator");
  });

  it("denies everything to unknown users unless a default role is set", () => {
    expect(roleOf(actor("slack", "U2"), policy)).toBeUndefined();
    expect(hasRole(actor("slack", "U2"), "viewer", policy)).toBe(false);
    expect(hasRole(actor("slack", "U2"), "viewer", { ...policy, defaultRole: "viewer" })).toBe(true);
  });

  it("does not confuse the same id on another platform", () => {
    expect(roleOf(actor("teams", "UADMIN"), policy)).toBeUndefined();
  });

  it("orders roles: an admin may do what an operator may", () => {
    expect(hasRole(actor("slack", "UADMIN"), "operator", policy)).toBe(true);
    expect(hasRole(actor("slack", "U1", ["SOPS"]), "admin", policy)).toBe(false);
  });
});
