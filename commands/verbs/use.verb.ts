import * as z from "zod";
import { workspaceFlag } from "../common-flags.js";
import { endpointName } from "../domain/names.js";
import { refuse } from "../parse/refuse.js";
import { channelReply, problemReply } from "../replies.js";
import { defineVerb } from "../verb-spec.js";

const CLEAR = new Set(["off", "none", "clear"]);

const NAME_ONE = "Name one endpoint (or `off`), and/or a workspace with `--workspace`.";

/** `<endpoint>`, or `off` (`none`, `clear`) to forget the channel's defaults. */
const target = z.string().transform((word, ctx): { readonly clear: true; readonly endpoint?: undefined } | { readonly clear: false; readonly endpoint: string } => {
  if (CLEAR.has(word.toLowerCase())) return { clear: true };
  const check = endpointName.safeParse(word);
  if (!check.success) return refuse(ctx, `\`${word}\` is not a valid endpoint name. ${check.error.issues[0]?.message ?? ""}`.trim());
  return { clear: false, endpoint: word };
});

export const useVerb = defineVerb({
  name: "use",
  group: "settings",
  aliases: ["default"],
  summary: "Set this channel's default endpoint (and workspace), so commands can leave it out",
  examples: ["use fraud-scorer", "use churn-model --workspace prod", "use off"],
  role: "operator",
  slow: true,
  positionals: [{ name: "target", optional: true, usage: "<endpoint> | off", description: "The endpoint commands here act on, or `off` (also `none`, `clear`) to forget the defaults", schema: target }],
  flags: { workspace: { ...workspaceFlag, description: "The workspace commands here act on (and the endpoint's)", inUsage: true } },
  check: (a) => (a.target === undefined && a.workspace === undefined ? NAME_ONE : undefined),
  tooMany: NAME_ONE,
  ackText: (a) => (a.target?.endpoint ? `⏳ Checking ${a.target.endpoint}…` : "⏳ Updating this channel's defaults…"),
  async run(ctx, { target }) {
    const { deps, invocation } = ctx;
    if (target?.clear) {
      await deps.channels.setDefaults(invocation.channel, {}, { abortSignal: ctx.abortSignal });
      const reply = channelReply({
        title: "Channel defaults cleared",
        sections: [{ kind: "text", text: "Commands here now need an endpoint unless it is the only one that fits." }],
        summary: "Channel defaults cleared",
      });
      return { reply, audit: { outcome: "ok", detail: "cleared defaults" } };
    }
    const name = target?.endpoint;
    if (name !== undefined) {
      const endpoint = await deps.endpoints.getEndpoint(ctx.workspace, name, { abortSignal: ctx.abortSignal });
      if (!endpoint) {
        const reply = problemReply("Endpoint not found", [`There is no endpoint \`${name}\` in workspace \`${ctx.workspace.alias}\`.`]);
        return { reply, audit: { outcome: "not-found", endpoint: name } };
      }
    }
    const defaults = { workspace: ctx.workspace.alias, ...(name !== undefined ? { endpoint: name } : {}) };
    await deps.channels.setDefaults(invocation.channel, defaults, { abortSignal: ctx.abortSignal });
    const what = name ? `\`${name}\` in workspace \`${ctx.workspace.alias}\`` : `workspace \`${ctx.workspace.alias}\``;
    const reply = channelReply({
      title: "Channel default set",
      tone: "success",
      sections: [{ kind: "text", text: `Commands in this channel now act on ${what} unless they name another.` }],
      summary: `Channel default: ${name ?? ""} ${ctx.workspace.alias}`.trim(),
    });
    return { reply, audit: { outcome: "ok", ...(name !== undefined ? { endpoint: name } : {}), after: JSON.stringify(defaults) } };
  },
});
