/**
 * The local stand-in for the Azure Functions queue trigger (the local host and tests use it; in Azure the real
 * trigger reads the same queue). Behaves like the Functions host where it matters:
 *   - a message is leased (invisible) while its handler runs, and the lease is renewed at half-time;
 *   - success deletes it; failure makes it visible again after `retryDelayInMs` (host default 0);
 *   - after `maxDequeueCount` (host default 5) failed deliveries it is moved to `<queue>-poison`, with the same
 *     message text; a message already past the limit when received (its worker died) is poisoned unprocessed;
 *   - a message that is not a valid job can never succeed and is poisoned at once.
 * Polls back off exponentially while the queue is empty. `run(signal)` resolves once the signal is aborted and the
 * handlers in flight have finished.
 */
import type { DequeuedMessageItem, QueueClient } from "@azure/storage-queue";
import { decodeJobMessage, type Job } from "./job-queue.js";
import { isAbortError } from "./storage-errors.js";

export interface JobContext {
  readonly messageId: string;
  /** 1 on the first delivery. */
  readonly dequeueCount: number;
  /** Aborted when the poller is stopping. */
  readonly abortSignal: AbortSignal;
}

export type JobHandler = (job: Job, context: JobContext) => Promise<void>;

export interface PollerEventInfo {
  readonly messageId: string;
  readonly dequeueCount?: number;
  readonly jobId?: string;
  readonly kind?: string;
}

export interface QueuePollerOptions {
  readonly queue: QueueClient;
  /** Usually `clients.queue(poisonQueueName(name))`; must exist. */
  readonly poisonQueue: QueueClient;
  readonly handler: JobHandler;
  /** Default 5, as the Functions host. */
  readonly maxDequeueCount?: number;
  /** Messages handled at once. Default 4. */
  readonly concurrency?: number;
  /** How long a received message stays invisible while its handler runs (renewed at half-time). Default 60 000. */
  readonly visibilityTimeoutInMs?: number;
  /** After a failure the message becomes visible again after this long (whole seconds). Default 0. */
  readonly retryDelayInMs?: number;
  /** Default 100. */
  readonly minPollIntervalInMs?: number;
  /** Default 2 000. */
  readonly maxPollIntervalInMs?: number;
  /** Handler failures and storage errors; default: one line to stderr. Never given secrets. */
  readonly onError?: (error: unknown, info: PollerEventInfo | undefined) => void;
  readonly onPoison?: (info: PollerEventInfo & { readonly reason: string }) => void;
}

function seconds(ms: number): number {
  return Math.max(0, Math.ceil(ms / 1000));
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  if (signal.aborted || ms <= 0) return Promise.resolve();
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener("abort", done, { once: true });
  });
}

function defaultOnError(error: unknown, info: PollerEventInfo | undefined): void {
  const what = info ? ` (message ${info.messageId}${info.jobId ? `, job ${info.jobId}` : ""})` : "";
  const message = error instanceof Error ? `${error.name}: ${error.message.split("\n", 1)[0]}` : String(error);
  console.error(`[queue-poller] ${message}${what}`);
}

export class QueuePoller {
  readonly #queue: QueueClient;
  readonly #poison: QueueClient;
  readonly #handler: JobHandler;
  readonly #maxDequeueCount: number;
  readonly #concurrency: number;
  readonly #visibilityTimeoutInMs: number;
  readonly #retryDelayInMs: number;
  readonly #minPollInMs: number;
  readonly #maxPollInMs: number;
  readonly #onError: NonNullable<QueuePollerOptions["onError"]>;
  readonly #onPoison: QueuePollerOptions["onPoison"];
  #running = false;

  constructor(options: QueuePollerOptions) {
    this.#queue = options.queue;
    this.#poison = options.poisonQueue;
    this.#handler = options.handler;
    this.#maxDequeueCount = Math.max(1, options.maxDequeueCount ?? 5);
    this.#concurrency = Math.max(1, options.concurrency ?? 4);
    this.#visibilityTimeoutInMs = Math.max(1000, options.visibilityTimeoutInMs ?? 60_000);
    this.#retryDelayInMs = Math.max(0, options.retryDelayInMs ?? 0);
    this.#minPollInMs = Math.max(1, options.minPollIntervalInMs ?? 100);
    this.#maxPollInMs = Math.max(this.#minPollInMs, options.maxPollIntervalInMs ?? 2_000);
    this.#onError = options.onError ?? defaultOnError;
    this.#onPoison = options.onPoison;
  }

