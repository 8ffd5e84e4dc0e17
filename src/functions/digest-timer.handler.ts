import type { InvocationContext, Timer } from "@azure/functions";
import type { RuntimeAccessor } from "../runtime/runtime-accessor.js";
import { functionsRuntime } from "./functions-runtime.js";

export type DigestTimerHandler = (timer: Pick<Timer, "isPastDue">, context: InvocationContext) => Promise<void>;

/**
 * The digest timer (every minute in Azure, every few seconds on the local host): ends the approval requests that
 * expired (their cards say "Expired"), then sends the scheduled digests that are due. Several instances may fire at once; each digest is claimed before it is posted, so it goes out once.
 * Failures of single digests are logged by the runtime and retried once their claim lapses; a throw here (storage
 * down) only fails this tick, and the next tick tries again.
 */
export function digestTimerHandlerFor(runtime: RuntimeAccessor): DigestTimerHandler {
  return async function digestTimerHandler(timer, _context) {
    const started = await runtime();
    const expired = await started.expireApprovals();
    if (expired > 0) started.app.deps.logger.info("approval requests expired", { expired });
    const reports = await started.runDueDigests();
    if (reports.length === 0) return;
    const count = (outcome: string): number => reports.filter((r) => r.outcome === outcome).length;
    started.app.deps.logger.info("digest timer ran", {
      posted: count("posted"),
      unreachable: count("unreachable"),
      skipped: count("skipped"),
      failed: count("failed"),
      pastDue: timer.isPastDue,
    });
  };
}

export const digestTimerHandler = digestTimerHandlerFor(functionsRuntime);
