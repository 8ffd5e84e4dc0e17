/**
 * `EndpointLifecycle` over Azure Resource Manager: model versions, deployments copied and created, endpoints
 * created, deployments deleted, their logs, the compute quota, key rotation.
 *
 * Every request is raw JSON at api-version 2024-10-01 through the SDK client's own pipeline (token, retries,
 * TLS, user agent), as `arm.endpoint-requests.ts` explains: the SDK's 2022-10-01 models would drop whatever they
 * do not know from a PUT (a copied deployment must keep its probes, startup probe, environment variables...).
 * Writes return as soon as Azure accepted them, with the Azure-AsyncOperation URL to read later
 * (`getOperationStatus`); only `regenerateKey`, which takes seconds, is followed to its end.
 *
 * Expected refusals are `ChangeOutcome` values (404 not-found, 409/412 conflict, 400 invalid with AML's most
 * specific code, 429 throttled with its Retry-After, an operation that ended Failed); a read Azure keeps throttling
 * is a `ThrottledError`; anything else an `InfrastructureError`. Keys are never read: nothing here can leak one,
 * and every message is scrubbed all the same.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { HttpMethods } from "@azure/core-rest-pipeline";
import type { AuthMode, WorkspaceRef } from "../../commands/domain/endpoint.js";
import { InfrastructureError } from "../../commands/errors.js";
import type { ChangeOutcome } from "../../commands/ports/endpoint-control.port.js";
import type {
  ComputeQuota,
  DeploymentSpec,
  EndpointLifecycle,
  KeyType,
  LogContainer,
  ModelVersion,
  OperationHandle,
  OperationStatus,
} from "../../commands/ports/endpoint-lifecycle.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import { redact } from "../logging/redact.js";
import { ArmClientFactory, type ArmClientOptions } from "./arm.client-factory.js";
import { isRecord } from "./arm.converters.js";
import { locationResourceUrl, sendJson, workspaceResourceUrl, type RawResponse } from "./arm.endpoint-requests.js";
import { convertOrFail, httpFailure, retryAfterInMs, throttledFailure, toThrowable } from "./arm.failures.js";
import {
  familyUsage,
  newestFirst,
  parseDeploymentResource,
  parseLocation,
  parseModelVersionPage,
  parseUsagePage,
  parseVmSizes,
  specificServiceError,
  toDeploymentCreateBody,
  toDeploymentSpec,
  toEndpointCreateBody,
  toModelReference,
  toOperationStatus,
  type Page,
} from "./arm.lifecycle-converters.js";

export interface ArmEndpointLifecycleOptions extends ArmClientOptions {
  /** How often `regenerateKey` reads its operation (default: the service's Retry-After, else 2 s). */
  readonly updateIntervalInMs?: number;
}

type Refusal = Exclude<ChangeOutcome<never>, { kind: "ok" }>;

const DEFAULT_POLL_IN_MS = 2_000;
/** Operation-status and -result resources, as opposed to the resource an operation works on. */
const OPERATION_URL = /\/(mfeOperationsStatus|mfeOperationResults|operationsStatus|operationResults|asyncOperations)\//i;

export class ArmEndpointLifecycle implements EndpointLifecycle {
  private readonly clients: ArmClientFactory;
  private readonly updateIntervalInMs: number | undefined;
  /** A workspace's region never changes: read once per workspace. */
  private readonly locations = new Map<string, string>();

  constructor(options: ArmEndpointLifecycleOptions) {
    this.clients = new ArmClientFactory(options);
    this.updateIntervalInMs = options.updateIntervalInMs;
  }

  async listModelVersions(workspace: WorkspaceRef, modelName: string, options: OperationOptions = {}): Promise<ModelVersion[] | undefined> {
    const action = `list versions of model ${modelName}`;
    const first = workspaceResourceUrl(this.clients.endpoint, workspace, ["models", modelName, "versions"], { $orderBy: "createdtime desc" });
    const versions = await this.readPages(workspace.subscriptionId, first, action, options, (json) => parseModelVersionPage(json, modelName));
    return versions === undefined || versions.length === 0 ? undefined : newestFirst(versions);
  }

