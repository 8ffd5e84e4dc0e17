/**
 * Revert: the change that restores what an applied change replaced. It is an ordinary change of its own (verb
 * `revert`, so approval rules naming `revert` apply), previewed and applied by the same machinery, and guarded the
 * same way: its `before` is the state the reverted change left, so once someone changed the resource since, the
 * revert says what it would overwrite and changes nothing.
 *
 * A change kind supplies its own inverse (`ChangeKind.inverse`); the revert stores it with the verb whose kind
 * applies it and hands every step to that kind.
 */
import { applyNow, proposeChange, type Proposal } from "../changes/propose-change.js";
import type { ChangeKind } from "../changes/change-kind.js";
import { actorName, requesterName } from "../changes/change-people.js";
import { REVERT_VERB } from "../changes/change-verbs.js";
import { nothingToDo } from "../changes/press-change.js";
import { hasRole, type Role } from "../policy.js";
import type { PendingChange } from "../ports/pending-change.port.js";
import { problemReply, utcTimeOfDay } from "../replies.js";
import type { VerbContext, VerbResult } from "../verb-context.js";

/** What a revert stores while it waits for Apply. */
interface RevertPayload extends Record<string, unknown> {
  /** The applied change it undoes. */
  readonly of: string;
  /** The verb whose change kind applies `change`. */
  readonly verb: string;
  readonly change: Readonly<Record<string, unknown>>;
}

/** The verbs of the table, by name: a change's kind and the role its changes need. */
export type ChangeVerbs = (verb: string) => { readonly change?: ChangeKind | undefined; readonly role: Role } | undefined;

/** Reverts as the apply machine drives them: each step is the inner kind's, on the inverse payload. */
export function revertChangeKind(verbs: ChangeVerbs): ChangeKind {
  const inner = (change: PendingChange): { kind: ChangeKind; change: PendingChange; of: string } => {
    const payload = change.payload as RevertPayload;
    const kind = verbs(payload.verb)?.change;
    // Only a verb removed from the table since the revert was stored gets here: a bug, not an outcome.
    if (!kind) throw new Error(`Revert ${change.id}: no change kind for verb "${payload.verb}"`);
    return { kind, change: { ...change, verb: payload.verb, payload: payload.change }, of: payload.of };
  };
  return {
    describe(change) {
      const i = inner(change);
      const words = i.kind.describe(i.change);
      return { ...words, action: revertTitle(words.action) };
    },
    observe: (ctx, change, options) => {
      const i = inner(change);
      return i.kind.observe(ctx, i.change, options);
    },
    send: (ctx, change, options) => {
      const i = inner(change);
      return i.kind.send(ctx, i.change, options);
    },
    doneReply(ctx, change, seen) {
      const i = inner(change);
      const reply = i.kind.doneReply(ctx, i.change, seen);
      return { ...reply, title: `${revertTitle(i.kind.describe(i.change).action)}: done`, context: [...(reply.context ?? []), `Reverts change \`${i.of}\``] };
    },
    // Reverting a revert puts the change back: the inner kind's own inverse.
    inverse(change) {
      const i = inner(change);
      if (!i.kind.inverse) throw new Error(`Revert ${change.id}: verb "${i.change.verb}" has no inverse`);
      return i.kind.inverse(i.change);
    },
  };
}

export interface RevertOptions {
  readonly yes: boolean;
  /** `--override "<reason>"`: an admin reverting during a change freeze. */
  readonly override?: string | undefined;
}

/**
 * Proposes the revert of an applied change (a preview with Apply / Cancel, an approval request, or at once with
 * `--yes`), after checking that the person may make that kind of change and that the resource still holds what the
 * change left. Expected refusals are replies; nothing is stored or sent for them.
 */
export async function proposeRevert(ctx: VerbContext, target: PendingChange, verbs: ChangeVerbs, options: RevertOptions): Promise<VerbResult> {
  const audited = { endpoint: target.endpoint };
  const spec = verbs(target.verb);
  const kind = spec?.change;
  const revert = verbs(REVERT_VERB)?.change;
  if (target.state !== "applied") return nothingToDo(`Change \`${target.id}\` was not applied (it is ${target.state}): there is nothing to revert.`, "invalid", audited);
  if (!spec || !kind?.inverse || !revert) return nothingToDo(`Changes made with \`aml ${target.verb}\` cannot be reverted from chat.`, "invalid", audited);
  if (!hasRole(ctx.invocation.actor, spec.role, ctx.deps.policy)) {
    const reply = problemReply("Not allowed", [`You need the *${spec.role}* role to revert a \`${target.verb}\` change.`], "Ask an aml-chatops admin to grant it. Nothing was changed.");
    return { reply, audit: { ...audited, outcome: "denied" } };
  }
  const words = kind.describe(target);
  const seen = await kind.observe(ctx, target, { waitWhileBusyInMs: 0 });
  if (!seen) return nothingToDo(`What change \`${target.id}\` was about no longer exists on ${target.endpoint}: there is nothing to revert.`, "not-found", audited);
  if (seen.matches === "before") {
    const message = `${target.endpoint} is already back at \`${seen.now}\`, as before change \`${target.id}\`.`;
    return { reply: { ...problemReply("Nothing to revert", [message]), tone: "info" }, audit: { ...audited, outcome: "ok", detail: `already reverted: ${message}` } };
  }
  if (seen.matches === "other") {
    const message = `Change \`${target.id}\` left \`${words.after}\` on ${target.endpoint}; Azure ML now holds \`${seen.now}\`.`;
    const reply = problemReply(
      `Not reverted: ${target.endpoint} changed since`,
      [message, `Reverting to \`${words.before}\` would overwrite that change. Nothing was changed.`],
      `Check with \`aml show ${target.endpoint}\`, then make the change you want explicitly.`,
    );
    return { reply, audit: { ...audited, outcome: "conflict", detail: message } };
  }

  const inverse = kind.inverse(target);
  const payload: RevertPayload = { of: target.id, verb: inverse.verb, change: inverse.payload };
  const back = revert.describe({ ...target, verb: REVERT_VERB, payload });
  const appliedAt = target.updatedAt ?? target.createdAt;
  const proposal: Proposal = {
    verb: REVERT_VERB,
    endpoint: target.endpoint,
    payload,
    ...(seen.etag !== undefined ? { etag: seen.etag } : {}),
    title: back.action,
    sections: [
      ...inverse.sections,
      { kind: "text", text: `Reverts change \`${target.id}\` (\`aml ${target.verb}\`), applied by ${actorName(target) ?? requesterName(target)} on ${appliedAt.toISOString().slice(0, 10)} at ${utcTimeOfDay(appliedAt)}.` },
    ],
    summary: `Proposed revert on ${target.endpoint}: ${back.before} → ${back.after}`,
    confirmText: `Set ${target.endpoint} back to ${back.after}?`,
    override: options.override,
  };
  if (options.yes) return applyNow(ctx, revert, proposal);
  return proposeChange(ctx, proposal, { endpoint: target.endpoint, before: back.before, after: back.after });
}

/** `Traffic change on fraud-scorer` → `Revert: traffic change on fraud-scorer`. */
function revertTitle(action: string): string {
  return `Revert: ${action.charAt(0).toLowerCase()}${action.slice(1)}`;
}
