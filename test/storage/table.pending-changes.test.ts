import { describe, expect, it } from "vitest";
import { InfrastructureError } from "../../commands/errors.js";
import type { PendingChange } from "../../commands/ports/pending-change.port.js";
import { StorageClients } from "../../src/storage/storage-clients.js";
import { TablePendingChanges } from "../../src/storage/table.pending-changes.js";
import { uniqueTableName, useAzurite } from "../helpers/azurite.js";

const fixture = useAzurite();

async function newTable(): Promise<string> {
  const tableName = uniqueTableName("pending");
  await fixture.clients.ensure({ tables: [tableName] });
  return tableName;
}

async function newStore(): Promise<TablePendingChanges> {
  return new TablePendingChanges(fixture.clients.table(await newTable()));
}

function change(id: string, overrides: Partial<PendingChange> = {}): PendingChange {
  return {
    id,
    verb: "traffic",
    workspace: "prod",
    endpoint: "fraud",
    payload: { traffic: { blue: 90, green: 10 }, note: "café ☕", nested: [1, null, { a: true }] },
    etag: '"0x8DC-endpoint"',
    requestedBy: "U123",
    channelId: "C42",
    createdAt: new Date("2025-06-01T12:00:00.000Z"),
    expiresAt: new Date("2025-06-01T12:15:00.000Z"),
    state: "pending",
    ...overrides,
  };
}

describe("TablePendingChanges", () => {
  it("creates and reads back a change, payload and endpoint etag included", async () => {
    const store = await newStore();
    const c = change("chg-1");
    await store.create(c);
    expect(await store.get("chg-1")).toEqual(c);
    expect(await store.get("missing")).toBeUndefined();
  });

  it("omits etag when the change has none, and handles ids with characters Tables forbids in keys", async () => {
    const store = await newStore();
    const { etag: _unused, ...withoutEtag } = change("a/b\\c#d?e'f");
    await store.create(withoutEtag);
    expect(await store.get("a/b\\c#d?e'f")).toEqual(withoutEtag);
  });

  it("settles exactly once", async () => {
    const store = await newStore();
    await store.create(change("chg-2"));
    expect(await store.settle("chg-2", "applied")).toBe(true);
    expect(await store.settle("chg-2", "applied")).toBe(false);
    expect(await store.settle("chg-2", "cancelled")).toBe(false);
    expect((await store.get("chg-2"))?.state).toBe("applied");
    expect(await store.settle("missing", "applied")).toBe(false);
  });

  it("lets exactly one of concurrent settles win, across separate clients", async () => {
    const tableName = await newTable();
    // Two workers with their own clients (own connections) racing on the same rows.
    const store = new TablePendingChanges(fixture.clients.table(tableName));
    const other = new TablePendingChanges(StorageClients.fromConnectionString(fixture.azurite.connectionString).table(tableName));
    for (let round = 0; round < 10; round++) {
      const id = `race-${round}`;
      await store.create(change(id));
      const results = await Promise.all([store.settle(id, "applied"), other.settle(id, "cancelled")]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.get(id))?.state).toBe(results[0] ? "applied" : "cancelled");
    }
    await store.create(change("stampede"));
    const many = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? store : other).settle("stampede", i % 3 ? "applied" : "cancelled")),
    );
    expect(many.filter(Boolean)).toHaveLength(1);
  });

  it("returns expired changes as they are and still settles them", async () => {
    const store = await newStore();
    const expired = change("old", { createdAt: new Date("2020-01-01T00:00:00Z"), expiresAt: new Date("2020-01-01T00:15:00Z") });
    await store.create(expired);
    expect(await store.get("old")).toEqual(expired);
    expect(await store.settle("old", "cancelled")).toBe(true);
  });

  it("treats re-creating the same change as a no-op and a different one with the same id as an error", async () => {
    const store = await newStore();
    await store.create(change("dup"));
    await store.create(change("dup"));
    await expect(store.create(change("dup", { payload: { traffic: { blue: 50, green: 50 } } }))).rejects.toBeInstanceOf(
      InfrastructureError,
    );
  });
});
