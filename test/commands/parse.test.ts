import { describe, expect, it } from "vitest";
import { parseAssignments } from "../../commands/parse/assignments.js";
import { normaliseDashes, parseArgs } from "../../commands/parse/parse-args.js";
import { tokenize } from "../../commands/parse/tokenize.js";

describe("tokenize", () => {
  it("splits on whitespace and keeps quoted words together", () => {
    expect(tokenize(`invoke  fraud-scorer '{"a": 1}' "two words"`)).toEqual({ ok: true, words: ["invoke", "fraud-scorer", '{"a": 1}', "two words"] });
  });

  it("treats the curly quotes chat clients insert as quotes", () => {
    expect(tokenize("sample save x \u201chello world\u201d")).toEqual({ ok: true, words: ["sample", "save", "x", "hello world"] });
  });

  it("reports an unclosed quote", () => {
    expect(tokenize(`show "fraud`)).toEqual({ ok: false, message: "A quote is not closed." });
  });
});

describe("parseArgs", () => {
  const specs = {
    yes: { type: "boolean", short: "y", description: "" },
    workspace: { type: "string", short: "w", description: "", placeholder: "alias" },
  } as const;

  it("reads positionals, boolean flags, values and short names", () => {
    const result = parseArgs(["fraud-scorer", "-y", "--workspace", "prod", "blue=80"], specs);
    expect(result).toEqual({ ok: true, args: { positionals: ["fraud-scorer", "blue=80"], flags: { yes: true, workspace: "prod" } } });
  });

  it("accepts --name=value", () => {
    expect(parseArgs(["--workspace=dev"], specs)).toEqual({ ok: true, args: { positionals: [], flags: { workspace: "dev" } } });
  });

  it("refuses an unknown option by name", () => {
    expect(parseArgs(["--force"], specs)).toEqual({ ok: false, message: "Unknown option `--force`." });
  });

  it("says which value is missing", () => {
    expect(parseArgs(["--workspace"], specs)).toEqual({ ok: false, message: "Option `--workspace` needs a value (alias)." });
  });

  it("turns the en and em dashes chat clients substitute back into --", () => {
    expect(normaliseDashes("traffic blue=80 \u2014yes \u2013dry-run")).toBe("traffic blue=80 --yes --dry-run");
  });
});

describe("parseAssignments", () => {
  it("reads deployment=percent in the forms people type", () => {
    expect(parseAssignments(["blue=80", "green:20%"])).toEqual({ ok: true, split: { blue: 80, green: 20 } });
  });

  it("refuses a word that is not a pair", () => {
    expect(parseAssignments(["blue80"])).toEqual({ ok: false, message: "`blue80` is not a `deployment=percent` pair (for example `blue=80`)." });
  });

  it("refuses a deployment given twice", () => {
    expect(parseAssignments(["blue=50", "blue=50"])).toEqual({ ok: false, message: "`blue` is given twice." });
  });
});
