/**
 * Change freezes made in chat (`aml freeze`) in Azure Table storage: PartitionKey = the workspace alias (lower case),
 * RowKey = the freeze id, both encoded with `encodeKey`. A change checks its workspace's partition, one query.
 */
import { odata, type TableClient } from "@azure/data-tables";
import * as z from "zod";
import { compareFreezes, type Freeze, type Freezes, type ListFreezesOptions } from "../../commands/ports/freezes.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import { guard, hasStatus, infrastructureError, isAbortError } from "./storage-errors.js";
import { encodeKey } from "./table-keys.js";

/** The table name the runtime ensures at start-up. */
export const FREEZES_TABLE = "amlfreezes";
const MAX_LIST = 1_000;

const entitySchema = z.looseObject({
  id: z.string(),
  workspace: z.string(),
  endpoint: z.string().nullish(),
  from: z.coerce.date(),
  until: z.coerce.date(),
  reason: z.string(),
  by: z.string(),
  timeZone: z.string(),
  createdAt: z.coerce.date(),
});

export class TableFreezes implements Freezes {
  readonly #table: TableClient;

  /** `table` must exist (see `StorageClients.ensure`). */
  constructor(table: TableClient) {
    this.#table = table;
  }

  async add(freeze: Freeze, options: OperationOptions = {}): Promise<void> {
    const { endpoint, ...rest } = freeze;
    const workspace = freeze.workspace.toLowerCase();
    const entity = { partitionKey: encodeKey(workspace), rowKey: encodeKey(freeze.id), ...rest, workspace, ...(endpoint !== undefined ? { endpoint } : {}) };
    try {
      await this.#table.createEntity(entity, { abortSignal: options.abortSignal });
    } catch (error) {
      if (isAbortError(error)) throw error;
      // 409: the same freeze, stored by an earlier delivery of the same command.
      if (!hasStatus(error, 409)) throw infrastructureError(`add a freeze in table "${this.#table.tableName}"`, error);
    }
  }

  async remove(workspace: string, id: string, options: OperationOptions = {}): Promise<boolean> {
    try {
      await this.#table.deleteEntity(encodeKey(workspace.toLowerCase()), encodeKey(id), { abortSignal: options.abortSignal });
      return true;
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (hasStatus(error, 404)) return false;
      throw infrastructureError(`remove a freeze from table "${this.#table.tableName}"`, error);
    }
  }

  async list(options: ListFreezesOptions = {}): Promise<Freeze[]> {
    const filter = options.workspace === undefined ? undefined : odata`PartitionKey eq ${encodeKey(options.workspace.toLowerCase())}`;
    const freezes: Freeze[] = [];
    await guard(`list freezes in table "${this.#table.tableName}"`, async () => {
      for await (const entity of this.#table.listEntities<Record<string, unknown>>({ ...(filter ? { queryOptions: { filter } } : {}), abortSignal: options.abortSignal })) {
        const parsed = entitySchema.safeParse(entity);
        if (!parsed.success) throw new Error(`unexpected entity: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
        const { id, workspace, endpoint, from, until, reason, by, timeZone, createdAt } = parsed.data;
        freezes.push({ id, workspace, ...(endpoint ? { endpoint } : {}), from, until, reason, by, timeZone, createdAt });
        if (freezes.length >= MAX_LIST) break;
      }
    });
    return freezes.sort(compareFreezes);
  }
}

