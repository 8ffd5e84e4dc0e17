/**
 * Every verb reply kept as a golden (test/commands/**\/__golden__/*.slack.json and *.teams.json, written by the
 * Block Kit and Adaptive Card renderers and kept current by the tests that own them) must fit a chat column
 * (issue 14 §3), so a verb added later cannot bring back a 150-character code block or an 11-column table:
 * - no code-block / monospace line wider than CODE_LINE_WIDTH (72) characters;
 * - no table of more than MAX_TABLE_COLUMNS (4) columns;
 * - in a Teams table, no word wider than its column at a phone's width, where it would break inside the word;
 * - in a Teams row of columns, no text that may not wrap (it is cut with "…" when the row is squeezed).
 *
 * The bound of 4 columns: on a 360 px phone a Teams card leaves about PHONE_CARD_TEXT_PX of text width; four
 * equal columns get about 69 px each, 9 characters of Teams' 14 px font, the least in which short names and
 * numbers ("blue", "80 %", "3 (±0 %)") still wrap between words; at five, 54 px or 7 characters, a deployment
 * named `fraud-v2` breaks. In a Slack code block 72 characters over four columns leave 16 a column after the gaps.
 *
 * The renderers' own fixtures (test/adapters/fixtures/replies.ts) are left out: they overrun limits on purpose
 * (a 111-character stack trace, a 5-column table) to test cutting and layout, and are not what a verb replies.
 *
 * Most verbs have no golden, so the tables the core declares (`kind: "table"` with literal `columns` in commands/)
 * are counted from the source too: a new table over the bound fails here; the wide ones already there are listed
 * in WIDE_TABLES_TO_LAY_OUT, to become blocks, and leave the list when they do (the test says so).
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { renderBlockKit } from "../../adapters/slack/block-kit.renderer.js";
import { renderAdaptiveCard } from "../../adapters/teams/adaptive-card.renderer.js";
import type { Reply } from "../../commands/reply.js";
import { CODE_LINE_WIDTH } from "../../commands/sparkline.js";

const MAX_TABLE_COLUMNS = 4;
/** 360 px less Teams' message margins and the card's padding (about 30 px each side). */
const PHONE_CARD_TEXT_PX = 300;
/** Between the columns of a ColumnSet (Adaptive Cards' default spacing). */
const COLUMN_SPACING_PX = 8;
/** Average advance of Teams' 14 px text (Segoe UI on desktop, the system font on phones); an estimate. */
const CHARACTER_PX = 7.5;

/**
 * Tables over MAX_TABLE_COLUMNS that verbs had before this guard, by file and column count (issue 14 §3 left them
 * to be laid out as blocks or shortened). Do not add to it.
 */
const WIDE_TABLES_TO_LAY_OUT: Record<string, readonly number[]> = {};

const here = fileURLToPath(new URL(".", import.meta.url));
const repo = join(here, "..", "..");
type Json = Record<string, unknown>;
const width = (text: string): number => Array.from(text).length;

/** What does not fit, one line of explanation each; empty when the rendering fits. */
function slackProblems(message: unknown): string[] {
  const problems: string[] = [];
  const visit = (value: unknown, key: string): void => {
    if (typeof value === "string" && key === "text") {
      for (const fence of value.matchAll(/```\n?([\s\S]*?)\n?```/g)) {
        const lines = fence[1]!.split("\n").map((l) => l.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&"));
        for (const line of lines) if (width(line) > CODE_LINE_WIDTH) problems.push(`code line of ${width(line)} characters: ${line}`);
        // A table's rule under its header (tableLines): one run of ─ per column.
        for (const line of lines) {
          if (!/^─+( {2}─+)*$/.test(line)) continue;
          const columns = line.split(/ {2}/).length;
          if (columns > MAX_TABLE_COLUMNS) problems.push(`table of ${columns} columns: ${lines[lines.indexOf(line) - 1] ?? ""}`);
        }
      }
    } else if (Array.isArray(value)) for (const item of value) visit(item, key);
    else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) visit(v, k);
  };
  visit((message as Json)["blocks"], "blocks");
  return problems;
}

