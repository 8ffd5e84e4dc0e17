/**
 * `EndpointScoring` over HTTPS: POSTs the request body to the endpoint's scoring URI with a key or token the
 * bot gets itself (see `scoring.credentials.ts`), pins a deployment with `azureml-model-deployment`, and
 * reports what Azure ML answered: status, latency, the deployment that answered, the body, and the
 * model-error headers. A 401 drops the cached credential and tries once more with a fresh one.
 *
 * Transport: `node:https` with an agent of this client's own, trusting `tlsCa` when given (the emulator's
 * CA locally) and nothing process-wide. Credentials go into the Authorization header and nowhere else:
 * not into logs, messages, errors or the outcome.
 */
import { randomUUID } from "node:crypto";
import type { IncomingHttpHeaders } from "node:http";
import { Agent, request } from "node:https";
import type { Endpoint, WorkspaceRef } from "../../commands/domain/endpoint.js";
import type { EndpointScoring, ScoringOutcome, ScoringRequest, ScoringResponse } from "../../commands/ports/endpoint-scoring.port.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import { redact } from "../logging/redact.js";
import { ArmClientFactory, type ArmClientOptions } from "./arm.client-factory.js";
import { ScoringCredentials } from "./scoring.credentials.js";

/** More than any chat reply shows; the rest is cut (and said so) rather than buffered. */
const MAX_RESPONSE_BYTES = 1024 * 1024;

export interface ScoringClientOptions extends ArmClientOptions {
  /** How long a listed key is reused before it is listed again (default 5 minutes). */
  readonly keyTtlInMs?: number;
  /** Epoch ms, for credential expiry; injected by tests. */
  readonly now?: () => number;
  readonly logger?: Logger;
}

type Answer = { kind: "ok"; value: ScoringResponse } | Exclude<ScoringOutcome, { kind: "ok" }>;

export class ScoringClient implements EndpointScoring {
  private readonly credentials: ScoringCredentials;
  private readonly agent: Agent;
  private readonly logger: Logger | undefined;

  constructor(options: ScoringClientOptions) {
    this.credentials = new ScoringCredentials({
      credential: options.credential,
      clients: new ArmClientFactory(options),
      ...(options.keyTtlInMs !== undefined ? { keyTtlInMs: options.keyTtlInMs } : {}),
      ...(options.now ? { now: options.now } : {}),
    });
    this.agent = new Agent({ keepAlive: true, ...(options.tlsCa ? { ca: options.tlsCa } : {}) });
    this.logger = options.logger;
  }

  async forgetCredentials(workspace: WorkspaceRef, endpointName: string): Promise<void> {
    this.credentials.forget(workspace, endpointName);
  }

