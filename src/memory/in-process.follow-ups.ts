/**
 * Follow-ups run in this process after their delay, for the callers without a job queue (core tests, the terminal
 * without a stack). The composition root attaches the core it built; until then nothing runs. `settled()` lets a
 * test wait until every scheduled follow-up (and the ones they scheduled) has run.
 */
import type { FollowUp, FollowUps, ScheduleOptions } from "../../commands/ports/follow-ups.port.js";

interface FollowUpRunner {
  followUp(followUp: FollowUp): Promise<void>;
}

export class InProcessFollowUps implements FollowUps {
  #runner: FollowUpRunner | undefined;
  readonly #running = new Set<Promise<void>>();
  /** Errors of follow-ups that threw (the queue would retry them; here they are kept for tests to see). */
  readonly failures: unknown[] = [];

  /** Called by the composition root once the core exists. */
  attach(runner: FollowUpRunner): void {
    this.#runner = runner;
  }

  async schedule(followUp: FollowUp, options: ScheduleOptions): Promise<void> {
    const run = new Promise<void>((resolve) => setTimeout(resolve, options.delayInMs))
      .then(() => this.#runner?.followUp(followUp))
      .catch((error: unknown) => void this.failures.push(error))
      .finally(() => this.#running.delete(run));
    this.#running.add(run);
  }

  /** Here the copy and the run are one: it runs at once, after the caller's turn, as a queued one would. */
  async start(followUp: FollowUp): Promise<void> {
    await this.schedule(followUp, { delayInMs: 0 });
  }

  /** Resolves once no follow-up is waiting or running. */
  async settled(): Promise<void> {
    while (this.#running.size > 0) await Promise.all([...this.#running]);
  }
}
