/**
 * Runs queued jobs through the job ledger so that a job whose worker died resumes within about a lease, not when
 * the queue gives its message back.
 *
 * Why a watchdog: the Functions queue trigger keeps a message it received invisible for 10 minutes and renews that
 * while the function runs; if the host dies the message stays invisible until those 10 minutes are up (host.json's
 * `visibilityTimeout` only sets the delay after a failed invocation). A maintainer describes this in
 * Azure/azure-webjobs-sdk#1040: "this 10 minute timeout will only occur in rare cases, say if the host dies"; it is
 * not configurable. So the worker does not count on its own message coming back: when it claims a job it queues a
 * delayed copy of it (same id, `watchdog.claimId` = its claim), due a little after the lease would lapse.
 *
 * Each delivery does exactly one of: run the job (and queue one watchdog for that claim), queue one copy of itself
 * (a watchdog whose claim is still alive: look again after the lease), or drop. So there is one watchdog chain
 * per live claim, and it ends when the job is done:
 *   - done → drop;
 *   - in progress with a live lease → this claim's watchdog re-queues itself; any other delivery drops (the claim's
 *     own watchdog covers it);
 *   - lease lapsed (the worker died: no heartbeat) or no claim → claim it, which takes it over (the ledger lets
 *     exactly one delivery win), queue a watchdog for the new claim, run.
 * A failed run releases its claim and takes its watchdog back: the queue retries the failed delivery itself (and
 * poisons it after `maxDequeueCount`), as before. The chain is bounded: a watchdog gives up, logging an error, on a
 * job queued more than `maxAgeInMs` ago, or one that has been claimed `maxAttempts` times without finishing (a
 * job that kills its worker).
 */
import type { Clock } from "../../commands/ports/clock.port.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import type { Job, JobQueue, QueuedMessageReceipt } from "../storage/job-queue.js";
import type { JobLedgerEntry, RunOnceResult, TableJobLedger } from "../storage/table.job-ledger.js";

export interface JobRunnerOptions {
  readonly ledger: TableJobLedger;
  readonly queue: JobQueue;
  readonly logger: Logger;
  readonly clock: Clock;
  /** How long after the lease would lapse a watchdog comes back. Default 5 s. */
  readonly watchdogMarginInMs?: number;
  /** A watchdog does not take over a job that has been claimed this many times without finishing. Default 5. */
  readonly maxAttempts?: number;
  /** A watchdog gives up on a job queued longer ago than this. Default 1 hour. */
  readonly maxAgeInMs?: number;
}

/** What one delivery did. */
export type JobDeliveryOutcome =
  /** This delivery claimed the job and ran it to completion. */
  | "ran"
  /** The job had already run. */
  | "done"
  /** This claim's watchdog: the worker is alive, so it comes back later. */
  | "watching"
  /** Someone else holds a live claim, and that claim's watchdog covers it. */
  | "dropped"
  /** This delivery ran it, but another worker took the claim over meanwhile (this worker's lease lapsed). */
  | "lost"
  /** A watchdog gave up (too many attempts, or too old). */
  | "gave-up";

export type JobWork = (signal: AbortSignal) => Promise<string>;

const DEFAULT_MARGIN_IN_MS = 5_000;
const DEFAULT_MAX_ATTEMPTS = 5;
const DEFAULT_MAX_AGE_IN_MS = 60 * 60_000;

/** The watchdog copy of `job` for the claim `claimId`: the same job, marked. */
export function watchdogCopy(job: Job, claimId: string): Job {
  return { ...job, watchdog: { claimId } };
}

export class JobRunner {
  readonly #ledger: TableJobLedger;
  readonly #queue: JobQueue;
  readonly #logger: Logger;
  readonly #clock: Clock;
  readonly #marginInMs: number;
  readonly #maxAttempts: number;
  readonly #maxAgeInMs: number;

  constructor(options: JobRunnerOptions) {
    this.#ledger = options.ledger;
    this.#queue = options.queue;
    this.#logger = options.logger;
    this.#clock = options.clock;
    this.#marginInMs = options.watchdogMarginInMs ?? DEFAULT_MARGIN_IN_MS;
    this.#maxAttempts = options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS;
    this.#maxAgeInMs = options.maxAgeInMs ?? DEFAULT_MAX_AGE_IN_MS;
  }

  /** How long after a claim its watchdog first comes back. */
  get watchdogDelayInMs(): number {
    return this.#ledger.leaseInMs + this.#marginInMs;
  }

