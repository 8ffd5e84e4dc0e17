/**
 * Wire shapes of what `ArmEndpointLifecycle` reads and writes, and their mapping onto the lifecycle port's types:
 * model versions, deployments as a spec to copy, the create bodies of deployments and endpoints, VM sizes and
 * usages, operation statuses and AML's nested errors. Pure (no I/O, no clock), like `arm.converters.ts`; raw JSON
 * at api-version 2024-10-01, read with `looseObject` so nothing newer than this code is lost on a copy.
 */
import * as z from "zod";
import type { AuthMode, WorkspaceRef } from "../../commands/domain/endpoint.js";
import type { DeploymentSpec, ModelVersion, OperationStatus } from "../../commands/ports/endpoint-lifecycle.port.js";
import { isRecord, parseServiceError, toDate, withoutUndefined, type ServiceError } from "./arm.converters.js";

// ---------------------------------------------------------------------------------------------------------
// Model versions
// ---------------------------------------------------------------------------------------------------------

const stringMap = z.record(z.string(), z.string()).nullish();

const modelVersionSchema = z.looseObject({
  id: z.string(),
  name: z.string(),
  properties: z
    .looseObject({ description: z.string().nullish(), tags: stringMap, modelType: z.string().nullish(), isArchived: z.boolean().nullish() })
    .nullish(),
  systemData: z.looseObject({ createdAt: z.string().nullish(), createdBy: z.string().nullish() }).nullish(),
});

const modelVersionPageSchema = z.looseObject({ value: z.array(modelVersionSchema), nextLink: z.string().nullish() });

export interface Page<T> {
  readonly value: T[];
  readonly nextLink?: string;
}

/** One page of `GET .../models/{name}/versions`; archived versions are left out (a deployment cannot use them). */
export function parseModelVersionPage(json: unknown, modelName: string): Page<ModelVersion> {
  const page = modelVersionPageSchema.parse(json);
  const value = page.value.filter((v) => v.properties?.isArchived !== true).map((v) => toModelVersion(v, modelName));
  return page.nextLink ? { value, nextLink: page.nextLink } : { value };
}

function toModelVersion(resource: z.infer<typeof modelVersionSchema>, modelName: string): ModelVersion {
  const p = resource.properties;
  // The version's resource name is the version; the model's name is in its id (`.../models/{name}/versions/...`).
  const name = /\/models\/([^/]+)\/versions\/[^/]+$/i.exec(resource.id)?.[1];
  return withoutUndefined({
    name: name === undefined ? modelName : decodeURIComponent(name),
    version: resource.name,
    id: resource.id,
    createdAt: toDate(resource.systemData?.createdAt),
    createdBy: resource.systemData?.createdBy ?? undefined,
    modelType: p?.modelType ?? undefined,
    description: p?.description ?? undefined,
    tags: { ...(p?.tags ?? {}) },
  }) as ModelVersion;
}

/** Newest first, by creation time; versions without one keep their order, after the dated ones. */
export function newestFirst(versions: readonly ModelVersion[]): ModelVersion[] {
  return [...versions].sort((a, b) => (b.createdAt?.getTime() ?? -Infinity) - (a.createdAt?.getTime() ?? -Infinity));
}

// ---------------------------------------------------------------------------------------------------------
// Deployments
// ---------------------------------------------------------------------------------------------------------

const deploymentResourceSchema = z.looseObject({
  name: z.string(),
  location: z.string().nullish(),
  sku: z.looseObject({ capacity: z.number().nullish() }).nullish(),
  properties: z.looseObject({
    model: z.string().nullish(),
    instanceType: z.string().nullish(),
    provisioningState: z.string().nullish(),
    properties: stringMap,
  }),
});

export type DeploymentResource = z.infer<typeof deploymentResourceSchema>;

export function parseDeploymentResource(json: unknown): DeploymentResource {
  return deploymentResourceSchema.parse(json);
}

/** What a model reference names: an ARM id (or a registry asset, kept as written), or a label still to resolve. */
export type ModelReference = { readonly id: string } | { readonly name: string; readonly label: string };

