/**
 * Pending changes in Azure Table storage: one entity per change, PartitionKey = encoded change id, RowKey = "change".
 * `transition` is a compare-and-swap on the entity's ETag (If-Match), so concurrent Apply/Cancel clicks and
 * redelivered jobs move a change exactly once. Expired changes are returned as they are; the core decides what
 * expiry means.
 */
import { odata, type TableClient } from "@azure/data-tables";
import * as z from "zod";
import { InfrastructureError } from "../../commands/errors.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import type { ApprovalRequest } from "../../commands/approvals/approval-request.js";
import { PENDING_STATES, type FreezeOverride, type PendingChange, type PendingChanges, type PendingState, type PendingTransition, type PendingUpdate } from "../../commands/ports/pending-change.port.js";
import { hasStatus, infrastructureError, isAbortError } from "./storage-errors.js";
import { encodeKey } from "./table-keys.js";

const ROW_KEY = "change";
/** A Table string property holds at most 32 K UTF-16 code units. */
const MAX_PAYLOAD_CHARS = 32_000;
const MAX_TRANSITION_ATTEMPTS = 5;

interface PendingChangeProperties {
  id: string;
  verb: string;
  workspace: string;
  endpoint: string;
  /** JSON of `payload`. */
  payload: string;
  /** The endpoint's ETag captured at preview time (`etag` itself is the entity's own ETag in the SDK). */
  resourceEtag?: string;
  requestedBy: string;
  requestedByName?: string;
  channelId: string;
  createdAt: Date;
  expiresAt: Date;
  state: PendingState;
  attempt?: string;
  updatedAt?: Date;
  actedBy?: string;
  actedByName?: string;
  note?: string;
  /** JSON of the reply that ended the attempt; dropped when over the property limit (the core then re-reads Azure). */
  result?: string;
  /** JSON of the approval request; `awaitingApproval` mirrors "pending with a request" so the sweep can query it. */
  approval?: string;
  awaitingApproval?: boolean;
  /** JSON of the admin's freeze override given with the change. */
  override?: string;
}

const entitySchema = z.object({
  id: z.string(),
  verb: z.string(),
  workspace: z.string(),
  endpoint: z.string(),
  payload: z.string().transform((text, ctx) => {
    try {
      const value: unknown = JSON.parse(text);
      if (value !== null && typeof value === "object" && !Array.isArray(value)) return value as Record<string, unknown>;
    } catch {
      // reported below
    }
    ctx.addIssue({ code: "custom", message: "payload is not a JSON object" });
    return z.NEVER;
  }),
  resourceEtag: z.string().nullish(),
  requestedBy: z.string(),
  requestedByName: z.string().nullish(),
  channelId: z.string(),
  createdAt: z.coerce.date(),
  expiresAt: z.coerce.date(),
  state: z.enum(PENDING_STATES),
  attempt: z.string().nullish(),
  updatedAt: z.coerce.date().nullish(),
  actedBy: z.string().nullish(),
  actedByName: z.string().nullish(),
  note: z.string().nullish(),
  result: z.string().nullish(),
  approval: z.string().nullish(),
  override: z.string().nullish(),
});

function toProperties(change: PendingChange): PendingChangeProperties {
  const payload = JSON.stringify(change.payload);
  if (payload.length > MAX_PAYLOAD_CHARS) {
    throw new RangeError(`Pending change ${change.id}: payload is ${payload.length} characters of JSON, at most ${MAX_PAYLOAD_CHARS}`);
  }
  const properties: PendingChangeProperties = {
    id: change.id,
    verb: change.verb,
    workspace: change.workspace,
    endpoint: change.endpoint,
    payload,
    requestedBy: change.requestedBy,
    channelId: change.channelId,
    createdAt: change.createdAt,
    expiresAt: change.expiresAt,
    state: change.state,
  };
  if (change.etag !== undefined) properties.resourceEtag = change.etag;
  if (change.requestedByName !== undefined) properties.requestedByName = change.requestedByName;
  if (change.actedByName !== undefined) properties.actedByName = change.actedByName;
  if (change.approval !== undefined) Object.assign(properties, approvalProperties(change.approval, change.state));
  if (change.override !== undefined) properties.override = JSON.stringify(change.override);
  return properties;
}

function toChange(entity: Record<string, unknown>): PendingChange {
  const { resourceEtag, attempt, updatedAt, requestedByName, actedBy, actedByName, note, result, approval, override, ...rest } = entitySchema.parse(entity);
  return {
    ...rest,
    ...(approval ? { approval: JSON.parse(approval) as ApprovalRequest } : {}),
    ...(override ? { override: JSON.parse(override) as FreezeOverride } : {}),
    ...(resourceEtag ? { etag: resourceEtag } : {}),
    ...(attempt ? { attempt } : {}),
    ...(updatedAt ? { updatedAt } : {}),
    ...(requestedByName ? { requestedByName } : {}),
    ...(actedBy ? { actedBy } : {}),
    ...(actedByName ? { actedByName } : {}),
    ...(note ? { note } : {}),
    ...(result ? { result } : {}),
  };
}

export class TablePendingChanges implements PendingChanges {
  readonly #table: TableClient;

  /** `table` must exist (see `StorageClients.ensure`). */
  constructor(table: TableClient) {
    this.#table = table;
  }