  /**
   * Handles one delivery of `job`. Throws when `work` fails (after releasing the claim), so the queue retries
   * this delivery. `work` gets a signal that aborts when `options.abortSignal` does or the claim is taken over.
   */
  async run(job: Job, work: JobWork, options: OperationOptions = {}): Promise<JobDeliveryOutcome> {
    const fields = { jobId: job.id, kind: job.kind, ...(job.watchdog ? { watchdog: true } : {}) };
    if (job.watchdog) {
      const early = await this.#checkWatchdog(job, fields, options);
      if (early) return early;
    }

    let watchdog: QueuedMessageReceipt | undefined;
    let result: RunOnceResult;
    try {
      result = await this.#ledger.runOnce(job.id, work, {
        ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
        onClaimed: async (claim) => {
          watchdog = await this.#queue.enqueueWithReceipt(watchdogCopy(job, claim.claimId), { delayInMs: this.watchdogDelayInMs });
        },
      });
    } catch (error) {
      // The queue retries this delivery, which claims again with a watchdog of its own: take this claim's back.
      if (watchdog) await this.#takeBack(watchdog, fields);
      throw error;
    }

    switch (result) {
      case "claimed":
        return "ran"; // its watchdog comes back, finds it done and drops
      case "done":
        this.#logger.info("duplicate job delivery skipped", fields);
        return "done";
      case "lost":
        if (watchdog) await this.#takeBack(watchdog, fields); // the new owner has its own
        this.#logger.warn("job taken over by another worker while this one ran it (its lease lapsed); stopped here", fields);
        return "lost";
      case "in-progress":
        return this.#whileHeld(job, fields, options);
    }
  }

  /** A watchdog's checks before it may claim: done, a live claim that is not its own, or a bound reached. */
  async #checkWatchdog(job: Job, fields: Record<string, unknown>, options: OperationOptions): Promise<JobDeliveryOutcome | undefined> {
    const now = this.#clock.now().getTime();
    const ageInMs = now - Date.parse(job.enqueuedAt);
    if (ageInMs > this.#maxAgeInMs) {
      this.#logger.error("job watchdog gave up: the job was queued too long ago", { ...fields, ageInMs, maxAgeInMs: this.#maxAgeInMs });
      return "gave-up";
    }
    const entry = await this.#ledger.get(job.id, options);
    if (!entry) return undefined; // released after a failure (or never recorded): claim it
    if (entry.state === "done") {
      this.#logger.info("job done; its watchdog stops", fields);
      return "done";
    }
    const live = entry.leaseExpiresAt.getTime() > now;
    if (live && entry.claimId !== job.watchdog?.claimId) return this.#drop(entry, fields);
    if (!live && entry.attempts >= this.#maxAttempts) {
      this.#logger.error("job watchdog gave up: the job was claimed too many times without finishing", {
        ...fields,
        attempts: entry.attempts,
        lastOwner: entry.owner,
      });
      return "gave-up";
    }
    return undefined;
  }

  /** `runOnce` found a live claim: this claim's watchdog looks again once the lease would lapse; anyone else drops. */
  async #whileHeld(job: Job, fields: Record<string, unknown>, options: OperationOptions): Promise<JobDeliveryOutcome> {
    const entry = await this.#ledger.get(job.id, options);
    if (!entry) return "dropped"; // released just now: the failed delivery is retried by the queue
    if (entry.state === "done") return "done";
    if (entry.claimId === undefined) {
      // A claim from before watchdogs (no claim id, so none watches it): come back later, as workers used to.
      const delayInMs = Math.min(60_000, Math.max(1_000, Math.floor(this.#ledger.leaseInMs / 4)));
      await this.#queue.enqueue(job, { delayInMs, ...options });
      this.#logger.info("job held by another worker; retrying later", { ...fields, delayInMs });
      return "watching";
    }
    if (job.watchdog?.claimId !== entry.claimId) return this.#drop(entry, fields);
    const untilLapseInMs = entry.leaseExpiresAt.getTime() - this.#clock.now().getTime();
    const delayInMs = Math.min(this.watchdogDelayInMs, Math.max(1_000, untilLapseInMs + this.#marginInMs));
    await this.#queue.enqueue(job, { delayInMs, ...options });
    this.#logger.info("job still running; its watchdog looks again later", { ...fields, delayInMs, owner: entry.owner });
    return "watching";
  }

  #drop(entry: JobLedgerEntry, fields: Record<string, unknown>): JobDeliveryOutcome {
    this.#logger.info("job held by another worker, whose watchdog covers it; delivery dropped", { ...fields, owner: entry.owner });
    return "dropped";
  }

  async #takeBack(watchdog: QueuedMessageReceipt, fields: Record<string, unknown>): Promise<void> {
    // Not taken back (already delivered, or storage failing): that copy finds the claim gone or not its own.
    await this.#queue.delete(watchdog).catch((error: unknown) => this.#logger.warn("could not take back a job's watchdog copy", { ...fields, error }));
  }
}
