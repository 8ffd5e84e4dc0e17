import { describe, expect, it } from "vitest";
import type { Clock } from "../../commands/ports/clock.port.js";
import { StorageClients } from "../../src/storage/storage-clients.js";
import { TableJobLedger } from "../../src/storage/table.job-ledger.js";
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
    expect(takeovers.sort()).toEqual(["claimed", "in-progress"]);
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
});
