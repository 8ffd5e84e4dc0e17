/**
 * The verb table as the one source of the grammar: every verb declares its positionals and flags (none reads its
 * words by hand), and every example help shows is read by that grammar.
 */
import { describe, expect, it } from "vitest";
import { normaliseDashes, parseArgs } from "../../commands/parse/parse-args.js";
import { tokenize } from "../../commands/parse/tokenize.js";
import { VerbTable } from "../../commands/verb-table.js";
import { allVerbs } from "../../commands/verbs/all-verbs.js";

const table = new VerbTable(allVerbs());

describe("the verb table", () => {
  it("holds only verbs that declare their grammar", () => {
    expect(table.entries.filter((v) => !v.declared).map((v) => v.name)).toEqual([]);
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
