import { describe, expect, it } from "vitest";
import {
  renderAdaptiveCard,
  type AdaptiveCard,
  type CardAction,
  type CardElement,
  type ExecuteAction,
} from "../../../adapters/teams/adaptive-card.renderer.js";
import { replies, replyEntries } from "../fixtures/replies.js";

const ELEMENTS = new Set(["TextBlock", "RichTextBlock", "FactSet", "ColumnSet", "Container", "Image", "Input.Text", "ActionSet"]);
const ACTIONS = new Set(["Action.Execute", "Action.ShowCard"]);

/** Structural check of a 1.4 card: known `type`s everywhere, in the places they may appear. */
function problems(card: AdaptiveCard): string[] {
  const out: string[] = [];
  const inputIds = new Set<string>();
  if (card.$schema !== "http://adaptivecards.io/schemas/adaptive-card.json") out.push("$schema");
  if (card.type !== "AdaptiveCard") out.push("type");
  if (card.version !== "1.4") out.push("version");
  if (!card.fallbackText) out.push("fallbackText");
  const elements = (list: unknown, at: string): void => {
    if (!Array.isArray(list)) return void out.push(`${at}: not an array`);
    list.forEach((raw, i) => element(raw, `${at}[${i}]`));
  };
  const actions = (list: unknown, at: string): void => {
    if (!Array.isArray(list) || list.length === 0) return void out.push(`${at}: no actions`);
    list.forEach((raw, i) => {
      const a = raw as Record<string, unknown>;
      const where = `${at}[${i}]`;
      if (!ACTIONS.has(String(a.type))) out.push(`${where}: unknown action ${String(a.type)}`);
      if (typeof a.title !== "string" || a.title === "") out.push(`${where}: no title`);
      if (a.type === "Action.Execute") {
        const data = a.data as Record<string, unknown> | undefined;
        if (typeof a.verb !== "string" || data?.verb !== a.verb || typeof data.payloadId !== "string") out.push(`${where}: verb/data`);
      }
      if (a.type === "Action.ShowCard") {
        const card = a.card as Record<string, unknown>;
        if (card.type !== "AdaptiveCard") out.push(`${where}.card: type`);
        elements(card.body, `${where}.card.body`);
        actions(card.actions, `${where}.card.actions`);
      }
    });
  };
  const element = (raw: unknown, at: string): void => {
    const e = raw as Record<string, unknown>;
    if (!ELEMENTS.has(String(e.type))) return void out.push(`${at}: unknown element ${String(e.type)}`);
    switch (e.type) {
      case "TextBlock":
        if (typeof e.text !== "string" || e.text === "") out.push(`${at}: empty text`);
        break;
      case "RichTextBlock":
        if (!Array.isArray(e.inlines) || e.inlines.length === 0) out.push(`${at}: no inlines`);
        else (e.inlines as Record<string, unknown>[]).forEach((r, i) => {
          if (r.type !== "TextRun" || typeof r.text !== "string" || r.text === "") out.push(`${at}.inlines[${i}]`);
        });
        break;
      case "FactSet":
        if (!Array.isArray(e.facts) || e.facts.length === 0) out.push(`${at}: no facts`);
        break;
      case "ColumnSet":
        (e.columns as Record<string, unknown>[]).forEach((c, i) => {
          if (c.type !== "Column") out.push(`${at}.columns[${i}]: ${String(c.type)}`);
          elements(c.items, `${at}.columns[${i}].items`);
        });
        break;
      case "Container":
        elements(e.items, `${at}.items`);
        break;
      case "Image":
        if (typeof e.url !== "string" || typeof e.altText !== "string") out.push(`${at}: url/altText`);
        break;
      case "ActionSet":
        actions(e.actions, `${at}.actions`);
        break;
      case "Input.Text":
        if (typeof e.id !== "string" || e.id === "" || inputIds.has(e.id)) out.push(`${at}: id missing or repeated`);
        inputIds.add(String(e.id));
        if (typeof e.label !== "string" || e.label === "") out.push(`${at}: no label`);
        break;
    }
  };
  elements(card.body, "body");
  if ("actions" in card) out.push("card-level actions are not used");
  return out;
}

