/** Number and table formatting shared by the bench's reports. */

export const ms = (value: number, digits = 0): string => (Number.isFinite(value) ? value.toFixed(digits) : "–");
export const ratio = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : "–");
export const verdict = (ok: boolean): string => (ok ? "met" : "**missed**");
/** A range of 1-minute load averages, as the runs saw them. */
export const loadRange = (values: readonly number[]): string => {
  if (values.length === 0) return "–";
  const low = Math.min(...values);
  const high = Math.max(...values);
  return low === high ? low.toFixed(2) : `${low.toFixed(2)}–${high.toFixed(2)}`;
};
export const load1 = (averages: string): number => Number(averages.split(" ")[0]);

export function table(head: readonly string[], rows: readonly (readonly string[])[], align: readonly ("l" | "r")[]): string {
  const line = (cells: readonly string[]): string => `| ${cells.join(" | ")} |`;
  return [line(head), line(align.map((a) => (a === "r" ? "---:" : "---"))), ...rows.map(line)].join("\n");
}

/** Plain-text table for the console: the markdown one without pipes. */
export function plain(markdown: string): string {
  const rows = markdown.split("\n").filter((l) => !/^\|[\s:|-]+\|$/.test(l)).map((l) => l.slice(2, -2).split(" | ").map((c) => c.replace(/\*\*/g, "").replace(/`/g, "")));
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? "").length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join("  ")).join("\n");
}

