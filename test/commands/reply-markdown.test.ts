import { describe, expect, it } from "vitest";
import { markdownSpans } from "../../commands/reply-markdown.js";

describe("markdownSpans", () => {
  it("reads *bold*, _italic_ and `code` where the markers hug words", () => {
    expect(markdownSpans("set *blue* to _80 %_ with `aml traffic`")).toEqual([
      { kind: "text", text: "set " },
      { kind: "bold", text: "blue" },
      { kind: "text", text: " to " },
      { kind: "italic", text: "80 %" },
      { kind: "text", text: " with " },
      { kind: "code", text: "aml traffic" },
    ]);
  });

  it("leaves markers inside words and unclosed markers as text", () => {
    expect(markdownSpans("snake_case_name and 2*3 and *open")).toEqual([{ kind: "text", text: "snake_case_name and 2*3 and *open" }]);
  });
});
