/**
 * A line chart as SVG, built by hand: one panel per unit stacked vertically (e.g. latency above request rate),
 * a line per series, gaps where there was no data, a legend, y gridlines with labels and UTC time labels.
 * Pure and deterministic (no clock, no locale: times are formatted from the ISO strings), so the PNG drawn from
 * it is byte-for-byte the same for the same chart.
 */
import type { Chart, ChartPanel } from "../../commands/reply.js";
import { axisTicks } from "./chart.ticks.js";

export const CHART_WIDTH = 640;
const TITLE_HEIGHT = 34;
const PANEL_HEIGHT = 170;
const MARGIN = { left: 52, right: 16, top: 26, bottom: 22 } as const;
export const CHART_FONT_FAMILY = "DejaVu Sans";
const PALETTE = ["#2563eb", "#dc2626", "#16a34a", "#9333ea", "#ea580c", "#0891b2", "#4b5563", "#ca8a04"] as const;

export function chartHeight(chart: Chart): number {
  return TITLE_HEIGHT + Math.max(1, chart.panels.length) * PANEL_HEIGHT;
}

export function chartSvg(chart: Chart): string {
  const height = chartHeight(chart);
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${CHART_WIDTH}" height="${height}" viewBox="0 0 ${CHART_WIDTH} ${height}" font-family="${CHART_FONT_FAMILY}">`,
    `<rect width="${CHART_WIDTH}" height="${height}" fill="#ffffff"/>`,
    `<text x="${MARGIN.left}" y="22" font-size="15" font-weight="bold" fill="#111827">${escapeXml(chart.title)}</text>`,
  ];
  chart.panels.forEach((panel, i) => parts.push(panelSvg(chart, panel, TITLE_HEIGHT + i * PANEL_HEIGHT)));
  parts.push("</svg>");
  return parts.join("");
}

function panelSvg(chart: Chart, panel: ChartPanel, top: number): string {
  const left = MARGIN.left;
  const right = CHART_WIDTH - MARGIN.right;
  const plotTop = top + MARGIN.top;
  const plotBottom = top + PANEL_HEIGHT - MARGIN.bottom;
  const count = chart.times.length;
  const values = panel.series.flatMap((s) => s.values.filter((v): v is number => v !== null && Number.isFinite(v)));
  const ticks = axisTicks(values);
  const x = (i: number): number => (count <= 1 ? (left + right) / 2 : left + ((right - left) * i) / (count - 1));
  const y = (v: number): number => plotBottom - ((plotBottom - plotTop) * (v - ticks.min)) / (ticks.max - ticks.min);
  const out: string[] = [];
  const unit = panel.unit === "" ? "" : ` (${panel.unit})`;
  out.push(`<text x="${left}" y="${top + 16}" font-size="12" font-weight="bold" fill="#374151">${escapeXml(panel.title + unit)}</text>`);

  ticks.values.forEach((value, g) => {
    const gy = round(y(value));
    out.push(`<line x1="${left}" y1="${gy}" x2="${right}" y2="${gy}" stroke="${value === 0 ? "#9ca3af" : "#e5e7eb"}" stroke-width="1"/>`);
    out.push(`<text x="${left - 6}" y="${gy + 4}" font-size="10" fill="#6b7280" text-anchor="end">${escapeXml(ticks.labels[g]!)}</text>`);
  });
  for (const i of timeTicks(count)) {
    out.push(`<text x="${round(x(i))}" y="${plotBottom + 15}" font-size="10" fill="#6b7280" text-anchor="middle">${escapeXml(timeLabel(chart.times, i))}</text>`);
  }

  panel.series.forEach((series, s) => {
    const color = PALETTE[s % PALETTE.length]!;
    for (const segment of segments(series.values)) {
      if (segment.length === 1) {
        const [i, v] = segment[0]!;
        out.push(`<circle cx="${round(x(i))}" cy="${round(y(v))}" r="2" fill="${color}"/>`);
        continue;
      }
      const points = segment.map(([i, v]) => `${round(x(i))},${round(y(v))}`).join(" ");
      out.push(`<polyline points="${points}" fill="none" stroke="${color}" stroke-width="2" stroke-linejoin="round"/>`);
    }
  });

  // Legend, right-aligned on the panel's title line; long names are cut so it never runs over the title.
  let legendX = right;
  [...panel.series].reverse().forEach((series, r) => {
    const index = panel.series.length - 1 - r;
    const name = series.name.length > 18 ? `${series.name.slice(0, 17)}…` : series.name;
    const width = 18 + name.length * 7;
    legendX -= width;
    out.push(`<rect x="${legendX}" y="${top + 8}" width="10" height="10" fill="${PALETTE[index % PALETTE.length]}"/>`);
    out.push(`<text x="${legendX + 14}" y="${top + 17}" font-size="11" fill="#374151">${escapeXml(name)}</text>`);
  });
  return out.join("");
}

/** Runs of consecutive points with data: a gap in the data is a gap in the line. */
function segments(values: readonly (number | null)[]): [number, number][][] {
  const out: [number, number][][] = [];
  let current: [number, number][] = [];
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) {
      if (current.length > 0) out.push(current);
      current = [];
    } else current.push([i, v]);
  });
  if (current.length > 0) out.push(current);
  return out;
}

function timeTicks(count: number): number[] {
  if (count === 0) return [];
  const ticks = Math.min(5, count);
  return [...new Set(Array.from({ length: ticks }, (_, k) => (ticks === 1 ? 0 : Math.round(((count - 1) * k) / (ticks - 1)))))];
}

/** `HH:MM` within two days, `MM-DD HH:MM` beyond, always UTC (cut from the ISO text: no locale, no clock). */
function timeLabel(times: readonly string[], i: number): string {
  const iso = times[i] ?? "";
  const first = Date.parse(times[0] ?? "");
  const last = Date.parse(times[times.length - 1] ?? "");
  const long = Number.isFinite(first) && Number.isFinite(last) && last - first > 2 * 86_400_000;
  return long ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 16);
}

function round(value: number): number {
  return Math.round(value * 10) / 10;
}

function escapeXml(text: string): string {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&apos;");
}