function executes(card: AdaptiveCard): ExecuteAction[] {
  const fromActions = (list: readonly CardAction[]): ExecuteAction[] =>
    list.flatMap((a) => (a.type === "Action.Execute" ? [a] : fromActions(a.card.actions)));
  const fromElements = (list: readonly CardElement[]): ExecuteAction[] =>
    list.flatMap((e) => {
      switch (e.type) {
        case "ActionSet":
          return fromActions(e.actions);
        case "Container":
          return fromElements(e.items);
        case "ColumnSet":
          return e.columns.flatMap((c) => fromElements(c.items));
        default:
          return [];
      }
    });
  return fromElements(card.body);
}

describe("renderAdaptiveCard goldens", () => {
  it.each(replyEntries)("%s", async (name, reply) => {
    await expect(`${JSON.stringify(renderAdaptiveCard(reply), null, 2)}\n`).toMatchFileSnapshot(`./__golden__/${name}.json`);
  });
});

describe("renderAdaptiveCard structure", () => {
  it.each(replyEntries)("%s is a well-formed 1.4 card", (_name, reply) => {
    const card = renderAdaptiveCard(reply);
    expect(problems(card)).toEqual([]);
    expect(card.fallbackText).toBe(reply.summary);
    expect(card.speak).toBe(reply.summary);
  });

  it("the structure checker is not vacuous", () => {
    const card = renderAdaptiveCard(replies["shift-traffic"]);
    const broken = JSON.parse(JSON.stringify(card)) as AdaptiveCard & { body: unknown[] };
    const n = broken.body.length;
    broken.body.push({ type: "Table", rows: [] }, { type: "ActionSet", actions: [{ type: "Action.Submit", title: "x" }] });
    (broken as { version: string }).version = "1.5";
    expect(problems(broken)).toEqual(["version", `body[${n}]: unknown element Table`, `body[${n + 1}].actions[0]: unknown action Action.Submit`]);
  });

  it("colors the title by tone and leaves it default without one", () => {
    const colors = (["shift-traffic", "traffic-applied", "endpoint-status", "failure", "many-fields"] as const).map((n) => {
      const first = renderAdaptiveCard(replies[n]).body[0];
      return first?.type === "TextBlock" ? (first.color ?? "none") : "not a TextBlock";
    });
    expect(colors).toEqual(["Warning", "Good", "Accent", "Attention", "none"]);
  });

  it("translates light markdown for TextBlock", () => {
    const body = renderAdaptiveCard(replies["shift-traffic"]).body;
    expect(body[1]).toEqual({ type: "TextBlock", text: "Move **20 %** of traffic from `blue` to `green` on endpoint _churn-prod_.", wrap: true });
    const failure = renderAdaptiveCard(replies.failure).body[1];
    expect(failure?.type === "TextBlock" && failure.text).toBe(
      "Azure ML refused the update: _quota exceeded_ for `Standard_DS3_v2` in westeurope.\n\nAsk an admin to raise the quota, or pick a smaller SKU.",
    );
  });

  it("renders code literally, one monospace line each, indentation kept", () => {
    const body = renderAdaptiveCard(replies.failure).body;
    const code = body.find((e) => e.type === "Container");
    expect(code?.type === "Container" && code.items.map((i) => (i.type === "RichTextBlock" ? i.inlines.map((r) => [r.text, r.fontType]) : []))).toEqual([
      [["Code: QuotaExceeded", "Monospace"]],
      [["Message: Not enough quota available for Standard_DS3_v2 in SubscriptionId 00000000-0000-0000-0000-000000000000.", "Monospace"]],
      [["\u00a0\u00a0\u00a0\u00a0Current usage: 24, limit: 24, requested: 4.", "Monospace"]],
    ]);
  });

  it("turns a divider into a separator on the next element", () => {
    const body = renderAdaptiveCard(replies["endpoint-status"]).body;
    // fields, divider, table: the table's header row carries the divider.
    expect(body[1]?.type).toBe("FactSet");
    expect(body[2]).toMatchObject({ type: "ColumnSet", separator: true, spacing: "Medium" });
    // image, divider, code.
    expect(body.find((e) => e.type === "Container")).toMatchObject({ separator: true, spacing: "Medium" });
    expect(JSON.stringify(body)).not.toContain("divider");
  });

  it("cuts long code and tables with a visible line", () => {
    const long = renderAdaptiveCard(replies["long-text"]).body.find((e) => e.type === "Container");
    expect(long?.type === "Container" && long.items.length).toBe(101);
    expect(JSON.stringify(long)).toContain("…truncated (20 more lines)");
  });
});

