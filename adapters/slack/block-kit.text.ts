/** Text helpers and plain-text layouts of the Block Kit renderer: escaping, clipping to Slack's limits, and the
 * monospace tables, bars and charts used in code blocks and in the overflow file. Pure. */
import type { MrkdwnElement, PlainTextElement, SectionBlock } from "@slack/types";
import type { Chart, Reply, TrafficBar } from "../../commands/reply.js";
import { chartTextLines, CODE_LINE_WIDTH } from "../../commands/sparkline.js";

const BAR_CELLS = 20;

// ─── Text helpers ────────────────────────────────────────────────────────────

/** Slack's three control characters. Everything else in mrkdwn is left as the Reply wrote it. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;");
}

export function plain(text: string): PlainTextElement {
  return { type: "plain_text", text: text === "" ? " " : text, emoji: true };
}

export function mrkdwn(text: string): MrkdwnElement {
  return { type: "mrkdwn", text };
}

export function section(text: string): SectionBlock {
  return { type: "section", text: mrkdwn(text) };
}

/** Keep a code block's fence intact whatever the text holds. */
export function fence(text: string): string {
  return text.replace(/```/g, "`\u200b`\u200b`");
}

/** Shorten to at most `max` UTF-16 units, ending in "…"; never splits a surrogate pair. */
export function clip(text: string, max: number): string {
  if (text.length <= max) return text;
  let out = "";
  for (const ch of text) {
    if (out.length + ch.length > max - 1) break;
    out += ch;
  }
  return `${out}…`;
}

/** Escape, then shorten so that the escaped text fits `max` (entities are never cut). */
export function clipEscaped(text: string, max: number): string {
  const escaped = escapeMrkdwn(text);
  if (escaped.length <= max) return escaped;
  let out = "";
  for (const ch of text) {
    const piece = escapeMrkdwn(ch);
    if (out.length + piece.length > max - 1) break;
    out += piece;
  }
  return `${out}…`;
}

/**
 * Escape `raw`, frame it (`before`/`after`, e.g. code fences) and fit it into `max` characters by whole lines,
 * ending with a "…truncated (N more lines)" line outside the frame. `omitted` counts lines not fully shown.
 */
export function fitText(raw: string, max: number, before = "", after = ""): { text: string; omitted: number } {
  const full = before + escapeMrkdwn(raw) + after;
  if (full.length <= max) return { text: full, omitted: 0 };
  const lines = raw.split("\n");
  const notice = (n: number): string => `\n_…truncated (${n} more ${plural(n, "line")})_`;
  const reserve = before.length + after.length + notice(lines.length).length;
  const kept: string[] = [];
  let used = 0;
  for (const line of lines) {
    const escaped = escapeMrkdwn(line);
    const add = (kept.length > 0 ? 1 : 0) + escaped.length;
    if (used + add + reserve > max) break;
    kept.push(escaped);
    used += add;
  }
  const whole = kept.length;
  if (whole === 0) kept.push(clipEscaped(lines[0] ?? "", max - reserve));
  const omitted = lines.length - whole;
  return { text: before + kept.join("\n") + after + notice(omitted), omitted };
}

/** Sum of the text a block carries, as Slack's cumulative limit counts it (approximately). */
export function textLength(blocks: readonly unknown[]): number {
  let total = 0;
  const walk = (value: unknown, key: string): void => {
    if (typeof value === "string") {
      if (key === "text" || key === "alt_text") total += value.length;
    } else if (Array.isArray(value)) {
      for (const item of value) walk(item, key);
    } else if (value !== null && typeof value === "object") {
      for (const [k, v] of Object.entries(value)) walk(v, k);
    }
  };
  walk(blocks, "");
  return total;
}

export function plural(n: number, word: string): string {
  return n === 1 ? word : `${word}s`;
}

export function slug(text: string): string {
  return text
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "")
    .slice(0, 60)
    .replace(/-+$/g, "");
}

// ─── Plain-text layouts (code blocks and the overflow file) ─────────────────

/**
 * Code points, as `Array.from(text).length` counts them (a surrogate pair is one, a lone surrogate one), without
 * building the array: the help table measures every cell on each `aml help`.
 */
