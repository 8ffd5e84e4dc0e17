/**
 * Pending changes in Azure Table storage: one entity per change, PartitionKey = encoded change id, RowKey = "change".
 * `settle` is a compare-and-swap on the entity's ETag (If-Match), so concurrent Apply/Cancel clicks and redelivered
 * jobs settle a change exactly once. Expired changes are returned as they are; the core decides what expiry means.
 */
import type { TableClient } from "@azure/data-tables";
import { z } from "zod";
import { InfrastructureError } from "../../commands/errors.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import type { PendingChange, PendingChanges } from "../../commands/ports/pending-change.port.js";
import { hasStatus, infrastructureError, isAbortError } from "./storage-errors.js";
import { encodeKey } from "./table-keys.js";

const ROW_KEY = "change";
/** A Table string property holds at most 32 K UTF-16 code units. */
const MAX_PAYLOAD_CHARS = 32_000;
const MAX_SETTLE_ATTEMPTS = 5;

interface PendingChangeProperties {
  id: string;
  verb: string;
  workspace: string;
  endpoint: string;
  /** JSON of `payload`. */
  payload: string;
  /** The endpoint's ETag captured at preview time (`etag` itself is the entity's own ETag in the SDK). */
  resourceEtag?: string;
  requestedBy: string;
  channelId: string;
  createdAt: Date;
  expiresAt: Date;
  state: PendingChange["state"];
  settledAt?: Date;
}

const entitySchema = z.object({
  id: z.string(),
  verb: z.string(),
  workspace: z.string(),
  endpoint: z.string(),
  payload: z.string().transform((text, ctx) => {
    try {
      const value: unknown = JSON.parse(text);
      if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: "custom", message: "payload is not a JSON object" });
    return z.NEVER;
  }),
  resourceEtag: z.string().nullish(),
  requestedBy: z.string(),
  channelId: z.string(),
  createdAt: z.coerce.date(),
  expiresAt: z.coerce.date(),
  state: z.enum(["pending", "applied", "cancelled"]),
});

function toProperties(change: PendingChange): PendingChangeProperties {
  const payload = JSON.stringify(change.payload);
  if (payload.length > MAX_PAYLOAD_CHARS) {
    throw new RangeError(`Pending change ${change.id}: payload is ${payload.length} characters of JSON, at most ${MAX_PAYLOAD_CHARS}`);
  }
  const properties: PendingChangeProperties = {
    id: change.id,
    verb: change.verb,
    workspace: change.workspace,
    endpoint: change.endpoint,
    payload,
    requestedBy: change.requestedBy,
    channelId: change.channelId,
    createdAt: change.createdAt,
    expiresAt: change.expiresAt,
    state: change.state,
  };
  if (change.etag !== undefined) properties.resourceEtag = change.etag;
  return properties;
}

function toChange(entity: Record<string, unknown>): PendingChange {
  const parsed = entitySchema.parse(entity);
  const { resourceEtag, ...rest } = parsed;
  return resourceEtag ? { ...rest, etag: resourceEtag } : rest;
}

export class TablePendingChanges implements PendingChanges {
  readonly #table: TableClient;

  /** `table` must exist (see `StorageClients.ensure`). */
  constructor(table: TableClient) {
    this.#table = table;
  }

  /**
   * Stores a new change. Creating the same change again (a redelivered job) is a no-op; a different change with an
   * existing id is a bug and throws.
   */
  async create(change: PendingChange, options: OperationOptions = {}): Promise<void> {
    const properties = toProperties(change);
    const partitionKey = encodeKey(change.id);
    try {
      await this.#table.createEntity({ partitionKey, rowKey: ROW_KEY, ...properties }, { abortSignal: options.abortSignal });
      return;
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (!hasStatus(error, 409)) throw infrastructureError(`create pending change in table "${this.#table.tableName}"`, error);
    }
    const existing = await this.get(change.id, options);
    if (!existing || existing.verb !== change.verb || JSON.stringify(existing.payload) !== properties.payload || existing.requestedBy !== change.requestedBy) {
      throw new InfrastructureError(`Pending change id ${change.id} already exists with different content`);
    }
  }

  async get(id: string, options: OperationOptions = {}): Promise<PendingChange | undefined> {
    const entity = await this.#read(id, options);
    return entity ? toChange(entity) : undefined;
  }

  async settle(id: string, state: "applied" | "cancelled", options: OperationOptions = {}): Promise<boolean> {
    const partitionKey = encodeKey(id);
    for (let attempt = 1; attempt <= MAX_SETTLE_ATTEMPTS; attempt++) {
      const entity = await this.#read(id, options);
      if (!entity || entity["state"] !== "pending") return false;
      try {
        await this.#table.updateEntity<Partial<PendingChangeProperties>>(
          { partitionKey, rowKey: ROW_KEY, state, settledAt: new Date() },
          "Merge",
          { etag: entity.etag, abortSignal: options.abortSignal },
        );
        return true;
      } catch (error) {
        if (isAbortError(error)) throw error;
        // 412: someone changed it since we read it (most likely settled it); 404: deleted. Re-read and decide.
        if (!hasStatus(error, 412, 404)) throw infrastructureError(`settle pending change in table "${this.#table.tableName}"`, error);
      }
    }
    throw new InfrastructureError(`Pending change ${id}: could not settle after ${MAX_SETTLE_ATTEMPTS} conflicting attempts`);
  }

  async #read(id: string, options: OperationOptions): Promise<(Record<string, unknown> & { etag: string }) | undefined> {
    try {
      return await this.#table.getEntity<Record<string, unknown>>(encodeKey(id), ROW_KEY, { abortSignal: options.abortSignal });
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (hasStatus(error, 404)) return undefined;
      throw infrastructureError(`read pending change from table "${this.#table.tableName}"`, error);
    }
  }
}
