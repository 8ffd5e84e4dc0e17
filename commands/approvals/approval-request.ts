/**
 * What a change that needs approval carries with it: the rule that asked, who may decide, where the request was
 * posted, and the decisions so far. Stored with the pending change (one row, so one conditional write decides).
 */
import type { ChannelRef } from "../invocation.js";
import type { Section } from "../reply.js";

/** The verbs whose changes a rule may put under approval (those to come included, so a config can name them now). */
export const APPROVABLE_VERBS = ["traffic", "mirror", "scale", "deploy", "delete", "revert", "promote", "endpoint", "keys"] as const;

/**
 * Which changes need approval, and from whom. The most specific rule wins: one naming the endpoint before one for
 * the whole workspace. Identities are platform-qualified, as in role bindings (`slack:U123`, `teams:<aad-id>`).
 */
export interface ApprovalRule {
  /** The workspace alias the rule covers. */
  readonly workspace: string;
  /** Only these endpoints; every endpoint of the workspace when absent. */
  readonly endpoints?: readonly string[];
  /** The verbs whose changes need approval (`traffic`, `mirror`, `scale`, `deploy`, …). */
  readonly verbs: readonly string[];
  readonly approvers: { readonly users?: readonly string[]; readonly groups?: readonly string[] };
  /** Distinct people whose Approve it takes (default 1). */
  readonly minApprovals?: number;
  /** Whether the requester's own Approve counts (default false: four eyes). */
  readonly requesterCanApprove?: boolean;
  /** How long a request stays open (default 60). */
  readonly expiresInMinutes?: number;
  /** Also post the request here (`slack:C123`, `teams:19:…@thread.tacv2`). */
  readonly channel?: ChannelRef;
}

export type DecisionKind = "approve" | "reject";

export interface ApprovalDecision {
  /** Platform-qualified (`slack:U123`): the same person on two platforms is two identities, as in the policy. */
  readonly by: string;
  readonly name: string;
  readonly decision: DecisionKind;
  /** ISO 8601. */
  readonly at: string;
  readonly reason?: string;
}

/** The approval part of a pending change: plain JSON, stored as it is. */
export interface ApprovalRequest {
  /** The rule in words, e.g. "changes to fraud-scorer in prod need 2 approvals". */
  readonly rule: string;
  readonly required: number;
  readonly approvers: { readonly users: readonly string[]; readonly groups: readonly string[] };
  readonly requesterCanApprove: boolean;
  /** Qualified id and name of who asked. */
  readonly requester: { readonly id: string; readonly name: string };
  readonly reason?: string;
  /** The change as previewed: the card shows it again with every decision. */
  readonly preview: { readonly title: string; readonly sections: readonly Section[]; readonly summary: string };
  /** Everywhere the request card was posted: each copy is updated with every decision. */
  readonly channels: readonly ChannelRef[];
  readonly decisions: readonly ApprovalDecision[];
}

/** The distinct people who approved, in order. */
export function approvalsOf(request: ApprovalRequest): ApprovalDecision[] {
  const seen = new Set<string>();
  return request.decisions.filter((d) => d.decision === "approve" && !seen.has(d.by.toLowerCase()) && seen.add(d.by.toLowerCase()));
}

export function rejectionOf(request: ApprovalRequest): ApprovalDecision | undefined {
  return request.decisions.find((d) => d.decision === "reject");
}
