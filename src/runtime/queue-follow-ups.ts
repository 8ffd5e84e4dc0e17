/**
 * The core's follow-ups on the job queue: each one a job of its own kind, invisible until it is due (the queue's
 * visibility delay), run once through the job ledger by its id, and handed back to `CommandCore.followUp`. A worker
 * never sleeps waiting for Azure: it checks once and queues the next check.
 */
import * as z from "zod";
import { InvalidJobError } from "../../commands/errors.js";
import type { Clock } from "../../commands/ports/clock.port.js";
import { FOLLOW_UP_KINDS, type FollowUp, type FollowUps, type ScheduleOptions } from "../../commands/ports/follow-ups.port.js";
import type { Job, JobQueue } from "../storage/job-queue.js";

export const FOLLOW_UP_JOB = "follow-up";

const followUpSchema = z.strictObject({
  id: z.string().min(1).max(256),
  kind: z.enum(FOLLOW_UP_KINDS),
  payload: z.record(z.string(), z.unknown()),
});

export class QueueFollowUps implements FollowUps {
  readonly #queue: JobQueue;
  readonly #clock: Clock;

  constructor(queue: JobQueue, clock: Clock) {
    this.#queue = queue;
    this.#clock = clock;
  }

  async schedule(followUp: FollowUp, options: ScheduleOptions): Promise<void> {
    const job: Job = { id: followUp.id, kind: FOLLOW_UP_JOB, payload: followUp, enqueuedAt: this.#clock.now().toISOString() };
    await this.#queue.enqueue(job, { delayInMs: options.delayInMs, ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) });
  }
}

/** The follow-up a job carries; `InvalidJobError` (never retried) when it is not one. Names field paths only. */
export function followUpOf(job: Job): FollowUp {
  const parsed = followUpSchema.safeParse(job.payload);
  if (!parsed.success) throw new InvalidJobError(`Job ${job.id}: invalid follow-up (${parsed.error.issues.map((i) => i.path.join(".") || "(root)").join(", ")})`);
  return parsed.data;
}
