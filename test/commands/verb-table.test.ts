/**
 * The verb table as the one source of the grammar: every verb declares its positionals and flags (none reads its
 * words by hand), and every example help shows is read by that grammar.
 */
import { describe, expect, it } from "vitest";
import { normaliseDashes, parseArgs } from "../../commands/parse/parse-args.js";
import { tokenize } from "../../commands/parse/tokenize.js";
import { HELP_GROUPS } from "../../commands/help-groups.js";
import type { Section } from "../../commands/reply.js";
import { defineVerb } from "../../commands/verb-spec.js";
import { VerbTable } from "../../commands/verb-table.js";
import { allVerbs } from "../../commands/verbs/all-verbs.js";

const table = new VerbTable(allVerbs());

describe("the verb table", () => {
  it("holds only verbs that declare their grammar", () => {
    expect(table.entries.filter((v) => !v.declared).map((v) => v.name)).toEqual([]);
  });

  it("has the typed buttons as hidden entries: looked up and explained, not listed", () => {
    expect(table.entries.filter((v) => v.hidden).map((v) => v.name)).toEqual(["try-invoke", "try-mirror", "try-traffic", "try-promote", "promotion-pause", "promotion-resume", "promotion-abort", "promotion-now", "model-deploy", "model-ignore", "apply", "cancel"]);
    expect(table.verbs.map((v) => v.name)).not.toContain("apply");
    expect(JSON.stringify(table.helpReply())).not.toMatch(/aml (apply|cancel) <id> \|/);
    const help = table.verbHelpReply(table.lookup("APPLY")!);
    expect(help.sections[1]).toEqual({ kind: "code", text: "aml apply <id>" });
    expect(help.context).toEqual(["Needs role: the role the change needs (operator)"]);
    expect(new VerbTable([]).lookup("cancel")?.button?.({ id: "pending-0001" })).toEqual({ verb: "cancel", payloadId: "pending-0001" });
  });

  it("puts every verb help lists under one of help's groups", () => {
    const ids: readonly string[] = HELP_GROUPS.map((g) => g.id);
    expect(table.verbs.filter((v) => v.group === undefined || !ids.includes(v.group)).map((v) => v.name)).toEqual([]);
  });

  it("lists a verb added later under its group by itself, one line of its short form and summary", () => {
    const run = async () => ({ reply: table.helpReply(), audit: { outcome: "ok" } }) as const;
    const common = { aliases: [], examples: [], role: "viewer", slow: false, flags: { yes: { type: "boolean", description: "" } }, run } as const;
    const quota = defineVerb({ ...common, name: "quota", group: "look", summary: "A workspace's quota", positionals: [{ name: "workspace", optional: true, description: "" }] });
    const stray = defineVerb({ ...common, name: "stray", summary: "Belongs nowhere", positionals: [] });
    const texts = new VerbTable([...allVerbs(), quota, stray]).helpReply().sections.flatMap((s: Section) => (s.kind === "text" ? [s.text] : []));
    expect(texts[0]).toMatch(/^\*Look\*\n[^]*\n`aml quota \[workspace\]` — A workspace's quota$/);
    expect(texts[5]).toBe("*Other*\n`aml stray` — Belongs nowhere");
  });

  it.each(table.entries.flatMap((verb) => verb.examples.map((example) => [example, verb] as const)))("reads its example `aml %s`", (example, verb) => {
    // Slack sends a channel picked with `#` as `<#C…|name>`: the example shows what people type.
    const words = tokenize(normaliseDashes(example.replace(/#([a-z-]+)/, "<#C0EXAMPLE|$1>")));
    expect(words.ok).toBe(true);
    const [name, ...rest] = words.ok ? words.words : [];
    expect(table.lookup(name!)).toBe(verb);
    const parsed = parseArgs(rest, verb.flags);
    expect(parsed.ok && verb.read(parsed.args)).toMatchObject({ ok: true });
  });
});
