/**
 * Exactly-once guard for jobs, in Azure Table storage: one entity per job id (PartitionKey = encoded id,
 * RowKey = "job"). `claim` creates it (409 = someone has it); a claim whose lease has expired (its worker died
 * mid-job) is taken over by an ETag-conditional replace, so exactly one worker wins the takeover; `complete` marks
 * it done for good. The lease must be longer than any job runs: a worker that outlives its lease may be overtaken.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { TableClient } from "@azure/data-tables";
import { InfrastructureError } from "../../commands/errors.js";
import type { Clock } from "../../commands/ports/clock.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import { guard, hasStatus, infrastructureError, isAbortError } from "./storage-errors.js";
import { encodeKey } from "./table-keys.js";

export type ClaimResult = "claimed" | "done" | "in-progress";

export interface JobLedgerEntry {
  readonly jobId: string;
  readonly state: "in-progress" | "done";
  readonly owner: string;
  readonly claimedAt: Date;
  readonly leaseExpiresAt: Date;
  /** How many times the job was claimed (1 + takeovers). */
  readonly attempts: number;
  readonly completedAt?: Date;
  readonly resultSummary?: string;
}

export interface TableJobLedgerOptions {
  /** How long a claim holds before another worker may take it over. Default 10 minutes. */
  readonly leaseInMs?: number;
  /** Recorded on claims, for diagnosis. Default `<hostname>:<pid>:<random>`. */
  readonly owner?: string;
  readonly clock?: Clock;
}

const ROW_KEY = "job";
const MAX_SUMMARY_CHARS = 16_000;
const MAX_CLAIM_ROUNDS = 5;

interface LedgerProperties {
  jobId: string;
  state: "in-progress" | "done";
  owner: string;
  claimedAt: Date;
  leaseExpiresAt: Date;
  attempts: number;
  completedAt?: Date;
  resultSummary?: string;
}

const systemClock: Clock = { now: () => new Date() };

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

export class TableJobLedger {
  readonly #table: TableClient;
  readonly #leaseInMs: number;
  readonly #owner: string;
  readonly #clock: Clock;

  /** `table` must exist (see `StorageClients.ensure`). */
  constructor(table: TableClient, options: TableJobLedgerOptions = {}) {
    this.#table = table;
    this.#leaseInMs = options.leaseInMs ?? 10 * 60_000;
    this.#owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#clock = options.clock ?? systemClock;
  }

  get owner(): string {
    return this.#owner;
  }

  /**
   * `claimed`: the caller owns the job and must run it, then `complete` (or `release` on failure).
   * `done`: it already ran; acknowledge the message. `in-progress`: another worker holds a live claim; retry later.
   */
  async claim(jobId: string, options: OperationOptions = {}): Promise<ClaimResult> {
    const partitionKey = encodeKey(jobId);
    for (let round = 1; round <= MAX_CLAIM_ROUNDS; round++) {
      const now = this.#clock.now();
      const fresh: LedgerProperties = {
        jobId,
        state: "in-progress",
        owner: this.#owner,
        claimedAt: now,
        leaseExpiresAt: new Date(now.getTime() + this.#leaseInMs),
        attempts: 1,
      };
      try {
        await this.#table.createEntity({ partitionKey, rowKey: ROW_KEY, ...fresh }, { abortSignal: options.abortSignal });
        return "claimed";
      } catch (error) {
        if (isAbortError(error)) throw error;
        if (!hasStatus(error, 409)) throw infrastructureError(`claim job in table "${this.#table.tableName}"`, error);
      }

      const existing = await this.#read(partitionKey, options);
      if (!existing) continue; // released in between: try to create again
      if (existing.entry.state === "done") return "done";
      if (existing.entry.leaseExpiresAt.getTime() > now.getTime()) return "in-progress";
      try {
        await this.#table.updateEntity(
          { partitionKey, rowKey: ROW_KEY, ...fresh, attempts: existing.entry.attempts + 1 },
          "Replace",
          { etag: existing.etag, abortSignal: options.abortSignal },
        );
        return "claimed";
      } catch (error) {
        if (isAbortError(error)) throw error;
        // 412: another worker took it over (or completed it) first; 404: released. Look again.
        if (!hasStatus(error, 412, 404)) throw infrastructureError(`take over job in table "${this.#table.tableName}"`, error);
      }
    }
    throw new InfrastructureError(`Job ${jobId}: claim kept conflicting after ${MAX_CLAIM_ROUNDS} rounds`);
  }

