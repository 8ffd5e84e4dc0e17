/**
 * `EndpointControl` over Azure Resource Manager.
 *
 * Endpoints: raw JSON at api-version 2024-10-01 through the SDK client's pipeline (see
 * `arm.endpoint-requests.ts` for why: the SDK's 2022-10-01 models lose `mirrorTraffic`).
 * Deployments: the SDK's own methods (their 2022-10-01 models carry everything we read or change).
 *
 * This is the only module that decides what an HTTP status means for the core: expected refusals of a change
 * become `ChangeOutcome` values; a read that Azure keeps throttling (429 after the SDK's retries) a `ThrottledError`
 * with the Retry-After; everything else an `InfrastructureError`. Their messages never carry secrets.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { AzureMachineLearningWorkspaces, OnlineDeployment } from "@azure/arm-machinelearning";
import type { FullOperationResponse } from "@azure/core-client";
import { isRestError, type HttpHeaders } from "@azure/core-rest-pipeline";
import type { Deployment, Endpoint, TrafficChange, WorkspaceRef } from "../../commands/domain/endpoint.js";
import { InfrastructureError, ThrottledError } from "../../commands/errors.js";
import type {
  BeginTrafficUpdateOptions,
  ChangeOutcome,
  EndpointControl,
  GetResourceOptions,
  RequestPreview,
  TrafficUpdateStart,
  UpdateCapacityOptions,
  UpdateTrafficOptions,
} from "../../commands/ports/endpoint-control.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import { ArmClientFactory, type ArmClientOptions } from "./arm.client-factory.js";
import {
  parseEndpointListPage,
  parseEndpointResource,
  parseOperationStatus,
  parseServiceError,
  toCapacityPatchBody,
  toDeployment,
  toEndpoint,
  toTrafficUpdateBody,
  type EndpointResource,
  type ServiceError,
} from "./arm.converters.js";
import { ArmHttpError, endpointsUrl, endpointUrl, followPut, parseJsonText, sendJson, type RawResponse } from "./arm.endpoint-requests.js";
import { redact } from "../logging/redact.js";
import { convertOrFail, httpFailure, isAbortError, retryAfterInMs, throttledFailure, toThrowable } from "./arm.failures.js";
import { createProgressReporter } from "./arm.progress.js";

export interface ArmEndpointControlOptions extends ArmClientOptions {
  /** Poll interval for long-running operations (the service's Retry-After, when sent, takes precedence). */
  readonly updateIntervalInMs?: number;
}

type Refusal = Exclude<ChangeOutcome<never>, { kind: "ok" }>;

/** Provisioning states in which Azure ML is still working on a resource (an operation may yet fail and roll back). */
const BUSY_STATES = /^(creating|updating|deleting)$/i;
/** How often `waitWhileBusyInMs` reads again when no LRO poll interval is configured. */
const DEFAULT_BUSY_POLL_IN_MS = 2_000;

export class ArmEndpointControl implements EndpointControl {
  private readonly clients: ArmClientFactory;
  private readonly updateIntervalInMs: number | undefined;

  constructor(options: ArmEndpointControlOptions) {
    this.clients = new ArmClientFactory(options);
    this.updateIntervalInMs = options.updateIntervalInMs;
  }

  async listEndpoints(workspace: WorkspaceRef, options: OperationOptions = {}): Promise<Endpoint[]> {
    const client = this.client(workspace);
    const endpoints: Endpoint[] = [];
    let url: string | undefined = endpointsUrl(this.clients.endpoint, workspace);
    while (url) {
      const response = await this.send(client, "GET", url, "list online endpoints", options);
      if (!isSuccess(response)) failWith("list online endpoints", response);
      const page = convertOrFail("list online endpoints", () => parseEndpointListPage(response.body));
      endpoints.push(...page.value.map((r) => convertOrFail("list online endpoints", () => toEndpoint(r, workspace))));
      url = page.nextLink;
    }
    return endpoints;
  }

