/**
 * Turns the core's `onProgress` callbacks (synchronous, as often as Azure reports a state) into at most one
 * message update per `intervalInMs`, and at most `maxUpdates` in all (Slack: a `response_url` takes 5 posts, and
 * the final reply needs up to two of them; Teams: each update is an updateActivity call). Only the newest pending
 * progress is kept; updates are sent one after the other, so they can never arrive out of order, and `close()`
 * drops what is pending and waits for what is sent. Shared by the chat adapters.
 */
import type { Logger } from "../commands/ports/logger.port.js";
import type { Reply } from "../commands/reply.js";

export interface ProgressThrottleOptions {
  readonly send: (reply: Reply) => Promise<void>;
  readonly logger: Logger;
  readonly correlationId: string;
  /** Default 1 000. */
  readonly intervalInMs?: number;
  /** Default 2. */
  readonly maxUpdates?: number;
}

export class ProgressThrottle {
  readonly #options: ProgressThrottleOptions;
  readonly #intervalInMs: number;
  readonly #maxUpdates: number;
  #sent = 0;
  #lastAt = Number.NEGATIVE_INFINITY;
  #pending: Reply | undefined;
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  #closed = false;

  constructor(options: ProgressThrottleOptions) {
    this.#options = options;
    this.#intervalInMs = options.intervalInMs ?? 1_000;
    this.#maxUpdates = options.maxUpdates ?? 2;
  }

  /** Updates that reached the chat (or were at least attempted): the message now shows progress. */
  get shown(): boolean {
    return this.#sent > 0;
  }

  /** For `ExecuteOptions.onProgress`. */
  readonly push = (reply: Reply): void => {
    if (this.#closed || this.#sent >= this.#maxUpdates) return;
    this.#pending = reply;
    if (this.#timer) return;
    const wait = Math.max(0, this.#lastAt + this.#intervalInMs - Date.now());
    this.#timer = setTimeout(() => this.#flush(), wait);
  };

  /** No more updates: drops a pending one and waits until those already sent have settled. */
  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#pending = undefined;
    await this.#chain;
  }

  #flush(): void {
    this.#timer = undefined;
    const reply = this.#pending;
    this.#pending = undefined;
    if (!reply || this.#closed || this.#sent >= this.#maxUpdates) return;
    this.#sent++;
    this.#lastAt = Date.now();
    this.#chain = this.#chain.then(() =>
      this.#options.send(reply).catch((error: unknown) => {
        // Progress is a courtesy: a failed update must not fail the command that is running.
        this.#options.logger.warn("progress update failed", { correlationId: this.#options.correlationId, error });
      }),
    );
  }
}
