/**
 * `GET /api/charts/{id}` through the local host (the Functions handler, anonymous): the exact PNG bytes with
 * caching and nosniff headers for a stored picture, 404 for anything else, expired pictures included.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalStack, type LocalStack } from "../../tools/local/local-stack.js";
import { chartImageHost } from "../../src/runtime/chart-image-host.js";

const quiet = { info() {}, warn() {}, error() {} };
let pinned: Date | undefined;
const clock = { now: () => pinned ?? new Date() };

let stack: LocalStack;
beforeAll(async () => {
  stack = await startLocalStack({ ports: { host: 0 }, emulatorLroDelayInMs: 30, logger: quiet, digestIntervalInMs: 0, runtimeOverrides: { clock } });
}, 30_000);
afterAll(() => stack?.close());

const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), randomBytes(2_000)]);

describe("GET /api/charts/{id}", () => {
  it("serves a stored picture's exact bytes as an immutable, unsniffable PNG", async () => {
    const id = await stack.runtime.chartImages.put(png, "image/png");
    const res = await fetch(`${stack.hostUrl}/api/charts/${id}`);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/png");
    expect(res.headers.get("cache-control")).toBe("public, max-age=86400, immutable");
    expect(res.headers.get("x-content-type-options")).toBe("nosniff");
    expect(Buffer.from(await res.arrayBuffer()).equals(png)).toBe(true);
  });

  it("answers 404 for unknown, malformed and expired ids", async () => {
    const id = await stack.runtime.chartImages.put(png, "image/png");
    for (const path of ["0".repeat(32), id.toUpperCase(), `${id}0`, "abc", "..%2Famlaudit", `${id}/x`, ""]) {
      const res = await fetch(`${stack.hostUrl}/api/charts/${path}`);
      expect(res.status, path).toBe(404);
      await res.arrayBuffer();
    }
    pinned = new Date(Date.now() + 31 * 86_400_000);
    const expired = await fetch(`${stack.hostUrl}/api/charts/${id}`);
    pinned = undefined;
    expect(expired.status).toBe(404);
  });

  it("links the local host from hosted Teams charts", async () => {
    const url = await chartImageHost(stack.runtime.chartImages, () => `${stack.hostUrl}/`).publish(png, "image/png");
    expect(url).toMatch(/\/api\/charts\/[0-9a-f]{32}$/);
    expect(url!.startsWith(`${stack.hostUrl}/api/charts/`)).toBe(true);
    expect(Buffer.from(await (await fetch(url!)).arrayBuffer()).equals(png)).toBe(true);
  });
});
