/**
 * Builds Table and Queue clients for one storage account: from a connection string (Azurite, local host) or from
 * service URLs plus a `TokenCredential` (Azure, managed identity).
 *
 * Nothing is created on start-up: in Azure the deployment creates the tables and queues (deploy/main.bicep, the
 * names in runtime-storage.ts), and a cold start should not spend a dozen round trips finding them there. Where they
 * may be missing (Azurite, a storage account set up by hand), the clients handed out create them when needed: the
 * first call that the service answers with `TableNotFound` or `QueueNotFound` creates that table or queue, once per
 * process, and is sent again. `ensure` creates them up front, for callers that want that (tests, the bench).
 */
import type { TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy } from "@azure/core-rest-pipeline";
import { TableClient, type TableServiceClientOptions } from "@azure/data-tables";
import { QueueServiceClient, type QueueClient, type StoragePipelineOptions } from "@azure/storage-queue";
import { ConfigError } from "../../commands/errors.js";
import { guard, serviceErrorCode } from "./storage-errors.js";

export type StorageConnection =
  | { readonly connectionString: string }
  | { readonly tableUrl: string; readonly queueUrl: string; readonly credential: TokenCredential };

/** Default names; tests and parallel environments pass their own. */
export const DEFAULT_STORAGE_NAMES = {
  auditTable: "amlaudit",
  pendingChangesTable: "amlpending",
  channelSettingsTable: "amlchannels",
  jobLedgerTable: "amljobledger",
  teamsConversationsTable: "amlteamsconv",
  jobsQueue: "aml-jobs",
} as const;

export interface StorageNames {
  readonly auditTable: string;
  readonly pendingChangesTable: string;
  readonly channelSettingsTable: string;
  readonly jobLedgerTable: string;
  /** Teams conversation references and posted cards. */
  readonly teamsConversationsTable: string;
  readonly jobsQueue: string;
}

/** The Functions host moves a message that failed `maxDequeueCount` times to `<queue>-poison`. */
export function poisonQueueName(queueName: string): string {
  return `${queueName}-poison`;
}

const TABLE_NAME = /^[A-Za-z][A-Za-z0-9]{2,62}$/;
const QUEUE_NAME = /^(?=.{3,63}$)[a-z0-9]+(-[a-z0-9]+)*$/;

export function assertTableName(name: string): void {
  if (!TABLE_NAME.test(name)) {
    throw new ConfigError(`Invalid table name "${name}": 3–63 letters or digits, starting with a letter.`);
  }
}

export function assertQueueName(name: string): void {
  if (!QUEUE_NAME.test(name)) {
    throw new ConfigError(
      `Invalid queue name "${name}": 3–63 lowercase letters, digits and single hyphens, not starting or ending with a hyphen.`,
    );
  }
}

function tableEndpointOf(connectionString: string): string | undefined {
  return /(?:^|;)\s*TableEndpoint=([^;]+)/i.exec(connectionString)?.[1]?.trim();
}

function isLoopbackHttp(url: string | undefined): boolean {
  if (!url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "http:" && ["127.0.0.1", "localhost", "[::1]"].includes(parsed.hostname);
  } catch {
    return false;
  }
}

export interface EnsureResources {
  readonly tables?: readonly string[];
  readonly queues?: readonly string[];
  readonly abortSignal?: AbortSignal;
}

/** The queue calls that need the queue to exist, and create it when it does not (deleting needs no queue). */
const QUEUE_CALLS_THAT_CREATE: ReadonlySet<PropertyKey> = new Set<keyof QueueClient>(["sendMessage", "receiveMessages", "peekMessages"]);

export class StorageClients {
  readonly #connection: StorageConnection;
  readonly #queueService: QueueServiceClient;
  readonly #tables = new Map<string, TableClient>();
  readonly #queues = new Map<string, QueueClient>();
  readonly #ensured = new Map<string, Promise<void>>();
  readonly #tableOptions: TableServiceClientOptions;

  constructor(connection: StorageConnection, options: { readonly tableOptions?: TableServiceClientOptions; readonly queueOptions?: StoragePipelineOptions } = {}) {
    this.#connection = connection;
    this.#tableOptions = options.tableOptions ?? {};
    try {
      this.#queueService =
        "connectionString" in connection
          ? QueueServiceClient.fromConnectionString(connection.connectionString, options.queueOptions)
          : new QueueServiceClient(connection.queueUrl, connection.credential, options.queueOptions);
    } catch (error) {
      // The SDK's message never includes the key, but do not echo the connection string either.
      throw new ConfigError("Storage connection is invalid (check the connection string or the queue service URL).", {
        cause: error instanceof Error ? new Error(error.message.replace(/AccountKey=[^;]*/g, "AccountKey=[redacted]")) : undefined,
      });
    }
  }