  /** Polls until `abortSignal` aborts, then waits for the handlers in flight. Call once per poller. */
  async run(abortSignal: AbortSignal): Promise<void> {
    if (this.#running) throw new Error("QueuePoller.run is already running");
    this.#running = true;
    const inFlight = new Set<Promise<void>>();
    let interval = this.#minPollInMs;
    const stopped = new Promise<void>((resolve) => {
      if (abortSignal.aborted) resolve();
      abortSignal.addEventListener("abort", () => resolve(), { once: true });
    });
    try {
      while (!abortSignal.aborted) {
        const free = this.#concurrency - inFlight.size;
        if (free <= 0) {
          await Promise.race([...inFlight, stopped]);
          continue;
        }
        let messages: DequeuedMessageItem[];
        try {
          const response = await this.#queue.receiveMessages({
            numberOfMessages: Math.min(free, 32),
            visibilityTimeout: seconds(this.#visibilityTimeoutInMs),
            abortSignal,
          });
          messages = response.receivedMessageItems;
        } catch (error) {
          if (abortSignal.aborted) break;
          this.#onError(error, undefined);
          await sleep(this.#maxPollInMs, abortSignal);
          continue;
        }
        if (messages.length === 0) {
          await sleep(interval, abortSignal);
          interval = Math.min(interval * 2, this.#maxPollInMs);
          continue;
        }
        interval = this.#minPollInMs;
        for (const message of messages) {
          const work: Promise<void> = this.#process(message, abortSignal).finally(() => inFlight.delete(work));
          inFlight.add(work);
        }
      }
    } finally {
      await Promise.allSettled([...inFlight]);
      this.#running = false;
    }
  }

  async #process(message: DequeuedMessageItem, abortSignal: AbortSignal): Promise<void> {
    const base: PollerEventInfo = { messageId: message.messageId, dequeueCount: message.dequeueCount };
    let job: Job;
    try {
      job = decodeJobMessage(message.messageText);
    } catch (error) {
      this.#onError(error, base);
      await this.#moveToPoison(message, message.popReceipt, base, "not a valid job message");
      return;
    }
    const info: PollerEventInfo = { ...base, jobId: job.id, kind: job.kind };
    if (message.dequeueCount > this.#maxDequeueCount) {
      await this.#moveToPoison(message, message.popReceipt, info, `dequeued ${message.dequeueCount} times`);
      return;
    }

    const lease = { popReceipt: message.popReceipt };
    const renewal = this.#renewWhileRunning(message, lease, info);
    let failure: unknown;
    let failed = false;
    try {
      await this.#handler(job, { messageId: message.messageId, dequeueCount: message.dequeueCount, abortSignal });
    } catch (error) {
      failed = true;
      failure = error;
    } finally {
      await renewal.stop();
    }

    if (!failed) {
      await this.#settle(info, () => this.#queue.deleteMessage(message.messageId, lease.popReceipt));
      return;
    }
    const stopping = abortSignal.aborted && isAbortError(failure);
    if (!stopping) this.#onError(failure, info);
    if (!stopping && message.dequeueCount >= this.#maxDequeueCount) {
      await this.#moveToPoison(message, lease.popReceipt, info, `failed ${message.dequeueCount} times`);
      return;
    }
    const delay = stopping ? 0 : seconds(this.#retryDelayInMs);
    await this.#settle(info, () => this.#queue.updateMessage(message.messageId, lease.popReceipt, undefined, delay));
  }

  #renewWhileRunning(message: DequeuedMessageItem, lease: { popReceipt: string }, info: PollerEventInfo) {
    let renewing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      renewing = renewing.then(async () => {
        try {
          const response = await this.#queue.updateMessage(
            message.messageId,
            lease.popReceipt,
            undefined,
            seconds(this.#visibilityTimeoutInMs),
          );
          if (response.popReceipt) lease.popReceipt = response.popReceipt;
        } catch (error) {
          this.#onError(error, info);
        }
      });
    }, this.#visibilityTimeoutInMs / 2);
    return {
      stop: async () => {
        clearInterval(timer);
        await renewing;
      },
    };
  }

  async #moveToPoison(message: DequeuedMessageItem, popReceipt: string, info: PollerEventInfo, reason: string): Promise<void> {
    const moved = await this.#settle(info, async () => {
      await this.#poison.sendMessage(message.messageText);
      await this.#queue.deleteMessage(message.messageId, popReceipt);
    });
    if (moved) this.#onPoison?.({ ...info, reason });
  }

  /** Storage calls made after the handler ran: never aborted, errors reported (the message will reappear). */
  async #settle(info: PollerEventInfo, call: () => Promise<unknown>): Promise<boolean> {
    try {
      await call();
      return true;
    } catch (error) {
      this.#onError(error, info);
      return false;
    }
  }
}
