/**
 * Notification keys → message ids, in Azure Table storage: PartitionKey = `<platform>:<channel id>`, RowKey =
 * `<thread|update>:<key>` (encoded with `encodeKey`; a key too long for a RowKey is hashed). A key is reserved
 * by a conditional insert (409 = someone else has it) before its message is posted; a reservation older than
 * `staleAfterInMs` belongs to a poster that died and is taken over with an ETag-conditional replace, so exactly
 * one poster wins that too.
 */
import { createHash, randomUUID } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import type { ChannelRef } from "../../commands/invocation.js";
import type { Clock } from "../../commands/ports/clock.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import type { MessageRefClaim, MessageRefKind, MessageRefs } from "../notify/message-refs.js";
import { guard, hasStatus, infrastructureError, isAbortError } from "./storage-errors.js";
import { encodeKey } from "./table-keys.js";

/** The table name the runtime ensures at start-up. */
export const MESSAGE_REFS_TABLE = "amlmessagerefs";
const MAX_PLAIN_KEY = 200;
const MAX_ROUNDS = 5;

interface RefRow {
  state: "reserved" | "posted";
  /** The key as given, for people reading the table. */
  key: string;
  owner: string;
  reservedAt: Date;
  ref?: string;
}

/** Keys remembered as posted before the set starts over. */
const POSTED_LIMIT = 5_000;

export class TableMessageRefs implements MessageRefs {
  readonly #table: TableClient;
  readonly #clock: Clock;
  readonly #staleAfterInMs: number;
  readonly #owner = randomUUID();
  /**
   * Keys this process saw posted: a claim of one reads first, since its insert would fail with 409 (a round trip and
   * an error) before the read that answers; a promotion's card is claimed once per transition. Only the order is
   * cached, not the answer: a key reposted elsewhere is read as it is.
   */
  readonly #posted = new Set<string>();

  /** `table` must exist (see `StorageClients.ensure`). */
  constructor(table: TableClient, options: { readonly clock?: Clock; readonly staleAfterInMs?: number } = {}) {
    this.#table = table;
    this.#clock = options.clock ?? { now: () => new Date() };
    this.#staleAfterInMs = options.staleAfterInMs ?? 60_000;
  }

  async claim(channel: ChannelRef, kind: MessageRefKind, key: string, options: OperationOptions = {}): Promise<MessageRefClaim> {
    const [partitionKey, rowKey] = keys(channel, kind, key);
    const mine: RefRow = { state: "reserved", key, owner: this.#owner, reservedAt: this.#clock.now() };
    const seen = `${partitionKey}\n${rowKey}`;
    if (this.#posted.has(seen)) {
      const found = await this.#read(partitionKey, rowKey, options);
      if (found?.row.state === "posted" && found.row.ref) return { kind: "posted", ref: found.row.ref };
      this.#posted.delete(seen); // released or reserved again since: claim it as usual
    }
    for (let round = 0; round < MAX_ROUNDS; round++) {
      try {
        await this.#table.createEntity({ partitionKey, rowKey, ...mine }, { abortSignal: options.abortSignal });
        return { kind: "mine" };
      } catch (error) {
        if (isAbortError(error)) throw error;
        if (!hasStatus(error, 409)) throw infrastructureError(`reserve a message key in table "${this.#table.tableName}"`, error);
      }
      const found = await this.#read(partitionKey, rowKey, options);
      if (found === undefined) continue; // released meanwhile: try the insert again
      if (found.row.state === "posted" && found.row.ref) {
        this.#remember(seen);
        return { kind: "posted", ref: found.row.ref };
      }
      if (toDate(found.row.reservedAt).getTime() + this.#staleAfterInMs > this.#clock.now().getTime()) return { kind: "held" };
      try {
        await this.#table.updateEntity({ partitionKey, rowKey, ...mine }, "Replace", { etag: found.etag, abortSignal: options.abortSignal });
        return { kind: "mine" };
      } catch (error) {
        if (isAbortError(error)) throw error;
        if (!hasStatus(error, 412, 404)) throw infrastructureError(`take over a message key in table "${this.#table.tableName}"`, error);
      }
    }
    return { kind: "held" };
  }

  async save(channel: ChannelRef, kind: MessageRefKind, key: string, ref: string, options: OperationOptions = {}): Promise<void> {
    const [partitionKey, rowKey] = keys(channel, kind, key);
    const row: RefRow = { state: "posted", key, owner: this.#owner, reservedAt: this.#clock.now(), ref };
    await guard(`save a message key in table "${this.#table.tableName}"`, () =>
      this.#table.upsertEntity({ partitionKey, rowKey, ...row }, "Replace", { abortSignal: options.abortSignal }),
    );
    this.#remember(`${partitionKey}\n${rowKey}`);
  }

  #remember(seen: string): void {
    this.#posted.add(seen);
    // Bounded: past the limit it starts over, and a forgotten key costs one failed insert again.
    if (this.#posted.size > POSTED_LIMIT) this.#posted.clear();
  }

  async release(channel: ChannelRef, kind: MessageRefKind, key: string, options: OperationOptions = {}): Promise<void> {
    const [partitionKey, rowKey] = keys(channel, kind, key);
    const found = await this.#read(partitionKey, rowKey, options);
    if (found === undefined || found.row.state !== "reserved" || found.row.owner !== this.#owner) return;
    try {
      await this.#table.deleteEntity(partitionKey, rowKey, { etag: found.etag, abortSignal: options.abortSignal });
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (!hasStatus(error, 412, 404)) throw infrastructureError(`release a message key in table "${this.#table.tableName}"`, error);
    }
  }

  async #read(partitionKey: string, rowKey: string, options: OperationOptions): Promise<{ row: RefRow; etag: string } | undefined> {
    try {
      const entity = await this.#table.getEntity<RefRow>(partitionKey, rowKey, { abortSignal: options.abortSignal });
      return { row: entity, etag: entity.etag };
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (hasStatus(error, 404)) return undefined;
      throw infrastructureError(`read a message key from table "${this.#table.tableName}"`, error);
    }
  }
}

function keys(channel: ChannelRef, kind: MessageRefKind, key: string): [string, string] {
  const row = key.length > MAX_PLAIN_KEY ? `sha256:${createHash("sha256").update(key).digest("hex")}` : key;
  return [encodeKey(`${channel.platform}:${channel.id}`), encodeKey(`${kind}:${row}`)];
}

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}
