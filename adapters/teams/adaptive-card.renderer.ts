/**
 * Reply → Adaptive Card 1.4 for Microsoft Teams. Pure: no I/O, no clock, no env, no botbuilder import.
 *
 * Mapping
 * - title    → TextBlock (Medium, Bolder, color by tone: info Accent, success Good, warning Warning, error Attention)
 * - text     → TextBlock (wrap). Teams TextBlock markdown knows **bold** and _italic_ but not `code`, and a single
 *              newline is not a reliable line break there: *bold* → **bold**, _italic_ stays, `code` keeps its
 *              backticks as visible delimiters, and "\n" becomes "\n\n".
 * - fields   → FactSet (markdown as for text in the values)
 * - table    → one ColumnSet per row, equal "stretch" columns so cells line up (Table needs 1.5); header Bolder,
 *              a separator under it.
 *              At most 50 rows, then a "…truncated (N more rows)" line.
 * - traffic  → a Bolder label, then per deployment a ColumnSet name | "before % → after %" and the monospace bar
 *              on a line of its own (between columns it was cut with "…")
 * - code     → an emphasis Container with one RichTextBlock per line, a Monospace TextRun each. RichTextBlock
 *              is rendered literally (no markdown), so `*`, `_`, `-` or `1.` in code cannot turn into
 *              formatting or lists, and each line stays a line. At most 100 lines, then "…truncated".
 * - image    → Image (+ a subtle TextBlock caption for the title)
 * - chart    → a Bolder caption, then the drawn PNG as an Image: its hosted https url when delivery published it
 *              (`image.url`), else a `data:image/png;base64,…` url while that url
 *              stays within TEAMS_LIMITS.chartDataUrl (the C#/UWP Adaptive Card renderers cap data URIs at
 *              65 500 characters, microsoft/AdaptiveCards#2881); otherwise, or when the core could not draw
 *              it, sparklines (`▁▂▃▅▇`) in a monospace Container as for code, no line wider than CODE_LINE_WIDTH.
 * - divider  → `separator: true` on the next element (Adaptive Cards has no divider element)
 * - button input → an Input.Text (label, placeholder, at most 500 characters) before the ActionSets, its id
 *              `buttonInputId(button)`: Teams adds what was typed to the data of the action that is pressed, under
 *              that id, where the bridge reads it.
 * - buttons  → ActionSet(s) in the body, at most 5 actions each (Teams shows a limited number of actions per set):
 *              Action.Execute with `verb` = button.verb, `data: { verb, payloadId }`, style positive/destructive
 *              and `fallback: "Action.Submit"` (clients without Universal Actions send a message activity whose
 *              `value` is the same `data`). A button with a confirm becomes Action.ShowCard (Teams has no confirm
 *              dialog): the shown card holds the confirm title and text and one Action.Execute titled with
 *              `confirm.confirm`, same verb and data. Pressing the button again folds it away, so `confirm.deny`
 *              has no element.
 * - context  → small subtle TextBlocks at the end, the first with a separator
 * - summary  → `fallbackText` and `speak`
 *
 * The card stays pure: requester-only (`visibility`), replace (`mode`) and `threadKey` are delivery concerns and
 * the Teams bridge reads them from the Reply itself. Teams has no ephemeral channel messages: a `requester`
 * reply goes to the requester in a 1:1 chat (or as the card of an Action.Execute invoke response); `replace`
 * means updateActivity on the card the action came from (or the invoke response card).
 * Teams caps a message at about 28 KB; code and tables are cut above, other content is not.
 */
import type { Button, Chart, ChartImage, Field, Reply, Section, Tone, TrafficBar } from "../../commands/reply.js";
import { chartTextLines, CODE_LINE_WIDTH } from "../../commands/sparkline.js";
import { markdownSpans } from "../../commands/reply-markdown.js";
import type { TextColor, TextBlock, RichTextBlock, Fact, Column, ColumnSet, Container, Image, CardElement, ExecuteAction, ShowCardAction, CardAction, AdaptiveCard, TextInput, CardMention, MentionEntity } from "./adaptive-card.types.js";
import { buttonBoxes, MAX_BUTTON_INPUT_CHARS } from "../chat-buttons.js";

export type * from "./adaptive-card.types.js";

/** Content type of the Bot Framework attachment that carries the card. */
export const ADAPTIVE_CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive";

export const TEAMS_LIMITS = {
  actionsPerSet: 5,
  tableRows: 50,
  codeLines: 100,
  /** Longest `data:` url of a chart image (see the chart mapping above). */
  chartDataUrl: 60_000,
} as const;

const TONE_COLOR: Record<Tone, TextColor> = {
  info: "Accent",
  success: "Good",
  warning: "Warning",
  error: "Attention",
};

const BAR_CELLS = 20;
const NBSP = "\u00a0";

// ─── Renderer ────────────────────────────────────────────────────────────────

