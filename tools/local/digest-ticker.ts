/**
 * The local stand-in for the digest timer trigger: runs the same handler on an interval (15 s by default, so a
 * digest subscribed for the next minute shows up without waiting long). A tick still running when the next is
 * due is not doubled; `stop` waits for it.
 */
import { randomUUID } from "node:crypto";
import functions from "@azure/functions";
import type { Logger } from "../../commands/ports/logger.port.js";
import type { DigestTimerHandler } from "../../src/functions/digest-timer.handler.js";

// The package is CommonJS and Node cannot see this named export from ESM; its default export has it.
const { InvocationContext } = functions;

export interface DigestTicker {
  stop(): Promise<void>;
}

export function startDigestTicker(intervalInMs: number, digestTimerHandler: DigestTimerHandler, logger: Logger): DigestTicker {
  if (intervalInMs <= 0) return { stop: async () => undefined };
  let running: Promise<void> | undefined;
  const tick = (): void => {
    if (running) return;
    const context = new InvocationContext({ functionName: "digestTimer", invocationId: randomUUID() });
    running = digestTimerHandler({ isPastDue: false }, context)
      .catch((error: unknown) => logger.error("digest timer failed", { error }))
      .finally(() => (running = undefined));
  };
  const timer = setInterval(tick, intervalInMs);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
