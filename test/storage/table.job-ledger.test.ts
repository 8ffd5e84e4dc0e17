import { describe, expect, it, vi } from "vitest";
import type { Clock } from "../../commands/ports/clock.port.js";
import { StorageClients } from "../../src/storage/storage-clients.js";
import { JobClaimLostError, TableJobLedger } from "../../src/storage/table.job-ledger.js";
import { uniqueTableName, useAzurite } from "../helpers/azurite.js";

const fixture = useAzurite();

class FakeClock implements Clock {
  constructor(private ms = Date.parse("2025-06-01T12:00:00.000Z")) {}
  now(): Date {
    return new Date(this.ms);
  }
  advance(ms: number): void {
    this.ms += ms;
  }
}

async function newTable(): Promise<string> {
  const tableName = uniqueTableName("ledger");
  await fixture.clients.ensure({ tables: [tableName] });
  return tableName;
}

describe("TableJobLedger", () => {
  it("claims once, reports in-progress to others, then done after complete", async () => {
    const tableName = await newTable();
    const a = new TableJobLedger(fixture.clients.table(tableName), { owner: "worker-a" });
    const b = new TableJobLedger(fixture.clients.table(tableName), { owner: "worker-b" });
    expect(await a.claim("job-1")).toBe("claimed");
    expect(await b.claim("job-1")).toBe("in-progress");
    expect(await a.claim("job-1")).toBe("in-progress");
    await a.complete("job-1", "traffic set to blue=90 green=10");
    expect(await b.claim("job-1")).toBe("done");
    expect(await a.claim("job-1")).toBe("done");
    expect(await a.get("job-1")).toMatchObject({ state: "done", owner: "worker-a", attempts: 1, resultSummary: "traffic set to blue=90 green=10" });
  });

  it("lets exactly one of many concurrent claimers win", async () => {
    const tableName = await newTable();
    const ledgers = Array.from(
      { length: 6 },
      (_, i) => new TableJobLedger(StorageClients.fromConnectionString(fixture.azurite.connectionString).table(tableName), { owner: `w${i}` }),
    );
    const results = await Promise.all(ledgers.map((ledger) => ledger.claim("job/with#odd?chars")));
    expect(results.filter((r) => r === "claimed")).toHaveLength(1);
    expect(results.filter((r) => r === "in-progress")).toHaveLength(5);
  });

  it("lets a claim whose lease expired (its worker died) be taken over, by exactly one worker", async () => {
    const tableName = await newTable();
    const clock = new FakeClock();
    const options = { leaseInMs: 60_000, clock };
    const dead = new TableJobLedger(fixture.clients.table(tableName), { ...options, owner: "dead" });
    const b = new TableJobLedger(fixture.clients.table(tableName), { ...options, owner: "b" });
    const c = new TableJobLedger(StorageClients.fromConnectionString(fixture.azurite.connectionString).table(tableName), {
      ...options,
      owner: "c",
    });
    expect(await dead.claim("job-2")).toBe("claimed");
    clock.advance(59_000);
    expect(await b.claim("job-2")).toBe("in-progress");
    clock.advance(2_000);
    const takeovers = await Promise.all([b.claim("job-2"), c.claim("job-2")]);
    // Sorted as a copy: sorting in place put "claimed" first whoever won, naming b the winner when c was.
    expect([...takeovers].sort()).toEqual(["claimed", "in-progress"]);
    const winner = takeovers[0] === "claimed" ? b : c;
    expect(await winner.get("job-2")).toMatchObject({ state: "in-progress", owner: winner.owner, attempts: 2 });
    await winner.complete("job-2", "ok");
    clock.advance(10 * 60_000);
    expect(await dead.claim("job-2")).toBe("done");
  });

  it("release gives up the caller's own claim only, so a retry can claim at once", async () => {
    const tableName = await newTable();
    const a = new TableJobLedger(fixture.clients.table(tableName), { owner: "a" });
    const b = new TableJobLedger(fixture.clients.table(tableName), { owner: "b" });
    expect(await a.claim("job-3")).toBe("claimed");
    await b.release("job-3"); // not b's claim: no effect
    expect(await b.claim("job-3")).toBe("in-progress");
    await a.release("job-3");
    expect(await b.claim("job-3")).toBe("claimed");
    await b.complete("job-3", "done by b");
    await b.release("job-3"); // done: no effect
    expect(await a.claim("job-3")).toBe("done");
  });

  it("runOnce runs the work once across redeliveries and releases on failure", async () => {
    const tableName = await newTable();
    const ledger = new TableJobLedger(fixture.clients.table(tableName));
    let runs = 0;
    await expect(
      ledger.runOnce("job-4", async () => {
        runs++;
        throw new Error("boom");
      }),
    ).rejects.toThrow("boom");
    expect(await ledger.get("job-4")).toBeUndefined();
    const work = async () => {
      runs++;
      return "ok";
    };
    expect(await ledger.runOnce("job-4", work)).toBe("claimed");
    expect(await ledger.runOnce("job-4", work)).toBe("done");
    expect(runs).toBe(2);
  });
  it("renew extends only the caller's own claim, and says when it was taken over", async () => {
    const tableName = await newTable();
    const clock = new FakeClock();
    const ahead = new FakeClock(clock.now().getTime() + 61_000);
    const a = new TableJobLedger(fixture.clients.table(tableName), { leaseInMs: 60_000, clock, owner: "a" });
    const b = new TableJobLedger(fixture.clients.table(tableName), { leaseInMs: 60_000, clock: ahead, owner: "b" });
    expect(await a.claim("job-6")).toBe("claimed");
    clock.advance(30_000);
    expect(await a.renew("job-6")).toBe(true);
    expect((await a.get("job-6"))!.leaseExpiresAt.getTime()).toBe(clock.now().getTime() + 60_000);
    expect(await b.renew("job-6")).toBe(false); // not b's claim
    ahead.advance(30_000); // b's clock is past a's renewed lease
    expect(await b.claim("job-6")).toBe("claimed");
    expect(await a.renew("job-6")).toBe(false);
    expect(await b.renew("job-6")).toBe(true);
    await b.complete("job-6", "ok");
    expect(await b.renew("job-6")).toBe(false);
  });

  it("runOnce renews the lease while the work runs, so a live worker is not taken over after its first lease", async () => {
    const tableName = await newTable();
    const clock = new FakeClock();
    const worker = new TableJobLedger(fixture.clients.table(tableName), { leaseInMs: 60_000, renewEveryInMs: 20, clock, owner: "alive" });
    const other = new TableJobLedger(fixture.clients.table(tableName), { leaseInMs: 60_000, clock, owner: "other" });
    let finish!: () => void;
    const finished = new Promise<void>((resolve) => (finish = resolve));
    let aborted = false;
    const run = worker.runOnce("job-7", async (signal) => {
      signal.addEventListener("abort", () => (aborted = true));
      await finished;
      return "ok";
    });
    await vi.waitFor(async () => expect(await worker.get("job-7")).toBeDefined());
    const claimedAt = clock.now().getTime();
    for (let beat = 1; beat <= 3; beat++) {
      clock.advance(45_000); // three quarters of a lease each time: only renewals keep the claim alive
      const now = clock.now().getTime();
      await vi.waitFor(async () => expect((await worker.get("job-7"))!.leaseExpiresAt.getTime()).toBe(now + 60_000));
      expect(await other.claim("job-7")).toBe("in-progress");
    }
    expect(clock.now().getTime() - claimedAt).toBeGreaterThan(2 * 60_000);
    finish();
    expect(await run).toBe("claimed");
    expect(aborted).toBe(false);
    expect(await other.get("job-7")).toMatchObject({ state: "done", owner: "alive", attempts: 1 });
  });

  it("aborts the work of a worker whose renewal finds its claim taken over, and reports it lost", async () => {
    const tableName = await newTable();
    const clock = new FakeClock();
    // The stalled worker's clock stands still: its renewals never push the lease past what the other worker sees.
    const ahead = new FakeClock(clock.now().getTime() + 61_000);
    const stalled = new TableJobLedger(fixture.clients.table(tableName), { leaseInMs: 60_000, renewEveryInMs: 50, clock, owner: "stalled" });
    const other = new TableJobLedger(fixture.clients.table(tableName), { leaseInMs: 60_000, clock: ahead, owner: "other" });
    let reason: unknown;
    const run = stalled.runOnce(
      "job-8",
      (signal) =>
        new Promise<string>((_, reject) =>
          signal.addEventListener("abort", () => {
            reason = signal.reason;
            reject(signal.reason);
          }),
        ),
    );
    await vi.waitFor(async () => expect(await stalled.get("job-8")).toBeDefined());
    expect(await other.claim("job-8")).toBe("claimed");
    expect(await run).toBe("lost");
    expect(reason).toBeInstanceOf(JobClaimLostError);
    // Nothing was released: the claim stays the other worker's.
    expect(await other.get("job-8")).toMatchObject({ state: "in-progress", owner: "other", attempts: 2 });
    expect(await other.renew("job-8")).toBe(true);
  });

  it("runOnce hands the claim to onClaimed before the work, and a failing onClaimed releases it", async () => {
    const tableName = await newTable();
    const ledger = new TableJobLedger(fixture.clients.table(tableName));
    const order: string[] = [];
    await ledger.runOnce("job-9", async () => (order.push("work"), "ok"), {
      onClaimed: async (claim) => void order.push(`claimed ${claim.attempts} ${claim.claimId === (await ledger.get("job-9"))?.claimId}`),
    });
    expect(order).toEqual(["claimed 1 true", "work"]);
    let ran = false;
    await expect(
      ledger.runOnce("job-10", async () => ((ran = true), "ok"), {
        onClaimed: async () => {
          throw new Error("queue down");
        },
      }),
    ).rejects.toThrow("queue down");
    expect(ran).toBe(false);
    expect(await ledger.get("job-10")).toBeUndefined();
  });
});
