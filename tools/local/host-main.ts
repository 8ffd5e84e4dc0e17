/**
 * Only the function host (HTTP routes + queue worker), configured from the environment, against services that
 * already run: what a Functions worker process is in Azure. The restart test and the cold-start benchmark
 * start it as a child process; `npm start` runs it in-process with the services.
 */
import { createRuntime } from "../../src/compose.js";
import { loadConfig } from "../../src/config/config.js";
import { loadDotEnv } from "../../src/config/dot-env.js";
import { JsonLogger } from "../../src/logging/json-logger.js";
import { startLocalHost } from "./local-host.js";

function optionalInt(name: string): number | undefined {
  const raw = process.env[name];
  return raw ? Number(raw) : undefined;
}

async function main(): Promise<void> {
  loadDotEnv();
  // Chart pictures in Teams cards link to this host unless AML_PUBLIC_BASE_URL says otherwise.
  const listening: { url?: string } = {};
  const runtime = await createRuntime(loadConfig(), { logger: new JsonLogger(), publicBaseUrl: () => listening.url });
  const visibilityTimeoutInMs = optionalInt("AML_LOCAL_VISIBILITY_TIMEOUT_MS");
  const maxPollIntervalInMs = optionalInt("AML_LOCAL_MAX_POLL_MS");
  const digestIntervalInMs = optionalInt("AML_LOCAL_DIGEST_INTERVAL_MS");
  const concurrency = optionalInt("AML_LOCAL_CONCURRENCY");
  const host = await startLocalHost({
    runtime,
    port: optionalInt("PORT") ?? 7071,
    ...(visibilityTimeoutInMs !== undefined ? { visibilityTimeoutInMs } : {}),
    ...(maxPollIntervalInMs !== undefined ? { maxPollIntervalInMs } : {}),
    ...(digestIntervalInMs !== undefined ? { digestIntervalInMs } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
  });
  listening.url = host.url;
  process.stdout.write(`function host ready on ${host.url}\n`);
  const stop = (): void => void host.close().then(() => process.exit(0));
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  process.stderr.write(`function host failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
