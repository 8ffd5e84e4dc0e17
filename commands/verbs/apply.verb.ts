/**
 * `aml apply <id>` and `aml cancel <id>`: a preview's buttons, typed. The renderers show them as the text equivalent
 * of a button, for the terminal and for chat clients that cannot show buttons. Hidden entries of the verb table:
 * looked up and explained (`aml help apply`), not listed. The core hands them to its button path, which checks the
 * role of the change's own verb (or, for Cancel, that it is the requester's), the channel, and audits the press.
 */
import { z } from "zod";
import { APPLY_VERB, CANCEL_VERB } from "../changes/change-verbs.js";
import type { PositionalSpec } from "../parse/grammar.js";
import { defineVerb, type AnyVerb } from "../verb-spec.js";

const previewId = {
  name: "id",
  description: "The preview's id, shown with its buttons",
  label: "preview id",
  schema: z.string().regex(/^[A-Za-z0-9-]{8,64}$/, "Give the id shown with the preview's Apply and Cancel buttons."),
} as const satisfies PositionalSpec;

function buttonVerb(verb: string, summary: string, roleNote: string): AnyVerb {
  return defineVerb({
    name: verb,
    aliases: [],
    summary,
    examples: [`${verb} 0b7c9e42-6d1f-4c8a-9e35-2a4f6b8c1d70`],
    // Anyone may ask; the button path checks who may act on this change.
    role: "viewer",
    roleNote,
    slow: true,
    hidden: true,
    positionals: [previewId],
    flags: {},
    ackText: () => "⏳ Working on it…",
    button: (a) => ({ verb, payloadId: a.id }),
  });
}

export const applyVerb = buttonVerb(APPLY_VERB, "What a preview's Apply button does: sends the previewed change, in the channel of the preview", "the role the change needs (operator)");

export const cancelVerb = buttonVerb(CANCEL_VERB, "What a preview's Cancel button does: drops the previewed change, in the channel of the preview", "the role the change needs (operator), or having asked for it");