  async getEndpoint(workspace: WorkspaceRef, endpointName: string, options: GetResourceOptions = {}): Promise<Endpoint | undefined> {
    return this.whileBusy(options, async () => {
      const read = await this.readEndpoint(workspace, endpointName, options);
      if (read.kind === "not-found") return undefined;
      if (read.kind === "throttled") throw new ThrottledError(redact(`get online endpoint ${endpointName}: ${read.message}`), { retryAfterInMs: read.retryAfterInMs });
      if (read.kind !== "ok") throw new InfrastructureError(redact(`get online endpoint ${endpointName}: ${read.message}`));
      return convertOrFail(`get online endpoint ${endpointName}`, () => toEndpoint(read.value.resource, workspace, read.value.etag));
    });
  }

  async getDeployment(
    workspace: WorkspaceRef,
    endpointName: string,
    deploymentName: string,
    options: GetResourceOptions = {},
  ): Promise<Deployment | undefined> {
    const action = `get deployment ${endpointName}/${deploymentName}`;
    return this.whileBusy(options, async () => {
      let etag: string | undefined;
      try {
        const deployment = await this.client(workspace).onlineDeployments.get(workspace.resourceGroup, workspace.workspace, endpointName, deploymentName, {
          abortSignal: options.abortSignal,
          onResponse: (raw) => void (etag = raw.headers.get("etag") ?? undefined),
        });
        return convertOrFail(action, () => toDeployment(deployment, endpointName, etag));
      } catch (error) {
        if (isRestError(error) && error.statusCode === 404) return undefined;
        throw toThrowable(action, error);
      }
    });
  }

  async listDeployments(workspace: WorkspaceRef, endpointName: string, options: OperationOptions = {}): Promise<Deployment[]> {
    const action = `list deployments of ${endpointName}`;
    const deployments: Deployment[] = [];
    try {
      const pages = this.client(workspace).onlineDeployments.list(workspace.resourceGroup, workspace.workspace, endpointName, {
        abortSignal: options.abortSignal,
      });
      for await (const deployment of pages) deployments.push(convertOrFail(action, () => toDeployment(deployment, endpointName)));
    } catch (error) {
      // The port has no "not found" for lists; a missing endpoint simply has no deployments.
      if (isRestError(error) && error.statusCode === 404) return [];
      throw toThrowable(action, error);
    }
    return deployments;
  }

  async previewTrafficUpdate(
    workspace: WorkspaceRef,
    endpointName: string,
    change: TrafficChange,
    options: OperationOptions = {},
  ): Promise<ChangeOutcome<RequestPreview>> {
    const read = await this.readEndpoint(workspace, endpointName, options);
    if (read.kind !== "ok") return read;
    return { kind: "ok", value: { method: "PUT", url: read.value.url, body: toTrafficUpdateBody(read.value.resource, change) } };
  }

  async updateTraffic(
    workspace: WorkspaceRef,
    endpointName: string,
    change: TrafficChange,
    options: UpdateTrafficOptions = {},
  ): Promise<ChangeOutcome<Endpoint>> {
    const action = `update traffic of ${endpointName}`;
    const read = await this.readEndpoint(workspace, endpointName, options);
    if (read.kind !== "ok") return read;
    const { url, resource } = read.value;
    const etag = options.ifMatch ?? read.value.etag;
    const client = this.client(workspace);
    const progress = createProgressReporter(options);

    const put = await this.send(client, "PUT", url, action, options, { body: toTrafficUpdateBody(resource, change), ifMatch: etag });
    if (!isSuccess(put)) return refusalFor(put, `Endpoint ${endpointName}`) ?? failWith(action, put);

    const result = await this.follow(client, url, put, action, options, progress.report);
    if (result.kind !== "ok") return result;
    let final = read.value;
    try {
      final = { ...final, resource: parseEndpointResource(result.value.body), etag: result.value.headers.get("etag") };
    } catch {
      // The last poll was an operation status, not the endpoint: read it back.
      const reread = await this.readEndpoint(workspace, endpointName, options);
      if (reread.kind !== "ok") throw new InfrastructureError(redact(`${action}: applied, but reading it back failed: ${reread.message}`));
      final = reread.value;
    }
    return { kind: "ok", value: convertOrFail(action, () => toEndpoint(final.resource, workspace, final.etag)) };
  }

