/**
 * Audit log in Azure Table storage.
 *
 * Layout: every record is written twice, with the same RowKey, by idempotent upserts:
 *   - to its scope partition: `e:<endpoint>` when it names an endpoint, otherwise `general`;
 *   - to the `all` partition.
 * RowKey = inverted timestamp (17 digits) + `_` + correlation id + `_` + short content hash, so ascending RowKey
 * order (the order Tables returns within a partition) is newest first, and a retried append rewrites the same row.
 *
 * Queries are always single-partition: `{endpoint}` reads `e:<endpoint>` (with `workspace eq` as a server-side
 * filter when a workspace is given too); `{workspace}` alone and no filter read `all` (filtered by workspace when
 * given). Pages are read until `limit` records are found, so nothing is sorted in memory.
 */
import { createHash } from "node:crypto";
import { odata, type TableClient, type TableEntity } from "@azure/data-tables";
import * as z from "zod";
import type { AuditLog, AuditOutcome, AuditRecord, ListAuditOptions } from "../../commands/ports/audit-log.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import { guard } from "./storage-errors.js";
import { encodeKey, invertedTimestamp } from "./table-keys.js";

export const AUDIT_ALL_PARTITION = "all";
export const AUDIT_GENERAL_PARTITION = "general";
export const DEFAULT_AUDIT_LIST_LIMIT = 50;
export const MAX_AUDIT_LIST_LIMIT = 1000;
/** A Table string property holds at most 64 KiB (32 K UTF-16 units); long texts are cut with a marker. */
const MAX_TEXT_CHARS = 16_000;

const OUTCOMES = ["ok", "denied", "invalid", "not-found", "conflict", "failed", "error", "previewed"] as const satisfies readonly AuditOutcome[];

const optionalText = z
  .string()
  .nullish()
  .transform((value) => value ?? undefined);

const auditEntitySchema = z.object({
  at: z.coerce.date(),
  correlationId: z.string(),
  platform: z.string(),
  userId: z.string(),
  channelId: z.string(),
  verb: z.string(),
  text: z.string(),
  workspace: optionalText,
  endpoint: optionalText,
  before: optionalText,
  after: optionalText,
  outcome: z.enum(OUTCOMES),
  detail: optionalText,
});

interface AuditProperties {
  at: Date;
  correlationId: string;
  platform: string;
  userId: string;
  channelId: string;
  verb: string;
  text: string;
  workspace?: string;
  endpoint?: string;
  before?: string;
  after?: string;
  outcome: AuditOutcome;
  detail?: string;
}

function clip(value: string): string {
  return value.length <= MAX_TEXT_CHARS ? value : `${value.slice(0, MAX_TEXT_CHARS)}… [truncated ${value.length - MAX_TEXT_CHARS} chars]`;
}

export function auditScopePartition(endpoint: string | undefined): string {
  return endpoint ? `e:${encodeKey(endpoint)}` : AUDIT_GENERAL_PARTITION;
}

export function auditRowKey(record: AuditRecord): string {
  const hash = createHash("sha256")
    .update(JSON.stringify([record.platform, record.userId, record.verb, record.text, record.workspace, record.endpoint, record.before, record.after, record.outcome, record.detail]))
    .digest("hex")
    .slice(0, 12);
  return `${invertedTimestamp(record.at)}_${encodeKey(record.correlationId.slice(0, 200))}_${hash}`;
}

function toProperties(record: AuditRecord): AuditProperties {
  const properties: AuditProperties = {
    at: record.at,
    correlationId: record.correlationId,
    platform: record.platform,
    userId: record.userId,
    channelId: record.channelId,
    verb: record.verb,
    text: clip(record.text),
    outcome: record.outcome,
  };
  if (record.workspace !== undefined) properties.workspace = record.workspace;
  if (record.endpoint !== undefined) properties.endpoint = record.endpoint;
  if (record.before !== undefined) properties.before = clip(record.before);
  if (record.after !== undefined) properties.after = clip(record.after);
  if (record.detail !== undefined) properties.detail = clip(record.detail);
  return properties;
}

function toRecord(entity: Record<string, unknown>): AuditRecord {
  const parsed = auditEntitySchema.parse(entity);
  const record: { -readonly [K in keyof AuditRecord]: AuditRecord[K] } = {
    at: parsed.at,
    correlationId: parsed.correlationId,
    platform: parsed.platform,
    userId: parsed.userId,
    channelId: parsed.channelId,
    verb: parsed.verb,
    text: parsed.text,
    outcome: parsed.outcome,
  };
  if (parsed.workspace !== undefined) record.workspace = parsed.workspace;
  if (parsed.endpoint !== undefined) record.endpoint = parsed.endpoint;
  if (parsed.before !== undefined) record.before = parsed.before;
  if (parsed.after !== undefined) record.after = parsed.after;
  if (parsed.detail !== undefined) record.detail = parsed.detail;
  return record;
}

export class TableAuditLog implements AuditLog {
  readonly #table: TableClient;

  /** `table` must exist (see `StorageClients.ensure`). */
  constructor(table: TableClient) {
    this.#table = table;
  }

  async append(record: AuditRecord, options: OperationOptions = {}): Promise<void> {
    const rowKey = auditRowKey(record);
    const properties = toProperties(record);
    const partitions = [auditScopePartition(record.endpoint), AUDIT_ALL_PARTITION];
    await guard(`append audit record to table "${this.#table.tableName}"`, async () => {
      await Promise.all(
        partitions.map((partitionKey) =>
          this.#table.upsertEntity<AuditProperties>({ partitionKey, rowKey, ...properties }, "Replace", {
            abortSignal: options.abortSignal,
          }),
        ),
      );
    });
  }

  async list(options: ListAuditOptions = {}): Promise<AuditRecord[]> {
    const limit = Math.min(Math.max(Math.trunc(options.limit ?? DEFAULT_AUDIT_LIST_LIMIT), 0), MAX_AUDIT_LIST_LIMIT);
    if (limit === 0) return [];
    const partitionKey = options.endpoint !== undefined ? auditScopePartition(options.endpoint) : AUDIT_ALL_PARTITION;
    let filter = odata`PartitionKey eq ${partitionKey}`;
    if (options.workspace !== undefined) filter += ` and ${odata`workspace eq ${options.workspace}`}`;

    return guard(`list audit records from table "${this.#table.tableName}"`, async () => {
      const records: AuditRecord[] = [];
      const pages = this.#table
        .listEntities<TableEntity<Record<string, unknown>>>({ queryOptions: { filter }, abortSignal: options.abortSignal })
        .byPage({ maxPageSize: Math.min(limit, MAX_AUDIT_LIST_LIMIT) });
      for await (const page of pages) {
        for (const entity of page) {
          records.push(toRecord(entity));
          if (records.length >= limit) return records;
        }
      }
      return records;
    });
  }
}