  async getDeploymentSpec(
    workspace: WorkspaceRef,
    endpointName: string,
    deploymentName: string,
    options: OperationOptions = {},
  ): Promise<DeploymentSpec | undefined> {
    const action = `get deployment ${endpointName}/${deploymentName}`;
    const url = deploymentUrl(this.clients.endpoint, workspace, endpointName, deploymentName);
    const response = await this.send(workspace.subscriptionId, "GET", url, action, options);
    if (response.status === 404) return undefined;
    if (!isSuccess(response)) failWith(action, response);
    const resource = convertOrFail(action, () => parseDeploymentResource(response.body));
    const reference = toModelReference(resource.properties.model ?? "", workspace);
    let modelId = "id" in reference ? reference.id : (resource.properties.model ?? "");
    if ("label" in reference && reference.label === "latest") {
      // `@latest` is what the deployment was created from; a copy names the version that is latest now.
      const versions = await this.listModelVersions(workspace, reference.name, options);
      if (versions?.[0]) modelId = versions[0].id;
    }
    return toDeploymentSpec(resource, endpointName, modelId);
  }

  async beginCreateDeployment(workspace: WorkspaceRef, spec: DeploymentSpec, options: OperationOptions = {}): Promise<ChangeOutcome<OperationHandle>> {
    const subject = `Deployment ${spec.endpointName}/${spec.name}`;
    const action = `create deployment ${spec.endpointName}/${spec.name}`;
    // A deployment lives where its endpoint lives; reading it also tells a missing endpoint from a refused body.
    const endpoint = await this.send(workspace.subscriptionId, "GET", workspaceResourceUrl(this.clients.endpoint, workspace, ["onlineEndpoints", spec.endpointName]), action, options);
    if (!isSuccess(endpoint)) return refusalFor(endpoint, `Endpoint ${spec.endpointName}`) ?? failWith(action, endpoint);
    const location = convertOrFail(action, () => parseLocation(endpoint.body));
    const url = deploymentUrl(this.clients.endpoint, workspace, spec.endpointName, spec.name);
    const started = new Date();
    const put = await this.send(workspace.subscriptionId, "PUT", url, action, options, { body: toDeploymentCreateBody(spec, location), headers: { "If-None-Match": "*" } });
    if (!isSuccess(put)) return refusalFor(put, subject, `${subject} already exists; nothing was created.`) ?? failWith(action, put);
    return { kind: "ok", value: handleOf(put, url, started) };
  }

  async beginDeleteDeployment(
    workspace: WorkspaceRef,
    endpointName: string,
    deploymentName: string,
    options: OperationOptions = {},
  ): Promise<ChangeOutcome<OperationHandle>> {
    const subject = `Deployment ${endpointName}/${deploymentName}`;
    const action = `delete deployment ${endpointName}/${deploymentName}`;
    const url = deploymentUrl(this.clients.endpoint, workspace, endpointName, deploymentName);
    const started = new Date();
    const response = await this.send(workspace.subscriptionId, "DELETE", url, action, options);
    // ARM deletes are idempotent: 204 says there was nothing to delete.
    if (response.status === 204) return { kind: "not-found", message: `${subject} was not found; nothing was deleted.` };
    if (!isSuccess(response)) return refusalFor(response, subject) ?? failWith(action, response);
    return { kind: "ok", value: handleOf(response, url, started) };
  }

  async beginCreateEndpoint(
    workspace: WorkspaceRef,
    endpointName: string,
    settings: { readonly authMode: AuthMode; readonly description?: string },
    options: OperationOptions = {},
  ): Promise<ChangeOutcome<OperationHandle>> {
    const subject = `Endpoint ${endpointName}`;
    const action = `create online endpoint ${endpointName}`;
    const location = await this.locationOf(workspace, options);
    if (typeof location !== "string") return location;
    const url = workspaceResourceUrl(this.clients.endpoint, workspace, ["onlineEndpoints", endpointName]);
    const started = new Date();
    const put = await this.send(workspace.subscriptionId, "PUT", url, action, options, { body: toEndpointCreateBody(location, settings), headers: { "If-None-Match": "*" } });
    if (!isSuccess(put)) return refusalFor(put, subject, `${subject} already exists; nothing was created.`) ?? failWith(action, put);
    return { kind: "ok", value: handleOf(put, url, started) };
  }

  async getOperationStatus(handle: OperationHandle, options: OperationOptions = {}): Promise<OperationStatus> {
    const action = "read the status of an operation";
    const url = this.ownUrl(handle.statusUrl, action);
    const response = await this.send(subscriptionOf(url), "GET", url, action, options);
    const isOperation = OPERATION_URL.test(new URL(url).pathname);
    if (response.status === 429) throw throttledFailure(action, response.headers, specificServiceError(response.body));
    // A Location URL answers 202 while running, 204 (or the resource) once done.
    if (response.status === 202) return { state: "running" };
    if (response.status === 204) return { state: "succeeded" };
    // The resource itself is only watched for a delete Azure finished at once: gone means done.
    if (response.status === 404 && !isOperation) return { state: "succeeded" };
    if (isSuccess(response)) {
      return toOperationStatus(response.body) ?? (isOperation ? { state: "running" } : { state: "succeeded" });
    }
    // A failed operation's result URL answers with the operation's own error.
    const error = specificServiceError(response.body);
    if (isOperation && error !== undefined && response.status < 500) {
      return { state: "failed", code: error.code, message: redact(error.message || `The operation failed (HTTP ${response.status}).`) };
    }
    return failWith(action, response);
  }

