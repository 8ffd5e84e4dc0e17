/**
 * Reply → terminal text. Pure: no I/O, no clock, no env (the caller decides `color`, e.g. from isTTY/NO_COLOR).
 *
 * - title    → one line, tone icon first (ℹ ✔ ⚠ ✖), bold and tone-colored with `color`
 * - text     → light markdown rendered: with `color` *bold* → bold, _italic_ → italic, `code` → cyan;
 *              without, the * and _ markers are dropped and `code` keeps its backticks
 * - fields   → "Label:  value" lines, labels padded to one column
 * - table    → aligned columns, header, a ─ rule under it
 * - traffic  → label, then `blue   ████████████████░░░░   80 %  (was 100 %)` per deployment
 * - code     → indented by 4 spaces
 * - image    → "Image: <title or alt text> — <url>"
 * - chart    → the chart's title, then one sparkline (`▁▂▃▅▇`) per series and panel with min · max · last: a
 *              terminal shows no pictures, so the drawn PNG is ignored
 * - divider  → a ─ rule
 * - buttons  → `[Apply] → aml apply <payloadId>` per button (the verb and payload id the user types to press
 *              it), with the confirm question when the button asks for one; a button with a text box adds its
 *              label as what to type after them: `[Reject] → aml reject <payloadId> <reason for rejecting>`
 * - context  → last, dimmed with `color`
 *
 * Blocks are separated by one empty line; no trailing newline. ANSI escapes only when `color: true`.
 * Visibility, mode and thread have no meaning in a terminal and are ignored.
 */
import type { Button, Field, Reply, Section, Tone, TrafficBar } from "../../commands/reply.js";
import { chartTextLines } from "../../commands/sparkline.js";
import { markdownSpans } from "../../commands/reply-markdown.js";

export interface TextRenderOptions {
  /** Emit ANSI colors and styles. Default false. */
  readonly color?: boolean;
}

const TONE_ICON: Record<Tone, string> = { info: "ℹ", success: "✔", warning: "⚠", error: "✖" };
const TONE_COLOR: Record<Tone, number> = { info: 36, success: 32, warning: 33, error: 31 };
const BAR_CELLS = 20;
const RULE = "─".repeat(40);
const MAX_ALIGNED_LABEL = 24;

interface Style {
  bold(text: string): string;
  dim(text: string): string;
  italic(text: string): string;
  fg(code: number, text: string): string;
}

const ANSI: Style = {
  bold: (t) => `\x1b[1m${t}\x1b[22m`,
  dim: (t) => `\x1b[2m${t}\x1b[22m`,
  italic: (t) => `\x1b[3m${t}\x1b[23m`,
  fg: (code, t) => `\x1b[${code}m${t}\x1b[39m`,
};

const NONE: Style = { bold: (t) => t, dim: (t) => t, italic: (t) => t, fg: (_code, t) => t };

export function renderText(reply: Reply, options: TextRenderOptions = {}): string {
  const color = options.color === true;
  const st = color ? ANSI : NONE;
  const blocks: string[] = [];

  if (reply.title !== undefined && reply.title.trim() !== "") {
    const line = reply.tone ? `${TONE_ICON[reply.tone]} ${reply.title}` : reply.title;
    blocks.push(reply.tone ? st.bold(st.fg(TONE_COLOR[reply.tone], line)) : st.bold(line));
  }

  for (const section of reply.sections) {
    const text = sectionText(section, st, color);
    if (text !== "") blocks.push(text);
  }
  if (blocks.length === 0) blocks.push(inline(reply.summary, st, color));

  const buttons = reply.buttons ?? [];
  if (buttons.length > 0) blocks.push(buttonLines(buttons, st).join("\n"));

  const context = (reply.context ?? []).filter((line) => line.trim() !== "");
  if (context.length > 0) blocks.push(context.map((line) => st.dim(inline(line, NONE, false))).join("\n"));

  return blocks.join("\n\n");
}