  /**
   * Stores a new change. Creating the same change again (a redelivered job) is a no-op; a different change with an
   * existing id is a bug and throws.
   */
  async create(change: PendingChange, options: OperationOptions = {}): Promise<void> {
    const properties = toProperties(change);
    const partitionKey = encodeKey(change.id);
    try {
      await this.#table.createEntity({ partitionKey, rowKey: ROW_KEY, ...properties }, { abortSignal: options.abortSignal });
      return;
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (!hasStatus(error, 409)) throw infrastructureError(`create pending change in table "${this.#table.tableName}"`, error);
    }
    const existing = await this.get(change.id, options);
    if (!existing || existing.verb !== change.verb || JSON.stringify(existing.payload) !== properties.payload || existing.requestedBy !== change.requestedBy) {
      throw new InfrastructureError(`Pending change id ${change.id} already exists with different content`);
    }
  }

  async get(id: string, options: OperationOptions = {}): Promise<PendingChange | undefined> {
    const entity = await this.#read(id, options);
    return entity ? toChange(entity) : undefined;
  }

  async transition(
    id: string,
    from: readonly PendingState[],
    to: PendingState,
    fields: PendingUpdate = {},
    options: OperationOptions = {},
  ): Promise<PendingChange | undefined> {
    const partitionKey = encodeKey(id);
    for (let attempt = 1; attempt <= MAX_TRANSITION_ATTEMPTS; attempt++) {
      const entity = await this.#read(id, options);
      if (!entity || !from.includes(entity["state"] as PendingState)) return undefined;
      // Computed from the row as read: a retry after a lost race computes it again from the winner's row.
      const current = toChange(entity);
      const asked = typeof fields === "function" ? fields(current) : fields;
      if (!asked) return undefined;
      const update = updateOf(current, to, asked);
      try {
        await this.#table.updateEntity<Partial<PendingChangeProperties>>({ partitionKey, rowKey: ROW_KEY, ...update }, "Merge", {
          etag: entity.etag,
          abortSignal: options.abortSignal,
        });
        return toChange({ ...entity, ...update });
      } catch (error) {
        if (isAbortError(error)) throw error;
        // 412: someone changed it since we read it (most likely moved it); 404: deleted. Re-read and decide.
        if (!hasStatus(error, 412, 404)) throw infrastructureError(`update pending change in table "${this.#table.tableName}"`, error);
      }
    }
    throw new InfrastructureError(`Pending change ${id}: could not move it to ${to} after ${MAX_TRANSITION_ATTEMPTS} conflicting attempts`);
  }

  async listAwaitingApproval(options: OperationOptions = {}): Promise<PendingChange[]> {
    const changes: PendingChange[] = [];
    const filter = odata`awaitingApproval eq ${true}`;
    try {
      for await (const entity of this.#table.listEntities<Record<string, unknown>>({ queryOptions: { filter }, abortSignal: options.abortSignal })) {
        const change = toChange(entity);
        if (change.state === "pending" && change.approval) changes.push(change);
      }
    } catch (error) {
      if (isAbortError(error)) throw error;
      throw infrastructureError(`list approval requests in table "${this.#table.tableName}"`, error);
    }
    return changes.sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime());
  }

  /**
   * The change on this endpoint applied last. A query on properties, not keys (rows are keyed by change id), so it
   * reads every applied change of the endpoint: a few per day in practice, and only `aml revert` asks.
   */
  async lastApplied(workspace: string, endpoint: string, options: OperationOptions = {}): Promise<PendingChange | undefined> {
    const filter = odata`workspace eq ${workspace} and endpoint eq ${endpoint} and state eq ${"applied"}`;
    let last: PendingChange | undefined;
    try {
      for await (const entity of this.#table.listEntities<Record<string, unknown>>({ queryOptions: { filter }, abortSignal: options.abortSignal })) {
        const change = toChange(entity);
        if (!last || appliedAt(change) > appliedAt(last)) last = change;
      }
    } catch (error) {
      if (isAbortError(error)) throw error;
      throw infrastructureError(`find the last applied change in table "${this.#table.tableName}"`, error);
    }
    return last;
  }

  async #read(id: string, options: OperationOptions): Promise<(Record<string, unknown> & { etag: string }) | undefined> {
    try {
      return await this.#table.getEntity<Record<string, unknown>>(encodeKey(id), ROW_KEY, { abortSignal: options.abortSignal });
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (hasStatus(error, 404)) return undefined;
      throw infrastructureError(`read pending change from table "${this.#table.tableName}"`, error);
    }
  }
}

function appliedAt(change: PendingChange): number {
  return (change.updatedAt ?? change.createdAt).getTime();
}

/** The properties a transition merges into the row. */
function updateOf(current: PendingChange, to: PendingState, fields: PendingTransition): Partial<PendingChangeProperties> {
  const { approval, ...rest } = fields;
  const update: Partial<PendingChangeProperties> = { state: to, updatedAt: new Date(), ...rest };
  if (update.result !== undefined && update.result.length > MAX_PAYLOAD_CHARS) delete update.result;
  const request = approval ?? current.approval;
  if (request) Object.assign(update, approvalProperties(request, to));
  return update;
}

function approvalProperties(request: ApprovalRequest, state: PendingState): Pick<PendingChangeProperties, "approval" | "awaitingApproval"> {
  const approval = JSON.stringify(request);
  if (approval.length > MAX_PAYLOAD_CHARS) throw new RangeError(`Approval request is ${approval.length} characters of JSON, at most ${MAX_PAYLOAD_CHARS}`);
  return { approval, awaitingApproval: state === "pending" };
}
