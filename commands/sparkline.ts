/**
 * Text charts for the renderers that cannot show a picture (the terminal; Teams over its size cap; Slack next
 * to the uploaded file). Pure, shared by every renderer so the three fallbacks agree.
 */
import type { Chart, ChartPanel } from "./reply.js";

const TICKS = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"] as const;

/** `▁▂▃▅▇`: one character per point, scaled between the series' own min and max; a gap is a space. */
export function sparkline(values: readonly (number | null)[], maxWidth = 60): string {
  const points = downsample(values, maxWidth);
  const present = points.filter((v): v is number => v !== null && Number.isFinite(v));
  if (present.length === 0) return "";
  const min = Math.min(...present);
  const max = Math.max(...present);
  return points
    .map((v) => {
      if (v === null || !Number.isFinite(v)) return " ";
      const index = max === min ? (max === 0 ? 0 : 3) : Math.round(((v - min) / (max - min)) * (TICKS.length - 1));
      return TICKS[index];
    })
    .join("");
}

/** A number as a chart label: 3 significant digits at most, no exponent. */
export function formatChartValue(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1000) return `${(value / 1000).toFixed(abs >= 10_000 ? 0 : 1)}k`;
  if (abs >= 100 || Number.isInteger(value)) return String(Math.round(value));
  return value.toFixed(abs >= 10 ? 1 : 2);
}

export interface SparklineRow {
  readonly name: string;
  readonly line: string;
  /** e.g. "min 12 · max 80 · last 45 ms" */
  readonly range: string;
}

/** One row per series of a panel; series without any data are left out. */
export function panelSparklines(panel: ChartPanel, maxWidth = 60): SparklineRow[] {
  return panel.series.flatMap((series) => {
    const line = sparkline(series.values, maxWidth);
    if (line === "") return [];
    const present = series.values.filter((v): v is number => v !== null && Number.isFinite(v));
    const last = [...series.values].reverse().find((v): v is number => v !== null && Number.isFinite(v));
    const unit = panel.unit === "" ? "" : ` ${panel.unit}`;
    const range = `min ${formatChartValue(Math.min(...present))} · max ${formatChartValue(Math.max(...present))} · last ${formatChartValue(last ?? 0)}${unit}`;
    return [{ name: series.name, line, range }];
  });
}

/**
 * The widest line a chat code block shows without wrapping (issue 14 §3): Slack's message column and a Teams card
 * fold longer lines into noise. Renderers that put text in a code block keep to it.
 */
export const CODE_LINE_WIDTH = 72;

/** A sparkline narrower than this no longer shows a shape: the row is stacked instead (see `chartTextLines`). */
const MIN_SPARKLINE_WIDTH = 16;

export interface ChartTextOptions {
  /** Most points of a sparkline (default 60). */
  readonly sparklineWidth?: number;
  /** Widest line, e.g. CODE_LINE_WIDTH in a chat code block (default: no limit). */
  readonly lineWidth?: number;
}

/**
 * The whole chart as aligned plain-text lines: a heading per panel, then `name  ▁▂▃  min · max · last`. Within
 * `lineWidth` the sparklines are narrowed, the same for every panel so they share one time axis; when names and
 * ranges leave less than MIN_SPARKLINE_WIDTH, each row is stacked: `name  min · max · last`, the sparkline under it.
 */
export function chartTextLines(chart: Chart, options: ChartTextOptions = {}): string[] {
  const most = options.sparklineWidth ?? 60;
  const lineWidth = options.lineWidth ?? Number.POSITIVE_INFINITY;
  const length = (text: string): number => Array.from(text).length;
  const measured = chart.panels.map((panel) => {
    const rows = panelSparklines(panel, most);
    return { panel, nameWidth: Math.max(0, ...rows.map((r) => length(r.name))), rangeWidth: Math.max(0, ...rows.map((r) => length(r.range))) };
  });
  // `  name  line  range`: 2 + 2 + 2 columns of spaces around the parts.
  const room = Math.min(most, ...measured.map((m) => lineWidth - 6 - m.nameWidth - m.rangeWidth));
  const stacked = room < Math.min(most, MIN_SPARKLINE_WIDTH);
  const sparklineWidth = stacked ? Math.max(1, Math.min(most, lineWidth - 4)) : room;
  const lines: string[] = [];
  for (const { panel, nameWidth } of measured) {
    const rows = panelSparklines(panel, sparklineWidth);
    lines.push(`${panel.title}${panel.unit === "" ? "" : ` (${panel.unit})`}`);
    if (rows.length === 0) {
      lines.push("  no data");
      continue;
    }
    const lineWidthOfPanel = Math.max(...rows.map((r) => length(r.line)));
    for (const row of rows) {
      const name = row.name + " ".repeat(nameWidth - length(row.name));
      if (!stacked) {
        lines.push(`  ${name}  ${row.line + " ".repeat(lineWidthOfPanel - length(row.line))}  ${row.range}`);
        continue;
      }
      const head = `  ${row.name}  ${row.range}`;
      lines.push(...(length(head) <= lineWidth ? [head] : [`  ${row.name}`, `    ${row.range}`]), `    ${row.line}`);
    }
  }
  return lines;
}

/** Averages neighbouring points so a long series fits `width` characters; gaps stay gaps. */
function downsample(values: readonly (number | null)[], width: number): (number | null)[] {
  if (values.length <= width || width < 1) return [...values];
  const out: (number | null)[] = [];
  for (let i = 0; i < width; i++) {
    const from = Math.floor((i * values.length) / width);
    const to = Math.floor(((i + 1) * values.length) / width);
    const slice = values.slice(from, Math.max(to, from + 1)).filter((v): v is number => v !== null && Number.isFinite(v));
    out.push(slice.length === 0 ? null : slice.reduce((a, b) => a + b, 0) / slice.length);
  }
  return out;
}
