import { describe, expect, it } from "vitest";
import type { Reply } from "../../commands/reply.js";
import { ProgressThrottle } from "../../adapters/progress.throttle.js";
import { memoryLogger } from "../helpers/slack-requests.js";

const progress = (n: number): Reply => ({ sections: [{ kind: "text", text: `step ${n}` }], visibility: "channel", mode: "replace", summary: `step ${n}` });
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe("ProgressThrottle", () => {
  it("sends the first update at once, then at most one per interval, newest first, and no more than the cap", async () => {
    const sent: { summary: string; at: number }[] = [];
    const throttle = new ProgressThrottle({ send: async (r) => void sent.push({ summary: r.summary, at: Date.now() }), logger: memoryLogger(), correlationId: "c", intervalInMs: 80, maxUpdates: 2 });
    throttle.push(progress(1));
    await sleep(10);
    throttle.push(progress(2));
    throttle.push(progress(3));
    await sleep(150);
    throttle.push(progress(4));
    await sleep(150);
    await throttle.close();
    expect(sent.map((s) => s.summary)).toEqual(["step 1", "step 3"]);
    expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(70);
    expect(throttle.shown).toBe(true);
  });

  it("drops a pending update on close and waits for one in flight", async () => {
    const sent: string[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const throttle = new ProgressThrottle({ send: async (r) => { await gate; sent.push(r.summary); }, logger: memoryLogger(), correlationId: "c", intervalInMs: 1_000 });
    throttle.push(progress(1));
    await sleep(5);
    throttle.push(progress(2));
    const closed = throttle.close();
    release();
    await closed;
    expect(sent).toEqual(["step 1"]);
  });

  it("logs a failed update instead of failing the command", async () => {
    const logger = memoryLogger();
    const throttle = new ProgressThrottle({ send: () => Promise.reject(new Error("slack down")), logger, correlationId: "c-9" });
    throttle.push(progress(1));
    await sleep(5);
    await throttle.close();
    expect(logger.lines).toEqual([expect.objectContaining({ level: "warn", fields: expect.objectContaining({ correlationId: "c-9" }) })]);
  });

  it("sends nothing when nothing was pushed", async () => {
    const throttle = new ProgressThrottle({ send: () => Promise.reject(new Error("unexpected")), logger: memoryLogger(), correlationId: "c" });
    await throttle.close();
    expect(throttle.shown).toBe(false);
  });
});
