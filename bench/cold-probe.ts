/**
 * Child process for the cold-start BREAKDOWN (not the measured cold start, which is function-host.ts): the same
 * start-up, step by step, with a timestamp after each. Imports are dynamic here only so they can be timed; each
 * step is charged with the modules it loads first (later steps reuse what earlier ones loaded). The Slack
 * adapter (Bolt) is imported explicitly before the first request, where the runtime would import it lazily, to
 * separate its loading from the rest of the first request. The probe's queue worker idles (idle-worker.ts, set
 * up off the clock) so the job of the 1st command does not run beside the 2nd. Prints one JSON line and exits.
 */
import { exitWithParent } from "./parent-watchdog.js";

const marks: { step: string; at: number }[] = [];
let offClock = 0;
const mark = (step: string): void => void marks.push({ step, at: performance.now() - offClock });
/** Work that is not part of a real start-up: the next step's clock does not run meanwhile. */
const untimed = async <T>(work: () => Promise<T>): Promise<T> => {
  const before = performance.now();
  try {
    return await work();
  } finally {
    offClock += performance.now() - before;
  }
};
mark("node start → entry script");
exitWithParent();

const { loadConfig } = await import("../src/config/config.js");
mark("import config (zod)");
const { createRuntime } = await import("../src/compose.js");
mark("import runtime (core, ARM SDK, identity, storage SDKs)");
const { startLocalHost } = await import("../tools/local/local-host.js");
mark("import local host (@azure/functions)");
const { postSlack, signedSlashCommand } = await untimed(() => import("./slack-client.js"));
const config = loadConfig();
mark("loadConfig (env + zod)");
const runtime = await createRuntime(config);
mark("createRuntime (wiring only: no storage round trip)");
const { withIdleWorker } = await untimed(() => import("./idle-worker.js"));
const idle = await untimed(() => withIdleWorker(runtime));
const host = await startLocalHost({ runtime: idle, port: 0 });
mark("startLocalHost (listen, queue poller)");
await import("../adapters/slack/slack.adapter.js");
mark("import Slack adapter (Bolt; lazy, on the 1st request)");

const port = Number(new URL(host.url).port);
const command = (): Parameters<typeof postSlack>[1] =>
  signedSlashCommand("traffic fraud-scorer blue=80 green=20", config.slack.signingSecret, "http://127.0.0.1:9/response/probe");
const first = await postSlack(port, command(), false);
mark("1st slash command (Bolt App, verify, plan, 1st queue write)");
const second = await postSlack(port, command(), false);
mark("2nd slash command (warm, for comparison)");
// Not part of a start-up: what creating every table and queue at start-up cost, which the runtime no longer does,
// now that every module is loaded (a fresh client, so the creates really go to Azurite; they find everything there).
const [{ StorageClients }, { runtimeStorage }] = await Promise.all([import("../src/storage/storage-clients.js"), import("../src/storage/runtime-storage.js")]);
await StorageClients.fromConnectionString(process.env["AzureWebJobsStorage"] ?? "").ensure(runtimeStorage(runtime.names));
mark("(extra) creating every table and queue, as start-up did before: storage I/O alone");

process.stdout.write(`${JSON.stringify({ timeOrigin: performance.timeOrigin, marks, statuses: [first.status, second.status] })}\n`);
process.exit(0);
