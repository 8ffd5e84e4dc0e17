/**
 * Azurite (table + queue, in memory) for a test file: call `useAzurite()` at the top level of a test file. The files
 * a test worker runs one after the other share one Azurite, started by the first that asks (vitest runs them in one
 * process: `isolate: false`), so each file does not spend two Node processes' start-up on its own; it stops when the
 * worker exits. Tests isolate themselves with unique table/queue names (`uniqueTableName`, `uniqueQueueName`); a
 * file that uses the runtime's fixed names asks for its own with `useAzurite({ own: true })`.
 */
import { randomBytes } from "node:crypto";
import { afterAll, beforeAll } from "vitest";
import { startAzurite, type AzuriteInstance } from "../../tools/azurite.js";
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

let workerAzurite: Promise<AzuriteInstance> | undefined;

/** The worker's Azurite, started on first use; a failed start is not kept. Its processes stop when the worker exits. */
function sharedAzurite(): Promise<AzuriteInstance> {
  workerAzurite ??= startAzurite().catch((error: unknown) => {
    workerAzurite = undefined;
    throw error;
  });
  return workerAzurite;
}

export function useAzurite(options: { readonly own?: boolean } = {}): AzuriteFixture {
  let azurite: AzuriteInstance | undefined;
  let clients: StorageClients | undefined;
  beforeAll(async () => {
    azurite = options.own ? await startAzurite() : await sharedAzurite();
    clients = StorageClients.fromConnectionString(azurite.connectionString);
  });
  afterAll(async () => {
    if (options.own) await azurite?.close();
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