  async score(endpoint: Endpoint, scoring: ScoringRequest, options: OperationOptions = {}): Promise<ScoringOutcome> {
    const uri = endpoint.scoringUri;
    if (uri === undefined) return { kind: "unreachable", message: `\`${endpoint.name}\` has no scoring URI yet (state ${endpoint.provisioningState}).` };
    if (!/^https:\/\//i.test(uri)) return { kind: "unreachable", message: "The scoring URI is not HTTPS; the bot does not send credentials over plain HTTP." };
    // One deadline for everything the call needs: the credential, the request, and the retry after a 401.
    const deadline = AbortSignal.timeout(scoring.timeoutInMs);
    const signal = options.abortSignal ? AbortSignal.any([options.abortSignal, deadline]) : deadline;
    try {
      for (let attempt = 1; ; attempt++) {
        const credential = await this.credentials.get(endpoint, { abortSignal: signal });
        if (!credential.ok) return { kind: "no-credential", message: credential.message };
        const answer = await this.post(uri, scoring, credential.secret, signal);
        if (answer.kind === "ok" && answer.value.status === 401 && attempt === 1) {
          // Keys are regenerated and tokens expire: one fresh credential, then the 401 stands.
          this.credentials.invalidate(endpoint);
          this.logger?.info("scoring credential refused; fetching a fresh one", { endpoint: endpoint.name, authMode: endpoint.authMode });
          continue;
        }
        if (answer.kind === "ok") {
          const { status, latencyInMs, deployment } = answer.value;
          this.logger?.info("scored endpoint", { endpoint: endpoint.name, pinned: scoring.deployment, deployment, status, latencyInMs: Math.round(latencyInMs) });
        }
        return answer;
      }
    } catch (error) {
      if (deadline.aborted && !options.abortSignal?.aborted) return { kind: "timeout", timeoutInMs: scoring.timeoutInMs };
      throw error;
    }
  }

  private post(uri: string, scoring: ScoringRequest, secret: string, signal: AbortSignal): Promise<Answer> {
    const payload = JSON.stringify(scoring.body);
    const headers: Record<string, string> = {
      "Content-Type": "application/json",
      Accept: "application/json",
      Authorization: `Bearer ${secret}`,
      "Content-Length": String(Buffer.byteLength(payload)),
      "User-Agent": "aml-chatops",
      "x-ms-client-request-id": randomUUID(),
      ...(scoring.deployment !== undefined ? { "azureml-model-deployment": scoring.deployment } : {}),
    };
    const started = performance.now();
    return new Promise<Answer>((resolve, reject) => {
      const req = request(uri, { method: "POST", headers, agent: this.agent, signal }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        let cut = false;
        res.on("data", (chunk: Buffer) => {
          if (size + chunk.length > MAX_RESPONSE_BYTES) {
            chunks.push(chunk.subarray(0, MAX_RESPONSE_BYTES - size));
            cut = true;
            res.destroy();
          } else chunks.push(chunk);
          size += chunk.length;
        });
        const finish = () => resolve({ kind: "ok", value: toResponse(res.statusCode ?? 0, res.headers, Buffer.concat(chunks), cut, performance.now() - started, secret) });
        res.on("end", finish);
        res.on("close", () => (cut ? finish() : undefined));
        res.on("error", (error) => (cut ? finish() : reject(error)));
      });
      req.on("error", (error: NodeJS.ErrnoException) => {
        if (signal.aborted) return reject(signal.reason instanceof Error ? signal.reason : error);
        resolve({ kind: "unreachable", message: redact(`Could not reach the scoring URI ${new URL(uri).host}: ${error.code ?? error.name}: ${error.message}`) });
      });
      req.end(payload);
    });
  }
}

/**
 * The wire answer as the core sees it: parsed JSON when it is JSON, the AML headers read. The credential the bot
 * sent is taken out wherever the answer echoes it (a 401 that quotes the Authorization header, a script that
 * prints its request); the core scrubs a failure's body of anything else that looks like a credential.
 */
function toResponse(status: number, headers: IncomingHttpHeaders, raw: Buffer, cut: boolean, latencyInMs: number, secret: string): ScoringResponse {
  const withoutSecret = (value: string) => (secret.length >= 8 ? value.split(secret).join("[redacted]") : value);
  const text = withoutSecret(raw.toString("utf8"));
  let body: unknown = text;
  if (cut) body = `${text}\n… (the response is larger than ${MAX_RESPONSE_BYTES / 1024} KiB; cut here)`;
  else if (text.trim() !== "" && (String(headers["content-type"] ?? "").includes("json") || /^\s*[[{]/.test(text))) {
    try {
      body = JSON.parse(text) as unknown;
    } catch {
      body = text;
    }
  }
  const header = (name: string) => {
    const value = headers[name];
    return Array.isArray(value) ? value[0] : value;
  };
  const deployment = header("azureml-model-deployment");
  const requestId = header("x-request-id") ?? header("x-ms-request-id");
  const modelReason = header("ms-azureml-model-error-reason");
  const reason = reasonOf(header("ms-azureml-model-error-statuscode"), modelReason && withoutSecret(modelReason), header("retry-after"));
  return { status, latencyInMs, body, ...(deployment ? { deployment } : {}), ...(requestId ? { requestId } : {}), ...(reason ? { reason } : {}) };
}

function reasonOf(modelStatus: string | undefined, modelReason: string | undefined, retryAfter: string | undefined): string | undefined {
  const parts = [
    ...(modelStatus ? [`container answered HTTP ${modelStatus}`] : []),
    ...(modelReason ? [modelReason] : []),
    ...(retryAfter && /^\d+$/.test(retryAfter) ? [`retry after ${retryAfter} s`] : []),
  ];
  return parts.length > 0 ? parts.join(", ") : undefined;
}