/**
 * `azureml:<name>:<version>` becomes the version's ARM id in the deployment's workspace; `azureml:/subscriptions/…`
 * loses its prefix; `azureml:<name>@<label>` needs a registry lookup; anything else (an ARM id, a registry asset
 * `azureml://registries/…`) is already what Azure resolves.
 */
export function toModelReference(model: string, workspace: WorkspaceRef): ModelReference {
  const short = /^azureml:([A-Za-z0-9_.-]+):([A-Za-z0-9_.-]+)$/.exec(model);
  if (short !== null) return { id: modelVersionId(workspace, short[1]!, short[2]!) };
  const label = /^azureml:([A-Za-z0-9_.-]+)@([A-Za-z0-9_.-]+)$/.exec(model);
  if (label !== null) return { name: label[1]!, label: label[2]! };
  if (/^azureml:\/subscriptions\//i.test(model)) return { id: model.slice("azureml:".length) };
  return { id: model };
}

export function modelVersionId(workspace: WorkspaceRef, name: string, version: string): string {
  return (
    `/subscriptions/${workspace.subscriptionId}/resourceGroups/${workspace.resourceGroup}` +
    `/providers/Microsoft.MachineLearningServices/workspaces/${workspace.workspace}/models/${name}/versions/${version}`
  );
}

/** Set by Azure ML, never copied into a new deployment. */
const SERVICE_BOOKKEEPING = ["AzureAsyncOperationUri"] as const;

/**
 * The deployment as a spec to copy: model (already resolved to `modelId`), instance type and count apart, the rest
 * of `properties` as read minus what the service sets (`provisioningState`, its own bookkeeping entries).
 */
export function toDeploymentSpec(resource: DeploymentResource, endpointName: string, modelId: string): DeploymentSpec {
  const { model: _model, instanceType, provisioningState: _state, properties: bag, ...rest } = resource.properties;
  const properties: Record<string, unknown> = structuredClone(rest);
  if (bag) {
    const kept = { ...bag };
    for (const key of SERVICE_BOOKKEEPING) delete kept[key];
    properties["properties"] = kept;
  }
  return {
    name: resource.name,
    endpointName,
    model: modelId,
    instanceType: instanceType ?? "",
    instances: resource.sku?.capacity ?? 1,
    properties,
  };
}

/** The PUT body of a new managed deployment: the spec's properties, its model, size and count, in `location`. */
export function toDeploymentCreateBody(spec: DeploymentSpec, location: string): Record<string, unknown> {
  const properties: Record<string, unknown> = structuredClone({ ...spec.properties });
  delete properties["provisioningState"];
  return {
    location,
    sku: { name: "Default", capacity: spec.instances },
    properties: {
      ...properties,
      endpointComputeType: properties["endpointComputeType"] ?? "Managed",
      model: spec.model,
      instanceType: spec.instanceType,
    },
  };
}

// ---------------------------------------------------------------------------------------------------------
// Endpoints and workspaces
// ---------------------------------------------------------------------------------------------------------

/** A new endpoint: no traffic yet, a system-assigned identity (what `az ml online-endpoint create` gives it). */
export function toEndpointCreateBody(location: string, settings: { readonly authMode: AuthMode; readonly description?: string }): Record<string, unknown> {
  return {
    location,
    identity: { type: "SystemAssigned" },
    properties: {
      authMode: settings.authMode,
      ...(settings.description === undefined ? {} : { description: settings.description }),
    },
  };
}

export function parseLocation(json: unknown): string {
  return z.looseObject({ location: z.string().min(1) }).parse(json).location;
}

// ---------------------------------------------------------------------------------------------------------
// Quota
// ---------------------------------------------------------------------------------------------------------

export interface VmSizeInfo {
  readonly name: string;
  readonly family: string;
  readonly vCPUs: number;
}

export function parseVmSizes(json: unknown): VmSizeInfo[] {
  const list = z.looseObject({ value: z.array(z.looseObject({ name: z.string(), family: z.string().nullish(), vCPUs: z.number().nullish() })) }).parse(json);
  return list.value.flatMap((size) => (size.family && size.vCPUs !== undefined && size.vCPUs !== null ? [{ name: size.name, family: size.family, vCPUs: size.vCPUs }] : []));
}

export interface UsageInfo {
  /** `standardDSv2Family` (or the display name, as some versions report it). */
  readonly name: string;
  readonly displayName: string;
  readonly limit: number;
  readonly used: number;
}

const usagePageSchema = z.looseObject({
  value: z.array(
    z.looseObject({
      currentValue: z.number(),
      limit: z.number(),
      name: z.looseObject({ value: z.string().nullish(), localizedValue: z.string().nullish() }).nullish(),
    }),
  ),
  nextLink: z.string().nullish(),
});

export function parseUsagePage(json: unknown): Page<UsageInfo> {
  const page = usagePageSchema.parse(json);
  const value = page.value.map((u) => ({ name: u.name?.value ?? "", displayName: u.name?.localizedValue ?? "", limit: u.limit, used: u.currentValue }));
  return page.nextLink ? { value, nextLink: page.nextLink } : { value };
}

/**
 * The dedicated-vCPU usage of a family. Services name it by family (`standardDSv2Family`) or only in words
 * ("Standard DSv2 Family Cluster Dedicated vCPUs"); both are recognised, low-priority quota never is.
 */
export function familyUsage(usages: readonly UsageInfo[], family: string): UsageInfo | undefined {
  const squash = (text: string) => text.toLowerCase().replace(/[^a-z0-9]/g, "");
  const wanted = squash(family);
  return (
    usages.find((u) => squash(u.name) === wanted) ??
    usages.find((u) => squash(u.displayName).startsWith(wanted) && !/lowpriority/i.test(u.displayName) && /dedicated/i.test(u.displayName))
  );
}

// ---------------------------------------------------------------------------------------------------------
// Operations and errors
// ---------------------------------------------------------------------------------------------------------

const RUNNING = /^(inprogress|running|accepted|notstarted|creating|updating|deleting|provisioning)$/i;
const SUCCEEDED = /^succeeded$/i;
const FAILED = /^(failed|canceled|cancelled)$/i;

/**
 * The state of a long-running operation from a status answer: the Azure-AsyncOperation resource (`status`,
 * `error`), or the resource itself (`properties.provisioningState`). `undefined` when the body says neither.
 */
export function toOperationStatus(json: unknown): OperationStatus | undefined {
  const record = isRecord(json) ? json : {};
  const properties = isRecord(record["properties"]) ? record["properties"] : {};
  const word = typeof record["status"] === "string" ? record["status"] : typeof properties["provisioningState"] === "string" ? properties["provisioningState"] : undefined;
  if (word === undefined) return undefined;
  if (SUCCEEDED.test(word)) return { state: "succeeded" };
  if (RUNNING.test(word)) return { state: "running", detail: word };
  if (FAILED.test(word)) {
    const error = specificServiceError(json);
    const canceled = /^cancel/i.test(word);
    return {
      state: "failed",
      code: error?.code ?? (canceled ? "OperationCanceled" : "Failed"),
      message: error?.message || `The operation ended ${word}.`,
    };
  }
  return { state: "running", detail: word };
}

/** Codes that only say "the request was refused"; AML puts the one that says why among the details. */
const GENERIC_CODES = /^(UserError|BadRequest)$/i;

/**
 * `{ error: { code, message, details } }` with the most specific code: AML answers `UserError` with
 * `ModelNotFound` inside, `BadRequest` with `InferencingClientCreateDeploymentFailed` inside.
 */
export function specificServiceError(json: unknown): ServiceError | undefined {
  const outer = parseServiceError(json);
  if (outer === undefined || !GENERIC_CODES.test(outer.code)) return outer;
  const details = isRecord(json) && isRecord(json["error"]) ? json["error"]["details"] : undefined;
  const inner = Array.isArray(details) ? details.map((d) => parseServiceError({ error: d })).find((d) => d !== undefined && d.code !== "Unknown") : undefined;
  return inner ?? outer;
}
