/**
 * Chart pictures served at `GET /api/charts/{id}`, so a Teams card can show a chart by URL: a card carrying the PNG
 * as a `data:` URL outgrows the ~28 KB Teams message limit. The id is the only credential (the route is anonymous),
 * so it is 128 random bits, never derived from the content or the channel. One entity per picture:
 * PartitionKey = RowKey = id, the bytes in one binary property (Tables allows 64 KiB per property; larger pictures
 * are refused and the caller keeps its fallback), and `expiresAt`, checked on read. Nothing deletes expired rows:
 * they are small and a Tables lifecycle policy or a sweep can come later.
 */
import { randomBytes } from "node:crypto";
import type { TableClient } from "@azure/data-tables";
import type { Clock } from "../../commands/ports/clock.port.js";
import { guard, hasStatus, infrastructureError, isAbortError } from "./storage-errors.js";

/** The table name the runtime ensures at start-up. */
export const CHART_IMAGES_TABLE = "amlcharts";
/** Tables' limit for one binary property. */
export const MAX_CHART_IMAGE_BYTES = 64 * 1024;
const DEFAULT_TTL_IN_MS = 30 * 24 * 60 * 60_000;
/** 32 lower-case hex digits: what `put` makes. Anything else is not looked up at all. */
export const CHART_IMAGE_ID = /^[0-9a-f]{32}$/;

export interface StoredChartImage {
  readonly bytes: Uint8Array;
  readonly mimeType: string;
}

export class ChartImageTooLargeError extends RangeError {
  constructor(size: number) {
    super(`Chart image too large to store: ${size} bytes, at most ${MAX_CHART_IMAGE_BYTES}.`);
    this.name = "ChartImageTooLargeError";
  }
}

export class TableChartImages {
  readonly #table: TableClient;
  readonly #clock: Clock;
  readonly #ttlInMs: number;

  /** `table` must exist (see `StorageClients.ensure`). */
  constructor(table: TableClient, options: { readonly clock: Clock; readonly ttlInMs?: number }) {
    this.#table = table;
    this.#clock = options.clock;
    this.#ttlInMs = options.ttlInMs ?? DEFAULT_TTL_IN_MS;
  }

  /**
   * Stores the picture and resolves with its new id. Throws `ChartImageTooLargeError` above 64 KiB, and a
   * RangeError for anything but PNG: the route serves `image/png` to anyone, so nothing else may get in.
   */
  async put(bytes: Uint8Array, mimeType: string): Promise<string> {
    if (mimeType !== "image/png" || !isPng(bytes)) throw new RangeError(`Only PNG chart images are stored (got ${mimeType}).`);
    if (bytes.byteLength > MAX_CHART_IMAGE_BYTES) throw new ChartImageTooLargeError(bytes.byteLength);
    const id = randomBytes(16).toString("hex");
    const expiresAt = new Date(this.#clock.now().getTime() + this.#ttlInMs);
    // createEntity, not upsert: a (vanishingly unlikely) id collision fails instead of replacing someone's chart.
    await guard(`save chart image to table "${this.#table.tableName}"`, () =>
      this.#table.createEntity({ partitionKey: id, rowKey: id, mimeType, image: new Uint8Array(bytes), expiresAt }),
    );
    return id;
  }

  /** The picture, or undefined when the id is malformed, unknown or expired. */
  async get(id: string): Promise<StoredChartImage | undefined> {
    if (!CHART_IMAGE_ID.test(id)) return undefined;
    let entity: Record<string, unknown>;
    try {
      entity = await this.#table.getEntity<Record<string, unknown>>(id, id);
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (hasStatus(error, 404)) return undefined;
      throw infrastructureError(`read chart image from table "${this.#table.tableName}"`, error);
    }
    const { image, mimeType, expiresAt } = entity;
    if (!(image instanceof Uint8Array) || typeof mimeType !== "string") {
      throw infrastructureError(`read chart image from table "${this.#table.tableName}"`, new Error("unexpected entity: image or mimeType missing"));
    }
    const expires = expiresAt instanceof Date ? expiresAt : new Date(String(expiresAt));
    if (!(expires.getTime() > this.#clock.now().getTime())) return undefined;
    return { bytes: image, mimeType };
  }
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

export function isPng(bytes: Uint8Array): boolean {
  return bytes.byteLength >= PNG_SIGNATURE.length && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}
