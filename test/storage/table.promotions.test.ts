/** One contract for promotions, in Azure Tables (on a real Azurite) and in memory; then what only the Table store has. */
import { describe, expect, it } from "vitest";
import { InfrastructureError } from "../../commands/errors.js";
import type { Promotion, Promotions } from "../../commands/ports/promotions.port.js";
import { MAX_PROMOTION_HISTORY } from "../../commands/promote/promotion-record.js";
import { MemoryPromotions } from "../../src/memory/memory.promotions.js";
import { StorageClients } from "../../src/storage/storage-clients.js";
import { PROMOTIONS_TABLE, TablePromotions } from "../../src/storage/table.promotions.js";
import { encodeKey } from "../../src/storage/table-keys.js";
import { uniqueTableName, useAzurite } from "../helpers/azurite.js";

const fixture = useAzurite();

async function newTable(): Promise<string> {
  const name = uniqueTableName("promotions");
  await fixture.clients.ensure({ tables: [name] });
  return name;
}

const stores: [string, () => Promise<Promotions>][] = [
  ["TablePromotions (Azurite)", async () => new TablePromotions(fixture.clients.table(await newTable()))],
  ["MemoryPromotions", async () => new MemoryPromotions()],
];

const T0 = new Date("2026-12-01T10:00:00.000Z");