  async beginTrafficUpdate(
    workspace: WorkspaceRef,
    endpointName: string,
    change: TrafficChange,
    options: BeginTrafficUpdateOptions = {},
  ): Promise<ChangeOutcome<TrafficUpdateStart>> {
    const action = `update traffic of ${endpointName}`;
    const read = await this.readEndpoint(workspace, endpointName, options);
    if (read.kind !== "ok") return read;
    const { url, resource } = read.value;
    const endpoint = convertOrFail(action, () => toEndpoint(resource, workspace, read.value.etag));
    const reason = options.check?.(endpoint);
    if (reason !== undefined) return { kind: "ok", value: { sent: false, reason, endpoint } };
    const put = await this.send(this.client(workspace), "PUT", url, action, options, {
      body: toTrafficUpdateBody(resource, change),
      ifMatch: options.ifMatch ?? read.value.etag,
    });
    if (!isSuccess(put)) return refusalFor(put, `Endpoint ${endpointName}`) ?? failWith(action, put);
    return { kind: "ok", value: { sent: true, endpoint } };
  }

  async updateCapacity(
    workspace: WorkspaceRef,
    endpointName: string,
    deploymentName: string,
    capacity: number,
    options: UpdateCapacityOptions = {},
  ): Promise<ChangeOutcome<Deployment>> {
    const action = `update capacity of ${endpointName}/${deploymentName}`;
    const progress = createProgressReporter(options);
    let lastBody: unknown;
    const onResponse = (raw: FullOperationResponse): void => {
      lastBody = raw.parsedBody ?? parseJsonText(raw.bodyAsText);
      const status = parseOperationStatus(lastBody).status;
      if (status) progress.report(status);
    };
    let updated: OnlineDeployment;
    try {
      updated = await this.client(workspace).onlineDeployments.beginUpdateAndWait(
        workspace.resourceGroup,
        workspace.workspace,
        endpointName,
        deploymentName,
        toCapacityPatchBody(capacity),
        {
          abortSignal: options.abortSignal,
          updateIntervalInMs: this.updateIntervalInMs,
          onResponse,
          ...(options.ifMatch ? { requestOptions: { customHeaders: { "If-Match": options.ifMatch } } } : {}),
        },
      );
    } catch (error) {
      if (isRestError(error) && error.statusCode !== undefined) {
        const response = error.response;
        const refusal = refusalFor(
          { status: error.statusCode, headers: response?.headers, body: parseJsonText(response?.bodyAsText) },
          `Deployment ${endpointName}/${deploymentName}`,
        );
        if (refusal) return refusal;
      }
      // The SDK's poller throws a plain Error when the operation ends Failed; the status body says why.
      const status = parseOperationStatus(lastBody);
      if (!isAbortError(error) && status.status && /^(failed|canceled|cancelled)$/i.test(status.status)) {
        return failedOutcome(status.status, status.error);
      }
      throw toThrowable(action, error);
    }
    return { kind: "ok", value: convertOrFail(action, () => toDeployment(updated, endpointName)) };
  }

  // -------------------------------------------------------------------------------------------------------

  /** Reads until the resource is no longer busy or `waitWhileBusyInMs` has passed. */
  private async whileBusy<T extends { readonly provisioningState: string }>(
    options: GetResourceOptions,
    read: () => Promise<T | undefined>,
  ): Promise<T | undefined> {
    const deadline = Date.now() + (options.waitWhileBusyInMs ?? 0);
    for (;;) {
      const value = await read();
      const left = deadline - Date.now();
      if (!value || !BUSY_STATES.test(value.provisioningState) || left <= 0) return value;
      await sleep(Math.min(this.updateIntervalInMs ?? DEFAULT_BUSY_POLL_IN_MS, left), undefined, { signal: options.abortSignal });
    }
  }

  private client(workspace: WorkspaceRef): AzureMachineLearningWorkspaces {
    return this.clients.forSubscription(workspace.subscriptionId);
  }

