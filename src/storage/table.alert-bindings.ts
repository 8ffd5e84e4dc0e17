/**
 * Alert bindings (`aml alerts bind`) in Azure Table storage: PartitionKey = the workspace alias (lower case),
 * RowKey = `{platform}:{channel id}`, both encoded with `encodeKey` (Teams conversation ids hold characters Tables
 * forbids). One partition query finds a workspace's channels when an event arrives.
 */
import { odata, type TableClient } from "@azure/data-tables";
import * as z from "zod";
import type { ChannelRef } from "../../commands/invocation.js";
import type { AlertBinding, AlertBindings, ListAlertBindingsOptions } from "../../commands/ports/alert-bindings.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import { guard, hasStatus, infrastructureError, isAbortError } from "./storage-errors.js";
import { encodeKey } from "./table-keys.js";

/** The table name the runtime ensures at start-up. */
export const ALERT_BINDINGS_TABLE = "amlalertbindings";
const MAX_LIST = 1_000;

const entitySchema = z.looseObject({
  workspace: z.string(),
  platform: z.enum(["slack", "teams", "terminal"]),
  channelId: z.string(),
  boundBy: z.string(),
  boundAt: z.coerce.date(),
});

export class TableAlertBindings implements AlertBindings {
  readonly #table: TableClient;

  /** `table` must exist (see `StorageClients.ensure`). */
  constructor(table: TableClient) {
    this.#table = table;
  }

  async bind(binding: AlertBinding, options: OperationOptions = {}): Promise<boolean> {
    const workspace = binding.workspace.toLowerCase();
    const entity = {
      partitionKey: encodeKey(workspace),
      rowKey: rowOf(binding.channel),
      workspace,
      platform: binding.channel.platform,
      channelId: binding.channel.id,
      boundBy: binding.boundBy,
      boundAt: binding.boundAt,
    };
    try {
      await this.#table.createEntity(entity, { abortSignal: options.abortSignal });
      return true;
    } catch (error) {
      if (isAbortError(error)) throw error;
      // 409: already bound; keep who bound it first and when.
      if (hasStatus(error, 409)) return false;
      throw infrastructureError(`bind alerts in table "${this.#table.tableName}"`, error);
    }
  }

  async unbind(workspace: string, channel: ChannelRef, options: OperationOptions = {}): Promise<boolean> {
    try {
      await this.#table.deleteEntity(encodeKey(workspace.toLowerCase()), rowOf(channel), { abortSignal: options.abortSignal });
      return true;
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (hasStatus(error, 404)) return false;
      throw infrastructureError(`unbind alerts in table "${this.#table.tableName}"`, error);
    }
  }

  async list(options: ListAlertBindingsOptions = {}): Promise<AlertBinding[]> {
    const filter = options.workspace === undefined ? undefined : odata`PartitionKey eq ${encodeKey(options.workspace.toLowerCase())}`;
    const bindings: AlertBinding[] = [];
    await guard(`list alert bindings in table "${this.#table.tableName}"`, async () => {
      for await (const entity of this.#table.listEntities<Record<string, unknown>>({ ...(filter ? { queryOptions: { filter } } : {}), abortSignal: options.abortSignal })) {
        const parsed = entitySchema.safeParse(entity);
        if (!parsed.success) throw new Error(`unexpected entity: ${parsed.error.issues.map((i) => i.message).join("; ")}`);
        const { workspace, platform, channelId, boundBy, boundAt } = parsed.data;
        bindings.push({ workspace, channel: { platform, id: channelId }, boundBy, boundAt });
        if (bindings.length >= MAX_LIST) break;
      }
    });
    return bindings.sort((a, b) => a.workspace.localeCompare(b.workspace) || a.channel.platform.localeCompare(b.channel.platform) || a.channel.id.localeCompare(b.channel.id));
  }
}

function rowOf(channel: ChannelRef): string {
  return encodeKey(`${channel.platform}:${channel.id}`);
}
