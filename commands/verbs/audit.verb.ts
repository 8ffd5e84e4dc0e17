import { z } from "zod";
import { workspaceFlag } from "../common-flags.js";
import { endpointName } from "../domain/names.js";
import type { ParsedArgs } from "../parse/parse-args.js";
import { refuse } from "../parse/refuse.js";
import { channelReply } from "../replies.js";
import { defineVerb } from "../verb-spec.js";

const DEFAULT_LIMIT = 15;
const MAX_LIMIT = 100;

const args = z.custom<ParsedArgs>().transform((input, ctx) => {
  if (input.positionals.length > 1) return refuse(ctx, "Name at most one endpoint.");
  const endpoint = input.positionals[0];
  if (endpoint !== undefined && !endpointName.safeParse(endpoint).success) return refuse(ctx, `\`${endpoint}\` is not a valid endpoint name.`);
  const limitWord = input.flags.limit as string | undefined;
  const limit = limitWord === undefined ? DEFAULT_LIMIT : Number(limitWord);
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) return refuse(ctx, `\`--limit\` must be a whole number from 1 to ${MAX_LIMIT}.`);
  return { endpoint, limit };
});

export const auditVerb = defineVerb({
  name: "audit",
  aliases: ["history"],
  summary: "Recent commands and changes: who, what, when, before → after, outcome",
  usage: "audit [endpoint] [--limit <n>]",
  examples: ["audit fraud-scorer", "audit --limit 50"],
  role: "viewer",
  slow: true,
  flags: { workspace: workspaceFlag, limit: { type: "string", description: "How many entries (default 15)", placeholder: "n" } },
  args,
  ackText: () => "⏳ Reading the audit log…",
  async run(ctx, a) {
    const records = await ctx.deps.audit.list({
      workspace: ctx.workspace.alias,
      ...(a.endpoint !== undefined ? { endpoint: a.endpoint } : {}),
      limit: a.limit,
      abortSignal: ctx.abortSignal,
    });
    const scope = a.endpoint ? `${a.endpoint} · ${ctx.workspace.alias}` : ctx.workspace.alias;
    const reply = channelReply({
      title: `Audit: ${scope}`,
      tone: "info",
      sections:
        records.length === 0
          ? [{ kind: "text", text: "Nothing recorded yet." }]
          : [
              {
                kind: "table",
                columns: ["When (UTC)", "Who", "Command", "Change", "Outcome"],
                rows: records.map((r) => [
                  r.at.toISOString().slice(0, 16).replace("T", " "),
                  `${r.platform}:${r.userId}`,
                  r.text,
                  r.before !== undefined || r.after !== undefined ? `${r.before ?? "–"} → ${r.after ?? "–"}` : "–",
                  r.outcome,
                ]),
              },
            ],
      visibility: "requester",
      summary: `${records.length} audit record(s) for ${scope}`,
    });
    return { reply, audit: { outcome: "ok", ...(a.endpoint !== undefined ? { endpoint: a.endpoint } : {}) } };
  },
});
