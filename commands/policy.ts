import type { ApprovalRule } from "./approvals/approval-request.js";
import type { RecurringFreeze } from "./freeze/weekly-freeze.js";
import type { Actor } from "./invocation.js";
import type { PromotionDefaults } from "./promote/promotion-defaults.js";

/** Roles are ordered: each one can do everything the one before it can. */
export const ROLES = ["viewer", "operator", "admin"] as const;
export type Role = (typeof ROLES)[number];

/** Who holds a role: platform-qualified user or group ids such as `slack:U123`, `teams:<aad-object-id>`. */
export interface RoleBinding {
  readonly role: Role;
  readonly users?: readonly string[];
  readonly groups?: readonly string[];
}

export interface PolicyConfig {
  readonly bindings: readonly RoleBinding[];
  /** Role for anyone not bound; omit to deny unknown users everything. */
  readonly defaultRole?: Role;
  /** Changes that need someone else's Approve before they are applied. */
  readonly approvals?: readonly ApprovalRule[];
  /** Weekly change freezes (`aml freezes` lists them with the ones made in chat). */
  readonly freezes?: readonly RecurringFreeze[];
  /** Steps and gates `aml promote` uses when the command gives none, per workspace (optionally per endpoint). */
  readonly promotions?: readonly PromotionDefaults[];
}

export function qualifiedId(platform: string, id: string): string {
  return `${platform}:${id}`;
}

/** The highest role the actor holds, or undefined when they hold none. */
export function roleOf(actor: Actor, policy: PolicyConfig): Role | undefined {
  // Ids compare without case: Entra ID GUIDs are written either way in configs, and Slack ids never differ by case.
  let best = policy.defaultRole ? ROLES.indexOf(policy.defaultRole) : -1;
  for (const binding of policy.bindings) {
    if (isOneOf(actor, binding)) best = Math.max(best, ROLES.indexOf(binding.role));
  }
  return best >= 0 ? ROLES[best] : undefined;
}

/** Whether the actor is one of these users or in one of these groups (qualified ids, compared without case). */
export function isOneOf(actor: Actor, who: { readonly users?: readonly string[]; readonly groups?: readonly string[] }): boolean {
  const user = qualifiedId(actor.platform, actor.userId).toLowerCase();
  const groups = new Set(actor.groups.map((g) => qualifiedId(actor.platform, g).toLowerCase()));
  return (who.users?.some((u) => u.toLowerCase() === user) ?? false) || (who.groups?.some((g) => groups.has(g.toLowerCase())) ?? false);
}

export function hasRole(actor: Actor, required: Role, policy: PolicyConfig): boolean {
  const held = roleOf(actor, policy);
  return held !== undefined && ROLES.indexOf(held) >= ROLES.indexOf(required);
}