describe("renderAdaptiveCard buttons", () => {
  it.each(replyEntries)("%s: every button, in order, as Action.Execute with verb and data { verb, payloadId }", (_name, reply) => {
    const card = renderAdaptiveCard(reply);
    expect(executes(card).map((a) => ({ verb: a.verb, payloadId: a.data.payloadId, dataVerb: a.data.verb }))).toEqual(
      (reply.buttons ?? []).map((b) => ({ verb: b.verb, payloadId: b.payloadId, dataVerb: b.verb })),
    );
  });

  it("asks for confirmation through Action.ShowCard", () => {
    const set = renderAdaptiveCard(replies["shift-traffic"]).body.find((e) => e.type === "ActionSet");
    expect(set).toEqual({
      type: "ActionSet",
      actions: [
        {
          type: "Action.ShowCard",
          title: "Apply",
          style: "positive",
          card: {
            type: "AdaptiveCard",
            body: [
              { type: "TextBlock", text: "Shift traffic?", weight: "Bolder", wrap: true },
              { type: "TextBlock", text: "Send **20 %** of churn-prod traffic to green.", wrap: true },
            ],
            actions: [
              { type: "Action.Execute", title: "Shift", verb: "apply", data: { verb: "apply", payloadId: "pc-7f3a" }, style: "positive", fallback: "Action.Submit" },
            ],
          },
        },
        { type: "Action.Execute", title: "Cancel", verb: "cancel", data: { verb: "cancel", payloadId: "pc-7f3a" }, fallback: "Action.Submit" },
      ],
    });
  });

  it("puts a button's text box before the buttons, its id derived from the button (the key of the typed value)", () => {
    const body = renderAdaptiveCard(replies["approval-request"]).body;
    const at = body.findIndex((e) => e.type === "Input.Text");
    expect(body[at]).toEqual({ type: "Input.Text", id: "input:reject:pc-204", label: "Reason for rejecting", placeholder: "What should change? Required to reject", maxLength: 500 });
    expect(body[at + 1]?.type).toBe("ActionSet");
    expect(body.filter((e) => e.type === "Input.Text")).toHaveLength(1);
  });

  it("puts at most 5 actions in an ActionSet", () => {
    const sets = renderAdaptiveCard(replies.approvals).body.flatMap((e) => (e.type === "ActionSet" ? [e.actions.length] : []));
    expect(sets).toEqual([5, 1]);
  });
});

describe("renderAdaptiveCard mentions", () => {
  it("mentions the people the adapter found, by name, in a cc line with one mention entity each; none without them", () => {
    const reply = replies["shift-traffic"];
    const card = renderAdaptiveCard(reply, [
      { id: "00000000-0000-0000-0000-0000000a9900", name: "Ada Lovelace" },
      { id: "29:1abc", name: "<Grace>" },
    ]);
    expect(card.body).toContainEqual({ type: "TextBlock", text: "cc <at>Ada Lovelace</at> <at>Grace</at>", wrap: true });
    expect(card.msteams.entities).toEqual([
      { type: "mention", text: "<at>Ada Lovelace</at>", mentioned: { id: "00000000-0000-0000-0000-0000000a9900", name: "Ada Lovelace" } },
      { type: "mention", text: "<at>Grace</at>", mentioned: { id: "29:1abc", name: "Grace" } },
    ]);
    expect(renderAdaptiveCard(reply).msteams).toEqual({ width: "Full" });
  });
});
