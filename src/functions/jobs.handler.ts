import type { InvocationContext } from "@azure/functions";
import { parseJob } from "../storage/job-queue.js";
import { getRuntime } from "./runtime-instance.js";

/**
 * The storage-queue trigger: the host has already decoded the message (base64, JSON). A throw makes the host
 * retry it, and after five dequeues move it to `<queue>-poison`, which is what a failed job should get.
 */
export async function jobsHandler(message: unknown, context: InvocationContext): Promise<void> {
  const job = parseJob(message);
  const dequeueCount = Number(context.triggerMetadata?.dequeueCount ?? 1);
  await (await getRuntime()).handleJob(job, { dequeueCount });
}
