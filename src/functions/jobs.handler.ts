import type { InvocationContext } from "@azure/functions";
import type { RuntimeAccessor } from "../runtime/runtime-accessor.js";
import { parseJob } from "../storage/job-queue.js";
import { functionsRuntime } from "./functions-runtime.js";

/**
 * The storage-queue trigger: the host has already decoded the message (base64, JSON). A throw makes the host
 * retry it, and after five dequeues move it to `<queue>-poison`, which is what a failed job should get.
 */
export function jobsHandlerFor(runtime: RuntimeAccessor) {
  return async function jobsHandler(message: unknown, context: InvocationContext): Promise<void> {
    const job = parseJob(message);
    const dequeueCount = Number(context.triggerMetadata?.dequeueCount ?? 1);
    await (await runtime()).handleJob(job, { dequeueCount });
  };
}

export const jobsHandler = jobsHandlerFor(functionsRuntime);
