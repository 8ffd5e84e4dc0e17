/**
 * Channel defaults (`aml use`) in Azure Table storage: PartitionKey = platform, RowKey = channel id, both encoded
 * with `encodeKey` (Teams conversation ids and others may hold characters Tables forbids in keys).
 */
import type { TableClient } from "@azure/data-tables";
import type { ChannelRef } from "../../commands/invocation.js";
import type { ChannelDefaults, ChannelSettings } from "../../commands/ports/channel-settings.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import { guard, hasStatus, infrastructureError, isAbortError } from "./storage-errors.js";
import { encodeKey } from "./table-keys.js";

interface ChannelDefaultsProperties {
  /** The original, unencoded id, for people reading the table. */
  channelId: string;
  workspace?: string;
  endpoint?: string;
}

export class TableChannelSettings implements ChannelSettings {
  readonly #table: TableClient;

  /** `table` must exist (see `StorageClients.ensure`). */
  constructor(table: TableClient) {
    this.#table = table;
  }

  async getDefaults(channel: ChannelRef, options: OperationOptions = {}): Promise<ChannelDefaults> {
    let entity: Record<string, unknown>;
    try {
      entity = await this.#table.getEntity<Record<string, unknown>>(encodeKey(channel.platform), encodeKey(channel.id), {
        abortSignal: options.abortSignal,
      });
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (hasStatus(error, 404)) return {};
      throw infrastructureError(`read channel settings from table "${this.#table.tableName}"`, error);
    }
    const defaults: { workspace?: string; endpoint?: string } = {};
    if (typeof entity["workspace"] === "string") defaults.workspace = entity["workspace"];
    if (typeof entity["endpoint"] === "string") defaults.endpoint = entity["endpoint"];
    return defaults;
  }

  /** Replaces the channel's defaults; a part left undefined is cleared. */
  async setDefaults(channel: ChannelRef, defaults: ChannelDefaults, options: OperationOptions = {}): Promise<void> {
    const properties: ChannelDefaultsProperties = { channelId: channel.id };
    if (defaults.workspace !== undefined) properties.workspace = defaults.workspace;
    if (defaults.endpoint !== undefined) properties.endpoint = defaults.endpoint;
    const entity = { partitionKey: encodeKey(channel.platform), rowKey: encodeKey(channel.id), ...properties };
    await guard(`write channel settings to table "${this.#table.tableName}"`, () =>
      this.#table.upsertEntity<ChannelDefaultsProperties>(entity, "Replace", { abortSignal: options.abortSignal }),
    );
  }
}
