import { z } from "zod";
import { workspaceFlag } from "../common-flags.js";
import { endpointName } from "../domain/names.js";
import type { ParsedArgs } from "../parse/parse-args.js";
import { refuse } from "../parse/refuse.js";
import { channelReply, problemReply } from "../replies.js";
import { defineVerb } from "../verb-spec.js";

const CLEAR = new Set(["off", "none", "clear"]);

const args = z.custom<ParsedArgs>().transform((input, ctx) => {
  const [word, ...rest] = input.positionals;
  if (rest.length > 0 || (word === undefined && input.flags.workspace === undefined)) return refuse(ctx, "Name one endpoint (or `off`), and/or a workspace with `--workspace`.");
  if (word !== undefined && !CLEAR.has(word.toLowerCase()) && !endpointName.safeParse(word).success) return refuse(ctx, `\`${word}\` is not a valid endpoint name.`);
  const clear = word !== undefined && CLEAR.has(word.toLowerCase());
  return { endpoint: clear ? undefined : word, clear, workspace: input.flags.workspace as string | undefined };
});

export const useVerb = defineVerb({
  name: "use",
  aliases: ["default"],
  summary: "Set this channel's default endpoint (and workspace), so commands can leave it out",
  usage: "use <endpoint> | off [--workspace <alias>]",
  examples: ["use fraud-scorer", "use churn-model --workspace prod", "use off"],
  role: "operator",
  slow: true,
  flags: { workspace: workspaceFlag },
  args,
  ackText: (a) => (a.endpoint ? `⏳ Checking ${a.endpoint}…` : "⏳ Updating this channel's defaults…"),
  async run(ctx, a) {
    const { deps, invocation } = ctx;
    if (a.clear) {
      await deps.channels.setDefaults(invocation.channel, {}, { abortSignal: ctx.abortSignal });
      const reply = channelReply({
        title: "Channel defaults cleared",
        sections: [{ kind: "text", text: "Commands here now need an endpoint unless it is the only one that fits." }],
        summary: "Channel defaults cleared",
      });
      return { reply, audit: { outcome: "ok", detail: "cleared defaults" } };
    }
    if (a.endpoint !== undefined) {
      const endpoint = await deps.endpoints.getEndpoint(ctx.workspace, a.endpoint, { abortSignal: ctx.abortSignal });
      if (!endpoint) {
        const reply = problemReply("Endpoint not found", [`There is no endpoint \`${a.endpoint}\` in workspace \`${ctx.workspace.alias}\`.`]);
        return { reply, audit: { outcome: "not-found", endpoint: a.endpoint } };
      }
    }
    const defaults = { workspace: ctx.workspace.alias, ...(a.endpoint !== undefined ? { endpoint: a.endpoint } : {}) };
    await deps.channels.setDefaults(invocation.channel, defaults, { abortSignal: ctx.abortSignal });
    const what = a.endpoint ? `\`${a.endpoint}\` in workspace \`${ctx.workspace.alias}\`` : `workspace \`${ctx.workspace.alias}\``;
    const reply = channelReply({
      title: "Channel default set",
      tone: "success",
      sections: [{ kind: "text", text: `Commands in this channel now act on ${what} unless they name another.` }],
      summary: `Channel default: ${a.endpoint ?? ""} ${ctx.workspace.alias}`.trim(),
    });
    return { reply, audit: { outcome: "ok", ...(a.endpoint !== undefined ? { endpoint: a.endpoint } : {}), after: JSON.stringify(defaults) } };
  },
});
