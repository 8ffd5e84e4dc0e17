import type { InvocationContext, Timer } from "@azure/functions";
import { getRuntime } from "./runtime-instance.js";

/**
 * The digest timer (every minute in Azure, every few seconds on the local host): sends the scheduled digests that
 * are due. Several instances may fire at once; each digest is claimed before it is posted, so it goes out once.
 * Failures of single digests are logged by the runtime and retried once their claim lapses; a throw here (storage
 * down) only fails this tick, and the next tick tries again.
 */
export async function digestTimerHandler(timer: Pick<Timer, "isPastDue">, _context: InvocationContext): Promise<void> {
  const runtime = await getRuntime();
  const reports = await runtime.runDueDigests();
  if (reports.length === 0) return;
  const count = (outcome: string): number => reports.filter((r) => r.outcome === outcome).length;
  runtime.app.deps.logger.info("digest timer ran", {
    posted: count("posted"),
    unreachable: count("unreachable"),
    skipped: count("skipped"),
    failed: count("failed"),
    pastDue: timer.isPastDue,
  });
}
