/**
 * How metrics calls reach Azure Monitor.
 * - `BatchMetricsFetcher`: the data-plane `metrics:getBatch` through `MetricsClient` (@azure/monitor-query-metrics),
 *   one client per regional endpoint, the emulator's CA trusted per client (`tlsOptions`), token scope
 *   `https://metrics.monitor.azure.com/.default` as the REST spec declares it (the client would otherwise ask
 *   for the ARM audience). The SDK is loaded on the first call, so the Slack acknowledgement path never loads it.
 * - `ResourceMetricsFetcher`: the ARM single-resource API, one GET per resource. Kept only to measure the
 *   naive approach against the batch (bench/digest.bench.ts); production wiring uses the batch.
 */
import type { TokenCredential } from "@azure/core-auth";
import {
  bearerTokenAuthenticationPolicy,
  createDefaultHttpClient,
  createPipelineFromOptions,
  createPipelineRequest,
  RestError,
  type HttpClient,
  type Pipeline,
  type PipelineRetryOptions,
} from "@azure/core-rest-pipeline";
import type { MetricsClient, MetricsQueryResourcesOptions } from "@azure/monitor-query-metrics";
import { fromSdkResults, parseWireResource, type ResourceMetricData } from "./monitor.converters.js";

export const METRICS_SCOPE = "https://metrics.monitor.azure.com/.default";
const ARM_SCOPE = "https://management.azure.com/.default";
const ARM_METRICS_API_VERSION = "2023-10-01";

export interface MetricsCall {
  readonly namespace: string;
  readonly metricNames: readonly string[];
  readonly aggregation: string;
  readonly filter?: string;
  readonly top?: number;
  /** ISO 8601 timegrain, e.g. PT5M. */
  readonly interval: string;
  readonly start: Date;
  readonly end: Date;
  readonly resourceIds: readonly string[];
  /** Azure region of the resources (the batch endpoint is regional). */
  readonly location?: string;
}

export interface MetricsFetcher {
  /** One or more HTTP calls for `call`; throws (RestError) when the service refused or failed the call. */
  fetch(call: MetricsCall, options?: { readonly abortSignal?: AbortSignal }): Promise<ResourceMetricData[]>;
}

export interface FetcherOptions {
  readonly credential: TokenCredential;
  /** PEM of a CA to trust for these calls only (the emulator's). */
  readonly tlsCa?: string;
  readonly retryOptions?: PipelineRetryOptions;
}

export class BatchMetricsFetcher implements MetricsFetcher {
  private readonly clients = new Map<string, Promise<MetricsClient>>();

  /** `endpointFor(location)`: the metrics endpoint for a region, e.g. https://westeurope.metrics.monitor.azure.com. */
  constructor(
    private readonly options: FetcherOptions & { readonly endpointFor: (location: string | undefined) => string },
  ) {}

  async fetch(call: MetricsCall, options: { readonly abortSignal?: AbortSignal } = {}): Promise<ResourceMetricData[]> {
    if (call.resourceIds.length === 0) return [];
    const query: MetricsQueryResourcesOptions & { abortSignal?: AbortSignal } = {
      startTime: call.start,
      endTime: call.end,
      interval: call.interval,
      aggregation: call.aggregation,
      ...(call.filter ? { filter: call.filter } : {}),
      ...(call.top !== undefined ? { top: call.top } : {}),
      // Not in the public options type, but passed on to the request (operationOptionsToRequestParameters).
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
    };
    const client = await this.clientFor(call.location);
    const results = await client.queryResources([...call.resourceIds], [...call.metricNames], call.namespace, query);
    return fromSdkResults(results);
  }

  /** One client per endpoint, created once even when the first calls start together. */
  private clientFor(location: string | undefined): Promise<MetricsClient> {
    const endpoint = this.options.endpointFor(location).replace(/\/+$/, "");
    let client = this.clients.get(endpoint);
    if (client === undefined) {
      client = import("@azure/monitor-query-metrics").then(
        ({ MetricsClient }) =>
          new MetricsClient(endpoint, this.options.credential, {
            credentials: { scopes: [METRICS_SCOPE] },
            ...(this.options.tlsCa ? { tlsOptions: { ca: this.options.tlsCa } } : {}),
            ...(this.options.retryOptions ? { retryOptions: this.options.retryOptions } : {}),
            userAgentOptions: { userAgentPrefix: "aml-chatops" },
          }),
      );
      this.clients.set(endpoint, client);
    }
    return client;
  }
}

export class ResourceMetricsFetcher implements MetricsFetcher {
  private readonly pipeline: Pipeline;
  private readonly http: HttpClient = createDefaultHttpClient();

  /** `concurrency`: calls in flight at once for one `fetch` (default 8). */
  constructor(private readonly options: FetcherOptions & { readonly armEndpoint: string; readonly concurrency?: number }) {
    this.pipeline = createPipelineFromOptions({
      ...(options.tlsCa ? { tlsOptions: { ca: options.tlsCa } } : {}),
      ...(options.retryOptions ? { retryOptions: options.retryOptions } : {}),
    });
    this.pipeline.addPolicy(bearerTokenAuthenticationPolicy({ credential: options.credential, scopes: ARM_SCOPE }));
  }

  async fetch(call: MetricsCall, options: { readonly abortSignal?: AbortSignal } = {}): Promise<ResourceMetricData[]> {
    const out: ResourceMetricData[] = new Array(call.resourceIds.length);
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < call.resourceIds.length) {
        const i = next++;
        out[i] = await this.fetchOne(call.resourceIds[i]!, call, options.abortSignal);
      }
    };
    await Promise.all(Array.from({ length: Math.min(this.options.concurrency ?? 8, call.resourceIds.length) }, worker));
    return out;
  }

  private async fetchOne(resourceId: string, call: MetricsCall, abortSignal: AbortSignal | undefined): Promise<ResourceMetricData> {
    const query = new URLSearchParams({
      "api-version": ARM_METRICS_API_VERSION,
      timespan: `${call.start.toISOString()}/${call.end.toISOString()}`,
      interval: call.interval,
      metricnames: call.metricNames.join(","),
      aggregation: call.aggregation,
      metricnamespace: call.namespace,
      ...(call.filter ? { $filter: call.filter } : {}),
      ...(call.top !== undefined ? { top: String(call.top) } : {}),
    });
    const url = `${this.options.armEndpoint.replace(/\/+$/, "")}${resourceId}/providers/Microsoft.Insights/metrics?${query.toString()}`;
    const request = createPipelineRequest({ url, method: "GET", ...(abortSignal ? { abortSignal } : {}) });
    const response = await this.pipeline.sendRequest(this.http, request);
    if (response.status !== 200) {
      const code = response.headers.get("x-ms-error-code") ?? `HTTP ${response.status}`;
      throw new RestError(`Metrics request for ${resourceId} failed: ${code}`, { code, statusCode: response.status });
    }
    return parseWireResource(JSON.parse(response.bodyAsText ?? "{}"), resourceId);
  }
}