function teamsProblems(card: unknown): string[] {
  const problems: string[] = [];
  const monospace = (line: string): void => {
    const text = line.replace(/\u00a0/g, " ");
    if (width(text) > CODE_LINE_WIDTH) problems.push(`monospace line of ${width(text)} characters: ${text}`);
  };
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) return value.forEach(visit);
    if (value === null || typeof value !== "object") return;
    const element = value as Json;
    if (element["type"] === "RichTextBlock") for (const run of (element["inlines"] as Json[]) ?? []) if (run["fontType"] === "Monospace") monospace(String(run["text"]));
    if (element["type"] === "TextBlock" && element["fontType"] === "Monospace") for (const line of String(element["text"]).split("\n")) monospace(line);
    const columns = element["type"] === "ColumnSet" ? ((element["columns"] as Json[]) ?? []) : [];
    // Text that may not wrap, in a column that shares its row, is cut with "…" when the row is narrow (the traffic
    // bars were, between two weighted columns).
    for (const item of columns.length > 1 ? columns.flatMap((c) => (c["items"] as Json[]) ?? []) : []) {
      if (item["type"] === "TextBlock" && item["wrap"] !== true) problems.push(`"${String(item["text"])}" does not wrap in a column of ${columns.length}: it is cut with "…" when the row is narrow`);
    }
    // The renderer's tables are ColumnSets of equal stretch columns; traffic bars are 1 | auto | 1.
    if (columns.length > 0 && columns.every((c) => c["width"] === "stretch")) {
      if (columns.length > MAX_TABLE_COLUMNS) problems.push(`table of ${columns.length} columns`);
      const fits = Math.floor((PHONE_CARD_TEXT_PX - COLUMN_SPACING_PX * (columns.length - 1)) / columns.length / CHARACTER_PX);
      for (const column of columns) {
        for (const item of (column["items"] as Json[]) ?? []) {
          for (const word of String(item["text"] ?? "").split(/\s+/)) {
            if (width(word) > fits) problems.push(`"${word}" is wider than a column of ${columns.length} at 360 px (${fits} characters): it breaks inside the word`);
          }
        }
      }
    }
    for (const child of Object.values(element)) visit(child);
  };
  visit(card);
  return problems;
}

/** test/commands/**\/__golden__/<name>.<slack|teams>.json, relative to test/commands. */
function goldenReplies(): { name: string; platform: "slack" | "teams"; file: string }[] {
  return readdirSync(here, { recursive: true, encoding: "utf8" })
    .map((path) => /^(.*__golden__[/\\](.+))\.(slack|teams)\.json$/.exec(path))
    .filter((m): m is RegExpExecArray => m !== null)
    .map((m) => ({ name: m[1]!.replace(/\\/g, "/"), platform: m[3] as "slack" | "teams", file: join(here, m[0]) }))
    .sort((a, b) => a.file.localeCompare(b.file));
}

/** The column counts of each `kind: "table"` whose `columns` is an array literal, in a TypeScript source. */
function declaredTableColumns(source: string): number[] {
  const counts: number[] = [];
  for (const table of source.matchAll(/kind: "table",\s*columns: \[/g)) {
    let depth = 0;
    let quote = "";
    let elements = 1;
    let empty = true;
    for (let i = table.index + table[0].length; i < source.length; i++) {
      const ch = source[i]!;
      if (!/\s|\]/.test(ch)) empty = false;
      if (quote !== "") {
        if (ch === "\\") i++;
        else if (ch === quote) quote = "";
        else if (quote === "`" && ch === "$" && source[i + 1] === "{") {
          // A template's `${…}` may hold commas of its own.
          let braces = 0;
          for (i++; i < source.length; i++) {
            if (source[i] === "{") braces++;
            else if (source[i] === "}" && --braces === 0) break;
          }
        }
      } else if (ch === '"' || ch === "'" || ch === "`") quote = ch;
      else if (ch === "[" || ch === "(" || ch === "{") depth++;
      else if (ch === "]" && depth === 0) break;
      else if (ch === "]" || ch === ")" || ch === "}") depth--;
      else if (ch === "," && depth === 0) elements++;
    }
    counts.push(empty ? 0 : elements);
  }
  return counts;
}

