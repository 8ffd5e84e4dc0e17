/**
 * Raw scoring requests for the emulator's scoring plane: real HTTPS trusting only the emulator's CA, one
 * keep-alive agent per emulator (a thousand calls should not mean a thousand TLS handshakes), no SDK.
 */
import { Agent, request as httpsRequest } from "node:https";
import type { IncomingHttpHeaders } from "node:http";
import type { RunningAmlEmulator } from "../../../tools/emulator/aml-emulator.js";

export interface ScoreResponse {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  json: any;
}

export const SKLEARN_SAMPLE = { data: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]] };

const agents = new WeakMap<RunningAmlEmulator, Agent>();

export function scoringUrl(emulator: RunningAmlEmulator, endpoint: string, workspace = "demo"): string {
  return `${emulator.url}/inference/${workspace}/${endpoint}/score`;
}

export function score(
  emulator: RunningAmlEmulator,
  endpoint: string,
  options: { credential?: string; deployment?: string; body?: unknown; path?: string } = {},
): Promise<ScoreResponse> {
  let agent = agents.get(emulator);
  if (!agent) {
    agent = new Agent({ ca: emulator.ca, keepAlive: true, maxSockets: 16 });
    agents.set(emulator, agent);
  }
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (options.credential !== undefined) headers["authorization"] = `Bearer ${options.credential}`;
  if (options.deployment !== undefined) headers["azureml-model-deployment"] = options.deployment;
  const payload = typeof options.body === "string" ? options.body : JSON.stringify(options.body ?? SKLEARN_SAMPLE);
  const url = options.path ? `${emulator.url}${options.path}` : scoringUrl(emulator, endpoint);
  return new Promise((resolve, reject) => {
    const req = httpsRequest(url, { method: "POST", headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => {
        const text = Buffer.concat(chunks).toString("utf8");
        let json: unknown;
        try {
          json = text === "" ? undefined : JSON.parse(text);
        } catch {
          json = undefined;
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json });
      });
    });
    req.on("error", reject);
    req.end(payload);
  });
}

export function closeScoringAgent(emulator: RunningAmlEmulator): void {
  agents.get(emulator)?.destroy();
  agents.delete(emulator);
}

/** Live, pinned and mirrored counts of one deployment, from the plane's ledger. */
export function countsOf(emulator: RunningAmlEmulator, endpoint: string, deployment: string) {
  const found = emulator.scoring.stats().find((s) => s.endpoint === endpoint && s.deployment === deployment);
  return { live: found?.live ?? 0, pinned: found?.pinned ?? 0, mirrored: found?.mirrored ?? 0, statuses: found?.statuses ?? {} };
}
