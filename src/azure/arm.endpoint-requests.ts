/**
 * Raw ARM requests for online endpoints, sent through the SDK client's own pipeline.
 *
 * Why raw: `@azure/arm-machinelearning@2.1.1` is generated from api-version 2022-10-01, whose models have
 * no `mirrorTraffic`. Its serializer drops unknown fields, so a PUT through `onlineEndpoints.beginCreateOrUpdate`
 * never carries `mirrorTraffic` and the service (PUT = replace) switches mirroring off; checked against the
 * emulator, even setting the field on the model returned by the SDK's own GET does not survive. (That GET
 * does keep the unknown field with core-client 1.10.2, but only the PUT side matters, and it cannot be fixed
 * from outside.) It also sends api-version 2022-10-01, which predates the field.
 *
 * Why `client.sendRequest(createPipelineRequest(...))` rather than `sendOperationRequest` with a custom
 * OperationSpec: a spec needs mappers, and any mapper we wrote would re-create the same "unknown fields are
 * lost" problem for the next property the service adds. `sendRequest` runs the exact pipeline the SDK's own
 * calls use (bearer token, retries and 429 Retry-After handling, TLS options, user agent, logging with
 * header redaction) and leaves the JSON untouched. We must then check status codes ourselves, which we
 * want anyway: 404/409/412/400/429 are outcomes, not exceptions.
 *
 * The long-running PUT is followed with `createHttpPoller` from @azure/core-lro 2.x, the same engine the SDK
 * uses, so Azure-AsyncOperation / Location / provisioningState polling and the final GET behave like the
 * SDK's; we only feed it the already-sent initial response and our raw GETs.
 */
import { createHttpPoller, type LroResponse, type OperationState } from "@azure/core-lro";
import {
  createHttpHeaders,
  createPipelineRequest,
  type HttpHeaders,
  type HttpMethods,
  type PipelineRequest,
  type PipelineResponse,
} from "@azure/core-rest-pipeline";
import type { WorkspaceRef } from "../../commands/domain/endpoint.js";
import { parseOperationStatus, type ServiceError } from "./arm.converters.js";

/**
 * api-version for raw endpoint requests. 2024-10-01 is a stable Microsoft.MachineLearningServices version
 * whose `OnlineEndpointProperties` include `mirrorTraffic` ("Percentage of traffic to be mirrored to each
 * deployment without using returned scoring. Traffic values need to sum to utmost 50") next to `traffic`,
 * `publicNetworkAccess` and the rest (azure-rest-api-specs, stable/2024-10-01/mfe.json; as generated in
 * Azure/bicep-types-az generated/machinelearningservices/microsoft.machinelearningservices/2024-10-01/types.md).
 */
export const ENDPOINTS_API_VERSION = "2024-10-01";

/**
 * What we need from the SDK client: `ServiceClient.sendRequest`, i.e. its configured pipeline. Structural on
 * purpose: the SDK's typings resolve @azure/core-client's CommonJS declarations and ours the ESM ones, and
 * TypeScript treats the two `ServiceClient` classes (private members) as unrelated.
 */
export interface PipelineSender {
  sendRequest(request: PipelineRequest): Promise<PipelineResponse>;
}

export interface RawResponse {
  readonly status: number;
  readonly headers: HttpHeaders;
  /** Parsed JSON, the text when it is not JSON, undefined when empty. */
  readonly body: unknown;
}

/** A non-2xx response met while following an operation (the initial response is checked by the caller). */
export class ArmHttpError extends Error {
  declare readonly response: RawResponse;
  constructor(
    readonly method: string,
    readonly url: string,
    response: RawResponse,
  ) {
    super(`ARM ${method} ${pathOf(url)} returned HTTP ${response.status}`);
    this.name = "ArmHttpError";
    // Non-enumerable, like RestError's: keeps headers and bodies out of JSON.stringify / console.log.
    Object.defineProperty(this, "response", { value: response, enumerable: false });
  }
}

function workspacePath(ws: WorkspaceRef): string {
  const seg = encodeURIComponent;
  return (
    `/subscriptions/${seg(ws.subscriptionId)}/resourceGroups/${seg(ws.resourceGroup)}` +
    `/providers/Microsoft.MachineLearningServices/workspaces/${seg(ws.workspace)}`
  );
}

export function endpointsUrl(armBase: string, ws: WorkspaceRef): string {
  return `${trimSlash(armBase)}${workspacePath(ws)}/onlineEndpoints?api-version=${ENDPOINTS_API_VERSION}`;
}

