/**
 * The approval card: one message per channel the request went to, rebuilt from the stored change after every
 * decision, so each copy says the same thing (waiting, approved and applied, rejected with the reason, expired).
 */
import { CANCEL_VERB, REVERT_VERB } from "../changes/change-verbs.js";
import { actorName } from "../changes/change-people.js";
import type { PendingChange } from "../ports/pending-change.port.js";
import { utcTimeOfDay } from "../replies.js";
import type { Button, Field, Reply, Section, Tone } from "../reply.js";
import { approverSummary } from "./approval-policy.js";
import { approvalsOf, rejectionOf, type ApprovalRequest } from "./approval-request.js";

export const APPROVE_VERB = "approve";
export const REJECT_VERB = "reject";

/** The update key of a request's card in each channel it was posted to. */
export function approvalCardKey(changeId: string): string {
  return `approval:${changeId}`;
}

/**
 * The card for the change as stored. `outcome` is the reply of the apply that the last approval started (applied,
 * failed or out of date): its sections replace the preview's.
 */
export function approvalCard(change: PendingChange, request: ApprovalRequest, outcome?: Reply): Reply {
  const approved = approvalsOf(request);
  const names = approved.map((d) => d.name);
  const status = statusOf(change, request, names, outcome);
  const fields: Field[] = [
    { label: "Requested by", value: request.requester.name },
    ...(request.reason ? [{ label: "Reason", value: request.reason }] : []),
    ...(change.override ? [{ label: "Freeze override", value: `${change.override.name ?? change.override.by}: ${change.override.reason}` }] : []),
    { label: "Approvals", value: `${approved.length} of ${request.required}${names.length ? ` (${names.join(", ")})` : ""}` },
  ];
  const open = change.state === "pending";
  if (open) {
    fields.push({ label: "Approvers", value: approverSummary(request) }, { label: "Expires", value: utcTimeOfDay(change.expiresAt) });
  }
  const sections: Section[] = [...(outcome?.sections ?? request.preview.sections), { kind: "fields", fields }, { kind: "text", text: status.line }];
  const buttons: Button[] = open
    ? [
        { label: "Approve", verb: APPROVE_VERB, payloadId: change.id, style: "primary" },
        { label: "Reject", verb: REJECT_VERB, payloadId: change.id, style: "danger", input: { label: "Reason for rejecting", placeholder: "What should change? Required to reject" } },
        { label: "Cancel", verb: CANCEL_VERB, payloadId: change.id },
      ]
    : change.state === "applied"
      ? (outcome?.buttons ?? []).filter((b) => b.verb === REVERT_VERB)
      : [];
  return {
    ...(open ? { notify: approversToNotify(request) } : {}),
    title: `${status.prefix}: ${request.preview.title}`,
    tone: status.tone,
    sections,
    ...(buttons.length ? { buttons } : {}),
    context: [
      `Rule: ${request.rule}`,
      open
        ? `Request \`${change.id}\` · type \`aml approve ${change.id}\` or \`aml reject ${change.id} <reason>\``
        : `Request \`${change.id}\``,
    ],
    visibility: "channel",
    mode: "new",
    summary: `${status.prefix}: ${request.preview.summary}`,
  };
}

function statusOf(change: PendingChange, request: ApprovalRequest, names: string[], outcome: Reply | undefined): { prefix: string; tone: Tone; line: string } {
  const at = change.updatedAt ? ` at ${utcTimeOfDay(change.updatedAt)}` : "";
  const by = names.length ? `Approved by ${names.join(" and ")}${at}` : "";
  switch (change.state) {
    case "pending": {
      const left = request.required - names.length;
      if (left <= 0) return { prefix: "Approved, not applied yet", tone: "warning", line: `${by}. Held (by a change freeze, or interrupted): an approver's Approve applies it.` };
      return { prefix: "Approval needed", tone: "warning", line: `Waiting for ${left} more approval${left === 1 ? "" : "s"}. Nothing changes until then.` };
    }
    case "applying":
      return { prefix: "Approved", tone: "info", line: `${by} · applying…` };
    case "applied":
      return { prefix: "Approved and applied", tone: "success", line: `${by} · applied` };
    case "failed":
      return { prefix: "Approved, not applied", tone: "error", line: `${by} · ${outcome?.title ?? change.note ?? "the change did not go through"}` };
    case "stale":
      return { prefix: "Approved, not applied", tone: "warning", line: `${by} · ${change.note ?? "the endpoint changed since the request"}. Ask again for a fresh request.` };
    case "rejected": {
      const rejection = rejectionOf(request);
      return { prefix: "Rejected", tone: "error", line: `Rejected by ${rejection?.name ?? "an approver"}${at}: ${rejection?.reason ?? "no reason given"}. Nothing was changed.` };
    }
    case "cancelled":
      return change.note === "expired"
        ? { prefix: "Expired", tone: "warning", line: `Expired${at} with ${names.length} of ${request.required} approvals. Nothing was changed.` }
        : { prefix: "Cancelled", tone: "info", line: `Cancelled by ${cancelledBy(change, request)}${at}. Nothing was changed.` };
  }
}

/** The approvers, mentioned while the request is open: everyone who may decide it, but not the requester when they may not. */
function approversToNotify(request: ApprovalRequest): NonNullable<Reply["notify"]> {
  const requester = request.requester.id.toLowerCase();
  const users = request.approvers.users.filter((u) => request.requesterCanApprove || u.toLowerCase() !== requester);
  return { users, groups: request.approvers.groups };
}

/** Who cancelled, by name when it was the requester (the usual case); an operator by their chat id. */
function cancelledBy(change: PendingChange, request: ApprovalRequest): string {
  if (!change.actedBy || request.requester.id.toLowerCase().endsWith(`:${change.actedBy.toLowerCase()}`)) return request.requester.name;
  return actorName(change) ?? change.actedBy;
}
