/**
 * Warm load: a closed loop of `concurrency` clients, each starting its next operation as soon as the previous one
 * has completed. For HTTP: signed slash commands over keep-alive connections (one agent, `concurrency` sockets),
 * built and signed before the clock starts so the client's own work stays out of the latencies. A level ends
 * after `count` operations or at its time limit, whichever comes first.
 */
import { Agent } from "node:http";
import { postSlack, type Answer, type SignedRequest } from "./slack-client.js";

export interface LevelResult {
  /** Latencies of the successful operations (ms). */
  readonly latencies: number[];
  readonly errors: number;
  /** Error kinds and how often, e.g. `HTTP 500`, `ECONNRESET`, `unexpected body`. */
  readonly errorKinds: Record<string, number>;
  readonly wallMs: number;
  readonly truncated: boolean;
}

/** `op` resolves with undefined on success, or with the kind of error. */
export async function closedLoop(count: number, concurrency: number, maxMs: number, op: (index: number) => Promise<string | undefined>): Promise<LevelResult> {
  const latencies: number[] = [];
  const errorKinds: Record<string, number> = {};
  let errors = 0;
  let next = 0;
  const started = performance.now();
  const deadline = started + maxMs;
  const fail = (kind: string): void => {
    errors++;
    errorKinds[kind] = (errorKinds[kind] ?? 0) + 1;
  };
  const client = async (): Promise<void> => {
    while (next < count && performance.now() < deadline) {
      const index = next++;
      const sent = performance.now();
      try {
        const error = await op(index);
        if (error === undefined) latencies.push(performance.now() - sent);
        else fail(error);
      } catch (error) {
        fail((error as NodeJS.ErrnoException).code ?? (error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  return { latencies, errors, errorKinds, wallMs: performance.now() - started, truncated: next < count };
}

/** One level's slices, as one result: latencies pooled, errors summed, wall time added up. */
export function mergeLevels(slices: readonly LevelResult[]): LevelResult {
  const errorKinds: Record<string, number> = {};
  for (const slice of slices) for (const [kind, count] of Object.entries(slice.errorKinds)) errorKinds[kind] = (errorKinds[kind] ?? 0) + count;
  return {
    latencies: slices.flatMap((slice) => slice.latencies),
    errors: slices.reduce((sum, slice) => sum + slice.errors, 0),
    errorKinds,
    wallMs: slices.reduce((sum, slice) => sum + slice.wallMs, 0),
    truncated: slices.some((slice) => slice.truncated),
  };
}

/** Slash commands to a host; an answer counts when it is a 200 that `expect` accepts. */
export async function runLevel(
  port: number,
  requests: readonly SignedRequest[],
  concurrency: number,
  maxMs: number,
  expect: (answer: Answer) => boolean,
): Promise<LevelResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  try {
    return await closedLoop(requests.length, concurrency, maxMs, async (index) => {
      const answer = await postSlack(port, requests[index]!, agent);
      if (answer.status !== 200) return `HTTP ${answer.status}`;
      return expect(answer) ? undefined : "unexpected body";
    });
  } finally {
    agent.destroy();
  }
}