export function endpointUrl(armBase: string, ws: WorkspaceRef, endpointName: string): string {
  return (
    `${trimSlash(armBase)}${workspacePath(ws)}/onlineEndpoints/${encodeURIComponent(endpointName)}` +
    `?api-version=${ENDPOINTS_API_VERSION}`
  );
}

/**
 * Any resource under a workspace (`""` is the workspace itself), at the same api-version: `child` is made of the
 * path segments after the workspace, each encoded here (`["onlineEndpoints", "e", "deployments", "d"]`).
 */
export function workspaceResourceUrl(armBase: string, ws: WorkspaceRef, child: readonly string[] = [], query: Record<string, string> = {}): string {
  const path = child.map((segment) => `/${encodeURIComponent(segment)}`).join("");
  const search = new URLSearchParams({ "api-version": ENDPOINTS_API_VERSION, ...query });
  return `${trimSlash(armBase)}${workspacePath(ws)}${path}?${search.toString()}`;
}

/** A subscription-level resource of the provider in one region (`usages`, `vmSizes`). */
export function locationResourceUrl(armBase: string, subscriptionId: string, location: string, resource: string): string {
  return (
    `${trimSlash(armBase)}/subscriptions/${encodeURIComponent(subscriptionId)}/providers/Microsoft.MachineLearningServices` +
    `/locations/${encodeURIComponent(location)}/${encodeURIComponent(resource)}?api-version=${ENDPOINTS_API_VERSION}`
  );
}

export interface SendOptions {
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly abortSignal?: AbortSignal;
}

export async function sendJson(client: PipelineSender, method: HttpMethods, url: string, options: SendOptions = {}): Promise<RawResponse> {
  const headers = createHttpHeaders({ Accept: "application/json", ...options.headers });
  if (options.body !== undefined) headers.set("Content-Type", "application/json");
  const request = createPipelineRequest({
    url,
    method,
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    abortSignal: options.abortSignal,
  });
  const response = await client.sendRequest(request);
  return { status: response.status, headers: response.headers, body: parseJsonText(response.bodyAsText) };
}

export interface OperationResult {
  readonly status: "succeeded" | "failed" | "canceled";
  /** The last response seen: normally the final GET of the resource. */
  readonly last: RawResponse;
  readonly error?: ServiceError;
}

export interface FollowOptions {
  readonly intervalInMs?: number;
  readonly abortSignal?: AbortSignal;
  /** Called with the service's own status word from every response (initial included). */
  readonly onStatus?: (status: string) => void;
}

/**
 * Follows a long-running PUT whose initial 2xx response has already been received, to its end.
 * Throws ArmHttpError when a poll gets a non-2xx answer, AbortError when aborted.
 */
export async function followPut(
  client: PipelineSender,
  resourceUrl: string,
  initial: RawResponse,
  options: FollowOptions = {},
): Promise<OperationResult> {
  let last = initial;
  const observe = (response: RawResponse): void => {
    const status = parseOperationStatus(response.body).status;
    if (status) options.onStatus?.(status);
  };
  observe(initial);

  const poller = await createHttpPoller<unknown, OperationState<unknown>>(
    {
      requestMethod: "PUT",
      requestPath: resourceUrl,
      sendInitialRequest: async () => toLroResponse(initial),
      sendPollRequest: async (path, pollOptions) => {
        const response = await sendJson(client, "GET", path, {
          abortSignal: (pollOptions?.abortSignal as AbortSignal | undefined) ?? options.abortSignal,
        });
        if (response.status < 200 || response.status >= 300) throw new ArmHttpError("GET", path, response);
        last = response;
        observe(response);
        return toLroResponse(response);
      },
    },
    // resolveOnUnsuccessful: a Failed operation is an outcome we report, not an exception to unwrap.
    { intervalInMs: options.intervalInMs, resolveOnUnsuccessful: true },
  );
  await poller.pollUntilDone({ abortSignal: options.abortSignal });

  const state = poller.getOperationState();
  if (state.status === "succeeded") return { status: "succeeded", last };
  const error = parseOperationStatus(last.body).error;
  const status = state.status === "canceled" ? "canceled" : "failed";
  return error ? { status, last, error } : { status, last };
}

function toLroResponse(response: RawResponse): LroResponse<unknown> {
  return {
    flatResponse: response.body,
    // core-lro looks headers up in lower case (azure-asyncoperation, location, retry-after); toJSON gives that.
    rawResponse: { statusCode: response.status, headers: response.headers.toJSON(), body: response.body },
  };
}

/** JSON when the text is JSON, the text itself otherwise, undefined when empty. */
export function parseJsonText(text: string | null | undefined): unknown {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, "");
}

/** The path without scheme, host or query: enough to say which request failed, nothing sensitive. */
export function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.split("?")[0] ?? "";
  }
}
