import { describe, expect, it } from "vitest";
import { tokenize } from "../../commands/parse/tokenize.js";
import { diffJson, formatDelta } from "../../commands/scoring/json-diff.js";
import { MAX_BODY_BYTES, readJsonBody } from "../../commands/scoring/json-input.js";
import { locateJsonFault } from "../../commands/scoring/json-locate.js";
import { formatBody, prettyJson } from "../../commands/scoring/scoring-reply.js";

describe("tokenize: JSON needs no quoting", () => {
  it("keeps a word that starts with { or [ whole, to its closing bracket, quotes and spaces included", () => {
    expect(tokenize('invoke fraud-scorer {"data": [[1, 2], [3, 4]]} --deployment green')).toEqual({
      ok: true,
      words: ["invoke", "fraud-scorer", '{"data": [[1, 2], [3, 4]]}', "--deployment", "green"],
    });
    expect(tokenize('invoke [{"a": "x ] }"}] -d blue').ok && tokenize('invoke [{"a": "x ] }"}] -d blue')).toMatchObject({ words: ["invoke", '[{"a": "x ] }"}]', "-d", "blue"] });
  });

  it("keeps curly quotes inside JSON (the body reader straightens them) and gives an unclosed JSON to the end of the line", () => {
    expect(tokenize("invoke {\u201cdata\u201d: [[1]]}")).toEqual({ ok: true, words: ["invoke", "{\u201cdata\u201d: [[1]]}"] });
    expect(tokenize('invoke {"data": [[1, 2]')).toEqual({ ok: true, words: ["invoke", '{"data": [[1, 2]'] });
  });

  it("leaves quoted JSON and brackets inside words as they were", () => {
    expect(tokenize(`invoke '{"a": 1}'`)).toEqual({ ok: true, words: ["invoke", '{"a": 1}'] });
    expect(tokenize("scale x[1] 2")).toEqual({ ok: true, words: ["scale", "x[1]", "2"] });
  });
});

describe("readJsonBody", () => {
  it("accepts an object or a list, and reports its size", () => {
    expect(readJsonBody('{"data": [[1]]}')).toEqual({ ok: true, value: { data: [[1]] }, text: '{"data": [[1]]}', bytes: 15 });
    expect(readJsonBody("42")).toEqual({ ok: false, problem: 'The request body must be a JSON object or list, for example `{"data": [[1, 2, 3]]}`.' });
  });

  it("points at the fault: where, what was expected, and the text around it", () => {
    expect(readJsonBody('{"data": [[1, 2] [3]]}')).toEqual({
      ok: false,
      problem: 'The request body is not valid JSON: at character 18, expected \',\' or \']\' after the list item. `{"data": [[1, 2] ` ◀ here ▶ `[3]]}`',
    });
    const multiline = readJsonBody('{\n  "a": 1,\n  b: 2\n}');
    expect(multiline.ok === false && multiline.problem).toContain("at line 3, column 3, expected a property name in double quotes");
    expect(readJsonBody("{'a': 1}").ok === false && readJsonBody("{'a': 1}")).toMatchObject({ problem: expect.stringContaining("use double quotes") });
  });

  it("refuses more than 64 KiB, saying how much it was", () => {
    const big = `[${"1,".repeat(MAX_BODY_BYTES / 2)}1]`;
    expect(readJsonBody(big)).toEqual({ ok: false, problem: expect.stringMatching(/^The request body is 64\.0 KiB; at most 64\.0 KiB can be sent through the bot/) });
  });

  it("straightens the curly quotes chat clients type, only when that is what makes it JSON", () => {
    expect(readJsonBody("{\u201cdata\u201d: [[1]]}")).toMatchObject({ ok: true, value: { data: [[1]] } });
    expect(readJsonBody('{"quote": "\u201chi\u201d"}')).toMatchObject({ ok: true, value: { quote: "\u201chi\u201d" } });
  });
});

describe("locateJsonFault", () => {
  it.each([
    ['{"a": }', 6, "expected a value"],
    ['{"a": 1', 7, "expected ',' or '}' after the property value, but the text ends here"],
    ['["x\ny"]', 3, "a line break or control character inside a string must be escaped"],
    ["[1] 2", 4, "unexpected text after the JSON value"],
    ['{"a": tru}', 6, "expected a value"],
  ])("%j: offset %i, %s", (text, at, expected) => {
    expect(locateJsonFault(text)).toEqual({ at, expected: expect.stringContaining(expected) });
  });

  it("finds nothing in valid JSON", () => {
    expect(locateJsonFault('{"a": [1, -2.5e3, "x\\u00e9", true, null]}')).toBeUndefined();
  });
});

describe("diffJson", () => {
  it("lists the leaf paths that differ, with numeric deltas", () => {
    const left = { scores: [0.1, 0.5], label: "ok", extra: 1 };
    const right = { scores: [0.1, 0.75, 0.2], label: "fraud" };
    expect(diffJson(left, right)).toEqual([
      { path: "$.extra", left: "1" },
      { path: "$.label", left: '"ok"', right: '"fraud"' },
      { path: "$.scores[1]", left: "0.5", right: "0.75", delta: 0.25 },
      { path: "$.scores[2]", right: "0.2" },
    ]);
    expect(diffJson([1, 2], [1, 2])).toEqual([]);
  });

  it("formats deltas with a sign and the relative change", () => {
    expect(formatDelta({ path: "$", left: "0.5", right: "0.75", delta: 0.25 })).toBe("+0.25 (+50 %)");
    expect(formatDelta({ path: "$", left: "2.03", right: "1.98", delta: 1.98 - 2.03 })).toBe("−0.05 (−2.46 %)");
    expect(formatDelta({ path: "$", left: "0", right: "1", delta: 1 })).toBe("+1");
  });
});

describe("formatBody", () => {
  it("prints short lists on one line and cuts long answers with a note", () => {
    expect(prettyJson({ predictions: [0.1, 0.9], meta: { model: "v3" } })).toBe('{\n  "predictions": [0.1, 0.9],\n  "meta": {\n    "model": "v3"\n  }\n}');
    const long = formatBody(Array.from({ length: 120 }, (_, i) => ({ row: i, score: i / 100 })));
    expect(long.text.split("\n")).toHaveLength(41);
    expect(long.note).toMatch(/^_Truncated: showing 40 of 482 lines \(\d[\d,]* of \d[\d,]* characters\)\._$/);
    const wide = formatBody("x".repeat(5_000));
    expect(wide.text).toHaveLength(3_002);
    expect(wide.note).toContain("1 of 1 lines (3,000 of 5,000 characters)");
  });
});