  /** Marks the job done; later claims return `done`. */
  async complete(jobId: string, resultSummary: string, options: OperationOptions = {}): Promise<void> {
    const summary = resultSummary.length > MAX_SUMMARY_CHARS ? `${resultSummary.slice(0, MAX_SUMMARY_CHARS)}…` : resultSummary;
    const update: Partial<LedgerProperties> = { jobId, state: "done", completedAt: this.#clock.now(), resultSummary: summary };
    await guard(`complete job in table "${this.#table.tableName}"`, () =>
      this.#table.upsertEntity({ partitionKey: encodeKey(jobId), rowKey: ROW_KEY, ...update }, "Merge", {
        abortSignal: options.abortSignal,
      }),
    );
  }

  /**
   * Gives up this worker's in-progress claim after a failure, so the retried message can claim at once instead of
   * waiting for the lease. Does nothing if the job is done or claimed by someone else.
   */
  async release(jobId: string, options: OperationOptions = {}): Promise<void> {
    const partitionKey = encodeKey(jobId);
    const existing = await this.#read(partitionKey, options);
    if (!existing || existing.entry.state !== "in-progress" || existing.entry.owner !== this.#owner) return;
    try {
      await this.#table.deleteEntity(partitionKey, ROW_KEY, { etag: existing.etag, abortSignal: options.abortSignal });
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (!hasStatus(error, 412, 404)) throw infrastructureError(`release job in table "${this.#table.tableName}"`, error);
    }
  }

  async get(jobId: string, options: OperationOptions = {}): Promise<JobLedgerEntry | undefined> {
    return (await this.#read(encodeKey(jobId), options))?.entry;
  }

  /**
   * Runs `work` at most once to completion across workers and redeliveries: `done` and `in-progress` skip it and
   * return the claim result; a failure releases the claim and rethrows (so the queue retries).
   */
  async runOnce(jobId: string, work: () => Promise<string>, options: OperationOptions = {}): Promise<ClaimResult> {
    const claim = await this.claim(jobId, options);
    if (claim !== "claimed") return claim;
    let summary: string;
    try {
      summary = await work();
    } catch (error) {
      await this.release(jobId).catch(() => undefined); // the lease expires anyway
      throw error;
    }
    await this.complete(jobId, summary, options);
    return "claimed";
  }

  async #read(partitionKey: string, options: OperationOptions): Promise<{ entry: JobLedgerEntry; etag: string } | undefined> {
    let entity: Record<string, unknown> & { etag: string };
    try {
      entity = await this.#table.getEntity<Record<string, unknown>>(partitionKey, ROW_KEY, { abortSignal: options.abortSignal });
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (hasStatus(error, 404)) return undefined;
      throw infrastructureError(`read job from table "${this.#table.tableName}"`, error);
    }
    const entry: { -readonly [K in keyof JobLedgerEntry]: JobLedgerEntry[K] } = {
      jobId: String(entity["jobId"]),
      state: entity["state"] === "done" ? "done" : "in-progress",
      owner: String(entity["owner"] ?? ""),
      claimedAt: toDate(entity["claimedAt"]),
      leaseExpiresAt: toDate(entity["leaseExpiresAt"]),
      attempts: Number(entity["attempts"] ?? 1),
    };
    if (entity["completedAt"] !== undefined) entry.completedAt = toDate(entity["completedAt"]);
    if (typeof entity["resultSummary"] === "string") entry.resultSummary = entity["resultSummary"];
    return { entry, etag: entity.etag };
  }
}
