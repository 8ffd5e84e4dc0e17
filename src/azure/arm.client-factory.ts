/**
 * One `AzureMachineLearningWorkspaces` client per subscription id, created on first use and kept: the client
 * is bound to a subscription, and each holds a pipeline (token cache, connection pool) worth reusing.
 */
import { AzureMachineLearningWorkspaces } from "@azure/arm-machinelearning";
import type { TokenCredential } from "@azure/core-auth";
import type { PipelinePolicy, PipelineRetryOptions } from "@azure/core-rest-pipeline";

export const DEFAULT_ARM_ENDPOINT = "https://management.azure.com";
/** Public-cloud ARM audience. The emulator issues tokens for this scope too (its URL is not the audience). */
export const DEFAULT_ARM_SCOPE = "https://management.azure.com/.default";

export interface ArmClientOptions {
  readonly credential: TokenCredential;
  /** ARM base URL; default https://management.azure.com. The local emulator's URL in development. */
  readonly endpoint?: string;
  /** PEM of a CA to trust for this client only (the emulator's self-signed CA). Never a global TLS change. */
  readonly tlsCa?: string;
  /**
   * Token scope. The SDK would default it to `${endpoint}/.default`, which is wrong whenever `endpoint` is
   * not the audience (emulator, proxies); set it for sovereign clouds (e.g. https://management.chinacloudapi.cn/.default).
   */
  readonly credentialScope?: string;
  /** Pipeline retries (429 with Retry-After, 5xx, network). Defaults to the SDK's (3 retries, exponential). */
  readonly retryOptions?: PipelineRetryOptions;
}

/**
 * The SDK's long-running operations re-send the initial request's custom headers on every poll. A
 * conditional header belongs to the write only: If-Match on a GET of an operation status would make the
 * service compare it against the operation's ETag and answer 412.
 */
const conditionalHeadersOnWritesOnly: PipelinePolicy = {
  name: "amlChatopsConditionalHeadersOnWritesOnly",
  sendRequest(request, next) {
    if (request.method === "GET" || request.method === "HEAD") {
      request.headers.delete("If-Match");
      request.headers.delete("If-None-Match");
    }
    return next(request);
  },
};

export class ArmClientFactory {
  private readonly clients = new Map<string, AzureMachineLearningWorkspaces>();
  readonly endpoint: string;

  constructor(private readonly options: ArmClientOptions) {
    this.endpoint = (options.endpoint ?? DEFAULT_ARM_ENDPOINT).replace(/\/+$/, "");
  }

  forSubscription(subscriptionId: string): AzureMachineLearningWorkspaces {
    let client = this.clients.get(subscriptionId);
    if (!client) {
      client = new AzureMachineLearningWorkspaces(this.options.credential, subscriptionId, {
        endpoint: this.endpoint,
        $host: this.endpoint,
        credentialScopes: [this.options.credentialScope ?? DEFAULT_ARM_SCOPE],
        ...(this.options.tlsCa ? { tlsOptions: { ca: this.options.tlsCa } } : {}),
        ...(this.options.retryOptions ? { retryOptions: this.options.retryOptions } : {}),
        userAgentOptions: { userAgentPrefix: "aml-chatops" },
        // No `apiVersion` on purpose: when set, the SDK adds a policy that rewrites the api-version of EVERY
        // request on this pipeline, which would downgrade our raw 2024-10-01 endpoint requests.
      });
      client.pipeline.addPolicy(conditionalHeadersOnWritesOnly);
      this.clients.set(subscriptionId, client);
    }
    return client;
  }
}
