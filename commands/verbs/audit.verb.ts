import { endpointArg, workspaceFlag } from "../common-flags.js";
import { wholeNumber } from "../parse/word-schemas.js";
import type { AuditRecord } from "../ports/audit-log.port.js";
import { channelReply } from "../replies.js";
import type { Section } from "../reply.js";
import { defineVerb } from "../verb-spec.js";

const DEFAULT_LIMIT = 15;
const MAX_LIMIT = 100;
const SECTION_CHARS = 2500;

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
          : inSections(records.map(recordEntry)),
      visibility: "requester",
      summary: `${records.length} audit record(s) for ${scope}`,
    });
    return { reply, audit: { outcome: "ok", ...(a.endpoint !== undefined ? { endpoint: a.endpoint } : {}) } };
  },
});

/**
 * `*2026-11-25 09:00 UTC* · slack:U1 · ok`, the command, and `before → after` when it changed something: an entry
 * per record, not a 5-column table, which a Teams card on a phone broke inside words (issue 14 §3). The command is
 * what someone typed: shown as code, unless a backtick in it would end the code early.
 */
function recordEntry(r: AuditRecord): string {
  const command = r.text.includes("`") ? r.text : `\`${r.text}\``;
  const change = r.before !== undefined || r.after !== undefined ? [`${r.before ?? "–"} → ${r.after ?? "–"}`] : [];
  return [`*${r.at.toISOString().slice(0, 16).replace("T", " ")} UTC* · ${r.platform}:${r.userId} · ${r.outcome}`, command, ...change].join("\n");
}

/**
 * Entries as few text sections as hold them (up to SECTION_CHARS each, under Slack's 3,000 a section): a section each
 * would pass Slack's 50 blocks a message at `--limit 100`.
 */
function inSections(entries: readonly string[]): Section[] {
  const sections: Section[] = [];
  let current: string[] = [];
  let size = 0;
  for (const entry of entries) {
    if (current.length > 0 && size + 2 + entry.length > SECTION_CHARS) {
      sections.push({ kind: "text", text: current.join("\n\n") });
      current = [];
      size = 0;
    }
    size += (current.length > 0 ? 2 : 0) + entry.length;
    current.push(entry);
  }
  if (current.length > 0) sections.push({ kind: "text", text: current.join("\n\n") });
  return sections;
}
