/**
 * Which rule asks for approval of a change, and who may decide it. Pure: the core calls it while proposing a
 * change and on every click.
 */
import type { Actor } from "../invocation.js";
import { isOneOf, qualifiedId, type PolicyConfig } from "../policy.js";
import type { ApprovalRequest, ApprovalRule } from "./approval-request.js";

export const DEFAULT_APPROVAL_EXPIRY_MINUTES = 60;

/** The rule for this change: one naming the endpoint wins over one for the whole workspace; none when no rule asks. */
export function approvalRuleFor(policy: PolicyConfig, workspace: string, endpoint: string, verb: string): ApprovalRule | undefined {
  const matching = (policy.approvals ?? []).filter(
    (rule) => rule.workspace === workspace && rule.verbs.includes(verb) && (rule.endpoints === undefined || rule.endpoints.includes(endpoint)),
  );
  return matching.find((rule) => rule.endpoints !== undefined) ?? matching[0];
}

/** The rule in one line, as the card and `aml policy` say it. */
export function describeRule(rule: ApprovalRule, endpoint?: string): string {
  const where = endpoint ?? (rule.endpoints ? rule.endpoints.join(", ") : `every endpoint of ${rule.workspace}`);
  const count = rule.minApprovals ?? 1;
  return `${rule.verbs.join(", ")} on ${where} (${rule.workspace}) need${rule.verbs.length === 1 ? "s" : ""} ${count} approval${count === 1 ? "" : "s"}${rule.requesterCanApprove ? "" : " from someone other than the requester"}`;
}

/** Why this actor may not approve or reject this request, or undefined when they may. */
export function refusalToDecide(actor: Actor, request: ApprovalRequest): string | undefined {
  const id = qualifiedId(actor.platform, actor.userId).toLowerCase();
  if (id === request.requester.id.toLowerCase() && !request.requesterCanApprove) {
    return "You asked for this change, so someone else has to approve it (four eyes). You can still cancel it.";
  }
  if (!isOneOf(actor, request.approvers)) return `You are not one of the approvers of this change. Approvers: ${approverList(request)}.`;
  return undefined;
}

/** The approvers as the config names them (qualified ids work across platforms, where a mention would not). */
/**
 * Who may approve, short enough for a card's fact on a phone: people counted (the card mentions them, by name
 * where the chat knows them; a qualified id such as `teams:<aad-object-id>` is wider than a phone's card and tells
 * nobody who it is) and groups named. `aml policy` lists the ids.
 */
export function approverSummary(request: Pick<ApprovalRequest, "approvers">): string {
  const { users, groups } = request.approvers;
  const parts = [...(users.length ? [`${users.length} ${users.length === 1 ? "person" : "people"}`] : []), ...groups.map((g) => `group \`${g.replace(/^[a-z]+:/, "")}\``)];
  return parts.length ? `${parts.join(", ")} (\`aml policy\` names them)` : "nobody (ask an admin to name approvers)";
}

export function approverList(request: Pick<ApprovalRequest, "approvers">): string {
  const users = request.approvers.users.map((u) => `\`${u}\``);
  const groups = request.approvers.groups.map((g) => `group \`${g}\``);
  return [...users, ...groups].join(", ") || "nobody (ask an admin to name approvers)";
}
