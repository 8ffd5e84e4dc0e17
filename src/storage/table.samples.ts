/**
 * Saved request bodies (`aml sample save`) in Azure Table storage. PartitionKey = the workspace alias, RowKey =
 * `{endpoint}:{name}`, both lower-cased (AML names are case-insensitive) and encoded with `encodeKey`; so one
 * range query lists an endpoint's samples. A Table string property holds
 * at most 32 K UTF-16 units, so the body is split over `body0`, `body1`, …; a 64 KiB sample needs three.
 * A body that is not plain ASCII is stored as base64 of its UTF-8 (`encoding`): Azurite 3.35 decodes request
 * bodies in 64 KiB pieces and breaks a multi-byte character that straddles two, and base64 also keeps emoji
 * surrogate pairs from being split between chunks. ASCII bodies (most JSON) stay readable in the table.
 */
import { odata, type TableClient, type TableEntity } from "@azure/data-tables";
import * as z from "zod";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import type { Sample, SampleStore } from "../../commands/ports/sample-store.port.js";
import { guard, hasStatus, infrastructureError, isAbortError } from "./storage-errors.js";
import { encodeKey } from "./table-keys.js";

/** The table name the runtime ensures at start-up. */
export const SAMPLES_TABLE = "amlsamples";
const CHUNK_CHARS = 30_000;
/** 64 KiB of JSON is at most 87,382 characters of base64: three chunks, with room to spare. */
const MAX_CHUNKS = 4;
const PLAIN = /^[\x20-\x7e]*$/;
const MAX_LIST = 500;

const entitySchema = z
  .looseObject({
    workspace: z.string(),
    endpoint: z.string(),
    name: z.string(),
    savedBy: z.string(),
    savedAt: z.coerce.date(),
    chunks: z.number().int().min(1).max(MAX_CHUNKS),
    encoding: z.enum(["text", "base64"]).default("text"),
  })
  .transform((entity, ctx): Sample => {
    const parts: string[] = [];
    for (let i = 0; i < entity.chunks; i++) {
      const part = (entity as Record<string, unknown>)[`body${i}`];
      if (typeof part !== "string") {
        ctx.addIssue({ code: "custom", message: `body${i} is missing` });
        return z.NEVER;
      }
      parts.push(part);
    }
    const stored = parts.join("");
    const body = entity.encoding === "base64" ? Buffer.from(stored, "base64").toString("utf8") : stored;
    return { workspace: entity.workspace, endpoint: entity.endpoint, name: entity.name, body, savedBy: entity.savedBy, savedAt: entity.savedAt };
  });

export class TableSampleStore implements SampleStore {
  readonly #table: TableClient;

  /** `table` must exist (see `StorageClients.ensure`). */
  constructor(table: TableClient) {
    this.#table = table;
  }

  async save(sample: Sample, options: OperationOptions = {}): Promise<void> {
    const encoding = PLAIN.test(sample.body) ? "text" : "base64";
    const parts = chunk(encoding === "text" ? sample.body : Buffer.from(sample.body, "utf8").toString("base64"));
    if (parts.length > MAX_CHUNKS) throw new RangeError(`Sample ${sample.name} is too large to store (${sample.body.length} characters).`);
    const chunks = parts.length;
    const body = Object.fromEntries(parts.map((part, i) => [`body${i}`, part]));
    const entity = {
      partitionKey: partitionOf(sample.workspace),
      rowKey: rowOf(sample.endpoint, sample.name),
      workspace: sample.workspace,
      endpoint: sample.endpoint,
      name: sample.name,
      savedBy: sample.savedBy,
      savedAt: sample.savedAt,
      chunks,
      encoding,
      ...body,
    };
    // Replace, not merge: a shorter body must not keep the old body's extra chunks.
    await guard(`save sample to table "${this.#table.tableName}"`, () => this.#table.upsertEntity(entity, "Replace", { abortSignal: options.abortSignal }));
  }

  async get(workspace: string, endpoint: string, name: string, options: OperationOptions = {}): Promise<Sample | undefined> {
    let entity: Record<string, unknown>;
    try {
      entity = await this.#table.getEntity<Record<string, unknown>>(partitionOf(workspace), rowOf(endpoint, name), { abortSignal: options.abortSignal });
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (hasStatus(error, 404)) return undefined;
      throw infrastructureError(`read sample from table "${this.#table.tableName}"`, error);
    }
    return this.#toSample(entity);
  }

  async list(workspace: string, endpoint?: string, options: OperationOptions = {}): Promise<Sample[]> {
    const partition = partitionOf(workspace);
    // `;` sorts right after `:`, so [`{endpoint}:`, `{endpoint};`) is exactly that endpoint's rows.
    const filter =
      endpoint === undefined
        ? odata`PartitionKey eq ${partition}`
        : odata`PartitionKey eq ${partition} and RowKey ge ${`${encodeKey(endpoint.toLowerCase())}:`} and RowKey lt ${`${encodeKey(endpoint.toLowerCase())};`}`;
    const samples: Sample[] = [];
    await guard(`list samples in table "${this.#table.tableName}"`, async () => {
      for await (const entity of this.#table.listEntities<TableEntity<Record<string, unknown>>>({ queryOptions: { filter }, abortSignal: options.abortSignal })) {
        samples.push(this.#toSample(entity));
        if (samples.length >= MAX_LIST) break;
      }
    });
    // RowKey order puts `fraud-scorer:…` before `fraud:…` ('-' < ':'); people expect endpoint, then name.
    return samples.sort((a, b) => a.endpoint.localeCompare(b.endpoint) || a.name.localeCompare(b.name));
  }

  #toSample(entity: Record<string, unknown>): Sample {
    const parsed = entitySchema.safeParse(entity);
    if (!parsed.success) {
      throw infrastructureError(`read sample from table "${this.#table.tableName}"`, new Error(`unexpected entity: ${parsed.error.issues.map((i) => i.message).join("; ")}`));
    }
    return parsed.data;
  }
}

/** Pieces of at most CHUNK_CHARS characters (the text is ASCII here, so any cut is safe). */
function chunk(text: string): string[] {
  const parts: string[] = [];
  for (let start = 0; start < text.length || parts.length === 0; start += CHUNK_CHARS) parts.push(text.slice(start, start + CHUNK_CHARS));
  return parts;
}

function partitionOf(workspace: string): string {
  return encodeKey(workspace.toLowerCase());
}

function rowOf(endpoint: string, name: string): string {
  return `${encodeKey(endpoint.toLowerCase())}:${encodeKey(name.toLowerCase())}`;
}
