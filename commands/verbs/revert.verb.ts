/**
 * `aml revert [endpoint | change-id]`: undoes the last change the bot applied to an endpoint (or the change named,
 * which is what an applied change's Revert button types), previewed before → after like any change.
 */
import * as z from "zod";
import { REVERT_VERB } from "../changes/change-verbs.js";
import { overrideFlag, workspaceFlag, yesFlag } from "../common-flags.js";
import { endpointName } from "../domain/names.js";
import type { PositionalSpec } from "../parse/grammar.js";
import { refuse } from "../parse/refuse.js";
import { problemReply } from "../replies.js";
import { proposeRevert, revertChangeKind, type ChangeVerbs } from "../revert/revert-change.js";
import { resolveEndpoint } from "../target-resolver.js";
import { defineVerb, type AnyVerb } from "../verb-spec.js";

const CHANGE_ID = /^[A-Za-z0-9-]{8,64}$/;

const target = {
  name: "target",
  optional: true,
  placeholder: "endpoint",
  description: "The endpoint whose last change to undo (default: the channel's, or the only one); or a change's id, as its Revert button sends it",
  schema: z.string().transform((word, ctx) => (endpointName.safeParse(word).success || CHANGE_ID.test(word) ? word : refuse(ctx, `\`${word}\` is neither an endpoint name nor a change id.`))),
} as const satisfies PositionalSpec;

/** Built with the verb table's lookup, so it reverts any verb whose change kind offers an inverse. */
export function revertVerb(verbs: ChangeVerbs): AnyVerb {
  return defineVerb({
    name: REVERT_VERB,
    group: "change",
    aliases: ["undo"],
    summary: "Undo the last change made through the bot on an endpoint, with a before → after preview",
    notes: [
      "Restores live and mirror traffic for a traffic or mirror change, the instance count for a scale. If someone changed the endpoint since, it says what it would overwrite and changes nothing.",
    ],
    examples: ["revert fraud-scorer", "revert", "revert fraud-scorer --yes"],
    role: "operator",
    roleNote: "the role of the change it undoes (operator)",
    slow: true,
    positionals: [target],
    flags: { yes: yesFlag, override: overrideFlag, workspace: workspaceFlag },
    ackText: (a) => `⏳ Reverting the last change on ${a.target ?? "the endpoint"}…`,
    async run(ctx, a) {
      const options = { yes: a.yes, override: a.override };
      const named = a.target === undefined ? undefined : await ctx.deps.pending.get(a.target, { abortSignal: ctx.abortSignal });
      if (named) {
        const workspace = ctx.deps.workspaces.find((w) => w.alias === named.workspace);
        if (!workspace) return { reply: problemReply("Cannot revert", [`Change \`${named.id}\` is in workspace \`${named.workspace}\`, which is no longer configured.`]), audit: { outcome: "invalid" } };
        return proposeRevert({ ...ctx, workspace }, named, verbs, options);
      }
      const resolved = await resolveEndpoint(ctx, a.target);
      if (!resolved.ok) return { reply: resolved.reply, audit: { outcome: "invalid", detail: resolved.reply.summary } };
      const endpoint = resolved.value.endpoint.name;
      const last = await ctx.deps.pending.lastApplied(ctx.workspace.alias, endpoint, { abortSignal: ctx.abortSignal });
      if (!last) {
        const reply = problemReply("Nothing to revert", [`No change made through the bot on ${endpoint} is recorded as applied.`], `\`aml audit ${endpoint}\` shows its history.`);
        return { reply: { ...reply, tone: "info" }, audit: { outcome: "ok", endpoint, detail: "nothing to revert" } };
      }
      return proposeRevert(ctx, last, verbs, options);
    },
    change: revertChangeKind(verbs),
  });
}
