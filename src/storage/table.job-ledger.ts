/**
 * Exactly-once guard for jobs, in Azure Table storage: one entity per job id (PartitionKey = encoded id,
 * RowKey = "job"). `claim` creates it (409 = someone has it); a claim whose lease has expired (its worker died
 * mid-job) is taken over by an ETag-conditional replace, so exactly one worker wins the takeover; `complete` marks
 * it done for good. The lease is short (30 s by default) and `runOnce` renews it while the work runs (a heartbeat
 * every third of the lease), so a dead worker's job can be taken over within a lease, however long jobs run; a
 * worker whose renewal finds the claim taken over is told through the AbortSignal its work was given.
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

/** `runOnce`'s outcome: a claim result, or `lost` when another worker took the job over while this one ran it. */
export type RunOnceResult = ClaimResult | "lost";

/** The claim a worker holds, as `runOnce` hands it to `onClaimed`. */
export interface HeldClaim {
  /** Random per claim (and per takeover): tells this claim from the ones before and after it. */
  readonly claimId: string;
  /** 1 + takeovers so far, this claim included. */
  readonly attempts: number;
}

export interface RunOnceOptions extends OperationOptions {
  /** Called once the job is claimed, before `work` starts (the lease is already being renewed). A throw releases the claim. */
  readonly onClaimed?: (claim: HeldClaim) => Promise<void>;
}

export interface JobLedgerEntry {
  readonly jobId: string;
  readonly state: "in-progress" | "done";
  readonly owner: string;
  readonly claimedAt: Date;
  readonly leaseExpiresAt: Date;
  /** How many times the job was claimed (1 + takeovers). */
  readonly attempts: number;
  /** Absent on entries written before claims had ids. */
  readonly claimId?: string;
  readonly completedAt?: Date;
  readonly resultSummary?: string;
}

export interface TableJobLedgerOptions {
  /** How long a claim holds before another worker may take it over, unless renewed. Default 30 seconds. */
  readonly leaseInMs?: number;
  /** How often `runOnce` renews the lease while its work runs. Default a third of the lease. */
  readonly renewEveryInMs?: number;
  /** Recorded on claims, for diagnosis. Default `<hostname>:<pid>:<random>`. */
  readonly owner?: string;
  readonly clock?: Clock;
}

export const DEFAULT_JOB_LEASE_IN_MS = 30_000;
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
  claimId: string;
  completedAt?: Date;
  resultSummary?: string;
}

/** What a worker learns when a renewal finds its claim taken over: the reason its work's signal is aborted with. */
export class JobClaimLostError extends Error {
  constructor(readonly jobId: string) {
    super(`Job ${jobId}: another worker took over the claim (this worker's lease lapsed)`);
    this.name = "JobClaimLostError";
  }
}

const systemClock: Clock = { now: () => new Date() };

function toDate(value: unknown): Date {
  return value instanceof Date ? value : new Date(String(value));
}

export class TableJobLedger {
  readonly #table: TableClient;
  readonly #leaseInMs: number;
  readonly #renewEveryInMs: number;
  readonly #owner: string;
  readonly #clock: Clock;
  /** The claims this ledger holds, by job id: what `renew` and `release` may act on. */
  readonly #held = new Map<string, HeldClaim>();

  /** `table` must exist (see `StorageClients.ensure`). */
  constructor(table: TableClient, options: TableJobLedgerOptions = {}) {
    this.#table = table;
    this.#leaseInMs = options.leaseInMs ?? DEFAULT_JOB_LEASE_IN_MS;
    this.#renewEveryInMs = Math.max(1, options.renewEveryInMs ?? Math.floor(this.#leaseInMs / 3));
    this.#owner = options.owner ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
    this.#clock = options.clock ?? systemClock;
  }

  get owner(): string {
    return this.#owner;
  }

  get leaseInMs(): number {
    return this.#leaseInMs;
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
        claimId: randomUUID(),
      };
      try {
        await this.#table.createEntity({ partitionKey, rowKey: ROW_KEY, ...fresh }, { abortSignal: options.abortSignal });
        this.#held.set(jobId, { claimId: fresh.claimId, attempts: fresh.attempts });
        return "claimed";
      } catch (error) {
        if (isAbortError(error)) throw error;
        if (!hasStatus(error, 409)) throw infrastructureError(`claim job in table "${this.#table.tableName}"`, error);
      }