  static fromConnectionString(connectionString: string): StorageClients {
    return new StorageClients({ connectionString });
  }

  /** Azure: `https://<account>.table.core.windows.net`, `https://<account>.queue.core.windows.net`, managed identity. */
  static fromServiceUrls(tableUrl: string, queueUrl: string, credential: TokenCredential): StorageClients {
    return new StorageClients({ tableUrl, queueUrl, credential });
  }

  table(name: string): TableClient {
    assertTableName(name);
    let client = this.#tables.get(name);
    if (!client) {
      const connection = this.#connection;
      // Every request of this client, entity reads and writes and each page of a query, goes through it.
      const createWhenMissing: PipelinePolicy = {
        name: "createTableWhenMissing",
        sendRequest: (request, next) => this.#createWhenMissing("TableNotFound", () => this.#createTable(name), () => next(request)),
      };
      const options: TableServiceClientOptions = { ...this.#tableOptions, additionalPolicies: [...(this.#tableOptions.additionalPolicies ?? []), { policy: createWhenMissing, position: "perCall" }] };
      try {
        client =
          "connectionString" in connection
            ? TableClient.fromConnectionString(connection.connectionString, name, {
                ...options,
                // The SDK refuses plain http unless told; allow it for a loopback endpoint (Azurite) only.
                ...(isLoopbackHttp(tableEndpointOf(connection.connectionString)) ? { allowInsecureConnection: true } : {}),
              })
            : new TableClient(connection.tableUrl, name, connection.credential, options);
      } catch (error) {
        throw new ConfigError("Storage connection is invalid (check the connection string or the table service URL).", {
          cause: error instanceof Error ? new Error(error.message.replace(/AccountKey=[^;]*/g, "AccountKey=[redacted]")) : undefined,
        });
      }
      this.#tables.set(name, client);
    }
    return client;
  }

  queue(name: string): QueueClient {
    assertQueueName(name);
    let client = this.#queues.get(name);
    if (!client) {
      const plain = this.#queueService.getQueueClient(name);
      // The Queue SDK takes no pipeline policy: its calls that need the queue are wrapped instead.
      client = new Proxy(plain, {
        get: (target, key) => {
          const value: unknown = Reflect.get(target, key, target);
          if (typeof value !== "function" || !QUEUE_CALLS_THAT_CREATE.has(key)) return value;
          const call = value as (...args: unknown[]) => Promise<unknown>;
          return (...args: unknown[]) => this.#createWhenMissing("QueueNotFound", () => this.#createQueue(name), () => call.apply(target, args));
        },
      });
      this.#queues.set(name, client);
    }
    return client;
  }

  /** Creates the tables and queues if missing. Idempotent and memoised: each resource is created at most once per process. */
  async ensure(resources: EnsureResources): Promise<void> {
    const { abortSignal } = resources;
    await Promise.all([...(resources.tables ?? []).map((name) => this.#createTable(name, abortSignal)), ...(resources.queues ?? []).map((name) => this.#createQueue(name, abortSignal))]);
  }

  #createTable(name: string, abortSignal?: AbortSignal): Promise<void> {
    const client = this.table(name);
    return this.#once(`table:${name}`, () => guard(`create table "${name}"`, () => client.createTable({ abortSignal })));
  }

  #createQueue(name: string, abortSignal?: AbortSignal): Promise<void> {
    const client = this.queue(name);
    return this.#once(`queue:${name}`, () => guard(`create queue "${name}"`, async () => void (await client.createIfNotExists({ abortSignal }))));
  }

  /** `send`, and when the service answers `missing`, `create` (memoised) and `send` once more. */
  async #createWhenMissing<T>(missing: "TableNotFound" | "QueueNotFound", create: () => Promise<void>, send: () => Promise<T>): Promise<T> {
    try {
      return await send();
    } catch (error) {
      if (serviceErrorCode(error) !== missing) throw error;
      await create();
      return send();
    }
  }

  #once(key: string, create: () => Promise<void>): Promise<void> {
    let pending = this.#ensured.get(key);
    if (!pending) {
      pending = create().catch((error: unknown) => {
        this.#ensured.delete(key); // allow a later retry
        throw error;
      });
      this.#ensured.set(key, pending);
    }
    return pending;
  }
}
