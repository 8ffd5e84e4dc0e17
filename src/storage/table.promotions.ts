/**
 * Promotions in Azure Table storage, two kinds of row in one table:
 *
 *   - the record: PartitionKey `p:<id>`, RowKey `promotion`, the whole promotion (src/storage/promotion-entity.ts).
 *     `get` is one point read, and `update` a point read and a write conditional on its ETag, or the write alone
 *     when this process read or wrote the row last (see `update`). A partition per
 *     promotion, as pending changes have: the transitions of many concurrent promotions spread over partitions
 *     instead of sharing one partition's 2,000 operations a second.
 *   - an index row per promotion: PartitionKey `e:<workspace>|<endpoint>`, RowKey `<inverted createdAt>_<id>`, holding
 *     only the id, workspace, endpoint, createdAt and `done` (in a final state). Listing one endpoint's promotions is
 *     one partition query of small rows, newest first, and `active` (the endpoint's lock) skips done ones on the
 *     service, so it reads the records of the running ones only, however many promotions the endpoint had before.
 *
 * The index row is written before the record, so a promotion that exists is always listed (an index row whose
 * record was never written is skipped). Everything but `done` in it is immutable; `done` only ever turns true, set
 * after the update that made the record final. Should that write fail, the index says "not done" of a finished
 * promotion: `list` then reads the record, leaves it out of an `active` list, and sets `done` itself.
 */
import { odata, type TableClient, type TableEntityResult } from "@azure/data-tables";
import { InfrastructureError } from "../../commands/errors.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import type { ListPromotionsOptions, Promotion, PromotionUpdate, Promotions } from "../../commands/ports/promotions.port.js";
import { applyPromotionUpdate, comparePromotions, isFinalPromotion, matchesPromotionFilter, normalisePromotion } from "../../commands/promote/promotion-record.js";
import { fromEntity, InvalidPromotionRow, storedForm, toProperties } from "./promotion-entity.js";
import { guard, hasStatus, infrastructureError, isAbortError } from "./storage-errors.js";
import { encodeKey, invertedTimestamp } from "./table-keys.js";

/** The table name the runtime ensures (deploy/main.bicep creates it). */
export const PROMOTIONS_TABLE = "amlpromotions";
const RECORD_ROW = "promotion";
/**
 * Each lost race means another write won since the loser's read, so an update fails this many times only with as
 * many concurrent writers on one promotion (in practice: a transition and a button click).
 */
const MAX_UPDATE_ATTEMPTS = 32;
/** Records read at once while listing. */
const READ_CONCURRENCY = 16;
/** Rows this process read or wrote last, kept to skip `update`'s read; more running promotions than this just read. */
const LAST_SEEN_LIMIT = 1_000;

interface IndexProperties {
  id: string;
  workspace: string;
  endpoint: string;
  createdAt: Date;
  done: boolean;
}

type Row = Record<string, unknown> & { etag: string };

/** A row as this process last read or wrote it: its ETag and the promotion it holds. */
interface Seen {
  readonly etag: string;
  readonly promotion: Promotion;
}

export class TablePromotions implements Promotions {
  readonly #table: TableClient;
  readonly #lastSeen = new Map<string, Seen>();

  /** `table` must exist (see `StorageClients.ensure`). */
  constructor(table: TableClient) {
    this.#table = table;
  }

  async create(promotion: Promotion, options: OperationOptions = {}): Promise<Promotion> {
    const stored = storedForm(normalisePromotion(promotion));
    const properties = toProperties(stored);
    const index: IndexProperties = { id: stored.id, workspace: stored.workspace, endpoint: stored.endpoint, createdAt: stored.createdAt, done: isFinalPromotion(stored) };
    // 409 on either: an earlier delivery of the same job wrote it.
    await this.#insert({ ...indexKeys(stored), ...index }, "index a promotion", options);
    const created = await this.#insert({ partitionKey: recordPartition(stored.id), rowKey: RECORD_ROW, ...properties }, "create a promotion", options);
    if (created) return stored;
    const existing = await this.get(stored.id, options);
    if (!existing) throw new InfrastructureError(`Promotion ${stored.id}: its row exists and then does not (deleted while it was created?)`);
    return existing;
  }

