import { loadConfig } from "../config/config.js";
import { createBotRuntime, type BotRuntime } from "../runtime/bot-runtime.js";

let instance: Promise<BotRuntime> | undefined;

/**
 * The process-wide runtime, built on the first invocation (not on import: the Functions host imports every
 * entry file at start-up). A failed start is not cached, so the next invocation tries again.
 */
export function getRuntime(): Promise<BotRuntime> {
  instance ??= createBotRuntime(loadConfig()).catch((error: unknown) => {
    instance = undefined;
    throw error;
  });
  return instance;
}

/** The local host and tests hand in the runtime they built, so the handlers run exactly as in Azure. */
export function useRuntime(runtime: BotRuntime | undefined): void {
  instance = runtime ? Promise.resolve(runtime) : undefined;
}
