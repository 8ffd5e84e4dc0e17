/**
 * Child process of the bench: ONLY the function host (the Functions handlers behind the local host, with the
 * queue worker), configured from the environment like a Functions worker process, against the Azurite, AML
 * emulator and Slack stand-in the bench already runs. Started compiled (`node dist-bench/bench/function-host.js`,
 * as Azure runs JS) and through tsx (as `npm start`).
 *
 * BENCH_WORKER=off keeps the queue worker from running jobs while the warm ack path is measured (idle-worker.ts).
 */
import { createRuntime } from "../src/compose.js";
import { loadConfig } from "../src/config/config.js";
import { startLocalHost } from "../tools/local/local-host.js";
import { withIdleWorker } from "./idle-worker.js";
import { exitWithParent } from "./parent-watchdog.js";

exitWithParent();

const runtime = await createRuntime(loadConfig());
const host = await startLocalHost({
  runtime: process.env["BENCH_WORKER"] === "off" ? await withIdleWorker(runtime) : runtime,
  port: Number(process.env["PORT"] ?? 7071),
});
process.stdout.write(`function host listening on ${host.url}\n`);
