/**
 * The bench's way to keep a measured host's queue worker from running jobs without changing `startLocalHost`:
 * hand the host a runtime whose `names.jobsQueue` is an empty queue of its own. The poller still runs and polls
 * (backing off, as an idle worker does); the acks still enqueue to the real jobs queue (the runtime's `JobQueue`
 * was built from the real name), which the bench counts and empties.
 */
import type { BotRuntime } from "../src/runtime/bot-runtime.js";
import { poisonQueueName } from "../src/storage/storage-clients.js";

export async function withIdleWorker(runtime: BotRuntime): Promise<BotRuntime> {
  const idle = `${runtime.names.jobsQueue}-idle`;
  await runtime.storage.ensure({ queues: [idle, poisonQueueName(idle)] });
  return { ...runtime, names: { ...runtime.names, jobsQueue: idle } };
}