      const existing = await this.#read(partitionKey, options);
      if (!existing) continue; // released in between: try to create again
      if (existing.entry.state === "done") return "done";
      if (existing.entry.leaseExpiresAt.getTime() > now.getTime()) return "in-progress";
      const attempts = existing.entry.attempts + 1;
      try {
        await this.#table.updateEntity({ partitionKey, rowKey: ROW_KEY, ...fresh, attempts }, "Replace", {
          etag: existing.etag,
          abortSignal: options.abortSignal,
        });
        this.#held.set(jobId, { claimId: fresh.claimId, attempts });
        return "claimed";
      } catch (error) {
        if (isAbortError(error)) throw error;
        // 412: another worker took it over (or completed it) first; 404: released. Look again.
        if (!hasStatus(error, 412, 404)) throw infrastructureError(`take over job in table "${this.#table.tableName}"`, error);
      }
    }
    throw new InfrastructureError(`Job ${jobId}: claim kept conflicting after ${MAX_CLAIM_ROUNDS} rounds`);
  }

  /**
   * Extends this worker's claim by a lease from now, with an ETag-conditional update, only while the claim is still
   * the one this ledger made (not taken over, completed or released since). Returns whether it still holds it.
   */
  async renew(jobId: string, options: OperationOptions = {}): Promise<boolean> {
    const partitionKey = encodeKey(jobId);
    for (let round = 1; round <= MAX_CLAIM_ROUNDS; round++) {
      const held = this.#held.get(jobId);
      if (!held) return false;
      const existing = await this.#read(partitionKey, options);
      if (!existing || existing.entry.state !== "in-progress" || existing.entry.claimId !== held.claimId) {
        if (this.#held.get(jobId) === held) this.#held.delete(jobId);
        return false;
      }
      const leaseExpiresAt = new Date(this.#clock.now().getTime() + this.#leaseInMs);
      try {
        await this.#table.updateEntity({ partitionKey, rowKey: ROW_KEY, leaseExpiresAt }, "Merge", { etag: existing.etag, abortSignal: options.abortSignal });
        return true;
      } catch (error) {
        if (isAbortError(error)) throw error;
        // 412 / 404: it changed between the read and the update. Read again: taken over, or not.
        if (!hasStatus(error, 412, 404)) throw infrastructureError(`renew job lease in table "${this.#table.tableName}"`, error);
      }
    }
    throw new InfrastructureError(`Job ${jobId}: lease renewal kept conflicting after ${MAX_CLAIM_ROUNDS} rounds`);
  }

  /** Marks the job done; later claims return `done`. */
  async complete(jobId: string, resultSummary: string, options: OperationOptions = {}): Promise<void> {
    this.#held.delete(jobId);
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
    const held = this.#held.get(jobId);
    this.#held.delete(jobId);
    const existing = await this.#read(partitionKey, options);
    if (!existing || existing.entry.state !== "in-progress" || existing.entry.owner !== this.#owner) return;
    if (held && existing.entry.claimId !== undefined && existing.entry.claimId !== held.claimId) return;
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
   * return the claim result. While `work` runs the lease is renewed every `renewEveryInMs`; if a renewal finds the
   * claim taken over (this worker stalled past its lease), `work`'s signal is aborted with `JobClaimLostError` and
   * the result is `lost` (the new owner runs the job; nothing is released). A failure releases the claim and
   * rethrows (so the queue retries). `options.abortSignal` also aborts `work`'s signal.
   */
  async runOnce(jobId: string, work: (signal: AbortSignal) => Promise<string>, options: RunOnceOptions = {}): Promise<RunOnceResult> {
    const claim = await this.claim(jobId, options);
    if (claim !== "claimed") return claim;
    const held = this.#held.get(jobId)!;
    const lost = new AbortController();
    const signal = options.abortSignal ? AbortSignal.any([options.abortSignal, lost.signal]) : lost.signal;
    const heartbeat = this.#heartbeat(jobId, lost);
    let summary: string;
    try {
      await options.onClaimed?.(held);
      summary = await work(signal);
    } catch (error) {
      await heartbeat.stop();
      if (lost.signal.aborted) return "lost";
      await this.release(jobId).catch(() => undefined); // the lease expires anyway
      throw error;
    }
    await heartbeat.stop();
    // Finished although taken over: the work did happen, so record it (the new owner's run completes it again).
    await this.complete(jobId, summary, options);
    return "claimed";
  }

  /** Renews the claim every `renewEveryInMs` until stopped; aborts `lost` when a renewal finds it taken over. */
  #heartbeat(jobId: string, lost: AbortController): { stop(): Promise<void> } {
    let stopped = false;
    let timer: NodeJS.Timeout | undefined;
    let renewing: Promise<void> = Promise.resolve();
    const tick = (): void => {
      renewing = (async () => {
        try {
          if (!(await this.renew(jobId))) lost.abort(new JobClaimLostError(jobId));
        } catch {
          // A storage hiccup: try again at the next beat (the lease outlasts two missed renewals).
        }
        if (!stopped && !lost.signal.aborted) timer = setTimeout(tick, this.#renewEveryInMs).unref();
      })();
    };
    timer = setTimeout(tick, this.#renewEveryInMs).unref();
    return {
      async stop() {
        stopped = true;
        clearTimeout(timer);
        await renewing;
      },
    };
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
    if (typeof entity["claimId"] === "string") entry.claimId = entity["claimId"];
    if (entity["completedAt"] !== undefined) entry.completedAt = toDate(entity["completedAt"]);
    if (typeof entity["resultSummary"] === "string") entry.resultSummary = entity["resultSummary"];
    return { entry, etag: entity.etag };
  }
}
