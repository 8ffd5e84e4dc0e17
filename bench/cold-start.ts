/**
 * Cold start: wall time from `spawn()` of a fresh process to the first answer of a request. The client retries
 * the connection until the port answers (every 2 ms: fine enough for a result in hundreds of ms, light enough not
 * to steal the child's CPU). The request is built before the clock starts.
 */
import { findFreePort } from "../tools/azurite.js";
import { cpuTimeMs, spawnChild } from "./processes.js";
import type { Answer } from "./slack-client.js";
import type { Variant } from "./variants.js";

const RETRY_EVERY_MS = 2;

export interface ColdStart {
  readonly ms: number;
  /**
   * CPU time the child had used when its answer was in (all its threads, read from /proc before it is killed), or
   * NaN where there is no /proc. Load on the machine stretches the wall time far more than this.
   */
  readonly cpuMs: number;
  readonly answer: Answer;
  /** What the child wrote to stdout (the worker stand-in's timings among it). */
  readonly stdout: readonly string[];
}

/** Sends the measured request to a port; rejects with ECONNREFUSED while nothing listens there. */
export type Send = (port: number, timeoutInMs: number) => Promise<Answer>;

export async function coldStart(variant: Variant, env: NodeJS.ProcessEnv, send: Send, expect: (answer: Answer) => boolean, timeoutInMs = 30_000): Promise<ColdStart> {
  const port = await findFreePort();
  const started = performance.now();
  const child = spawnChild(variant.command, variant.args, { ...env, ...variant.env, PORT: String(port) });
  let exited = false;
  void child.exited.then(() => (exited = true));
  try {
    for (;;) {
      if (exited) throw new Error(`${variant.label} exited before answering:\n${child.tail()}`);
      if (performance.now() - started > timeoutInMs) throw new Error(`${variant.label} did not answer within ${timeoutInMs} ms:\n${child.tail()}`);
      let answer: Answer;
      try {
        answer = await send(port, timeoutInMs);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === "ECONNREFUSED") {
          await new Promise((resolve) => setTimeout(resolve, RETRY_EVERY_MS));
          continue;
        }
        throw error;
      }
      const ms = performance.now() - started;
      const cpuMs = cpuTimeMs(child.pid);
      if (!expect(answer)) throw new Error(`${variant.label}: unexpected first answer HTTP ${answer.status} ${answer.body.slice(0, 300)}\n${child.tail()}`);
      return { ms, cpuMs, answer, stdout: [...child.stdout] };
    }
  } finally {
    await child.kill();
  }
}
