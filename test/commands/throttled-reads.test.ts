/**
 * A read that Azure keeps throttling, through the real ARM port (whose SDK pipeline retries a 429 first, waiting
 * the Retry-After) and the real core: the user is told when to try again, as for a throttled write, the audit says
 * throttled, and nothing is written.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { armWrites, command, startCoreHarness, textOf, type CoreHarness } from "../helpers/core-harness.js";

let h: CoreHarness;
beforeAll(async () => {
  h = await startCoreHarness();
});
afterAll(() => h?.close());

const ENDPOINT_READ = { method: "GET", path: "/onlineEndpoints/fraud-scorer$" } as const;

describe("reads Azure throttles", () => {
  it("answer 'try again in N s' from the Retry-After of the 429 the SDK gave up on, audited as throttled", async () => {
    // The pipeline retries at once on Retry-After 0 (three times by default); the answer it gives up on says 1 s.
    h.emulator.faults.failRequests({ ...ENDPOINT_READ, status: 429, retryAfterSeconds: 0, count: 3 });
    h.emulator.faults.failRequests({ ...ENDPOINT_READ, status: 429, retryAfterSeconds: 1, count: 1 });
    const reply = await h.core.execute(command("show fraud-scorer"));
    h.emulator.faults.clear();

    expect(reply).toMatchObject({ title: "Azure is throttling requests", tone: "error", visibility: "requester" });
    expect(textOf(reply)).toContain("try again in 1 s");
    expect(textOf(reply)).not.toContain("Something went wrong");
    expect(h.audit.records.at(-1)).toMatchObject({ verb: "show", outcome: "failed", detail: expect.stringMatching(/^throttled: get online endpoint fraud-scorer/) });
    expect(h.emulator.requests.filter((r) => r.method === "GET" && /fraud-scorer$/.test(r.path)).map((r) => r.status)).toEqual([429, 429, 429, 429]);
  });

  it("stop a change at its first read, with nothing written", async () => {
    h.emulator.faults.failRequests({ ...ENDPOINT_READ, status: 429, retryAfterSeconds: 0, count: 4 });
    const reply = await h.core.execute(command("traffic fraud-scorer blue=80 green=20"));
    h.emulator.faults.clear();

    expect(reply.title).toBe("Azure is throttling requests");
    expect(textOf(reply)).toContain("try again shortly");
    expect(armWrites(h)).toEqual([]);
    expect((await h.core.execute(command("show fraud-scorer"))).title).not.toBe("Azure is throttling requests");
  });
});