  async getDeploymentLogs(
    workspace: WorkspaceRef,
    endpointName: string,
    deploymentName: string,
    container: LogContainer,
    tail: number,
    options: OperationOptions = {},
  ): Promise<string> {
    const action = `get ${container} logs of ${endpointName}/${deploymentName}`;
    const url = workspaceResourceUrl(this.clients.endpoint, workspace, ["onlineEndpoints", endpointName, "deployments", deploymentName, "getLogs"]);
    const response = await this.send(workspace.subscriptionId, "POST", url, action, options, { body: { containerType: container, tail } });
    if (response.status === 404) return "";
    if (!isSuccess(response)) failWith(action, response);
    const content = isRecord(response.body) && typeof response.body["content"] === "string" ? response.body["content"] : "";
    // The container's own output: a scoring script may print anything, credentials included.
    return redact(content);
  }

  async getComputeQuota(workspace: WorkspaceRef, instanceType: string, options: OperationOptions = {}): Promise<ComputeQuota | undefined> {
    const action = `read the compute quota for ${instanceType}`;
    const location = await this.locationOf(workspace, options);
    if (typeof location !== "string") throw new InfrastructureError(redact(`${action}: ${location.message}`));
    const base = this.clients.endpoint;
    const sizes = await this.send(workspace.subscriptionId, "GET", locationResourceUrl(base, workspace.subscriptionId, location, "vmSizes"), action, options);
    if (!isSuccess(sizes)) failWith(action, sizes);
    const size = convertOrFail(action, () => parseVmSizes(sizes.body)).find((s) => s.name.toLowerCase() === instanceType.toLowerCase());
    if (size === undefined) return undefined;
    const usagesUrl = locationResourceUrl(base, workspace.subscriptionId, location, "usages");
    const usages = (await this.readPages(workspace.subscriptionId, usagesUrl, action, options, parseUsagePage)) ?? [];
    // A family Azure reports no usage for has no quota in the region.
    const usage = familyUsage(usages, size.family);
    return { instanceType: size.name, family: size.family, coresPerInstance: size.vCPUs, limit: usage?.limit ?? 0, used: usage?.used ?? 0 };
  }

  async regenerateKey(workspace: WorkspaceRef, endpointName: string, keyType: KeyType, options: OperationOptions = {}): Promise<ChangeOutcome<void>> {
    const subject = `Endpoint ${endpointName}`;
    const action = `regenerate the ${keyType.toLowerCase()} key of ${endpointName}`;
    const url = workspaceResourceUrl(this.clients.endpoint, workspace, ["onlineEndpoints", endpointName, "regenerateKeys"]);
    // No keyValue: Azure generates the key, and this adapter never sees it.
    const response = await this.send(workspace.subscriptionId, "POST", url, action, options, { body: { keyType } });
    if (!isSuccess(response)) return refusalFor(response, subject) ?? failWith(action, response);
    if (response.status !== 202) return { kind: "ok", value: undefined };
    const handle = handleOf(response, url, new Date());
    for (;;) {
      const status = await this.getOperationStatus(handle, options);
      if (status.state === "succeeded") return { kind: "ok", value: undefined };
      if (status.state === "failed") return { kind: "failed", code: status.code, message: status.message };
      const wait = this.updateIntervalInMs ?? retryAfterInMs(response.headers) ?? DEFAULT_POLL_IN_MS;
      await sleep(wait, undefined, { signal: options.abortSignal });
    }
  }

  // -------------------------------------------------------------------------------------------------------

  /** Every item of an ARM list, following `nextLink`; `undefined` when the first page is a 404. */
  private async readPages<T>(
    subscriptionId: string,
    first: string,
    action: string,
    options: OperationOptions,
    parse: (json: unknown) => Page<T>,
  ): Promise<T[] | undefined> {
    const items: T[] = [];
    let url: string | undefined = first;
    while (url) {
      const response = await this.send(subscriptionId, "GET", url, action, options);
      if (response.status === 404 && items.length === 0) return undefined;
      if (!isSuccess(response)) failWith(action, response);
      const page = convertOrFail(action, () => parse(response.body));
      items.push(...page.value);
      url = page.nextLink;
    }
    return items;
  }

