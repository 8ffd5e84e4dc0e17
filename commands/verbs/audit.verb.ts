import { endpointArg, workspaceFlag } from "../common-flags.js";
import { wholeNumber } from "../parse/word-schemas.js";
import { channelReply } from "../replies.js";
import { defineVerb } from "../verb-spec.js";

const DEFAULT_LIMIT = 15;
const MAX_LIMIT = 100;

export const auditVerb = defineVerb({
  name: "audit",
  group: "look",
  aliases: ["history"],
  summary: "Recent commands and changes: who, what, when, before → after, outcome",
  examples: ["audit fraud-scorer", "audit --limit 50"],
  role: "viewer",
  slow: true,
  positionals: [endpointArg],
  flags: {
    workspace: workspaceFlag,
    limit: {
      type: "string",
      description: `How many entries (default ${DEFAULT_LIMIT})`,
      placeholder: "n",
      default: String(DEFAULT_LIMIT),
      schema: wholeNumber(1, MAX_LIMIT, () => `\`--limit\` must be a whole number from 1 to ${MAX_LIMIT}.`),
    },
  },
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