/** `mentions`: the people of `reply.notify` the adapter found in the conversation, with their names. */
export function renderAdaptiveCard(reply: Reply, mentions: readonly CardMention[] = []): AdaptiveCard {
  const body: CardElement[] = [];
  if (reply.title !== undefined && reply.title.trim() !== "") {
    const title: TextBlock = { type: "TextBlock", text: reply.title, size: "Medium", weight: "Bolder", wrap: true };
    if (reply.tone) title.color = TONE_COLOR[reply.tone];
    body.push(title);
  }

  let separateNext = false;
  for (const section of reply.sections) {
    if (section.kind === "divider") {
      separateNext = true;
      continue;
    }
    const elements = sectionElements(section);
    const first = elements[0];
    if (first && separateNext) {
      first.separator = true;
      first.spacing = "Medium";
      separateNext = false;
    }
    body.push(...elements);
  }
  if (body.length === 0) body.push({ type: "TextBlock", text: markdown(reply.summary), wrap: true });

  const entities = mentions.map(mentionEntity);
  if (entities.length > 0) body.push({ type: "TextBlock", text: `cc ${entities.map((e) => e.text).join(" ")}`, wrap: true });

  const buttons = reply.buttons ?? [];
  const controls: CardElement[] = [...textInputs(buttons)];
  for (let i = 0; i < buttons.length; i += TEAMS_LIMITS.actionsPerSet) {
    controls.push({ type: "ActionSet", actions: buttons.slice(i, i + TEAMS_LIMITS.actionsPerSet).map(action) });
  }
  if (separateNext && controls[0]) controls[0].separator = true;
  body.push(...controls);

  const context = (reply.context ?? []).filter((line) => line.trim() !== "");
  context.forEach((line, i) => {
    const block: TextBlock = { type: "TextBlock", text: markdown(line), size: "Small", isSubtle: true, wrap: true, spacing: i === 0 ? "Medium" : "None" };
    if (i === 0) block.separator = true;
    body.push(block);
  });

  return {
    $schema: "http://adaptivecards.io/schemas/adaptive-card.json",
    type: "AdaptiveCard",
    version: "1.4",
    fallbackText: reply.summary,
    speak: reply.summary,
    body,
    msteams: { width: "Full", ...(entities.length > 0 ? { entities } : {}) },
  };
}

/** A name cannot close its own `<at>` tag. */
function mentionEntity(mention: CardMention): MentionEntity {
  const name = mention.name.replace(/[<>]/g, "").trim() || "someone";
  return { type: "mention", text: `<at>${name}</at>`, mentioned: { id: mention.id, name } };
}

function sectionElements(s: Exclude<Section, { kind: "divider" }>): CardElement[] {
  switch (s.kind) {
    case "text":
      return s.text.trim() === "" ? [] : [{ type: "TextBlock", text: markdown(s.text), wrap: true }];
    case "fields":
      return s.fields.length === 0 ? [] : [{ type: "FactSet", facts: s.fields.map(fact) }];
    case "table":
      return table(s.columns, s.rows);
    case "traffic":
      return traffic(s.label, s.bars);
    case "code":
      return s.text.trim() === "" ? [] : [code(s.text)];
    case "image": {
      const image: Image = { type: "Image", url: s.url, altText: s.altText };
      if (s.title === undefined || s.title === "") return [image];
      const caption: TextBlock = { type: "TextBlock", text: s.title, size: "Small", isSubtle: true, wrap: true };
      image.spacing = "Small";
      return [caption, image];
    }
    case "chart":
      return chart(s.chart, s.altText, s.image);
  }
}

function chart(c: Chart, altText: string, image: ChartImage | undefined): CardElement[] {
  const caption: TextBlock = { type: "TextBlock", text: c.title, weight: "Bolder", wrap: true };
  // A hosted url (see chart-hosting.ts) keeps the card small; the data url is the fallback for small charts.
  const url = image === undefined ? undefined : (image.url ?? `data:${image.mimeType};base64,${image.base64}`);
  if (url !== undefined && url.length <= TEAMS_LIMITS.chartDataUrl) return [caption, { type: "Image", url, altText, spacing: "Small" }];
  return [caption, code(chartTextLines(c, { sparklineWidth: 40, lineWidth: CODE_LINE_WIDTH }).join("\n"))];
}

function fact(f: Field): Fact {
  return { title: markdown(f.label), value: markdown(f.value) };
}

function table(columns: readonly string[], rows: readonly (readonly string[])[]): CardElement[] {
  const count = Math.max(columns.length, ...rows.map((r) => r.length));
  const cellText = (row: readonly string[], i: number): string => {
    const text = (row[i] ?? "").replace(/\s*\n\s*/g, " ");
    return text === "" ? " " : text;
  };
  const row = (cells: readonly string[], header: boolean): ColumnSet => ({
    type: "ColumnSet",
    spacing: "Small",
    columns: Array.from({ length: count }, (_, i): Column => {
      const cell: TextBlock = { type: "TextBlock", text: cellText(cells, i), wrap: true };
      if (header) cell.weight = "Bolder";
      return { type: "Column", width: "stretch", items: [cell] };
    }),
  });
  const shown = rows.slice(0, TEAMS_LIMITS.tableRows);
  const out: CardElement[] = [row(columns, true), ...shown.map((r) => row(r, false))];
  const first = out[0];
  if (first) first.spacing = "Default";
  const underHeader = out[1];
  if (underHeader) underHeader.separator = true;
  if (rows.length > shown.length) out.push(truncated(rows.length - shown.length, "row"));
  return out;
}

