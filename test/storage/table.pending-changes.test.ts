import { describe, expect, it } from "vitest";
import { InfrastructureError } from "../../commands/errors.js";
import type { ApprovalRequest } from "../../commands/approvals/approval-request.js";
import type { PendingChange, PendingChanges } from "../../commands/ports/pending-change.port.js";
import { MemoryPendingChanges } from "../../src/memory/memory.pending-changes.js";
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
  it("creates and reads back a change, payload, endpoint etag and the requester's name included", async () => {
    const store = await newStore();
    const c = change("chg-1", { requestedByName: "Ada Lovelace", override: { by: "slack:U1", name: "Grace", reason: "the hotfix" } });
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

  it("moves a change only from the states it names, and returns it as written", async () => {
    const store = await newStore();
    await store.create(change("chg-2"));
    const applying = await store.transition("chg-2", ["pending", "failed"], "applying", { attempt: "corr-1", actedBy: "U9", actedByName: "Nine" });
    expect(applying).toMatchObject({ state: "applying", attempt: "corr-1", actedBy: "U9", actedByName: "Nine" });
    expect(await store.transition("chg-2", ["pending", "failed"], "applying", { attempt: "corr-2" })).toBeUndefined();
    const result = JSON.stringify({ reply: { summary: "done" }, audit: { outcome: "ok" } });
    expect(await store.transition("chg-2", ["applying"], "applied", { result })).toMatchObject({ state: "applied", attempt: "corr-1", result });
    expect(await store.transition("chg-2", ["pending"], "cancelled")).toBeUndefined();
    const stored = await store.get("chg-2");
    expect(stored).toMatchObject({ state: "applied", attempt: "corr-1", actedBy: "U9", actedByName: "Nine", result });
    expect(stored?.updatedAt).toBeInstanceOf(Date);
    expect(await store.transition("missing", ["pending"], "applied")).toBeUndefined();
  });

  it("lets exactly one of concurrent transitions win, across separate clients", async () => {
    const tableName = await newTable();
    // Two workers with their own clients (own connections) racing on the same rows.
    const store = new TablePendingChanges(fixture.clients.table(tableName));
    const other = new TablePendingChanges(StorageClients.fromConnectionString(fixture.azurite.connectionString).table(tableName));
    for (let round = 0; round < 10; round++) {
      const id = `race-${round}`;
      await store.create(change(id));
      const results = await Promise.all([store.transition(id, ["pending"], "applying"), other.transition(id, ["pending"], "cancelled")]);
      expect(results.filter(Boolean)).toHaveLength(1);
      expect((await store.get(id))?.state).toBe(results[0] ? "applying" : "cancelled");
    }
    await store.create(change("stampede"));
    const many = await Promise.all(
      Array.from({ length: 8 }, (_, i) => (i % 2 ? store : other).transition("stampede", ["pending"], i % 3 ? "applying" : "cancelled", { attempt: `c${i}` })),
    );
    expect(many.filter(Boolean)).toHaveLength(1);
  });

  it("returns expired changes as they are and still moves them", async () => {
    const store = await newStore();
    const expired = change("old", { createdAt: new Date("2020-01-01T00:00:00Z"), expiresAt: new Date("2020-01-01T00:15:00Z") });
    await store.create(expired);
    expect(await store.get("old")).toEqual(expired);
    expect(await store.transition("old", ["pending"], "cancelled", { note: "expired" })).toMatchObject({ state: "cancelled", note: "expired" });
  });

  it("treats re-creating the same change as a no-op and a different one with the same id as an error", async () => {
    const store = await newStore();
    await store.create(change("dup"));
    await store.create(change("dup"));
    await expect(store.create(change("dup", { payload: { traffic: { blue: 50, green: 50 } } }))).rejects.toBeInstanceOf(
      InfrastructureError,
    );
  });
  it("adds concurrent approvals from the row as stored, so none is lost, and lists only requests still waiting", async () => {
    const store = await newStore();
    const request: ApprovalRequest = {
      rule: "traffic on fraud needs 3 approvals",
      required: 3,
      approvers: { users: ["slack:UA", "slack:UB", "slack:UC"], groups: [] },
      requesterCanApprove: false,
      requester: { id: "slack:U123", name: "ops" },
      preview: { title: "Traffic change on fraud", sections: [{ kind: "text", text: "blue 90 → 80" }], summary: "blue=80 green=20" },
      channels: [{ platform: "slack", id: "C42" }],
      decisions: [],
    };
    await store.create(change("req-1", { approval: request }));
    await store.create(change("plain-1"));
    const approve = (by: string) =>
      store.transition("req-1", ["pending"], "pending", (current) => ({
        approval: { ...current.approval!, decisions: [...current.approval!.decisions, { by, name: by, decision: "approve" as const, at: "2025-06-01T12:01:00.000Z" }] },
      }));
    await Promise.all([approve("slack:UA"), approve("slack:UB"), approve("slack:UC")]);
    const stored = await store.get("req-1");
    expect(stored?.approval?.decisions.map((d) => d.by).sort()).toEqual(["slack:UA", "slack:UB", "slack:UC"]);
    expect((await store.listAwaitingApproval()).map((c) => c.id)).toEqual(["req-1"]);
    expect(await store.transition("req-1", ["pending"], "pending", () => undefined)).toBeUndefined();
    await store.transition("req-1", ["pending"], "rejected", { note: "no" });
    expect(await store.listAwaitingApproval()).toEqual([]);
    expect((await store.get("req-1"))?.approval?.decisions).toHaveLength(3);
  });
});

const stores: [string, () => Promise<PendingChanges>][] = [
  ["TablePendingChanges (Azurite)", newStore],
  ["MemoryPendingChanges", async () => new MemoryPendingChanges()],
];

describe.each(stores)("%s: what `aml revert` reads", (_name, create) => {
  it("finds the change applied last on an endpoint, not the one created last, and none elsewhere", async () => {
    const store = await create();
    for (const id of ["first", "second", "third", "other-endpoint", "other-workspace", "never-applied"]) {
      const where = id === "other-endpoint" ? { endpoint: "churn" } : id === "other-workspace" ? { workspace: "dev" } : {};
      await store.create(change(id, where));
    }
    for (const id of ["second", "first", "other-endpoint", "other-workspace"]) {
      await store.transition(id, ["pending"], "applying", { attempt: `corr-${id}` });
      await store.transition(id, ["applying"], "applied", {});
      await new Promise((resolve) => setTimeout(resolve, 5)); // Tables keep milliseconds: moves in order stay in order
    }
    await store.transition("third", ["pending"], "applying", {});
    expect((await store.lastApplied("prod", "fraud"))?.id).toBe("first");
    expect((await store.lastApplied("prod", "churn"))?.id).toBe("other-endpoint");
    expect(await store.lastApplied("prod", "nothing-here")).toBeUndefined();
  });

  it("keeps an admin's freeze override with the change", async () => {
    const store = await create();
    const override = { by: "teams:aad-admin", reason: "hotfix for incident 4711" };
    await store.create(change("overridden", { override }));
    expect((await store.get("overridden"))?.override).toEqual(override);
    expect((await store.transition("overridden", ["pending"], "applying", {}))?.override).toEqual(override);
  });
});