  /** Sends one raw request; transport failures (network, auth) become InfrastructureError, aborts propagate. */
  private async send(
    client: AzureMachineLearningWorkspaces,
    method: "GET" | "PUT",
    url: string,
    action: string,
    options: OperationOptions,
    put?: { body: unknown; ifMatch: string | undefined },
  ): Promise<RawResponse> {
    const headers = put?.ifMatch ? { "If-Match": put.ifMatch } : undefined;
    try {
      return await sendJson(client, method, url, { body: put?.body, abortSignal: options.abortSignal, ...(headers ? { headers } : {}) });
    } catch (error) {
      throw toThrowable(action, error);
    }
  }

  private async readEndpoint(
    workspace: WorkspaceRef,
    endpointName: string,
    options: OperationOptions,
  ): Promise<ChangeOutcome<{ url: string; resource: EndpointResource; etag: string | undefined }>> {
    const action = `get online endpoint ${endpointName}`;
    const url = endpointUrl(this.clients.endpoint, workspace, endpointName);
    const response = await this.send(this.client(workspace), "GET", url, action, options);
    if (!isSuccess(response)) return refusalFor(response, `Endpoint ${endpointName}`) ?? failWith(action, response);
    const resource = convertOrFail(action, () => parseEndpointResource(response.body));
    return { kind: "ok", value: { url, resource, etag: response.headers.get("etag") } };
  }

  private async follow(
    client: AzureMachineLearningWorkspaces,
    url: string,
    initial: RawResponse,
    action: string,
    options: OperationOptions,
    onStatus: (status: string) => void,
  ): Promise<ChangeOutcome<RawResponse>> {
    try {
      const result = await followPut(client, url, initial, {
        intervalInMs: this.updateIntervalInMs,
        abortSignal: options.abortSignal,
        onStatus,
      });
      if (result.status === "succeeded") return { kind: "ok", value: result.last };
      return failedOutcome(result.status === "canceled" ? "Canceled" : "Failed", result.error);
    } catch (error) {
      if (error instanceof ArmHttpError && error.response.status === 429) {
        return refusalFor(error.response, action) ?? failWith(action, error.response);
      }
      throw toThrowable(action, error);
    }
  }
}

// ---------------------------------------------------------------------------------------------------------
// Outcome mapping
// ---------------------------------------------------------------------------------------------------------

interface HttpAnswer {
  readonly status: number;
  readonly headers?: HttpHeaders | undefined;
  readonly body: unknown;
}

function isSuccess(response: RawResponse): boolean {
  return response.status >= 200 && response.status < 300;
}

/** The refusals the port models as values; undefined for anything that is an infrastructure failure. */
function refusalFor(answer: HttpAnswer, subject: string): Refusal | undefined {
  const error = parseServiceError(answer.body);
  const said = error?.message ? ` ${error.message}` : "";
  switch (answer.status) {
    case 404:
      return { kind: "not-found", message: `${subject} was not found.` };
    case 409:
      return { kind: "conflict", message: redact(`${subject} is busy: another operation is in progress.${said}`) };
    case 412:
      return {
        kind: "conflict",
        message: `${subject} changed since it was read (ETag mismatch); nothing was applied. Read it again and retry.`,
      };
    case 400:
      return { kind: "invalid", code: error?.code ?? "BadRequest", message: redact(error?.message ?? "The request was refused as invalid.") };
    case 429: {
      const wait = answer.headers ? retryAfterInMs(answer.headers) : undefined;
      const message = redact(`Azure is throttling requests for ${subject}; try again later.${said}`);
      return wait === undefined ? { kind: "throttled", message } : { kind: "throttled", message, retryAfterInMs: wait };
    }
    default:
      return undefined;
  }
}

function failedOutcome(status: string, error: ServiceError | undefined): Refusal {
  return {
    kind: "failed",
    code: error?.code ?? status,
    message: redact(error?.message || `The operation ended ${status}; the previous state is kept.`),
  };
}

/** An answer that is not an outcome the port models: throttling (a read's 429), else an infrastructure failure. */
function failWith(action: string, response: RawResponse): never {
  if (response.status === 429) throw throttledFailure(action, response.headers, parseServiceError(response.body));
  throw httpFailure(action, response.status, parseServiceError(response.body));
}
