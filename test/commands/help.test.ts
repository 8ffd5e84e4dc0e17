/**
 * `aml help` and `aml help traffic` as each platform shows them, against golden files: the help is generated from
 * the real verb table through the real core, so a change to a verb's grammar shows up here as a diff to review.
 * The Slack golden is `{ "blocks": [...] }` first, so it pastes into Block Kit Builder.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { renderBlockKit } from "../../adapters/slack/block-kit.renderer.js";
import { renderAdaptiveCard } from "../../adapters/teams/adaptive-card.renderer.js";
import { renderText } from "../../adapters/terminal/text.renderer.js";
import { command, startCoreHarness, VIEWER, type CoreHarness } from "../helpers/core-harness.js";

let h: CoreHarness;
beforeAll(async () => {
  h = await startCoreHarness();
});
afterAll(() => h?.close());

describe("help goldens", () => {
  it.each([
    ["help", "help"],
    ["help traffic", "help-traffic"],
  ])("`aml %s` on Slack, Teams and the terminal", async (text, golden) => {
    const reply = await h.core.execute(command(text, VIEWER));
    expect(h.core.plan(command(text, VIEWER))).toEqual({ slow: false });
    const { blocks, ...slack } = renderBlockKit(reply);
    await expect(`${JSON.stringify({ blocks, ...slack }, null, 2)}\n`).toMatchFileSnapshot(`./__golden__/${golden}.slack.json`);
    await expect(`${JSON.stringify(renderAdaptiveCard(reply), null, 2)}\n`).toMatchFileSnapshot(`./__golden__/${golden}.teams.json`);
    await expect(`${renderText(reply)}\n`).toMatchFileSnapshot(`./__golden__/${golden}.txt`);
  });

  it("lists every verb on every platform, uncut, with no code-block line over 72 characters", async () => {
    const reply = await h.core.execute(command("help", VIEWER));
    const names = h.core.table.verbs.map((v) => v.name);
    const slack = renderBlockKit(reply);
    expect(slack.overflow).toBeUndefined();
    expect(slack.blocks.length).toBeLessThanOrEqual(50);
    const slackText = slack.blocks.map((b) => ("text" in b && typeof b.text === "object" ? b.text.text : "")).join("\n");
    const teamsText = JSON.stringify(renderAdaptiveCard(reply));
    const terminal = renderText(reply);
    for (const text of [slackText, teamsText, terminal]) {
      expect(text).not.toMatch(/truncated/);
      for (const name of names) expect(text).toContain(`\`aml ${name}`);
    }
    expect(reply.sections.filter((s) => s.kind === "table")).toEqual([]);
    const codeLines = reply.sections.flatMap((s) => (s.kind === "code" ? s.text.split("\n") : []));
    expect(codeLines.filter((line) => line.length > 72)).toEqual([]);
  });

  it("keeps a verb's whole usage in `aml help <verb>`, folded to lines of at most 72 characters", () => {
    for (const verb of h.core.table.entries) {
      const usage = h.core.table.verbHelpReply(verb).sections[1];
      const text = usage?.kind === "code" ? usage.text : "";
      expect(text.split("\n").filter((line) => line.length > 72)).toEqual([]);
      expect(text.replace(/\n {4}/g, " ").split("\n")).toEqual(verb.usageLines.map((line) => `aml ${line}`));
    }
  });
});
