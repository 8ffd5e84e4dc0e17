/**
 * Progress of a long-running change as the user sees it: the service's own state words (Updating,
 * InProgress, Succeeded, Failed), each reported once when it changes, with the time since the change began.
 */
import type { LongRunningOptions } from "../../commands/ports/operation-options.js";

export interface ProgressReporter {
  report(state: string): void;
}

export function createProgressReporter(options: LongRunningOptions, now: () => number = Date.now): ProgressReporter {
  const started = now();
  let last: string | undefined;
  return {
    report(state) {
      if (state === last) return;
      last = state;
      options.onProgress?.({ state, elapsedInMs: now() - started });
    },
  };
}