  async get(id: string, options: OperationOptions = {}): Promise<Promotion | undefined> {
    const row = await this.#read(id, options);
    if (!row) return undefined;
    const promotion = this.#parse(id, row);
    this.#see(id, { etag: row.etag, promotion: structuredClone(promotion) });
    return promotion;
  }

  /**
   * A transition reads its promotion and then updates it twice (its intent, then its completion): each update
   * starts from the row as this process last read or wrote it, without reading it again, since the write is
   * conditional on that row's ETag anyway. Another write since (a click on another instance) fails it with 412, and
   * it goes on as without: read, decide again, write. A decision to write nothing is trusted only from a fresh read.
   * In the promotions bench that is two of a transition's five promotion-row calls.
   */
  async update(id: string, update: PromotionUpdate, options: OperationOptions = {}): Promise<Promotion | undefined> {
    for (let attempt = 1; attempt <= MAX_UPDATE_ATTEMPTS; attempt++) {
      // The remembered row on the first attempt only: after a lost race, or a decision to do nothing, read.
      const seen = attempt === 1 ? this.#lastSeen.get(id) : undefined;
      // A copy: what `update` is handed, or what the caller of `get` got, is theirs to change.
      const remembered = seen && { etag: seen.etag, promotion: structuredClone(seen.promotion) };
      let current = remembered;
      if (!current) {
        const row = await this.#read(id, options);
        if (!row) return undefined;
        current = { etag: row.etag, promotion: this.#parse(id, row) };
      }
      // Computed from the row as read: after a lost race, computed again from the winner's row.
      const fields = update(current.promotion);
      if (!fields) {
        if (remembered) continue; // maybe stale: decide on the row itself
        return undefined;
      }
      const next = storedForm(applyPromotionUpdate(current.promotion, fields));
      let written: { etag?: string };
      try {
        // Replace, not Merge: a field the update cleared (a done intent) must leave the row too.
        written = await this.#table.updateEntity({ partitionKey: recordPartition(id), rowKey: RECORD_ROW, ...toProperties(next) }, "Replace", {
          etag: current.etag,
          abortSignal: options.abortSignal,
        });
      } catch (error) {
        if (isAbortError(error)) throw error;
        this.#lastSeen.delete(id);
        // 412: another write won since we read it; 404: deleted. Read again and decide again.
        if (hasStatus(error, 412, 404)) continue;
        throw infrastructureError(`update a promotion in table "${this.#table.tableName}"`, error);
      }
      if (written.etag) this.#see(id, { etag: written.etag, promotion: structuredClone(next) });
      else this.#lastSeen.delete(id);
      if (isFinalPromotion(next) && !isFinalPromotion(current.promotion)) await this.#markDone(next, options);
      return next;
    }
    throw new InfrastructureError(`Promotion ${id}: not updated after ${MAX_UPDATE_ATTEMPTS} attempts, each losing to a concurrent write`);
  }

  async list(options: ListPromotionsOptions = {}): Promise<Promotion[]> {
    const entries = await this.#listIndex(options);
    const promotions: Promotion[] = [];
    for (let i = 0; i < entries.length; i += READ_CONCURRENCY) {
      const batch = entries.slice(i, i + READ_CONCURRENCY);
      const read = await Promise.all(batch.map(async (entry) => ({ entry, row: await this.#read(entry.id, options) })));
      for (const { entry, row } of read) {
        if (!row) continue; // indexed, and its record never written: a create that did not finish
        const promotion = this.#parse(entry.id, row);
        if (!entry.done && isFinalPromotion(promotion)) await this.#markDone(promotion, options);
        if (matchesPromotionFilter(promotion, options)) promotions.push(promotion);
      }
    }
    return promotions.sort(comparePromotions);
  }

  /** The index rows `options` selects, newest first: one partition for an endpoint, a range of them for a workspace. */
  async #listIndex(options: ListPromotionsOptions): Promise<IndexProperties[]> {
    const { workspace, endpoint } = options;
    const conditions: string[] = [];
    if (workspace !== undefined && endpoint !== undefined) {
      conditions.push(odata`PartitionKey eq ${indexPartition(workspace, endpoint)}`);
    } else {
      // `e:<workspace>|` up to `e:<workspace>}` (the next character after `|`), or every index partition.
      const prefix = workspace !== undefined ? indexPartition(workspace, "") : "e:";
      const end = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
      conditions.push(odata`PartitionKey ge ${prefix} and PartitionKey lt ${end}`);
    }
    // Exact matches on the values too: a `|` in a workspace alias could otherwise put another's rows in range.
    if (workspace !== undefined) conditions.push(odata`workspace eq ${workspace}`);
    if (endpoint !== undefined) conditions.push(odata`endpoint eq ${endpoint}`);
    if (options.active) conditions.push(odata`done eq ${false}`);
    const entries: IndexProperties[] = [];
    await guard(`list promotions in table "${this.#table.tableName}"`, async () => {
      const query = { filter: conditions.join(" and "), select: ["id", "workspace", "endpoint", "createdAt", "done"] };
      for await (const entity of this.#table.listEntities<IndexProperties>({ queryOptions: query, abortSignal: options.abortSignal })) {
        entries.push({ id: entity.id, workspace: entity.workspace, endpoint: entity.endpoint, createdAt: new Date(entity.createdAt), done: entity.done === true });
      }
    });
    return entries.sort(comparePromotions);
  }

  async #markDone(promotion: Promotion, options: OperationOptions): Promise<void> {
    try {
      await this.#table.updateEntity({ ...indexKeys(promotion), done: true }, "Merge", { abortSignal: options.abortSignal });
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (hasStatus(error, 404)) return; // no index row to mark
      throw infrastructureError(`mark promotion ${promotion.id} done (${promotion.state}) in table "${this.#table.tableName}"; its record is written`, error);
    }
  }

  /** True when created, false when a row with those keys exists. */
  async #insert(entity: { partitionKey: string; rowKey: string } & Record<string, unknown>, operation: string, options: OperationOptions): Promise<boolean> {
    try {
      await this.#table.createEntity(entity, { abortSignal: options.abortSignal });
      return true;
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (hasStatus(error, 409)) return false;
      throw infrastructureError(`${operation} in table "${this.#table.tableName}"`, error);
    }
  }

  /** Remembers the row, newest last; the oldest goes once there are more than LAST_SEEN_LIMIT. */
  #see(id: string, seen: Seen): void {
    this.#lastSeen.delete(id);
    this.#lastSeen.set(id, seen);
    if (this.#lastSeen.size > LAST_SEEN_LIMIT) this.#lastSeen.delete(this.#lastSeen.keys().next().value!);
  }

  async #read(id: string, options: OperationOptions): Promise<Row | undefined> {
    try {
      const row: TableEntityResult<Record<string, unknown>> = await this.#table.getEntity(recordPartition(id), RECORD_ROW, { abortSignal: options.abortSignal });
      return row;
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (hasStatus(error, 404)) return undefined;
      throw infrastructureError(`read a promotion from table "${this.#table.tableName}"`, error);
    }
  }

  /**
   * A row that is not a promotion is an infrastructure failure, not "not found": the error names the row and the
   * fields (never their values), so an admin can fix or delete it. Until then its endpoint fails closed: `list`
   * throws too, so a lock check cannot miss a promotion it cannot read.
   */
  #parse(id: string, row: Row): Promotion {
    try {
      return fromEntity(row);
    } catch (error) {
      if (!(error instanceof InvalidPromotionRow)) throw error;
      throw new InfrastructureError(
        `Promotion ${id} in table "${this.#table.tableName}" (PartitionKey ${recordPartition(id)}) is not a valid promotion: ${error.fields.join(", ")}`,
        { cause: error },
      );
    }
  }
}

function recordPartition(id: string): string {
  return encodeKey(`p:${id}`);
}

function indexPartition(workspace: string, endpoint: string): string {
  return encodeKey(`e:${workspace}|${endpoint}`);
}

function indexKeys(promotion: Pick<Promotion, "id" | "workspace" | "endpoint" | "createdAt">): { partitionKey: string; rowKey: string } {
  return { partitionKey: indexPartition(promotion.workspace, promotion.endpoint), rowKey: `${invertedTimestamp(promotion.createdAt)}_${encodeKey(promotion.id)}` };
}