function traffic(label: string, bars: readonly TrafficBar[]): CardElement[] {
  const out: CardElement[] = [];
  if (label.trim() !== "") out.push({ type: "TextBlock", text: label, weight: "Bolder", wrap: true });
  for (const b of bars) {
    // No-break spaces: an auto-width column on a phone wrapped "20 %" between the number and its sign.
    const change = b.before === undefined ? `${percent(b.percent)}\u00a0%` : `${percent(b.before)}\u00a0% → ${percent(b.percent)}\u00a0%`;
    // The bar on a line of its own, under its name and share: between two columns it was squeezed and cut with
    // "…" at a phone's width and even on a desktop (issue 14 §3); alone, its 20 cells fit a 360 px card.
    out.push(
      {
        type: "ColumnSet",
        spacing: "Small",
        columns: [
          { type: "Column", width: "stretch", items: [{ type: "TextBlock", text: b.deployment, wrap: true }] },
          { type: "Column", width: "auto", items: [{ type: "TextBlock", text: change, wrap: true }] },
        ],
      },
      { type: "TextBlock", text: bar(b.percent), fontType: "Monospace", color: "Accent", spacing: "None" },
    );
  }
  return out;
}

function code(text: string): Container {
  const lines = text.replace(/\n+$/, "").split("\n");
  const shown = lines.slice(0, TEAMS_LIMITS.codeLines);
  const items: CardElement[] = shown.map((line, i) => {
    const block: RichTextBlock = { type: "RichTextBlock", inlines: [{ type: "TextRun", text: literalLine(line), fontType: "Monospace" }] };
    if (i > 0) block.spacing = "None";
    return block;
  });
  if (lines.length > shown.length) items.push(truncated(lines.length - shown.length, "line"));
  return { type: "Container", style: "emphasis", items };
}

function truncated(n: number, noun: string): TextBlock {
  return { type: "TextBlock", text: `…truncated (${n} more ${n === 1 ? noun : `${noun}s`})`, size: "Small", isSubtle: true, wrap: true, spacing: "Small" };
}

function textInputs(buttons: readonly Button[]): TextInput[] {
  return buttonBoxes(buttons).map(({ id, input }) => {
    const box: TextInput = { type: "Input.Text", id, label: input.label, maxLength: MAX_BUTTON_INPUT_CHARS };
    if (input.placeholder) box.placeholder = input.placeholder;
    return box;
  });
}

function action(b: Button): CardAction {
  const execute = (title: string): ExecuteAction => {
    const a: ExecuteAction = { type: "Action.Execute", title, verb: b.verb, data: { verb: b.verb, payloadId: b.payloadId } };
    const style = actionStyle(b);
    if (style) a.style = style;
    a.fallback = "Action.Submit";
    return a;
  };
  if (!b.confirm) return execute(b.label);
  const show: ShowCardAction = {
    type: "Action.ShowCard",
    title: b.label,
    card: {
      type: "AdaptiveCard",
      body: [
        { type: "TextBlock", text: b.confirm.title, weight: "Bolder", wrap: true },
        { type: "TextBlock", text: markdown(b.confirm.text), wrap: true },
      ],
      actions: [execute(b.confirm.confirm)],
    },
  };
  const style = actionStyle(b);
  if (style) show.style = style;
  return show;
}

function actionStyle(b: Button): "positive" | "destructive" | undefined {
  if (b.style === "primary") return "positive";
  if (b.style === "danger") return "destructive";
  return undefined;
}

// ─── Text ────────────────────────────────────────────────────────────────────


/** Light markdown → Teams TextBlock markdown. */
function markdown(text: string): string {
  const converted = markdownSpans(text)
    .map((s) => {
      switch (s.kind) {
        case "bold":
          return `**${s.text}**`;
        case "italic":
          return `_${s.text}_`;
        case "code":
          return `\`${s.text}\``;
        case "text":
          return s.text;
      }
    })
    .join("");
  return converted.replace(/\r?\n/g, "\n\n").replace(/\n{3,}/g, "\n\n");
}

/** A code line shown as is: leading spaces would be collapsed, an empty run may be dropped. */
function literalLine(line: string): string {
  const indented = line.replace(/\t/g, "    ").replace(/^ +/, (spaces) => NBSP.repeat(spaces.length));
  return indented === "" ? NBSP : indented;
}

function percent(value: number): string {
  if (!Number.isFinite(value)) return "?";
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

function bar(value: number): string {
  const p = Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;
  const filled = Math.round((p / 100) * BAR_CELLS);
  return "█".repeat(filled) + "░".repeat(BAR_CELLS - filled);
}
