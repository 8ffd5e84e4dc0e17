/**
 * Scheduled digests in Azure Table storage.
 * - Subscriptions: PartitionKey = `<platform>:<channel id>` (encoded), RowKey = the subscription id, so a channel's
 *   list is one partition and the timer's is one scan of a small table.
 * - Runs: a `TableJobLedger` on a second table, one entry per subscription and due time: the conditional insert
 *   that lets exactly one timer post a run, and the lease after which a run whose poster died is tried again.
 */
import { createHash } from "node:crypto";
import { odata, type TableClient, type TableEntity } from "@azure/data-tables";
import * as z from "zod";
import type { ChannelRef } from "../../commands/invocation.js";
import type { Clock } from "../../commands/ports/clock.port.js";
import type { DigestRunClaim, DigestSubscription, DigestSubscriptions, ListSubscriptionsOptions } from "../../commands/ports/digest-subscriptions.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import { guard, hasStatus, infrastructureError, isAbortError } from "./storage-errors.js";
import { TableJobLedger } from "./table.job-ledger.js";
import { encodeKey } from "./table-keys.js";

/** Table names the runtime ensures at start-up. */
export const DIGEST_SUBSCRIPTIONS_TABLE = "amldigests";
export const DIGEST_RUNS_TABLE = "amldigestruns";
const HOUR = 3_600_000;
/** How long a digest run stays claimed when its poster died: the run is then tried again. */
export const DIGEST_RUN_LEASE_IN_MS = 10 * 60_000;

const PLATFORMS = ["slack", "teams", "terminal"] as const;

const optionalDate = z.coerce
  .date()
  .nullish()
  .transform((value) => value ?? undefined);

const entitySchema = z.looseObject({
  id: z.string(),
  platform: z.enum(PLATFORMS),
  channelId: z.string(),
  workspace: z.string(),
  endpoint: z
    .string()
    .nullish()
    .transform((value) => value ?? undefined),
  schedule: z.string(),
  timeZone: z.string(),
  // Whole hours: 30 days of milliseconds do not fit the Int32 a Table number is stored as.
  periodHours: z.number().int().min(1),
  createdBy: z.string(),
  createdAt: z.coerce.date(),
  lastDueAt: optionalDate,
  lastDigestAt: optionalDate,
});

export class TableDigestSubscriptions implements DigestSubscriptions {
  readonly #table: TableClient;
  readonly #runs: TableJobLedger;
  readonly #clock: Clock;

  /**
   * Both tables must exist (see `StorageClients.ensure`). `leaseInMs`: how long a claimed run stays claimed, default
   * 10 minutes. Runs are claimed and completed without a heartbeat, so the lease must outlast the slowest digest.
   */
  constructor(table: TableClient, runsTable: TableClient, options: { readonly clock?: Clock; readonly leaseInMs?: number } = {}) {
    this.#table = table;
    this.#clock = options.clock ?? { now: () => new Date() };
    this.#runs = new TableJobLedger(runsTable, { clock: this.#clock, leaseInMs: options.leaseInMs ?? DIGEST_RUN_LEASE_IN_MS });
  }

  async create(s: DigestSubscription, options: OperationOptions = {}): Promise<"created" | "exists"> {
    const entity = {
      partitionKey: partitionOf(s.channel),
      rowKey: encodeKey(s.id),
      id: s.id,
      platform: s.channel.platform,
      channelId: s.channel.id,
      workspace: s.workspace,
      ...(s.endpoint !== undefined ? { endpoint: s.endpoint } : {}),
      schedule: s.schedule,
      timeZone: s.timeZone,
      periodHours: Math.max(1, Math.round(s.periodInMs / HOUR)),
      createdBy: s.createdBy,
      createdAt: s.createdAt,
    };
    try {
      await this.#table.createEntity(entity, { abortSignal: options.abortSignal });
      return "created";
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (hasStatus(error, 409)) return "exists";
      throw infrastructureError(`create digest subscription in table "${this.#table.tableName}"`, error);
    }
  }

  async list(options: ListSubscriptionsOptions = {}): Promise<DigestSubscription[]> {
    const filter = options.channel ? odata`PartitionKey eq ${partitionOf(options.channel)}` : undefined;
    const found: DigestSubscription[] = [];
    await guard(`list digest subscriptions in table "${this.#table.tableName}"`, async () => {
      const query = { ...(filter ? { queryOptions: { filter } } : {}), abortSignal: options.abortSignal };
      for await (const entity of this.#table.listEntities<TableEntity<Record<string, unknown>>>(query)) {
        const parsed = entitySchema.safeParse(entity);
        // A row that does not parse is skipped, not fatal: one bad row must not stop every channel's digest.
        if (parsed.success) found.push(toSubscription(parsed.data));
      }
    });
    return found;
  }

  async delete(channel: ChannelRef, id: string, options: OperationOptions = {}): Promise<boolean> {
    try {
      await this.#table.deleteEntity(partitionOf(channel), encodeKey(id), { abortSignal: options.abortSignal });
      return true;
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (hasStatus(error, 404)) return false;
      throw infrastructureError(`delete digest subscription from table "${this.#table.tableName}"`, error);
    }
  }

  async claimRun(s: DigestSubscription, dueAt: Date, options: OperationOptions = {}): Promise<DigestRunClaim> {
    return this.#runs.claim(runId(s, dueAt), options);
  }

  async completeRun(s: DigestSubscription, dueAt: Date, sentAt: Date | undefined, options: OperationOptions = {}): Promise<void> {
    await this.#runs.complete(runId(s, dueAt), sentAt ? `sent ${sentAt.toISOString()}` : "not delivered", options);
    const update = { partitionKey: partitionOf(s.channel), rowKey: encodeKey(s.id), lastDueAt: dueAt, ...(sentAt ? { lastDigestAt: sentAt } : {}) };
    try {
      await this.#table.updateEntity(update, "Merge", { abortSignal: options.abortSignal });
    } catch (error) {
      if (isAbortError(error)) throw error;
      // Unsubscribed while its digest was being sent: nothing left to record.
      if (!hasStatus(error, 404)) throw infrastructureError(`record digest run in table "${this.#table.tableName}"`, error);
    }
  }
}

function toSubscription(e: z.infer<typeof entitySchema>): DigestSubscription {
  return {
    id: e.id,
    channel: { platform: e.platform, id: e.channelId },
    workspace: e.workspace,
    ...(e.endpoint !== undefined ? { endpoint: e.endpoint } : {}),
    schedule: e.schedule,
    timeZone: e.timeZone,
    periodInMs: e.periodHours * HOUR,
    createdBy: e.createdBy,
    createdAt: e.createdAt,
    ...(e.lastDueAt ? { lastDueAt: e.lastDueAt } : {}),
    ...(e.lastDigestAt ? { lastDigestAt: e.lastDigestAt } : {}),
  };
}

function partitionOf(channel: ChannelRef): string {
  return encodeKey(`${channel.platform}:${channel.id}`);
}

/** Readable, and short whatever the channel id's length: the channel is folded into a hash. */
function runId(s: DigestSubscription, dueAt: Date): string {
  const channel = createHash("sha256").update(`${s.channel.platform}:${s.channel.id}`).digest("hex").slice(0, 16);
  return `${s.id}:${dueAt.toISOString()}:${channel}`;
}
