/**
 * The `deployment=percent` pairs of `aml traffic` and `aml mirror`: what `aml help` says may be typed is exactly
 * what the parser takes, and every documented spelling makes the same change through the real verbs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { assignmentSpellings, parseAssignments } from "../../commands/parse/assignments.js";
import type { Reply } from "../../commands/reply.js";
import { command, startCoreHarness, textOf, type CoreHarness } from "../helpers/core-harness.js";

let h: CoreHarness;
beforeAll(async () => {
  h = await startCoreHarness();
});
afterAll(() => h?.close());

/** The pairs a help reply's notes name as accepted, and those it names as not pairs. */
function documentedPairs(help: Reply): { accepted: string[]; refused: string[] } {
  const notes = help.sections.filter((s) => s.kind === "text").map((s) => (s as { text: string }).text);
  const line = notes.find((n) => n.startsWith("A pair is")) ?? "";
  const [before, after = ""] = line.split("Not pairs:");
  const quoted = (text: string) => [...text.matchAll(/`([^`]+)`/g)].map((m) => m[1]!);
  return { accepted: quoted(before!), refused: quoted(after) };
}

describe("aml help traffic and aml help mirror: the accepted spellings of a pair", () => {
  it.each([
    ["traffic", "blue", 80],
    ["mirror", "green", 10],
  ] as const)("`aml help %s` lists them, and each one parses to the same pair", async (verb, deployment, percent) => {
    const help = await h.core.execute(command(`help ${verb}`));
    const { accepted, refused } = documentedPairs(help);
    expect(accepted).toEqual([`${deployment}=${percent}`, `${deployment}=${percent}%`, `${deployment}:${percent}`, `${deployment}:${percent}%`]);
    expect(accepted).toEqual(assignmentSpellings(deployment, percent));
    for (const spelling of accepted) expect(parseAssignments([spelling]), spelling).toEqual({ ok: true, split: { [deployment]: percent } });
    expect(refused.length).toBeGreaterThan(0);
    for (const notAPair of refused) expect(parseAssignments(notAPair.split(" ")).ok, notAPair).toBe(false);
  });

  it("shows the notes between the usage and the flags", async () => {
    const help = await h.core.execute(command("help traffic"));
    expect(help.sections.map((s) => s.kind)).toEqual(["text", "code", "text", "text", "fields", "code"]);
    expect(textOf(help)).toContain("Deployments left out keep their share");
  });
});

describe("every documented spelling makes the same change", () => {
  const previewOf = (reply: Reply) => ({ title: reply.title, traffic: reply.sections.filter((s) => s.kind === "traffic") });

  it("traffic: blue=80 green=20, blue=80% green=20%, blue:80 green:20 and blue:80% green:20% preview the same split", async () => {
    const previews: ReturnType<typeof previewOf>[] = [];
    for (const [blue, green] of assignmentSpellings("blue", 80).map((b, i) => [b, assignmentSpellings("green", 20)[i]!])) {
      const reply = await h.core.execute(command(`traffic fraud-scorer ${blue} ${green} --dry-run`));
      expect(reply.tone, `${blue} ${green}: ${textOf(reply)}`).not.toBe("error");
      previews.push(previewOf(reply));
    }
    expect(previews.every((p) => JSON.stringify(p) === JSON.stringify(previews[0]))).toBe(true);
    expect(JSON.stringify(previews[0])).toContain("80");
  });

  it("mirror: green=10, green=10%, green:10 and green:10% preview the same mirror", async () => {
    const previews: ReturnType<typeof previewOf>[] = [];
    for (const green of assignmentSpellings("green", 10)) {
      const reply = await h.core.execute(command(`mirror fraud-scorer ${green} --dry-run`));
      expect(reply.tone, `${green}: ${textOf(reply)}`).not.toBe("error");
      previews.push(previewOf(reply));
    }
    expect(previews.every((p) => JSON.stringify(p) === JSON.stringify(previews[0]))).toBe(true);
  });

  it.each(["traffic fraud-scorer blue 80 green 20", "traffic fraud-scorer blue = 80", "traffic fraud-scorer blue=80,green=20"])("refuses %s with the usage, and changes nothing", async (text) => {
    const reply = await h.core.execute(command(text));
    expect(reply.tone).toBe("error");
    expect(textOf(reply)).toContain("is not a `deployment=percent` pair");
    expect(h.emulator.requests.filter((r) => r.method === "PUT")).toEqual([]);
  });
});
