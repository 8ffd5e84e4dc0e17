/**
 * Child process of the bench: ONLY the function host (the Functions handlers behind the local host, with the
 * queue worker), configured from the environment like a Functions worker process, against the Azurite, AML
 * emulator and Slack stand-in the bench already runs. Started compiled (`node dist-bench/bench/function-host.js`,
 * as Azure runs JS) and through tsx (as `npm start`).
 *
 * BENCH_WORKER=off keeps the queue worker from running jobs while the ack path is measured: the poller still
 * runs (and polls, backing off, as an idle worker does) but on an empty queue, while the acks keep enqueuing
 * to the real jobs queue, which the bench empties between runs. Done here, by handing the host a runtime whose
 * `names.jobsQueue` is that empty queue, rather than by adding a switch to `startLocalHost`.
 */
import { loadConfig } from "../src/config/config.js";
import { startLocalHost } from "../src/local/local-host.js";
import { createBotRuntime, type BotRuntime } from "../src/runtime/bot-runtime.js";
import { poisonQueueName } from "../src/storage/storage-clients.js";
import { exitWithParent } from "./parent-watchdog.js";

exitWithParent();

const runtime = await createBotRuntime(loadConfig());
const host = await startLocalHost({
  runtime: process.env["BENCH_WORKER"] === "off" ? await withIdleWorker(runtime) : runtime,
  port: Number(process.env["PORT"] ?? 7071),
});
process.stdout.write(`function host listening on ${host.url}\n`);

async function withIdleWorker(runtime: BotRuntime): Promise<BotRuntime> {
  const idle = `${runtime.names.jobsQueue}-idle`;
  await runtime.storage.ensure({ queues: [idle, poisonQueueName(idle)] });
  return { ...runtime, names: { ...runtime.names, jobsQueue: idle } };
}
