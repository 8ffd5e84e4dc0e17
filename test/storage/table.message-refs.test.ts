/** Notification keys → messages on a real Azurite: reserve, wait, take over, remember. */
import { describe, expect, it } from "vitest";
import { StorageClients } from "../../src/storage/storage-clients.js";
import { TableMessageRefs } from "../../src/storage/table.message-refs.js";
import { uniqueTableName, useAzurite } from "../helpers/azurite.js";

const fixture = useAzurite();
const CHANNEL = { platform: "slack", id: "C0ALERTS" } as const;

async function newTable(): Promise<string> {
  const name = uniqueTableName("msgrefs");
  await fixture.clients.ensure({ tables: [name] });
  return name;
}

function refs(table: string, options: ConstructorParameters<typeof TableMessageRefs>[1] = {}): TableMessageRefs {
  return new TableMessageRefs(StorageClients.fromConnectionString(fixture.azurite.connectionString).table(table), options);
}

describe("TableMessageRefs", () => {
  it("gives a new key to one of several concurrent posters; the others wait, then see the message", async () => {
    const table = await newTable();
    const posters = Array.from({ length: 5 }, () => refs(table));
    const claims = await Promise.all(posters.map((p) => p.claim(CHANNEL, "thread", "alerts:fraud-scorer:2026-11-25")));
    expect(claims.filter((c) => c.kind === "mine")).toHaveLength(1);
    expect(claims.filter((c) => c.kind === "held")).toHaveLength(4);
    const winner = posters[claims.findIndex((c) => c.kind === "mine")]!;
    await winner.save(CHANNEL, "thread", "alerts:fraud-scorer:2026-11-25", "1764000000.000100");
    expect(await posters[0]!.claim(CHANNEL, "thread", "alerts:fraud-scorer:2026-11-25")).toEqual({ kind: "posted", ref: "1764000000.000100" });
  });

  it("scopes keys per channel and per kind", async () => {
    const table = await newTable();
    const store = refs(table);
    await store.save(CHANNEL, "update", "k", "111.1");
    expect(await store.claim(CHANNEL, "update", "k")).toEqual({ kind: "posted", ref: "111.1" });
    expect(await store.claim(CHANNEL, "thread", "k")).toEqual({ kind: "mine" });
    expect(await store.claim({ platform: "teams", id: "C0ALERTS" }, "update", "k")).toEqual({ kind: "mine" });
    // Long keys and characters Tables forbids in keys are fine.
    const long = `burst/${"x".repeat(600)}#?`;
    expect(await store.claim(CHANNEL, "update", long)).toEqual({ kind: "mine" });
    await store.save(CHANNEL, "update", long, "222.2");
    expect(await store.claim(CHANNEL, "update", long)).toEqual({ kind: "posted", ref: "222.2" });
  });

  it("lets a reservation be released, and a stale one (its poster died) be taken over by one poster", async () => {
    const table = await newTable();
    let ms = Date.parse("2026-11-25T09:00:00Z");
    const clock = { now: () => new Date(ms) };
    const [a, b, c] = [refs(table, { clock, staleAfterInMs: 30_000 }), refs(table, { clock, staleAfterInMs: 30_000 }), refs(table, { clock, staleAfterInMs: 30_000 })];
    expect(await a.claim(CHANNEL, "update", "k")).toEqual({ kind: "mine" });
    await b.release(CHANNEL, "update", "k"); // not b's: nothing happens
    expect(await b.claim(CHANNEL, "update", "k")).toEqual({ kind: "held" });
    await a.release(CHANNEL, "update", "k");
    expect(await b.claim(CHANNEL, "update", "k")).toEqual({ kind: "mine" });
    ms += 31_000;
    const takeovers = await Promise.all([a.claim(CHANNEL, "update", "k"), c.claim(CHANNEL, "update", "k")]);
    expect(takeovers.map((t) => t.kind).sort()).toEqual(["held", "mine"]);
  });
});

describe("TableMessageRefs, a key it saw posted", () => {
  it("is claimed with one read, not a failed insert and a read; a key released elsewhere is claimed again", async () => {
    const table = await newTable();
    const client = StorageClients.fromConnectionString(fixture.azurite.connectionString).table(table);
    const calls: string[] = [];
    const counted = new Proxy(client, {
      get: (target, key, receiver) => {
        const value = Reflect.get(target, key, receiver) as unknown;
        return typeof value === "function" && ["createEntity", "getEntity", "updateEntity", "upsertEntity", "deleteEntity"].includes(String(key))
          ? (...args: unknown[]) => (calls.push(String(key)), (value as (...a: unknown[]) => unknown).apply(target, args))
          : value;
      },
    });
    const store = new TableMessageRefs(counted);
    await store.save(CHANNEL, "update", "promote:p1", "111.1");
    calls.length = 0;
    expect(await store.claim(CHANNEL, "update", "promote:p1")).toEqual({ kind: "posted", ref: "111.1" });
    expect(calls).toEqual(["getEntity"]);
    // Reposted by another process: read as it is, not as remembered.
    await refs(table).save(CHANNEL, "update", "promote:p1", "222.2");
    expect(await store.claim(CHANNEL, "update", "promote:p1")).toEqual({ kind: "posted", ref: "222.2" });
    // Deleted (released) meanwhile: reserved anew.
    await client.deleteEntity(...(await firstKeys(client)));
    expect(await store.claim(CHANNEL, "update", "promote:p1")).toEqual({ kind: "mine" });
  });
});

async function firstKeys(client: ReturnType<StorageClients["table"]>): Promise<[string, string]> {
  for await (const entity of client.listEntities()) return [entity.partitionKey!, entity.rowKey!];
  throw new Error("no row");
}