  /** The workspace's region, or the refusal that reading the workspace met (not found, throttled). */
  private async locationOf(workspace: WorkspaceRef, options: OperationOptions): Promise<string | Refusal> {
    const key = `${workspace.subscriptionId}/${workspace.resourceGroup}/${workspace.workspace}`.toLowerCase();
    const known = this.locations.get(key);
    if (known) return known;
    const action = `get workspace ${workspace.workspace}`;
    const response = await this.send(workspace.subscriptionId, "GET", workspaceResourceUrl(this.clients.endpoint, workspace), action, options);
    if (!isSuccess(response)) return refusalFor(response, `Workspace ${workspace.workspace}`) ?? failWith(action, response);
    const location = convertOrFail(action, () => parseLocation(response.body));
    this.locations.set(key, location);
    return location;
  }

  /** One raw request; transport failures (network, auth) become InfrastructureError, aborts propagate. */
  private async send(
    subscriptionId: string,
    method: HttpMethods,
    url: string,
    action: string,
    options: OperationOptions,
    request: { body?: unknown; headers?: Record<string, string> } = {},
  ): Promise<RawResponse> {
    try {
      return await sendJson(this.clients.forSubscription(subscriptionId), method, url, {
        ...(request.body === undefined ? {} : { body: request.body }),
        ...(request.headers === undefined ? {} : { headers: request.headers }),
        ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
      });
    } catch (error) {
      throw toThrowable(action, error);
    }
  }

  /** Operation URLs come back from storage: the bot's ARM token goes to its own ARM endpoint and nowhere else. */
  private ownUrl(statusUrl: string, action: string): string {
    let url: URL;
    try {
      url = new URL(statusUrl);
    } catch {
      throw new InfrastructureError(`${action}: the operation's status URL is not a URL.`);
    }
    if (url.origin !== new URL(this.clients.endpoint).origin) {
      throw new InfrastructureError(`${action}: the operation's status URL is not on ${new URL(this.clients.endpoint).origin}; refusing to send a token to ${url.origin}.`);
    }
    return url.toString();
  }
}

// ---------------------------------------------------------------------------------------------------------

function deploymentUrl(armBase: string, workspace: WorkspaceRef, endpointName: string, deploymentName: string): string {
  return workspaceResourceUrl(armBase, workspace, ["onlineEndpoints", endpointName, "deployments", deploymentName]);
}

/** Where to read an accepted write's progress: Azure-AsyncOperation, else Location, else the resource itself. */
function handleOf(response: RawResponse, resourceUrl: string, startedAt: Date): OperationHandle {
  const statusUrl = response.headers.get("azure-asyncoperation") ?? response.headers.get("location") ?? resourceUrl;
  return { statusUrl, startedAt };
}

function subscriptionOf(url: string): string {
  return /\/subscriptions\/([^/]+)/i.exec(new URL(url).pathname)?.[1] ?? "";
}

function isSuccess(response: RawResponse): boolean {
  return response.status >= 200 && response.status < 300;
}

/** The refusals the port models as values; undefined for anything that is an infrastructure failure. */
function refusalFor(answer: RawResponse, subject: string, preconditionFailed?: string): Refusal | undefined {
  const error = specificServiceError(answer.body);
  const said = error?.message ? ` ${error.message}` : "";
  switch (answer.status) {
    case 404:
      return { kind: "not-found", message: `${subject} was not found.` };
    case 409:
      return { kind: "conflict", message: redact(`${subject} is busy or taken: Azure refused the change.${said}`) };
    case 412:
      return { kind: "conflict", message: preconditionFailed ?? `${subject} changed since it was read; nothing was applied.` };
    case 400:
      return { kind: "invalid", code: error?.code ?? "BadRequest", message: redact(error?.message ?? "The request was refused as invalid.") };
    case 429: {
      const wait = retryAfterInMs(answer.headers);
      const message = redact(`Azure is throttling requests for ${subject}; try again later.${said}`);
      return wait === undefined ? { kind: "throttled", message } : { kind: "throttled", message, retryAfterInMs: wait };
    }
    default:
      return undefined;
  }
}

/** An answer that is not an outcome the port models: throttling (a read's 429), else an infrastructure failure. */
function failWith(action: string, response: RawResponse): never {
  if (response.status === 429) throw throttledFailure(action, response.headers, specificServiceError(response.body));
  throw httpFailure(action, response.status, specificServiceError(response.body));
}
