import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { CHART_IMAGE_ID, ChartImageTooLargeError, MAX_CHART_IMAGE_BYTES, TableChartImages } from "../../src/storage/table.chart-images.js";
import { uniqueTableName, useAzurite } from "../helpers/azurite.js";

const storage = useAzurite();
const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

function png(size: number): Buffer {
  return Buffer.concat([PNG_SIGNATURE, randomBytes(size - PNG_SIGNATURE.length)]);
}

async function store(now: () => Date, ttlInMs?: number): Promise<TableChartImages> {
  const name = uniqueTableName("charts");
  await storage.clients.ensure({ tables: [name] });
  return new TableChartImages(storage.clients.table(name), { clock: { now }, ...(ttlInMs !== undefined ? { ttlInMs } : {}) });
}

describe("TableChartImages", () => {
  it("stores a PNG under a fresh 128-bit id and reads the exact bytes back", async () => {
    const charts = await store(() => new Date());
    const bytes = png(MAX_CHART_IMAGE_BYTES); // the largest allowed picture fits in one property
    const [a, b] = await Promise.all([charts.put(bytes, "image/png"), charts.put(bytes, "image/png")]);
    expect(a).toMatch(CHART_IMAGE_ID);
    expect(a).not.toBe(b);
    const read = await charts.get(a);
    expect(read?.mimeType).toBe("image/png");
    expect(Buffer.from(read!.bytes).equals(bytes)).toBe(true);
  });

  it("answers undefined for unknown, malformed and expired ids", async () => {
    let now = new Date("2026-01-01T00:00:00Z");
    const charts = await store(() => now, 60_000);
    const id = await charts.put(png(100), "image/png");
    expect(await charts.get("0".repeat(32))).toBeUndefined();
    expect(await charts.get(`${id}x`)).toBeUndefined();
    expect(await charts.get(id.toUpperCase())).toBeUndefined();
    expect(await charts.get("../amlaudit")).toBeUndefined();
    now = new Date(now.getTime() + 59_000);
    expect(await charts.get(id)).toBeDefined();
    now = new Date(now.getTime() + 1_000);
    expect(await charts.get(id)).toBeUndefined();
  });

  it("keeps 30 days by default", async () => {
    let now = new Date("2026-01-01T00:00:00Z");
    const charts = await store(() => now);
    const id = await charts.put(png(100), "image/png");
    now = new Date("2026-01-30T23:59:00Z");
    expect(await charts.get(id)).toBeDefined();
    now = new Date("2026-01-31T00:00:00Z");
    expect(await charts.get(id)).toBeUndefined();
  });

  it("refuses pictures over 64 KiB and anything that is not a PNG, so the caller keeps its fallback", async () => {
    const charts = await store(() => new Date());
    await expect(charts.put(png(MAX_CHART_IMAGE_BYTES + 1), "image/png")).rejects.toBeInstanceOf(ChartImageTooLargeError);
    await expect(charts.put(png(100), "image/svg+xml")).rejects.toThrow(/Only PNG/);
    await expect(charts.put(Buffer.from("<html>"), "image/png")).rejects.toThrow(/Only PNG/);
  });
});
