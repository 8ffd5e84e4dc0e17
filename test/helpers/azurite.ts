/**
 * One Azurite (table + queue, in memory) per test file: call `useAzurite()` at the top level of a test file.
 * Tests isolate themselves with unique table/queue names (`uniqueTableName`, `uniqueQueueName`).
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { startAzurite, type AzuriteInstance, type StartAzuriteOptions } from "../../tools/azurite.js";
import { StorageClients } from "../../src/storage/storage-clients.js";

let counter = 0;

/** Letters and digits only, starts with a letter: valid for Azure Tables. */
export function uniqueTableName(prefix = "t"): string {
  return `${prefix.replace(/[^A-Za-z0-9]/g, "")}${++counter}x${randomBytes(4).toString("hex")}`;
}

/** Lowercase, digits and single hyphens: valid for Azure Queues (leaves room for `-poison`). */
export function uniqueQueueName(prefix = "q"): string {
  return `${prefix.toLowerCase().replace(/[^a-z0-9]/g, "")}-${++counter}-${randomBytes(4).toString("hex")}`;
}

export interface AzuriteFixture {
  /** Available inside tests and hooks (after `beforeAll`). */
  readonly azurite: AzuriteInstance;
  readonly clients: StorageClients;
}

export function useAzurite(options: StartAzuriteOptions = {}): AzuriteFixture {
  let azurite: AzuriteInstance | undefined;
  let clients: StorageClients | undefined;
  beforeAll(async () => {
    azurite = await startAzurite(options);
    clients = StorageClients.fromConnectionString(azurite.connectionString);
  });
  afterAll(async () => {
    await azurite?.close();
  });
  return {
    get azurite() {
      if (!azurite) throw new Error("Azurite is not started yet: use the fixture inside tests or hooks");
      return azurite;
    },
    get clients() {
      if (!clients) throw new Error("Azurite is not started yet: use the fixture inside tests or hooks");
      return clients;
    },
  };
}
