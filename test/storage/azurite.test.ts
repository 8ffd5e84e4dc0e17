import { mkdtemp, rm } from "node:fs/promises";
import { createServer, type Server } from "node:net";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { AZURITE_ACCOUNT_KEY, startAzurite, type AzuriteInstance } from "../../tools/azurite.js";
import { StorageClients } from "../../src/storage/storage-clients.js";
import { uniqueQueueName, uniqueTableName } from "../helpers/azurite.js";

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once("error", () => resolve(false)); // still bound by someone
    server.listen(port, "127.0.0.1", () => server.close(() => resolve(true)));
  });
}

describe("startAzurite", () => {
  const started: AzuriteInstance[] = [];
  const dirs: string[] = [];
  afterEach(async () => {
    await Promise.all(started.splice(0).map((a) => a.close()));
    await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
  });

  it("starts table and queue on free loopback ports in well under 2 s on a machine with a core to spare, and frees them on close", async () => {
    const t0 = performance.now();
    const azurite = await startAzurite();
    const elapsed = performance.now() - t0;
    started.push(azurite);
    // The bound is for a machine with a core to spare: on one already running more than a process per core (other
    // suites' child hosts, other work) start-up was measured at 4–5 s, which says nothing about Azurite.
    expect(elapsed).toBeLessThan(loadavg()[0]! < cpus().length ? 2_000 : 8_000);
    expect(azurite.tableUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/devstoreaccount1$/);
    expect(azurite.connectionString).toContain(`TableEndpoint=${azurite.tableUrl}`);
    expect(azurite.connectionString).toContain(`QueueEndpoint=${azurite.queueUrl}`);

    const clients = StorageClients.fromConnectionString(azurite.connectionString);
    const table = uniqueTableName("smoke");
    const queue = uniqueQueueName("smoke");
    await clients.ensure({ tables: [table], queues: [queue] });
    await clients.table(table).createEntity({ partitionKey: "p", rowKey: "r", value: 1 });
    expect((await clients.table(table).getEntity("p", "r"))["value"]).toBe(1);
    await clients.queue(queue).sendMessage("hello");
    expect((await clients.queue(queue).peekMessages()).peekedMessageItems[0]?.messageText).toBe("hello");

    await azurite.close();
    await azurite.close(); // idempotent
    expect(await accepts(azurite.tablePort)).toBe(true);
    expect(await accepts(azurite.queuePort)).toBe(true);
  });

  it("serves more accounts beside the development one, each with its own tables and queues", async () => {
    const azurite = await startAzurite({ accounts: ["second"] });
    started.push(azurite);
    const dev = StorageClients.fromConnectionString(azurite.connectionString);
    const second = StorageClients.fromConnectionString(azurite.connectionStringFor("second"));
    expect(azurite.connectionStringFor("devstoreaccount1")).toBe(azurite.connectionString);
    const table = uniqueTableName("accounts");
    const queue = uniqueQueueName("accounts");
    await Promise.all([dev.ensure({ tables: [table], queues: [queue] }), second.ensure({ tables: [table], queues: [queue] })]);
    await dev.table(table).createEntity({ partitionKey: "p", rowKey: "r", owner: "dev" });
    await second.table(table).createEntity({ partitionKey: "p", rowKey: "r", owner: "second" });
    await second.queue(queue).sendMessage("second's");
    expect((await dev.table(table).getEntity("p", "r"))["owner"]).toBe("dev");
    expect((await second.table(table).getEntity("p", "r"))["owner"]).toBe("second");
    expect((await dev.queue(queue).peekMessages()).peekedMessageItems).toEqual([]);
    expect(() => azurite.connectionStringFor("third")).toThrow("was not started with the account 'third'");
    await expect(startAzurite({ accounts: ["Not_Valid"] })).rejects.toThrow("3 to 24 lowercase letters and digits");
  });

  it("keeps data across a restart on the same location", async () => {
    const location = await mkdtemp(join(tmpdir(), "azurite-test-"));
    dirs.push(location);
    const table = uniqueTableName("persist");
    const queue = uniqueQueueName("persist");

    const first = await startAzurite({ location });
    started.push(first);
    const clients1 = StorageClients.fromConnectionString(first.connectionString);
    await clients1.ensure({ tables: [table], queues: [queue] });
    await clients1.table(table).createEntity({ partitionKey: "p", rowKey: "r", note: "kept" });
    await clients1.queue(queue).sendMessage("still here");
    await first.close();

    const second = await startAzurite({ location });
    started.push(second);
    const clients2 = StorageClients.fromConnectionString(second.connectionString);
    expect((await clients2.table(table).getEntity("p", "r"))["note"]).toBe("kept");
    const peeked = await clients2.queue(queue).peekMessages();
    expect(peeked.peekedMessageItems.map((m) => m.messageText)).toEqual(["still here"]);
  });

  it("fails clearly, with azurite's own output, when the port is taken", async () => {
    const blocker: Server = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, "127.0.0.1", resolve));
    const address = blocker.address();
    const port = typeof address === "object" && address ? address.port : 0;
    try {
      const error: unknown = await startAzurite({ tablePort: port }).then(
        (azurite) => {
          started.push(azurite);
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(Error);
      expect((error as Error).message).toMatch(new RegExp(`table service did not start on 127\\.0\\.0\\.1:${port}`));
      expect((error as Error).message).toMatch(/EADDRINUSE/);
      expect((error as Error).message).not.toContain(AZURITE_ACCOUNT_KEY);
    } finally {
      blocker.close();
    }
  });
});
