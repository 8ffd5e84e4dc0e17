/**
 * Pending changes in Azure Table storage: one entity per change, PartitionKey = encoded change id, RowKey = "change".
 * `transition` is a compare-and-swap on the entity's ETag (If-Match), so concurrent Apply/Cancel clicks and
 * redelivered jobs move a change exactly once. Expired changes are returned as they are; the core decides what
 * expiry means.
 */
import type { TableClient } from "@azure/data-tables";
import { z } from "zod";
import { InfrastructureError } from "../../commands/errors.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import type { PendingChange, PendingChanges, PendingState, PendingTransition } from "../../commands/ports/pending-change.port.js";
import { hasStatus, infrastructureError, isAbortError } from "./storage-errors.js";
import { encodeKey } from "./table-keys.js";

const ROW_KEY = "change";
/** A Table string property holds at most 32 K UTF-16 code units. */
const MAX_PAYLOAD_CHARS = 32_000;
const MAX_TRANSITION_ATTEMPTS = 5;
const STATES = ["pending", "applying", "applied", "failed", "stale", "cancelled"] as const satisfies readonly PendingState[];

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
  state: PendingState;
  attempt?: string;
  updatedAt?: Date;
  actedBy?: string;
  note?: string;
  /** JSON of the reply that ended the attempt; dropped when over the property limit (the core then re-reads Azure). */
  result?: string;
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
  state: z.enum(STATES),
  attempt: z.string().nullish(),
  updatedAt: z.coerce.date().nullish(),
  actedBy: z.string().nullish(),
  note: z.string().nullish(),
  result: z.string().nullish(),
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
  const { resourceEtag, attempt, updatedAt, actedBy, note, result, ...rest } = entitySchema.parse(entity);
  return {
    ...rest,
    ...(resourceEtag ? { etag: resourceEtag } : {}),
    ...(attempt ? { attempt } : {}),
    ...(updatedAt ? { updatedAt } : {}),
    ...(actedBy ? { actedBy } : {}),
    ...(note ? { note } : {}),
    ...(result ? { result } : {}),
  };
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

  async transition(
    id: string,
    from: readonly PendingState[],
    to: PendingState,
    fields: PendingTransition = {},
    options: OperationOptions = {},
  ): Promise<PendingChange | undefined> {
    const partitionKey = encodeKey(id);
    const update: Partial<PendingChangeProperties> = { state: to, updatedAt: new Date(), ...fields };
    if (update.result !== undefined && update.result.length > MAX_PAYLOAD_CHARS) delete update.result;
    for (let attempt = 1; attempt <= MAX_TRANSITION_ATTEMPTS; attempt++) {
      const entity = await this.#read(id, options);
      if (!entity || !from.includes(entity["state"] as PendingState)) return undefined;
      try {
        await this.#table.updateEntity<Partial<PendingChangeProperties>>({ partitionKey, rowKey: ROW_KEY, ...update }, "Merge", {
          etag: entity.etag,
          abortSignal: options.abortSignal,
        });
        return toChange({ ...entity, ...update });
      } catch (error) {
        if (isAbortError(error)) throw error;
        // 412: someone changed it since we read it (most likely moved it); 404: deleted. Re-read and decide.
        if (!hasStatus(error, 412, 404)) throw infrastructureError(`update pending change in table "${this.#table.tableName}"`, error);
      }
    }
    throw new InfrastructureError(`Pending change ${id}: could not move it to ${to} after ${MAX_TRANSITION_ATTEMPTS} conflicting attempts`);
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