function sectionText(s: Section, st: Style, color: boolean): string {
  switch (s.kind) {
    case "text":
      return s.text.trim() === "" ? "" : inline(s.text, st, color);
    case "fields":
      return fieldLines(s.fields, st, color).join("\n");
    case "table":
      return tableLines(s.columns, s.rows, st).join("\n");
    case "traffic":
      return [...(s.label.trim() === "" ? [] : [st.bold(s.label)]), ...trafficLines(s.bars, st)].join("\n");
    case "code":
      if (s.text.trim() === "") return "";
      return s.text
        .replace(/\n+$/, "")
        .split("\n")
        .map((line) => (line === "" ? "" : `    ${line}`))
        .join("\n");
    case "image":
      return `Image: ${s.title ?? s.altText} — ${st.fg(34, s.url)}`;
    case "chart":
      return [st.bold(s.chart.title), ...chartTextLines(s.chart).map((line) => (line.startsWith(" ") ? line : st.dim(line)))].join("\n");
    case "divider":
      return st.dim(RULE);
  }
}

function fieldLines(fields: readonly Field[], st: Style, color: boolean): string[] {
  const labelWidth = Math.max(0, ...fields.map((f) => width(f.label) + 1));
  return fields.map((f) => `${st.bold(padEnd(`${f.label}:`, labelWidth))}  ${inline(f.value, st, color)}`.trimEnd());
}

function tableLines(columns: readonly string[], rows: readonly (readonly string[])[], st: Style): string[] {
  const count = Math.max(columns.length, ...rows.map((r) => r.length));
  const cell = (row: readonly string[], i: number): string => (row[i] ?? "").replace(/\s*\n\s*/g, " ");
  const widths = Array.from({ length: count }, (_, i) => Math.max(width(cell(columns, i)), ...rows.map((r) => width(cell(r, i)))));
  const line = (row: readonly string[]): string => widths.map((w, i) => padEnd(cell(row, i), w)).join("  ").trimEnd();
  return [st.bold(line(columns)), st.dim(widths.map((w) => "─".repeat(w)).join("  ")), ...rows.map(line)];
}

function trafficLines(bars: readonly TrafficBar[], st: Style): string[] {
  const nameWidth = Math.max(0, ...bars.map((b) => width(b.deployment)));
  return bars.map((b) => {
    const p = clampPercent(b.percent);
    const filled = Math.round((p / 100) * BAR_CELLS);
    const barText = st.fg(36, "█".repeat(filled)) + st.dim("░".repeat(BAR_CELLS - filled));
    const change = b.before === undefined ? "" : b.before === b.percent ? "  (unchanged)" : `  (was ${percent(b.before)} %)`;
    return `  ${padEnd(b.deployment, nameWidth)}  ${barText}  ${percent(b.percent).padStart(3)} %${st.dim(change)}`;
  });
}

function buttonLines(buttons: readonly Button[], st: Style): string[] {
  // Align the arrows, but do not let one long label push every hint to the right.
  const labelWidth = Math.max(0, ...buttons.map((b) => width(b.label) + 2).filter((w) => w <= MAX_ALIGNED_LABEL));
  return buttons.map((b) => {
    const label = padEnd(`[${b.label}]`, labelWidth);
    const styled = b.style === "danger" ? st.bold(st.fg(31, label)) : b.style === "primary" ? st.bold(st.fg(32, label)) : st.bold(label);
    const confirm = b.confirm ? st.dim(`  (asks first: ${b.confirm.title})`) : "";
    const typed = b.input ? ` <${b.input.label.toLowerCase()}>` : "";
    return `${styled} → ${st.fg(36, `aml ${b.verb} ${b.payloadId}${typed}`)}${confirm}`;
  });
}

// ─── Text ────────────────────────────────────────────────────────────────────


function inline(text: string, st: Style, color: boolean): string {
  return markdownSpans(text)
    .map((s) => {
      switch (s.kind) {
        case "bold":
          return st.bold(s.text);
        case "italic":
          return st.italic(s.text);
        case "code":
          return color ? st.fg(36, s.text) : `\`${s.text}\``;
        case "text":
          return s.text;
      }
    })
    .join("");
}

/** Columns a string takes: code points, ANSI escapes excluded (no East-Asian wide-character handling). */
function width(text: string): number {
  // eslint-disable-next-line no-control-regex
  return Array.from(text.replace(/\x1b\[[0-9;]*m/g, "")).length;
}

function padEnd(text: string, to: number): string {
  return text + " ".repeat(Math.max(0, to - width(text)));
}

function clampPercent(value: number): number {
  return Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;
}

function percent(value: number): string {
  if (!Number.isFinite(value)) return "?";
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}
