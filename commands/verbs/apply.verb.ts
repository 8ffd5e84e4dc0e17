/**
 * `aml apply <id>` and `aml cancel <id>`: a preview's buttons, typed. The renderers show them as the text equivalent
 * of a button, for the terminal and for chat clients that cannot show buttons. Hidden entries of the verb table:
 * looked up and explained (`aml help apply`), not listed. The core hands them to its button path, which checks the
 * role of the change's own verb (or, for Cancel, that it is the requester's), the channel, and audits the press.
 */
import * as z from "zod";
import { APPROVE_VERB, REJECT_VERB } from "../approvals/approval-card.js";
import { APPLY_VERB, CANCEL_VERB } from "../changes/change-verbs.js";
import { TRY_INVOKE_VERB, TRY_MIRROR_VERB, TRY_PROMOTE_VERB, TRY_TRAFFIC_VERB } from "../deploy/next-steps.js";
import { MODEL_DEPLOY_VERB, MODEL_IGNORE_VERB } from "../events/model-card.js";
import type { PositionalSpec } from "../parse/grammar.js";
import { defineVerb, type AnyVerb } from "../verb-spec.js";

const previewId = {
  name: "id",
  description: "The preview's id, shown with its buttons",
  label: "preview id",
  schema: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, "Give the id shown with the preview's Apply and Cancel buttons."),
} as const satisfies PositionalSpec;

/** A button as a hidden verb of its own: typing `aml <verb> <id>` presses it, through the same button path. */
export function buttonVerb(
  verb: string,
  summary: string,
  roleNote: string,
  id: Omit<typeof previewId, "label" | "description"> & { readonly label: string; readonly description: string } = previewId,
  example = "0b7c9e42-6d1f-4c8a-9e35-2a4f6b8c1d70",
): AnyVerb {
  return defineVerb({
    name: verb,
    aliases: [],
    summary,
    examples: [`${verb} ${example}`],
    // Anyone may ask; the button path checks who may act on this change.
    role: "viewer",
    roleNote,
    slow: true,
    hidden: true,
    positionals: [id],
    flags: {},
    ackText: () => "⏳ Working on it…",
    button: (a) => ({ verb, payloadId: a.id }),
  });
}

export const applyVerb = buttonVerb(APPLY_VERB, "What a preview's Apply button does: sends the previewed change, in the channel of the preview", "the role the change needs (operator)");

const requestId = { ...previewId, description: "The request's id, shown on its approval card", label: "request id", schema: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, "Give the id shown on the approval card.") } as const satisfies PositionalSpec;

/** `aml approve <id>`: the approval card's Approve button, typed. Listed: approvers may have no card at hand. */
export const approveVerb = defineVerb({
  name: APPROVE_VERB,
  group: "approvals",
  aliases: [],
  summary: "Approve a change waiting for approval (its last approval applies it)",
  examples: ["approve 0b7c9e42-6d1f-4c8a-9e35-2a4f6b8c1d70"],
  role: "viewer",
  roleNote: "being one of the request's approvers; never the requester (unless the rule allows it)",
  slow: true,
  positionals: [requestId],
  flags: {},
  ackText: () => "⏳ Recording your approval…",
  button: (a) => ({ verb: APPROVE_VERB, payloadId: a.id }),
});

/** `aml reject <id> <reason>`: the approval card's Reject button, typed, with the reason the requester will read. */
export const rejectVerb = defineVerb({
  name: REJECT_VERB,
  group: "approvals",
  aliases: [],
  summary: "Reject a change waiting for approval, saying why",
  examples: ["reject 0b7c9e42-6d1f-4c8a-9e35-2a4f6b8c1d70 the error rate of green is still too high"],
  role: "viewer",
  roleNote: "being one of the request's approvers",
  slow: true,
  positionals: [requestId, { name: "reason", description: "Why, in words the requester reads on the card", variadic: true, optional: true }],
  flags: {},
  ackText: () => "⏳ Recording your rejection…",
  button: (a) => ({ verb: REJECT_VERB, payloadId: a.id, ...(a.reason?.length ? { input: a.reason.join(" ") } : {}) }),
});

export const cancelVerb = buttonVerb(CANCEL_VERB, "What a preview's Cancel button does: drops the previewed change, in the channel of the preview", "the role the change needs (operator), or having asked for it");

/** A Ready card's next steps, typed as the terminal shows them (`aml try-mirror <deploy id>`, `aml try-invoke <id>@<sample>`). */
const nextStepTarget = {
  ...previewId,
  description: "The deploy's id (and `@sample` for an invoke), as the Ready card's button carries it",
  label: "deploy id",
  schema: z.string().regex(/^[A-Za-z0-9-]{8,64}(?:@[A-Za-z0-9_.-]{1,64})?$/, "Give the id shown with the Ready card's button."),
} as const;
export const nextStepButtonVerbs: AnyVerb[] = [
  [TRY_INVOKE_VERB, "invokes the new deployment with the saved sample"],
  [TRY_MIRROR_VERB, "previews mirroring 10 % of live requests to it"],
  [TRY_TRAFFIC_VERB, "previews 10 % of live traffic for it"],
  [TRY_PROMOTE_VERB, "previews a staged promotion of it"],
].map(([verb, does]) => buttonVerb(verb!, `What a Ready card's button does: ${does}`, "the role of the command it runs", nextStepTarget));

/** A model card's buttons, typed as the terminal shows them (`aml model-deploy demo:fraud-scorer:fraud-model:5`). */
const modelTarget = {
  ...previewId,
  description: "What the model card's button carries: `workspace:endpoint:model:version` (Deploy) or `workspace:model:version` (Ignore)",
  label: "model target",
  schema: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*(?::[A-Za-z0-9][A-Za-z0-9_.-]*){2,3}$/, "Give the target shown with the model card's button."),
} as const;
export const modelButtonVerbs: AnyVerb[] = [
  buttonVerb(MODEL_DEPLOY_VERB, "What a registered model's Deploy button does: previews `aml deploy` of that version on the endpoint", "the role of `aml deploy` (operator)", modelTarget, "demo:fraud-scorer:fraud-model:5"),
  buttonVerb(MODEL_IGNORE_VERB, "What a registered model's Ignore button does: marks its card as ignored", "any role", modelTarget, "demo:fraud-model:5"),
];
