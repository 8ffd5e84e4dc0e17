import { describe, expect, it } from "vitest";
import { renderText } from "../../../adapters/terminal/text.renderer.js";
import { replies, replyEntries } from "../fixtures/replies.js";

// eslint-disable-next-line no-control-regex
const ANSI = /\x1b\[[0-9;]*m/g;

describe("renderText goldens", () => {
  it.each(replyEntries)("%s", async (name, reply) => {
    await expect(`${renderText(reply)}\n`).toMatchFileSnapshot(`./__golden__/${name}.txt`);
  });

  it("shift-traffic in color", async () => {
    await expect(`${JSON.stringify(renderText(replies["shift-traffic"], { color: true }).split("\n"), null, 2)}\n`).toMatchFileSnapshot(
      "./__golden__/shift-traffic.color.json",
    );
  });
});

describe("renderText behaviour", () => {
  it.each(replyEntries)("%s: ANSI only with color: true, same lines either way", (_name, reply) => {
    const plain = renderText(reply);
    const colored = renderText(reply, { color: true });
    expect(plain).not.toMatch(ANSI);
    expect(renderText(reply, { color: false })).toBe(plain);
    expect(colored.split("\n")).toHaveLength(plain.split("\n").length);
    if (reply.title || (reply.buttons ?? []).length > 0) expect(colored).toMatch(ANSI);
  });

  it.each(replyEntries)("%s: a hint for every button with its verb and payload id (and what to type for its box)", (_name, reply) => {
    const text = renderText(reply);
    for (const b of reply.buttons ?? []) {
      const typed = b.input ? ` <${escape(b.input.label.toLowerCase())}>` : "";
      expect(text).toMatch(new RegExp(`^\\[${escape(b.label)}\\] +→ aml ${escape(b.verb)} ${escape(b.payloadId)}${typed}(  \\(asks first: .+\\))?$`, "m"));
    }
  });

  it("draws traffic bars of 20 cells, 5 % each", () => {
    const lines = renderText(replies["shift-traffic"]).split("\n");
    expect(lines).toContain("  blue   ████████████████░░░░   80 %  (was 100 %)");
    expect(lines).toContain("  green  ████░░░░░░░░░░░░░░░░   20 %  (was 0 %)");
    expect(renderText(replies["traffic-applied"])).toContain("  shadow-canary  ░░░░░░░░░░░░░░░░░░░░    0 %  (unchanged)");
  });

  it("aligns table columns", () => {
    const lines = renderText(replies["endpoint-status"]).split("\n");
    const header = lines.findIndex((l) => l.startsWith("Deployment"));
    const rows = lines.slice(header, header + 5);
    const at = (line: string | undefined, word: string): number => line?.indexOf(word) ?? -1;
    expect(new Set([at(rows[0], "Model"), at(rows[2], "churn-model:12"), at(rows[4], "churn-model:14-rc1")]).size).toBe(1);
    expect(new Set([at(rows[0], "Traffic"), at(rows[2], "80 %"), at(rows[4], "0 %")]).size).toBe(1);
  });

  it("indents code by 4 spaces and dims context only in color", () => {
    expect(renderText(replies.failure)).toContain("\n    Code: QuotaExceeded\n");
    expect(renderText(replies.failure, { color: true })).toContain("\x1b[2mcorrelation 5f1e9a77-1b2c-4d3e-8f90-a1b2c3d4e5f6\x1b[22m");
  });

  it("falls back to the summary", () => {
    expect(renderText(replies["summary-only"])).toBe("Deployment green deleted.");
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}