function promotion(id: string, overrides: Partial<Promotion> = {}): Promotion {
  return {
    id,
    workspace: "demo",
    endpoint: "churn-model",
    location: "westeurope",
    candidate: "green",
    plan: {
      steps: [
        { kind: "mirror", percent: 10, holdInMs: 15 * 60_000 },
        { kind: "live", percent: 10, holdInMs: 15 * 60_000 },
        { kind: "live", percent: 100, holdInMs: 0 },
      ],
      gates: [
        { metric: "p99", bound: { kind: "ratio", factor: 1.2 }, text: "p99 <= 1.2x" },
        { metric: "5xx", bound: { kind: "baseline-plus", points: 0.005 }, text: "5xx <= baseline + 0.5pt" },
      ],
      minRequests: 20,
      maxExtensions: 1,
      retire: { soakInMs: 30 * 60_000 },
    },
    baseline: { traffic: { blue: 100 }, mirror: {} },
    expected: { traffic: { blue: 100 }, mirror: {} },
    state: "running",
    step: -1,
    extendedInMs: 0,
    transition: 0,
    epoch: 0,
    requestedBy: "slack:U1",
    requestedByName: "Ada ☕",
    notify: { users: ["slack:U1", "slack:U2"], groups: ["S9"] },
    channel: { platform: "slack", id: "C42" },
    reason: "new model",
    retire: true,
    history: [{ at: T0, text: "requested" }],
    createdAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

function at(minutes: number): Date {
  return new Date(T0.getTime() + minutes * 60_000);
}

describe.each(stores)("%s", (_name, newStore) => {
  it("creates once: a second create of the same id returns the stored promotion unchanged", async () => {
    const store = await newStore();
    const first = promotion("pr-1");
    expect(await store.create(first)).toEqual(first);
    expect(await store.create(promotion("pr-1", { candidate: "other", reason: "a redelivered job" }))).toEqual(first);
    expect(await store.get("pr-1")).toEqual(first);
    expect(await store.get("missing")).toBeUndefined();
  });

  it("reads back every field, optional ones included, and ids with characters Tables forbids in keys", async () => {
    const store = await newStore();
    const full = promotion("a/b\\c#d?e'f", {
      step: 1,
      stepStartedAt: at(15),
      extendedInMs: 3 * 2 ** 31, // past Int32
      transition: 4,
      epoch: 2,
      intent: { transition: 5, action: "step", step: 2, target: { traffic: { blue: 0, green: 100 }, mirror: {} }, reason: "gates passed" },
      nextAt: at(45),
      lastGates: [{ gate: { metric: "p99", bound: { kind: "ratio", factor: 1.2 }, text: "p99 <= 1.2x" }, verdict: "pass", value: 120, threshold: 144, baseline: 120 }],
      note: "all good",
    });
    await store.create(full);
    expect(await store.get(full.id)).toEqual(full);
  });

  it("hands out copies: changing what it returned or was given does not change what it stores", async () => {
    const store = await newStore();
    const given = structuredClone(promotion("pr-copy"));
    const created = await store.create(given);
    (given.notify.users as string[]).push("slack:intruder");
    (created.history as Promotion["history"][number][]).push({ at: T0, text: "mutated" });
    const read = await store.get("pr-copy");
    (read!.baseline.traffic as Record<string, number>)["blue"] = 1;
    expect(await store.get("pr-copy")).toEqual(promotion("pr-copy"));
  });

  it("updates from the stored promotion, clears fields returned as undefined, and keeps the identity", async () => {
    const store = await newStore();
    await store.create(promotion("pr-2", { intent: { transition: 1, action: "step", step: 0 }, nextAt: at(1) }));
    const written = await store.update("pr-2", (current) => ({
      step: current.step + 1,
      transition: current.transition + 1,
      intent: undefined,
      nextAt: undefined,
      history: [...current.history, { at: at(1), text: "step 1" }],
      updatedAt: at(1),
      // Not part of an update: ignored.
      ...({ id: "other", endpoint: "elsewhere", createdAt: at(99) } as object),
    }));
    const expected = promotion("pr-2", { step: 0, transition: 1, history: [{ at: T0, text: "requested" }, { at: at(1), text: "step 1" }], updatedAt: at(1) });
    expect(written).toEqual(expected);
    const stored = await store.get("pr-2");
    expect(stored).toEqual(expected);
    expect(stored).not.toHaveProperty("intent");
    expect(stored).not.toHaveProperty("nextAt");
  });

  it("returns undefined and writes nothing when the update declines or the promotion does not exist", async () => {
    const store = await newStore();
    await store.create(promotion("pr-3"));
    let seen: Promotion | undefined;
    expect(await store.update("pr-3", (current) => ((seen = current), undefined))).toBeUndefined();
    expect(seen).toEqual(promotion("pr-3"));
    expect(await store.get("pr-3")).toEqual(promotion("pr-3"));
    expect(await store.update("missing", () => ({ state: "paused" }))).toBeUndefined();
  });

  it("counts all of 20 concurrent updates, each computed from the promotion as it was when it won", async () => {
    const store = await newStore();
    await store.create(promotion("pr-race"));
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => store.update("pr-race", (current) => ({ transition: current.transition + 1, note: `writer ${i}` }))));
    expect(results.every(Boolean)).toBe(true);
    expect(results.map((r) => r!.transition).sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    expect((await store.get("pr-race"))?.transition).toBe(20);
  });

  it(`keeps the newest ${MAX_PROMOTION_HISTORY} events of the history`, async () => {
    const store = await newStore();
    const history = Array.from({ length: MAX_PROMOTION_HISTORY + 5 }, (_, i) => ({ at: at(i), text: `event ${i}` }));
    await store.create(promotion("pr-long", { history }));
    expect((await store.get("pr-long"))?.history).toEqual(history.slice(5));
    const written = await store.update("pr-long", (current) => ({ history: [...current.history, { at: at(100), text: "one more" }] }));
    expect(written?.history).toHaveLength(MAX_PROMOTION_HISTORY);
    expect(written?.history.at(0)?.text).toBe("event 6");
    expect((await store.get("pr-long"))?.history.at(-1)?.text).toBe("one more");
  });

  it("lists newest first, by workspace, endpoint and whether still active", async () => {
    const store = await newStore();
    await store.create(promotion("old", { createdAt: at(0), state: "succeeded" }));
    await store.create(promotion("mid", { createdAt: at(10) }));
    await store.create(promotion("new", { createdAt: at(20), state: "paused" }));
    await store.create(promotion("other-endpoint", { createdAt: at(30), endpoint: "fraud" }));
    await store.create(promotion("other-workspace", { createdAt: at(40), workspace: "prod" }));
    await store.create(promotion("prefix-workspace", { createdAt: at(50), workspace: "demo2" }));
    const ids = async (options?: Parameters<Promotions["list"]>[0]) => (await store.list(options)).map((p) => p.id);
    expect(await ids()).toEqual(["prefix-workspace", "other-workspace", "other-endpoint", "new", "mid", "old"]);
    expect(await ids({ workspace: "demo" })).toEqual(["other-endpoint", "new", "mid", "old"]);
    expect(await ids({ workspace: "demo", endpoint: "churn-model" })).toEqual(["new", "mid", "old"]);
    expect(await ids({ endpoint: "churn-model" })).toEqual(["prefix-workspace", "other-workspace", "new", "mid", "old"]);
    expect(await ids({ workspace: "demo", endpoint: "churn-model", active: true })).toEqual(["new", "mid"]);
    expect(await ids({ workspace: "nowhere" })).toEqual([]);
    expect((await store.list({ workspace: "demo", endpoint: "churn-model" }))[2]).toEqual(promotion("old", { createdAt: at(0), state: "succeeded" }));
  });

  it("drops a promotion from the active list once an update makes it final", async () => {
    const store = await newStore();
    await store.create(promotion("pr-end"));
    await store.update("pr-end", () => ({ state: "reverting" }));
    expect((await store.list({ endpoint: "churn-model", active: true })).map((p) => p.id)).toEqual(["pr-end"]);
    await store.update("pr-end", () => ({ state: "reverted", note: "p99 1.9x baseline, 1.2x allowed" }));
    expect(await store.list({ endpoint: "churn-model", active: true })).toEqual([]);
    expect((await store.list({ endpoint: "churn-model" })).map((p) => [p.id, p.state])).toEqual([["pr-end", "reverted"]]);
  });
});

describe("TablePromotions", () => {
  it("creates the table the runtime names", () => {
    expect(PROMOTIONS_TABLE).toBe("amlpromotions");
  });

  it("lets separate clients race: all 20 increments counted", async () => {
    const name = await newTable();
    const stores = Array.from({ length: 4 }, () => new TablePromotions(StorageClients.fromConnectionString(fixture.azurite.connectionString).table(name)));
    await stores[0]!.create(promotion("pr-clients"));
    await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 4]!.update("pr-clients", (current) => ({ transition: current.transition + 1 }))));
    expect((await stores[0]!.get("pr-clients"))?.transition).toBe(20);
  });

  it("updates from the row it last read or wrote without reading it again, and still sees another client's write", async () => {
    const name = await newTable();
    const table = fixture.clients.table(name);
    let reads = 0;
    // Counts the point reads this store sends; everything else goes through as it is.
    const counted = new Proxy(table, { get: (target, key, receiver) => (key === "getEntity" ? (...args: Parameters<typeof table.getEntity>) => (reads++, target.getEntity(...args)) : Reflect.get(target, key, receiver)) });
    const mine = new TablePromotions(counted);
    const other = new TablePromotions(StorageClients.fromConnectionString(fixture.azurite.connectionString).table(name));
    await mine.create(promotion("pr-seen"));
    await mine.get("pr-seen");
    await mine.update("pr-seen", (p) => ({ transition: p.transition + 1 }));
    await mine.update("pr-seen", (p) => ({ transition: p.transition + 1 }));
    expect(reads).toBe(1); // a transition's read, then its two writes
    // Another instance writes in between: the remembered row's ETag is stale, the write fails, and the update is
    // computed again from the row as it is.
    await other.update("pr-seen", (p) => ({ transition: p.transition + 10, note: "clicked elsewhere" }));
    expect((await mine.update("pr-seen", (p) => ({ transition: p.transition + 1 })))?.transition).toBe(13);
    // A decision to do nothing, made on a remembered row that is stale, is made again on the row itself.
    await other.update("pr-seen", (p) => ({ epoch: p.epoch + 1 }));
    expect((await mine.update("pr-seen", (p) => (p.epoch === 1 ? { note: "saw the new epoch" } : undefined)))?.note).toBe("saw the new epoch");
    expect(await mine.get("pr-seen")).toMatchObject({ transition: 13, epoch: 1, note: "saw the new epoch" });
  });

  it("reports a row that is not a promotion, naming the row and its bad fields, from get, update and list", async () => {
    const name = await newTable();
    const table = fixture.clients.table(name);
    const store = new TablePromotions(table);
    await store.create(promotion("pr-bad"));
    await table.updateEntity({ partitionKey: encodeKey("p:pr-bad"), rowKey: "promotion", state: "exploded", plan: "{not json", step: "one" }, "Merge");
    const failure = await store.get("pr-bad").catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(InfrastructureError);
    expect((failure as Error).message).toBe(`Promotion pr-bad in table "${name}" (PartitionKey p:pr-bad) is not a valid promotion: plan, state, step`);
    await expect(store.update("pr-bad", () => ({ state: "paused" }))).rejects.toThrow(/pr-bad .* not a valid promotion/);
    // Fails closed: a lock check on the endpoint cannot pass over a promotion it cannot read.
    await expect(store.list({ endpoint: "churn-model", active: true })).rejects.toThrow(/pr-bad .* not a valid promotion/);
  });

  it("marks the index row done in the update that makes a promotion final, so an active list reads no finished record", async () => {
    const name = await newTable();
    const table = fixture.clients.table(name);
    const store = new TablePromotions(table);
    await store.create(promotion("pr-done"));
    const done = async () => {
      const rows: boolean[] = [];
      for await (const row of table.listEntities<{ done: boolean }>({ queryOptions: { filter: "PartitionKey ge 'e:' and PartitionKey lt 'e;'" } })) rows.push(row.done);
      return rows;
    };
    expect(await done()).toEqual([false]);
    await store.update("pr-done", () => ({ state: "paused" }));
    expect(await done()).toEqual([false]);
    await store.update("pr-done", () => ({ state: "succeeded" }));
    expect(await done()).toEqual([true]);
  });

  it("lists a promotion whose record became final without its index row knowing, and marks that row done", async () => {
    const name = await newTable();
    const table = fixture.clients.table(name);
    const store = new TablePromotions(table);
    await store.create(promotion("pr-stale"));
    await store.update("pr-stale", () => ({ state: "aborted" }));
    // As if the index write after the update had failed.
    const rows = [];
    for await (const row of table.listEntities<{ done: boolean }>({ queryOptions: { filter: "PartitionKey ge 'e:' and PartitionKey lt 'e;'" } })) rows.push(row);
    const [index] = rows;
    expect(rows).toHaveLength(1);
    await table.updateEntity({ partitionKey: index!.partitionKey!, rowKey: index!.rowKey!, done: false }, "Merge");
    expect(await store.list({ endpoint: "churn-model", active: true })).toEqual([]);
    expect((await table.getEntity<{ done: boolean }>(index!.partitionKey!, index!.rowKey!)).done).toBe(true);
  });

  it("skips an index row whose record was never written (a create that stopped half-way)", async () => {
    const name = await newTable();
    const table = fixture.clients.table(name);
    const store = new TablePromotions(table);
    await store.create(promotion("pr-half"));
    await table.deleteEntity(encodeKey("p:pr-half"), "promotion");
    expect(await store.list()).toEqual([]);
    // A redelivered create finishes it.
    await store.create(promotion("pr-half"));
    expect((await store.list()).map((p) => p.id)).toEqual(["pr-half"]);
  });
});