function sourcesUnder(dir: string): string[] {
  return readdirSync(join(repo, dir), { recursive: true, encoding: "utf8" })
    .filter((path) => path.endsWith(".ts"))
    .map((path) => `${dir}/${path.replace(/\\/g, "/")}`)
    .sort();
}

describe("verb replies fit a chat column", () => {
  const goldens = goldenReplies();

  it("finds the goldens, each on both platforms", () => {
    const names = (platform: string) => goldens.filter((g) => g.platform === platform).map((g) => g.name);
    expect(names("slack")).toEqual(expect.arrayContaining(["__golden__/digest-workspace", "__golden__/digest-endpoint", "__golden__/help", "alerts/__golden__/alert-fired"]));
    // A reply checked on one platform only could overrun on the other.
    expect(names("teams")).toEqual(names("slack"));
  });

  it.each(goldens.map((g) => [`${g.name} (${g.platform})`, g] as const))("%s", (_label, golden) => {
    const rendered: unknown = JSON.parse(readFileSync(golden.file, "utf8"));
    const problems = golden.platform === "slack" ? slackProblems(rendered) : teamsProblems(rendered);
    expect(problems, relative(here, golden.file)).toEqual([]);
  });

  it("catches what issue 14 found: a wide code line, an 11-column table, a word wider than a phone's column", () => {
    const wide: Reply = {
      title: "Too wide",
      sections: [
        { kind: "code", text: `${"x".repeat(CODE_LINE_WIDTH)}\n${"y".repeat(CODE_LINE_WIDTH + 1)}` },
        { kind: "table", columns: Array.from({ length: 11 }, (_, i) => `C${i}`), rows: [Array.from({ length: 11 }, () => "1")] },
        { kind: "table", columns: ["Deployment", "SKU"], rows: [["blue", "Standard_DS3_v2_Promo"]] },
      ],
      visibility: "channel",
      mode: "new",
      summary: "too wide",
    };
    const slack = slackProblems(renderBlockKit(wide));
    expect(slack).toEqual([expect.stringMatching(/^code line of 73 characters/), expect.stringMatching(/^table of 11 columns/)]);
    const teams = teamsProblems(renderAdaptiveCard(wide));
    expect(teams).toContain(`monospace line of 73 characters: ${"y".repeat(73)}`);
    expect(teams).toContain("table of 11 columns");
    // 2 columns at 360 px hold 19 characters: "Standard_DS3_v2" fits, a 21-character name does not.
    expect(teams).toContain('"Standard_DS3_v2_Promo" is wider than a column of 2 at 360 px (19 characters): it breaks inside the word');
    expect(teams.filter((p) => p.includes("Deployment") || p.includes('"blue"'))).toEqual([]);
    // The traffic bar as it was laid out before: squeezed between two weighted columns.
    const squeezed = { type: "ColumnSet", columns: [{ type: "Column", width: 1, items: [{ type: "TextBlock", text: "blue", wrap: true }] }, { type: "Column", width: "auto", items: [{ type: "TextBlock", text: "████░░", fontType: "Monospace" }] }] };
    expect(teamsProblems({ body: [squeezed] })).toEqual(['"████░░" does not wrap in a column of 2: it is cut with "…" when the row is narrow']);
  });

  it("declares no table wider than 4 columns in the core beyond the ones listed to be laid out", () => {
    const wide: Record<string, number[]> = {};
    for (const file of sourcesUnder("commands")) {
      const over = declaredTableColumns(readFileSync(join(repo, file), "utf8")).filter((n) => n > MAX_TABLE_COLUMNS);
      if (over.length > 0) wide[file] = over;
    }
    // A table laid out since leaves the list; a new wide table is not added to it.
    expect(wide).toEqual(WIDE_TABLES_TO_LAY_OUT);
    expect(declaredTableColumns('x = { kind: "table", columns: ["a", `b ${f(1, 2)}`, "c, d"], rows }; y = { kind: "table", columns: [], rows }')).toEqual([3, 0]);
  });
});
