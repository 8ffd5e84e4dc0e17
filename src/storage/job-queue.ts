/**
 * Background jobs on an Azure Storage queue. A message is the job as JSON, base64-encoded: the Azure Functions
 * queue trigger decodes base64 by default (host.json `extensions.queues.messageEncoding`, default "base64"), so
 * the same messages are read by the Functions trigger in Azure and by `QueuePoller` locally.
 */
import type { QueueClient } from "@azure/storage-queue";
import * as z from "zod";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import { guard, hasStatus, infrastructureError, isAbortError } from "./storage-errors.js";

/** A unit of background work. `id` is the idempotency key (see `TableJobLedger`). */
export interface Job {
  readonly id: string;
  readonly kind: string;
  readonly payload: unknown;
  /** ISO 8601, when the job was first queued (copies keep it). */
  readonly enqueuedAt: string;
  /** Set on a watchdog copy: the delayed copy a worker queues when it claims the job (see `JobRunner`). */
  readonly watchdog?: JobWatchdog;
}

export interface JobWatchdog {
  /** The ledger claim this copy watches. */
  readonly claimId: string;
}

export const jobSchema = z.object({
  id: z.string().min(1).max(256),
  kind: z.string().min(1).max(128),
  payload: z.unknown(),
  enqueuedAt: z.iso.datetime({ offset: true }),
  watchdog: z.object({ claimId: z.string().min(1).max(64) }).optional(),
});

/** Azure Queue storage accepts messages of at most 64 KiB (the text as sent, i.e. after base64). */
export const MAX_QUEUE_MESSAGE_BYTES = 64 * 1024;

export class JobTooLargeError extends RangeError {
  constructor(
    readonly jobId: string,
    readonly kind: string,
    readonly sizeInBytes: number,
  ) {
    super(
      `Job ${jobId} (${kind}) is ${sizeInBytes} bytes as a base64 queue message; the limit is ${MAX_QUEUE_MESSAGE_BYTES} bytes ` +
        `(about ${Math.floor((MAX_QUEUE_MESSAGE_BYTES * 3) / 4)} bytes of JSON). Store large data elsewhere and enqueue a reference.`,
    );
    this.name = "JobTooLargeError";
  }
}

export class InvalidJobMessageError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = "InvalidJobMessageError";
  }
}

/** Builds a job with `enqueuedAt` = now. */
export function newJob(kind: string, payload: unknown, id: string, now: Date = new Date()): Job {
  return { id, kind, payload, enqueuedAt: now.toISOString() };
}

/** JSON, base64: the message text the queue stores. Throws `JobTooLargeError` over 64 KiB. */
export function encodeJobMessage(job: Job): string {
  const checked = jobSchema.parse(job);
  const text = Buffer.from(JSON.stringify(checked), "utf8").toString("base64");
  if (text.length > MAX_QUEUE_MESSAGE_BYTES) throw new JobTooLargeError(job.id, job.kind, text.length);
  return text;
}

/**
 * Validates an already-decoded job: what the Functions queue trigger hands the function (the host has undone the
 * base64 and, for JSON, parsed it; a JSON string is parsed here).
 */
export function parseJob(value: unknown): Job {
  if (typeof value === "string") {
    try {
      value = JSON.parse(value);
    } catch (error) {
      throw new InvalidJobMessageError("Job is not JSON", { cause: error });
    }
  }
  const result = jobSchema.safeParse(value);
  if (!result.success) throw new InvalidJobMessageError(`Not a job: ${z.prettifyError(result.error)}`, { cause: result.error });
  return result.data;
}

/** Decodes a queue message's text (base64 JSON) and validates it. Throws `InvalidJobMessageError`. */
export function decodeJobMessage(messageText: string): Job {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(messageText, "base64").toString("utf8"));
  } catch (error) {
    throw new InvalidJobMessageError("Queue message is not base64-encoded JSON", { cause: error });
  }
  return parseJob(value);
}

export interface EnqueueOptions extends OperationOptions {
  /** Keep the message invisible this long before it can be processed (rounded up to whole seconds). */
  readonly delayInMs?: number;
  /** Default: the service's 7 days. */
  readonly timeToLiveInMs?: number;
}

export class JobQueue {
  readonly #queue: QueueClient;

  /** `queue` must exist (see `StorageClients.ensure`). */
  constructor(queue: QueueClient) {
    this.#queue = queue;
  }

  get queueName(): string {
    return this.#queue.name;
  }

  /** Enqueues the job; returns the queue's message id. */
  async enqueue(job: Job, options: EnqueueOptions = {}): Promise<string> {
    return (await this.enqueueWithReceipt(job, options)).messageId;
  }

  /** Enqueues the job; returns what `delete` needs to take it back while nobody has received it. */
  async enqueueWithReceipt(job: Job, options: EnqueueOptions = {}): Promise<QueuedMessageReceipt> {
    const text = encodeJobMessage(job);
    const response = await guard(`enqueue job ${job.kind} on queue "${this.#queue.name}"`, () =>
      this.#queue.sendMessage(text, {
        abortSignal: options.abortSignal,
        ...(options.delayInMs ? { visibilityTimeout: Math.ceil(options.delayInMs / 1000) } : {}),
        ...(options.timeToLiveInMs ? { messageTimeToLive: Math.ceil(options.timeToLiveInMs / 1000) } : {}),
      }),
    );
    return { messageId: response.messageId, popReceipt: response.popReceipt };
  }

  /**
   * Deletes a message enqueued by `enqueueWithReceipt`. Returns false when it is gone or someone received it in
   * the meantime (its receipt changed): it is theirs then.
   */
  async delete(receipt: QueuedMessageReceipt, options: OperationOptions = {}): Promise<boolean> {
    try {
      await this.#queue.deleteMessage(receipt.messageId, receipt.popReceipt, { abortSignal: options.abortSignal });
      return true;
    } catch (error) {
      if (isAbortError(error)) throw error;
      if (hasStatus(error, 404, 400)) return false;
      throw infrastructureError(`delete message from queue "${this.#queue.name}"`, error);
    }
  }
}

export interface QueuedMessageReceipt {
  readonly messageId: string;
  readonly popReceipt: string;
}
