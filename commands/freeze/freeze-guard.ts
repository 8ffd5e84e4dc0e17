/**
 * The one check every change passes while it can still be stopped: at its proposal (`proposeChange`, `applyNow`),
 * at its Apply (`pressChange`) and at the Approve that would apply it (`decideApproval`). A resumed `applying`
 * change is never stopped: its write may already have landed.
 *
 * While a freeze covers the endpoint the change is refused, saying who froze it, why and until when. An admin may
 * pass `--override "<reason>"` with the command: the override is stored with the change, so its Apply or last
 * Approve goes ahead too, and every use is audited. Approval rules still apply to an overridden change.
 */
import { hasRole, qualifiedId } from "../policy.js";
import type { FreezeOverride } from "../ports/pending-change.port.js";
import { problemReply } from "../replies.js";
import type { VerbContext, VerbResult } from "../verb-context.js";
import { covers, describeAt, describeFreeze, freezeWindows, type FreezeWindow } from "./freeze-windows.js";

export type FreezeCheck =
  | { readonly kind: "clear" }
  | { readonly kind: "refused"; readonly result: VerbResult }
  /** Frozen, and an admin's override lets it through: `note` goes to the audit line (ids), `shown` to the reply (names). */
  | { readonly kind: "overridden"; readonly override: FreezeOverride; readonly note: string; readonly shown: string };

export interface FreezeCheckRequest {
  readonly endpoint: string;
  /** `--override`'s reason, typed with this command (the actor must be an admin). */
  readonly typed?: string | undefined;
  /** The override stored with the change when it was proposed. */
  readonly stored?: FreezeOverride | undefined;
  /** What the refusal tells the person to do: run the command again, press Apply or Approve again later. */
  readonly step: "propose" | "apply" | "approve";
}

export async function checkFreeze(ctx: VerbContext, request: FreezeCheckRequest): Promise<FreezeCheck> {
  const { deps, invocation } = ctx;
  const now = deps.clock.now();
  const windows = (await freezeWindows(deps, now, { workspace: ctx.workspace.alias, abortSignal: ctx.abortSignal })).filter(
    (w) => w.active && covers(w, ctx.workspace.alias, request.endpoint),
  );
  if (windows.length === 0) return { kind: "clear" };
  const frozen = windows.map(describeFreeze);
  const audit = { endpoint: request.endpoint, detail: `frozen: ${windows.map(auditLine).join("; ")}` };

  const { actor } = invocation;
  const typed = request.typed === undefined ? undefined : { by: qualifiedId(actor.platform, actor.userId), ...(actor.displayName ? { name: actor.displayName } : {}), reason: request.typed };
  const override = request.stored ?? typed;
  if (request.stored === undefined && override !== undefined && !hasRole(invocation.actor, "admin", deps.policy)) {
    const reply = problemReply("Not allowed", ["Overriding a change freeze needs the *admin* role.", ...frozen], "Nothing was changed.");
    return { kind: "refused", result: { reply, audit: { ...audit, outcome: "denied" } } };
  }
  if (override !== undefined) {
    const note = `Freeze overridden by ${override.by}: ${override.reason} (${windows.map(auditLine).join("; ")})`;
    const shown = `Freeze overridden by ${override.name ?? override.by}: ${override.reason} (${windows.map(shownLine).join("; ")})`;
    return { kind: "overridden", override, note, shown };
  }
  const reply = problemReply(`Frozen: no changes to ${request.endpoint}`, [...frozen, "Nothing was changed."], HINTS[request.step]);
  return { kind: "refused", result: { reply, audit: { ...audit, outcome: "denied" } } };
}

/** The override's note on a result: in its audit line, and in the reply for everyone to see. */
export function withOverrideNote(result: VerbResult, check: FreezeCheck): VerbResult {
  if (check.kind !== "overridden") return result;
  const detail = [result.audit.detail, check.note].filter(Boolean).join("; ");
  return { reply: { ...result.reply, context: [...(result.reply.context ?? []), `⚠️ ${check.shown}`] }, audit: { ...result.audit, detail } };
}

const HINTS: Record<FreezeCheckRequest["step"], string> = {
  propose: 'An admin may run the command again with `--override "<reason>"` (audited; approvals still apply). `aml freezes` lists the freezes.',
  apply: 'Press Apply again once the freeze ends (if the preview is still valid), or an admin may run the command again with `--override "<reason>"`.',
  approve: "Your approval is recorded. Approve again once the freeze ends to apply the change.",
};

function shownLine(window: FreezeWindow): string {
  return `frozen until ${describeAt(window.until, window.timeZone)} by ${window.by}: ${window.reason}`;
}

function auditLine(window: FreezeWindow): string {
  return `until ${window.until.toISOString()} by ${window.by}: ${window.reason}`;
}
