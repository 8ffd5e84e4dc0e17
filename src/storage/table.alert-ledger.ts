/**
 * The alert ledger in Azure Table storage. Events: PartitionKey = encoded dedupe key, RowKey = "event"; `claim` is a
 * conditional insert (409 = seen before), so two deliveries of one event post once; a claim whose holder died is
 * taken over after its lease by an ETag-conditional replace. Bursts: PartitionKey = `burst|{workspace}|{endpoint}`,
 * RowKey = "burst", the burst as JSON; writes are If-Match on the entity's ETag, which is the burst's version.
 */
import type { TableClient } from "@azure/data-tables";
import * as z from "zod";
import type { ScaleBurst } from "../../commands/alerts/scale-burst.js";
import { InfrastructureError } from "../../commands/errors.js";
import type { AlertLedger, EventClaim, VersionedBurst } from "../../commands/ports/alert-ledger.port.js";
import type { Clock } from "../../commands/ports/clock.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import { guard, hasStatus, infrastructureError, isAbortError } from "./storage-errors.js";
import { encodeKey } from "./table-keys.js";

/** The table name the runtime ensures at start-up. */
export const ALERT_LEDGER_TABLE = "amlalertledger";
const EVENT_ROW = "event";
const BURST_ROW = "burst";
const MAX_CLAIM_ROUNDS = 3;

const stepSchema = z.object({
  deployment: z.string(),
  direction: z.enum(["out", "in"]),
  oldCapacity: z.number().optional(),
  newCapacity: z.number().optional(),
  reason: z.string().optional(),
  at: z.string(),
  dedupeKey: z.string(),
});
const burstSchema = z.object({
  id: z.string(),
  workspace: z.string(),
  endpoint: z.string(),
  startedAt: z.string(),
  lastAt: z.string(),
  steps: z.array(stepSchema).min(1),
  setting: z.string().optional(),
});

export interface TableAlertLedgerOptions {
  /** How long a claim holds before another delivery may take it over. Default 2 minutes: dispatching takes seconds. */
  readonly leaseInMs?: number;
  readonly clock?: Clock;
}

export class TableAlertLedger implements AlertLedger {
  readonly #table: TableClient;
  readonly #leaseInMs: number;
  readonly #clock: Clock;

  /** `table` must exist (see `StorageClients.ensure`). */
  constructor(table: TableClient, options: TableAlertLedgerOptions = {}) {
    this.#table = table;
    this.#leaseInMs = options.leaseInMs ?? 120_000;
    this.#clock = options.clock ?? { now: () => new Date() };
  }

  async claim(dedupeKey: string, options: OperationOptions = {}): Promise<EventClaim> {
    const partitionKey = encodeKey(dedupeKey);
    for (let round = 1; round <= MAX_CLAIM_ROUNDS; round++) {
      const now = this.#clock.now();
      const fresh = { partitionKey, rowKey: EVENT_ROW, state: "claimed", leaseExpiresAt: new Date(now.getTime() + this.#leaseInMs) };
      try {
        await this.#table.createEntity(fresh, { abortSignal: options.abortSignal });
        return "claimed";
      } catch (error) {
        if (isAbortError(error)) throw error;
        if (!hasStatus(error, 409)) throw infrastructureError(`claim alert event in table "${this.#table.tableName}"`, error);
      }
      const existing = await this.#read(partitionKey, EVENT_ROW, options);
      if (!existing) continue; // released in between: try to create again
      if (existing.entity["state"] === "done" || toDate(existing.entity["leaseExpiresAt"]).getTime() > now.getTime()) return "duplicate";
      try {
        await this.#table.updateEntity(fresh, "Replace", { etag: existing.etag, abortSignal: options.abortSignal });
        return "claimed";
      } catch (error) {
        if (isAbortError(error)) throw error;
        // 412 / 404: another delivery took it over, finished or released it first; look again.
        if (!hasStatus(error, 412, 404)) throw infrastructureError(`take over alert event in table "${this.#table.tableName}"`, error);
      }
    }
    // Deliveries keep racing for it: one of them has it.
    return "duplicate";
  }

  async complete(dedupeKey: string, options: OperationOptions = {}): Promise<void> {
    const entity = { partitionKey: encodeKey(dedupeKey), rowKey: EVENT_ROW, state: "done", completedAt: this.#clock.now() };
    await guard(`complete alert event in table "${this.#table.tableName}"`, () => this.#table.upsertEntity(entity, "Merge", { abortSignal: options.abortSignal }));
  }

  async release(dedupeKey: string, options: OperationOptions = {}): Promise<void> {
    const partitionKey = encodeKey(dedupeKey);
    const existing = await this.#read(partitionKey, EVENT_ROW, options);
    if (existing?.entity["state"] !== "claimed") return;
    try {
      await this.#table.deleteEntity(partitionKey, EVENT_ROW, { etag: existing.etag, abortSignal: options.abortSignal });
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (!hasStatus(error, 412, 404)) throw infrastructureError(`release alert event in table "${this.#table.tableName}"`, error);
    }
  }

  async getBurst(workspace: string, endpoint: string, options: OperationOptions = {}): Promise<VersionedBurst | undefined> {
    const existing = await this.#read(burstKey(workspace, endpoint), BURST_ROW, options);
    if (!existing) return undefined;
    let burst: ScaleBurst;
    try {
      burst = burstSchema.parse(JSON.parse(String(existing.entity["burst"])));
    } catch (error) {
      throw new InfrastructureError(`Unreadable scale burst of ${workspace}/${endpoint} in table "${this.#table.tableName}"`, { cause: error });
    }
    return { burst, version: existing.etag };
  }

  async saveBurst(burst: ScaleBurst, ifVersion: string | undefined, options: OperationOptions = {}): Promise<string | undefined> {
    const entity = { partitionKey: burstKey(burst.workspace, burst.endpoint), rowKey: BURST_ROW, burst: JSON.stringify(burst) };
    try {
      const response =
        ifVersion === undefined
          ? await this.#table.createEntity(entity, { abortSignal: options.abortSignal })
          : await this.#table.updateEntity(entity, "Replace", { etag: ifVersion, abortSignal: options.abortSignal });
      if (!response.etag) throw new Error("the service returned no ETag");
      return response.etag;
    } catch (error) {
      if (isAbortError(error)) throw error;
      // 409: someone created it first; 412: someone wrote since we read; 404: deleted in between.
      if (hasStatus(error, 409, 412, 404)) return undefined;
      throw infrastructureError(`save scale burst in table "${this.#table.tableName}"`, error);
    }
  }

  async #read(partitionKey: string, rowKey: string, options: OperationOptions): Promise<{ entity: Record<string, unknown>; etag: string } | undefined> {
    try {
      const entity = await this.#table.getEntity<Record<string, unknown>>(partitionKey, rowKey, { abortSignal: options.abortSignal });
      return { entity, etag: entity.etag };
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (hasStatus(error, 404)) return undefined;
      throw infrastructureError(`read alert ledger from table "${this.#table.tableName}"`, error);
    }
  }
}

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

function burstKey(workspace: string, endpoint: string): string {
  return encodeKey(`burst|${workspace}|${endpoint}`.toLowerCase());
}