export function width(text: string): number {
  let pairs = 0;
  for (let i = 0; i < text.length - 1; i++) {
    const unit = text.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        pairs++;
        i++;
      }
    }
  }
  return text.length - pairs;
}

export function padEnd(text: string, to: number): string {
  return text + " ".repeat(Math.max(0, to - width(text)));
}

export function tableLines(columns: readonly string[], rows: readonly (readonly string[])[]): string[] {
  const count = Math.max(columns.length, ...rows.map((r) => r.length));
  // Each cell on one line, once: cells are measured and then padded.
  const cells = (row: readonly string[]): string[] => Array.from({ length: count }, (_, i) => (row[i] ?? "").replace(/\s*\n\s*/g, " "));
  const table = [cells(columns), ...rows.map(cells)];
  const widths = Array.from({ length: count }, (_, i) => Math.max(...table.map((row) => width(row[i]!))));
  const line = (row: readonly string[]): string => widths.map((w, i) => padEnd(row[i]!, w)).join("  ").trimEnd();
  return [line(table[0]!), widths.map((w) => "─".repeat(w)).join("  "), ...table.slice(1).map(line)];
}

export function percent(value: number): string {
  if (!Number.isFinite(value)) return "?";
  return Number.isInteger(value) ? String(value) : value.toFixed(1);
}

export function bar(value: number): string {
  const p = Number.isFinite(value) ? Math.min(100, Math.max(0, value)) : 0;
  const filled = Math.round((p / 100) * BAR_CELLS);
  return "█".repeat(filled) + "░".repeat(BAR_CELLS - filled);
}

export function trafficLines(bars: readonly TrafficBar[]): string[] {
  const nameWidth = Math.max(...bars.map((b) => width(b.deployment)));
  const beforeWidth = Math.max(0, ...bars.map((b) => (b.before === undefined ? 0 : percent(b.before).length)));
  const afterWidth = Math.max(...bars.map((b) => percent(b.percent).length));
  return bars.map((b) => {
    const after = `${percent(b.percent).padStart(afterWidth)} %`;
    // Columns: name, bar, [before % → ] after %, numbers right-aligned.
    const change = b.before === undefined ? " ".repeat(beforeWidth > 0 ? beforeWidth + 5 : 0) + after : `${percent(b.before).padStart(beforeWidth)} % → ${after}`;
    return `${padEnd(b.deployment, nameWidth)}  ${bar(b.percent)}  ${change}`.trimEnd();
  });
}

/** Sparklines of at most 40 points, every line within CODE_LINE_WIDTH so Slack's code block does not wrap it. */
export function chartLines(chart: Chart): string[] {
  return chartTextLines(chart, { sparklineWidth: 40, lineWidth: CODE_LINE_WIDTH });
}

/** The whole reply as plain text, nothing cut: the body of the overflow file. */
export function plainText(reply: Reply): string {
  const parts: string[] = [];
  if (reply.title) parts.push(reply.title);
  for (const s of reply.sections) {
    switch (s.kind) {
      case "text":
        parts.push(s.text);
        break;
      case "fields": {
        if (s.fields.length === 0) break;
        const w = Math.max(...s.fields.map((f) => width(f.label) + 1));
        parts.push(s.fields.map((f) => `${padEnd(`${f.label}:`, w)}  ${f.value}`).join("\n"));
        break;
      }
      case "table":
        parts.push(tableLines(s.columns, s.rows).join("\n"));
        break;
      case "traffic":
        parts.push([s.label, ...(s.bars.length > 0 ? trafficLines(s.bars) : [])].join("\n"));
        break;
      case "code":
        parts.push(s.text);
        break;
      case "image":
        parts.push(`${s.title ?? s.altText}: ${s.url}`);
        break;
      case "chart":
        parts.push([s.chart.title, ...chartLines(s.chart)].join("\n"));
        break;
      case "divider":
        parts.push("─".repeat(40));
        break;
    }
  }
  if (reply.context && reply.context.length > 0) parts.push(reply.context.join("\n"));
  return `${parts.join("\n\n")}\n`;
}
