import type { BotRuntime } from "../runtime/bot-runtime.js";

let instance: Promise<BotRuntime> | undefined;

/**
 * The process-wide runtime, built on the first invocation (not on import: the Functions host imports every
 * entry file at start-up). The config and the runtime are imported here, on that first call, so an entry file
 * loads only `@azure/functions` and its handler, and the bundle keeps them in chunks of their own
 * (scripts/functions-bundle.ts). A failed start is not cached, so the next invocation tries again.
 */
export function getRuntime(): Promise<BotRuntime> {
  instance ??= startRuntime().catch((error: unknown) => {
    instance = undefined;
    throw error;
  });
  return instance;
}

async function startRuntime(): Promise<BotRuntime> {
  const [{ loadConfig }, { createBotRuntime }] = await Promise.all([import("../config/config.js"), import("../runtime/bot-runtime.js")]);
  return createBotRuntime(loadConfig());
}

/** The local host and tests hand in the runtime they built, so the handlers run exactly as in Azure. */
export function useRuntime(runtime: BotRuntime | undefined): void {
  instance = runtime ? Promise.resolve(runtime) : undefined;
}
