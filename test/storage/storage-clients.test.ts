import { TableClient } from "@azure/data-tables";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { describe, expect, it } from "vitest";
import { ConfigError, InfrastructureError, isCodedError } from "../../commands/errors.js";
import { AZURITE_ACCOUNT_KEY, azuriteConnectionString, findFreePort } from "../../tools/azurite.js";
import { DEFAULT_STORAGE_NAMES, StorageClients, poisonQueueName } from "../../src/storage/storage-clients.js";
import { runtimeStorage } from "../../src/storage/runtime-storage.js";
import { redact } from "../../src/logging/redact.js";
import { TableAuditLog } from "../../src/storage/table.audit-log.js";
import { uniqueQueueName, uniqueTableName, useAzurite } from "../helpers/azurite.js";

const fixture = useAzurite();

describe("StorageClients", () => {
  it("creates missing tables and queues once, and tolerates existing ones", async () => {
    const tables = [uniqueTableName("a"), uniqueTableName("b")];
    const queue = uniqueQueueName("c");
    const resources = { tables, queues: [queue, poisonQueueName(queue)] };
    await fixture.clients.ensure(resources);
    await fixture.clients.ensure(resources); // memoised
    await StorageClients.fromConnectionString(fixture.azurite.connectionString).ensure(resources); // already there
    await fixture.clients.table(tables[0] ?? "").createEntity({ partitionKey: "p", rowKey: "r" });
    await fixture.clients.queue(poisonQueueName(queue)).sendMessage("x");
    expect(fixture.clients.table(tables[0] ?? "")).toBe(fixture.clients.table(tables[0] ?? "")); // cached
  });

  it("ensure(runtimeStorage()) creates every table and queue the runtime uses", async () => {
    const clients = StorageClients.fromConnectionString(fixture.azurite.connectionString);
    await clients.ensure(runtimeStorage());
    const queues: string[] = [];
    for await (const q of (await import("@azure/storage-queue")).QueueServiceClient.fromConnectionString(
      fixture.azurite.connectionString,
    ).listQueues()) {
      queues.push(q.name);
    }
    expect(queues).toEqual(expect.arrayContaining([DEFAULT_STORAGE_NAMES.jobsQueue, `${DEFAULT_STORAGE_NAMES.jobsQueue}-poison`]));
    const tables: string[] = [];
    for await (const t of (await import("@azure/data-tables")).TableServiceClient.fromConnectionString(fixture.azurite.connectionString, {
      allowInsecureConnection: true,
    }).listTables()) {
      tables.push(t.name ?? "");
    }
    expect(tables).toEqual(expect.arrayContaining([...runtimeStorage().tables]));
    expect(runtimeStorage().tables).toContain(DEFAULT_STORAGE_NAMES.auditTable);
  });

  it("creates a missing table on the first call that finds it missing, once for concurrent calls, and sends them again", async () => {
    const creates: string[] = [];
    const spy: PipelinePolicy = {
      name: "spy",
      sendRequest: (request, next) => {
        if (request.method === "POST" && new URL(request.url).pathname.endsWith("/Tables")) creates.push(request.url);
        return next(request);
      },
    };
    const clients = new StorageClients({ connectionString: fixture.azurite.connectionString }, { tableOptions: { additionalPolicies: [{ policy: spy, position: "perRetry" }] } });
    const written = uniqueTableName("lazy");
    await Promise.all(["a", "b", "c"].map((rowKey) => clients.table(written).upsertEntity({ partitionKey: "p", rowKey })));
    expect(creates).toHaveLength(1);
    const rows: string[] = [];
    for await (const entity of clients.table(written).listEntities()) rows.push(entity.rowKey ?? "");
    expect(rows.sort()).toEqual(["a", "b", "c"]);
    // A read of a table nobody wrote to: the table is made, the entity is still not there, a query finds nothing.
    const read = uniqueTableName("lazyread");
    const missing = await clients.table(read).getEntity("p", "r").catch((e: unknown) => e);
    expect((missing as { statusCode?: number }).statusCode).toBe(404);
    expect((missing as Error).message).toContain("ResourceNotFound");
    const none: unknown[] = [];
    for await (const entity of clients.table(uniqueTableName("lazylist")).listEntities()) none.push(entity);
    expect(none).toEqual([]);
    expect(creates).toHaveLength(3);
  });

  it("creates a missing queue on the first send or receive, and sends it again", async () => {
    const clients = StorageClients.fromConnectionString(fixture.azurite.connectionString);
    const sent = uniqueQueueName("lazy");
    await Promise.all(["1", "2"].map((text) => clients.queue(sent).sendMessage(text)));
    expect((await clients.queue(sent).peekMessages({ numberOfMessages: 5 })).peekedMessageItems.map((m) => m.messageText).sort()).toEqual(["1", "2"]);
    const received = uniqueQueueName("lazyrecv");
    expect((await clients.queue(received).receiveMessages()).receivedMessageItems).toEqual([]);
    expect(await clients.queue(received).exists()).toBe(true);
    expect(clients.queue(received).name).toBe(received);
  });

  it("rejects invalid table and queue names with a ConfigError", () => {
    expect(() => fixture.clients.table("no-dashes")).toThrow(ConfigError);
    expect(() => fixture.clients.table("1abc")).toThrow(ConfigError);
    expect(() => fixture.clients.queue("Upper")).toThrow(ConfigError);
    expect(() => fixture.clients.queue("double--hyphen")).toThrow(ConfigError);
  });

  it("builds clients from service URLs and a token credential (managed identity shape)", () => {
    const credential = { getToken: async () => ({ token: "t", expiresOnTimestamp: Date.now() + 60_000 }) };
    const clients = StorageClients.fromServiceUrls(
      "https://acct.table.core.windows.net",
      "https://acct.queue.core.windows.net",
      credential,
    );
    expect(clients.table("amlaudit").url).toBe("https://acct.table.core.windows.net");
    expect(clients.queue("aml-jobs").url).toBe("https://acct.queue.core.windows.net/aml-jobs");
  });

  it("throws InfrastructureError with the cause, never the key, when storage fails", async () => {
    // Nothing listens on this port: connection refused, no retries.
    const port = await findFreePort();
    const url = `http://127.0.0.1:${port}/devstoreaccount1`;
    const clients = new StorageClients(
      { connectionString: azuriteConnectionString(url, url) },
      { tableOptions: { retryOptions: { maxRetries: 0 } }, queueOptions: { retryOptions: { maxTries: 1 } } },
    );
    const tableError = await clients.ensure({ tables: ["unreachable"] }).catch((e: unknown) => e);
    expect(tableError).toBeInstanceOf(InfrastructureError);
    expect(isCodedError(tableError)).toBe(true);
    expect((tableError as Error).message).toMatch(/^Storage failure: create table "unreachable"/);
    expect((tableError as Error).message).not.toContain(AZURITE_ACCOUNT_KEY);
    expect((tableError as InfrastructureError).cause).toBeDefined();

    const queueError = await clients.ensure({ queues: ["unreachable"] }).catch((e: unknown) => e);
    expect(queueError).toBeInstanceOf(InfrastructureError);
    expect((queueError as Error).message).not.toContain(AZURITE_ACCOUNT_KEY);

    // A service error (a client of a table that was never created, not one of these clients) is coded too.
    const log = new TableAuditLog(TableClient.fromConnectionString(fixture.azurite.connectionString, uniqueTableName("absent"), { allowInsecureConnection: true }));
    const listError = await log.list().catch((e: unknown) => e);
    expect(listError).toBeInstanceOf(InfrastructureError);
    expect((listError as Error).message).toMatch(/404 TableNotFound The table specified does not exist\.$/);
  });

  it("redacts keys and SAS signatures from messages", () => {
    expect(redact(`AccountKey=${AZURITE_ACCOUNT_KEY};x`)).toBe("AccountKey=[redacted];x");
    expect(redact("https://a.queue.core.windows.net/q?sv=2024&sig=abc%2Fdef&se=1")).toBe(
      "https://a.queue.core.windows.net/q?sv=2024&sig=[redacted]&se=1",
    );
  });
});
