/**
 * How a host gets its runtime: an accessor, `() => Promise<BotRuntime>`, that builds it on the first call and hands
 * every later call the same one. Nothing is built on import (the Functions host imports every entry file at
 * start-up) and nothing is swapped later: the local host and tests pass the accessor of the runtime they built.
 */
import type { AppConfig } from "../config/config.js";
import type { RuntimeOverrides } from "../compose.js";
import { memoise } from "../lazy.js";
import type { BotRuntime } from "./bot-runtime.js";

export type RuntimeAccessor = () => Promise<BotRuntime>;

export interface RuntimeAccessorOptions {
  /** The configuration; default `loadConfig()` from the environment (the app settings in Azure). */
  readonly config?: () => AppConfig;
  readonly overrides?: RuntimeOverrides;
}

/**
 * A runtime built on the first call with `createRuntime`, memoised; a failed start is not kept, so the next call
 * tries again. The config module and the composition root are imported on that first call, so a Functions entry
 * loads only `@azure/functions` and its handler (in the bundle, each is a chunk of its own).
 */
export function runtimeAccessor(options: RuntimeAccessorOptions = {}): RuntimeAccessor {
  return memoise(async () => {
    const [config, { createRuntime }] = await Promise.all([options.config ? options.config() : configFromEnvironment(), import("../compose.js")]);
    return createRuntime(config, options.overrides);
  });
}

/** The accessor of a runtime already built: the local host serves the handlers with the runtime it was given. */
export function runtimeOf(runtime: BotRuntime): RuntimeAccessor {
  const ready = Promise.resolve(runtime);
  return () => ready;
}

async function configFromEnvironment(): Promise<AppConfig> {
  return (await import("../config/config.js")).loadConfig();
}
