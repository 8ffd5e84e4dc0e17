import { describe, expect, it } from "vitest";
import { buttonInputId } from "../../adapters/chat-buttons.js";
import { renderBlockKit } from "../../adapters/slack/block-kit.renderer.js";
import { renderAdaptiveCard, type CardAction, type CardElement } from "../../adapters/teams/adaptive-card.renderer.js";
import { renderText } from "../../adapters/terminal/text.renderer.js";
import { replyEntries } from "./fixtures/replies.js";

type Press = { verb: string; payloadId: string };

function slackPresses(reply: Parameters<typeof renderBlockKit>[0]): Press[] {
  return renderBlockKit(reply).blocks.flatMap((b) =>
    b.type === "actions" ? b.elements.flatMap((e) => (e.type === "button" ? [{ verb: e.action_id ?? "", payloadId: e.value ?? "" }] : [])) : [],
  );
}

function teamsPresses(reply: Parameters<typeof renderAdaptiveCard>[0]): Press[] {
  const fromActions = (list: readonly CardAction[]): Press[] =>
    list.flatMap((a) => (a.type === "Action.Execute" ? [{ verb: a.verb, payloadId: a.data.payloadId }] : fromActions(a.card.actions)));
  const fromElements = (list: readonly CardElement[]): Press[] =>
    list.flatMap((e) => (e.type === "ActionSet" ? fromActions(e.actions) : e.type === "Container" ? fromElements(e.items) : []));
  return fromElements(renderAdaptiveCard(reply).body);
}

/** The ids of the text boxes that go with buttons: what a click's typed value is read back under. */
function slackBoxes(reply: Parameters<typeof renderBlockKit>[0]): string[] {
  return renderBlockKit(reply).blocks.flatMap((b) => (b.type === "input" && b.element.type === "plain_text_input" && b.element.action_id === b.block_id ? [b.block_id ?? ""] : []));
}

function teamsBoxes(reply: Parameters<typeof renderAdaptiveCard>[0]): string[] {
  return renderAdaptiveCard(reply).body.flatMap((e) => (e.type === "Input.Text" ? [e.id] : []));
}

describe("buttons are the same on every platform", () => {
  it.each(replyEntries)("%s", (_name, reply) => {
    const expected = (reply.buttons ?? []).map(({ verb, payloadId }) => ({ verb, payloadId }));
    expect(slackPresses(reply)).toEqual(expected);
    expect(teamsPresses(reply)).toEqual(expected);
    const text = renderText(reply);
    for (const { verb, payloadId } of expected) expect(text).toContain(`→ aml ${verb} ${payloadId}`);
    const boxes = (reply.buttons ?? []).filter((b) => b.input).map((b) => buttonInputId(b));
    expect(slackBoxes(reply)).toEqual(boxes);
    expect(teamsBoxes(reply)).toEqual(boxes);
  });

  it("the fixtures have buttons to compare", () => {
    expect(replyEntries.reduce((n, [, r]) => n + (r.buttons?.length ?? 0), 0)).toBeGreaterThan(5);
  });
});
