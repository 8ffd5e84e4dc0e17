/**
 * Plays Slack's part: signed slash commands in Slack's form encoding (tools/local/slack-signer.ts, as
 * `npm run slack` and the tests use), posted with plain `node:http` to a host on loopback.
 */
import { request, type Agent } from "node:http";
import { signedSlackHeaders, slashCommandForm } from "../tools/local/slack-signer.js";

export const BENCH_USER = "U0LOCALADMIN";
export const BENCH_CHANNEL = "C0BENCH";

export interface SignedRequest {
  readonly body: string;
  readonly headers: Record<string, string>;
}

/** A fresh request (new trigger_id, so never taken for a Slack retry; signature with the current timestamp). */
export function signedSlashCommand(text: string, signingSecret: string, responseUrl: string): SignedRequest {
  const body = slashCommandForm({ command: "/aml", text, userId: BENCH_USER, channelId: BENCH_CHANNEL, responseUrl });
  return { body, headers: { ...signedSlackHeaders(body, signingSecret), "content-length": String(Buffer.byteLength(body)) } };
}

export interface Answer {
  readonly status: number;
  readonly body: string;
}

/** One POST to /api/slack/events; resolves once the whole response body is in. `agent: false` = new connection. */
export function postSlack(port: number, req: SignedRequest, agent: Agent | false, timeoutInMs = 10_000): Promise<Answer> {
  return post(port, "/api/slack/events", req, agent, timeoutInMs);
}

/** One POST to a host on loopback; resolves once the whole response body is in. */
export function post(port: number, path: string, req: SignedRequest, agent: Agent | false, timeoutInMs = 10_000): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const outgoing = request(
      { host: "127.0.0.1", port, method: "POST", path, headers: req.headers, agent, timeout: timeoutInMs },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (chunk: Buffer) => chunks.push(chunk));
        res.on("end", () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString("utf8") }));
        res.on("error", reject);
      },
    );
    outgoing.on("timeout", () => outgoing.destroy(new Error(`no answer within ${timeoutInMs} ms`)));
    outgoing.on("error", reject);
    outgoing.end(req.body);
  });
}
