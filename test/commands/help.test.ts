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
});
