/**
 * The core's follow-ups on the job queue: each one a job of its own kind, invisible until it is due (the queue's
 * visibility delay), run once through the job ledger by its id, and handed back to `CommandCore.followUp`. A worker
 * never sleeps waiting for Azure: it checks once and queues the next check.
 */
import * as z from "zod";
import { InvalidJobError } from "../../commands/errors.js";
import type { Clock } from "../../commands/ports/clock.port.js";
import { FOLLOW_UP_KINDS, type FollowUp, type FollowUps, type ScheduleOptions } from "../../commands/ports/follow-ups.port.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import type { Job, JobQueue } from "../storage/job-queue.js";

export const FOLLOW_UP_JOB = "follow-up";

const followUpSchema = z.strictObject({
  id: z.string().min(1).max(256),
  kind: z.enum(FOLLOW_UP_KINDS),
  payload: z.record(z.string(), z.unknown()),
});

/** How `start` runs a job here: the job runner (claim, watchdog, exactly once), and when its copy is due. */
export interface RunHere {
  run(job: Job, options: OperationOptions): Promise<unknown>;
  /** The copy's delay: past a claim's lease and its watchdog's margin, so it finds the job done unless this run died. */
  readonly copyDelayInMs: number;
  readonly logger: Logger;
}

export class QueueFollowUps implements FollowUps {
  readonly #queue: JobQueue;
  readonly #clock: Clock;
  #here: RunHere | undefined;

  constructor(queue: JobQueue, clock: Clock) {
    this.#queue = queue;
    this.#clock = clock;
  }

  /** Called by the composition root once the job runner exists; until then `start` only queues. */
  attach(here: RunHere): void {
    this.#here = here;
  }

  async schedule(followUp: FollowUp, options: ScheduleOptions): Promise<void> {
    await this.#queue.enqueue(this.#jobOf(followUp), { delayInMs: options.delayInMs, ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) });
  }

  async start(followUp: FollowUp, options: OperationOptions = {}): Promise<void> {
    const job = this.#jobOf(followUp);
    const here = this.#here;
    await this.#queue.enqueue(job, { delayInMs: here?.copyDelayInMs ?? 0, ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) });
    if (!here) return;
    try {
      await here.run(job, options);
    } catch (error) {
      // The runner released the claim: the queued copy runs it again.
      here.logger.warn("follow-up failed where it was started; its queued copy retries it", { jobId: job.id, error });
    }
  }

  #jobOf(followUp: FollowUp): Job {
    return { id: followUp.id, kind: FOLLOW_UP_JOB, payload: followUp, enqueuedAt: this.#clock.now().toISOString() };
  }
}

/** The follow-up a job carries; `InvalidJobError` (never retried) when it is not one. Names field paths only. */
export function followUpOf(job: Job): FollowUp {
  const parsed = followUpSchema.safeParse(job.payload);
  if (!parsed.success) throw new InvalidJobError(`Job ${job.id}: invalid follow-up (${parsed.error.issues.map((i) => i.path.join(".") || "(root)").join(", ")})`);
  return parsed.data;
}
