import { describe, expect, it } from "vitest";
import type { AuditRecord } from "../../commands/ports/audit-log.port.js";
import { AUDIT_ALL_PARTITION, TableAuditLog } from "../../src/storage/table.audit-log.js";
import { uniqueTableName, useAzurite } from "../helpers/azurite.js";

const fixture = useAzurite();

async function newLog(): Promise<{ log: TableAuditLog; tableName: string }> {
  const tableName = uniqueTableName("audit");
  await fixture.clients.ensure({ tables: [tableName] });
  return { log: new TableAuditLog(fixture.clients.table(tableName)), tableName };
}

const base = Date.parse("2025-06-01T12:00:00.000Z");
function record(minute: number, overrides: Partial<AuditRecord> = {}): AuditRecord {
  return {
    at: new Date(base + minute * 60_000),
    correlationId: `corr-${minute}`,
    platform: "slack",
    userId: "U123",
    channelId: "C42",
    verb: "status",
    text: `aml status #${minute}`,
    outcome: "ok",
    ...overrides,
  };
}

describe("TableAuditLog", () => {
  it("round-trips every field and lists newest first", async () => {
    const { log } = await newLog();
    const full = record(5, {
      workspace: "prod",
      endpoint: "fraud",
      verb: "traffic",
      before: "blue=100",
      after: "blue=90 green=10",
      outcome: "ok",
      detail: "applied by button",
      at: new Date(base + 5 * 60_000 + 123),
    });
    // Appended out of order on purpose.
    await log.append(record(1));
    await log.append(full);
    await log.append(record(3, { outcome: "denied" }));

    const all = await log.list();
    expect(all.map((r) => r.correlationId)).toEqual(["corr-5", "corr-3", "corr-1"]);
    expect(all[0]).toEqual(full);
    expect(all[2]).toEqual(record(1)); // optional fields stay absent
    expect(all[1]?.outcome).toBe("denied");
  });

  it("filters by endpoint, by endpoint+workspace and by workspace, and honours limit", async () => {
    const { log } = await newLog();
    await log.append(record(1, { workspace: "prod", endpoint: "fraud" }));
    await log.append(record(2, { workspace: "dev", endpoint: "fraud" }));
    await log.append(record(3, { workspace: "prod", endpoint: "churn" }));
    await log.append(record(4, { workspace: "prod" }));
    await log.append(record(5));
    await log.append(record(6, { workspace: "prod", endpoint: "fraud" }));

    const ids = (records: AuditRecord[]) => records.map((r) => r.correlationId);
    expect(ids(await log.list({ endpoint: "fraud" }))).toEqual(["corr-6", "corr-2", "corr-1"]);
    expect(ids(await log.list({ endpoint: "fraud", workspace: "prod" }))).toEqual(["corr-6", "corr-1"]);
    expect(ids(await log.list({ workspace: "prod" }))).toEqual(["corr-6", "corr-4", "corr-3", "corr-1"]);
    expect(ids(await log.list({ endpoint: "fraud", limit: 2 }))).toEqual(["corr-6", "corr-2"]);
    expect(ids(await log.list({ limit: 3 }))).toEqual(["corr-6", "corr-5", "corr-4"]);
    expect(await log.list({ endpoint: "nope" })).toEqual([]);
    expect(await log.list({ limit: 0 })).toEqual([]);
  });

  it("stores each record in its scope partition and in the all partition", async () => {
    const { log, tableName } = await newLog();
    await log.append(record(1, { workspace: "prod", endpoint: "a/b#c" }));
    await log.append(record(2));
    const partitions: string[] = [];
    for await (const entity of fixture.clients.table(tableName).listEntities()) partitions.push(entity.partitionKey ?? "");
    expect(partitions.sort()).toEqual([AUDIT_ALL_PARTITION, AUDIT_ALL_PARTITION, "e:a%2Fb%23c", "general"].sort());
    expect((await log.list({ endpoint: "a/b#c" })).map((r) => r.correlationId)).toEqual(["corr-1"]);
  });

  it("keeps records with the same time and correlation id apart, and a retried append does not duplicate", async () => {
    const { log } = await newLog();
    const command = record(1, { endpoint: "fraud", verb: "traffic", outcome: "previewed" });
    const change = record(1, { endpoint: "fraud", verb: "traffic", outcome: "ok", before: "a", after: "b" });
    await log.append(command);
    await log.append(change);
    await log.append(change); // retry
    const listed = await log.list({ endpoint: "fraud" });
    expect(listed).toHaveLength(2);
    expect(listed.map((r) => r.outcome).sort()).toEqual(["ok", "previewed"]);
  });

  it("filters a larger partition server-side and keeps newest-first order", async () => {
    const { log } = await newLog();
    await Promise.all(Array.from({ length: 30 }, (_, i) => log.append(record(i, { workspace: i % 3 === 0 ? "prod" : "dev" }))));
    const prod = await log.list({ workspace: "prod", limit: 100 });
    expect(prod.map((r) => r.correlationId)).toEqual(
      Array.from({ length: 30 }, (_, i) => 29 - i).filter((i) => i % 3 === 0).map((i) => `corr-${i}`),
    );
    expect(await log.list({ limit: 25 })).toHaveLength(25);
  });

  it("truncates very long texts instead of failing", async () => {
    const { log } = await newLog();
    await log.append(record(1, { text: "x".repeat(50_000) }));
    const [stored] = await log.list();
    expect(stored?.text.length).toBeLessThan(17_000);
    expect(stored?.text).toMatch(/truncated 34000 chars/);
  });
});
