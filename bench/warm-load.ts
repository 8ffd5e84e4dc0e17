/**
 * Warm ack latency: a closed loop of `concurrency` clients, each sending its next signed slash command as soon as
 * the previous answer is complete, over keep-alive connections (one agent, `concurrency` sockets). Requests are
 * built and signed before the clock starts so the client's own work stays out of the latencies. A level ends
 * after all its requests or at its time limit, whichever comes first.
 */
import { Agent } from "node:http";
import { postSlack, type Answer, type SignedRequest } from "./slack-client.js";

export interface LevelResult {
  /** Latencies of the successful requests (ms). */
  readonly latencies: number[];
  readonly errors: number;
  /** Error kinds and how often, e.g. `HTTP 500`, `ECONNRESET`, `unexpected body`. */
  readonly errorKinds: Record<string, number>;
  readonly wallMs: number;
  readonly truncated: boolean;
}

export async function runLevel(
  port: number,
  requests: readonly SignedRequest[],
  concurrency: number,
  maxMs: number,
  expect: (answer: Answer) => boolean,
): Promise<LevelResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
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
    while (next < requests.length && performance.now() < deadline) {
      const req = requests[next++]!;
      const sent = performance.now();
      try {
        const answer = await postSlack(port, req, agent);
        const ms = performance.now() - sent;
        if (answer.status !== 200) fail(`HTTP ${answer.status}`);
        else if (!expect(answer)) fail("unexpected body");
        else latencies.push(ms);
      } catch (error) {
        fail((error as NodeJS.ErrnoException).code ?? (error as Error).message);
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, client));
  const wallMs = performance.now() - started;
  agent.destroy();
  return { latencies, errors, errorKinds, wallMs, truncated: next < requests.length };
}
