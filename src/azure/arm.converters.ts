/**
 * The one place where ARM wire shapes (raw JSON) and `@azure/arm-machinelearning` model shapes meet the
 * domain types. Pure: no I/O, no clock, so it is tested against the published swagger examples alone.
 *
 * Endpoints are read and written as raw JSON (see `arm.endpoint-requests.ts` for why), so their schema is
 * `looseObject`: unknown properties are kept, and a read-modify-write sends back everything the service
 * returned except read-only fields, including properties newer than this code (e.g. `publicNetworkAccess`).
 */
import * as z from "zod";
import type {
  AuthMode,
  Deployment,
  Endpoint,
  ScaleSettings,
  TrafficChange,
  TrafficSplit,
  WorkspaceRef,
} from "../../commands/domain/endpoint.js";

// ---------------------------------------------------------------------------------------------------------
// Online endpoints (raw JSON, api-version 2024-10-01; older versions simply lack `mirrorTraffic`)
// ---------------------------------------------------------------------------------------------------------

/** `traffic` / `mirrorTraffic`: deployment name → percent. Services return null or omit it when unset. */
const trafficMapSchema = z.record(z.string(), z.number()).nullish();

export const endpointResourceSchema = z.looseObject({
  id: z.string().nullish(),
  name: z.string(),
  location: z.string().nullish(),
  etag: z.string().nullish(),
  properties: z.looseObject({
    authMode: z.string(),
    description: z.string().nullish(),
    scoringUri: z.string().nullish(),
    provisioningState: z.string().nullish(),
    traffic: trafficMapSchema,
    mirrorTraffic: trafficMapSchema,
  }),
  systemData: z
    .looseObject({ lastModifiedAt: z.string().nullish(), lastModifiedBy: z.string().nullish() })
    .nullish(),
});

/** An endpoint exactly as ARM returned it (unknown fields preserved). */
export type EndpointResource = z.infer<typeof endpointResourceSchema>;

const endpointListSchema = z.looseObject({
  value: z.array(endpointResourceSchema),
  nextLink: z.string().nullish(),
});

export interface EndpointListPage {
  readonly value: EndpointResource[];
  readonly nextLink?: string;
}

/** Throws a ZodError when the body is not an endpoint; the caller turns that into an infrastructure error. */
export function parseEndpointResource(json: unknown): EndpointResource {
  return endpointResourceSchema.parse(json);
}

export function parseEndpointListPage(json: unknown): EndpointListPage {
  const page = endpointListSchema.parse(json);
  return page.nextLink ? { value: page.value, nextLink: page.nextLink } : { value: page.value };
}

const AUTH_MODES: readonly AuthMode[] = ["Key", "AMLToken", "AADToken"];

/** The service documents these three values; it is case-insensitive about them, so we are too. */
function toAuthMode(value: string): AuthMode {
  const mode = AUTH_MODES.find((m) => m.toLowerCase() === value.toLowerCase());
  if (!mode) throw new Error(`Unsupported endpoint authMode "${value}"`);
  return mode;
}

function toTrafficSplit(map: Record<string, number> | null | undefined): TrafficSplit {
  return { ...(map ?? {}) };
}

export function toDate(value: string | null | undefined): Date | undefined {
  if (!value) return undefined;
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * @param etag the response's `ETag` header; ARM puts the version there, some services also in the body.
 */
export function toEndpoint(resource: EndpointResource, workspace: WorkspaceRef, etag?: string): Endpoint {
  const p = resource.properties;
  return withoutUndefined({
    name: resource.name,
    workspace,
    authMode: toAuthMode(p.authMode),
    scoringUri: p.scoringUri ?? undefined,
    // Absent only on malformed responses; "Unknown" keeps the verb's output honest instead of guessing.
    provisioningState: p.provisioningState ?? "Unknown",
    traffic: toTrafficSplit(p.traffic),
    mirrorTraffic: toTrafficSplit(p.mirrorTraffic),
    description: p.description ?? undefined,
    location: resource.location ?? undefined,
    etag: etag ?? resource.etag ?? undefined,
    lastModifiedAt: toDate(resource.systemData?.lastModifiedAt),
    lastModifiedBy: resource.systemData?.lastModifiedBy ?? undefined,
  }) as Endpoint;
}

/** Server-populated fields (readOnly in the REST spec). The SDK serializers drop them on PUT; so do we. */
const READ_ONLY_TOP_LEVEL = ["id", "name", "type", "systemData", "etag"] as const;
const READ_ONLY_PROPERTIES = ["provisioningState", "scoringUri", "swaggerUri"] as const;

/**
 * The PUT body for a traffic change: the endpoint as read, minus read-only fields, with only
 * `properties.traffic` and/or `properties.mirrorTraffic` replaced. A part of `change` left undefined keeps
 * the value read; a provided split replaces the whole map (a deployment left out gets 0 %).
 */
export function toTrafficUpdateBody(resource: EndpointResource, change: TrafficChange): Record<string, unknown> {
  const body: Record<string, unknown> = structuredClone(resource);
  for (const key of READ_ONLY_TOP_LEVEL) delete body[key];

  const properties: Record<string, unknown> = { ...resource.properties };
  for (const key of READ_ONLY_PROPERTIES) delete properties[key];
  if (change.traffic !== undefined) properties.traffic = { ...change.traffic };
  if (change.mirrorTraffic !== undefined) properties.mirrorTraffic = { ...change.mirrorTraffic };
  body.properties = structuredClone(properties);

  const identity = stripIdentityReadOnly(resource.identity);
  if (identity !== undefined) body.identity = identity;
  return body;
}

/** principalId / tenantId / per-identity ids are assigned by Azure; sending them back is at best ignored. */
function stripIdentityReadOnly(identity: unknown): unknown {
  if (!isRecord(identity)) return identity;
  const { principalId: _p, tenantId: _t, ...rest } = identity;
  const assigned = rest.userAssignedIdentities;
  if (isRecord(assigned)) {
    rest.userAssignedIdentities = Object.fromEntries(Object.keys(assigned).map((id) => [id, {}]));
  }
  return rest;
}

// ---------------------------------------------------------------------------------------------------------
// Online deployments (SDK models from @azure/arm-machinelearning; wire JSON has the same field names)
// ---------------------------------------------------------------------------------------------------------

/**
 * The fields we read from a deployment. The SDK's `OnlineDeployment` is assignable to it, and so is the
 * parsed wire JSON (ARM and the SDK share camelCase names for these fields; only dates differ, unused here).
 */
export interface DeploymentResourceLike {
  readonly name?: string;
  readonly properties: {
    readonly instanceType?: string;
    readonly model?: string;
    readonly provisioningState?: string;
    readonly scaleSettings?: {
      readonly scaleType: string;
      readonly minInstances?: number;
      readonly maxInstances?: number;
    };
  };
  readonly sku?: { readonly capacity?: number };
}

function toScaleSettings(settings: DeploymentResourceLike["properties"]["scaleSettings"]): ScaleSettings | undefined {
  switch (settings?.scaleType) {
    case "Default":
      return { type: "Default" };
    case "TargetUtilization":
      return withoutUndefined({
        type: "TargetUtilization",
        minInstances: settings.minInstances,
        maxInstances: settings.maxInstances,
      }) as ScaleSettings;
    default:
      return undefined;
  }
}

export function toDeployment(resource: DeploymentResourceLike, endpointName: string, etag?: string): Deployment {
  const p = resource.properties;
  return withoutUndefined({
    name: resource.name ?? "",
    endpointName,
    instanceType: p.instanceType,
    // For managed deployments the instance count lives in sku.capacity; absent means none was reported.
    capacity: resource.sku?.capacity ?? 0,
    provisioningState: p.provisioningState ?? "Unknown",
    model: p.model,
    scale: toScaleSettings(p.scaleSettings),
    etag,
  }) as Deployment;
}

/** PATCH body (`PartialMinimalTrackedResourceWithSku`) for a capacity change: nothing else is touched. */
export function toCapacityPatchBody(capacity: number): { sku: { capacity: number } } {
  return { sku: { capacity } };
}

// ---------------------------------------------------------------------------------------------------------
// Errors and long-running operation status
// ---------------------------------------------------------------------------------------------------------

export interface ServiceError {
  readonly code: string;
  readonly message: string;
}

const errorDetailSchema = z.looseObject({ code: z.string().nullish(), message: z.string().nullish() });

/** `{ "error": { "code", "message", ... } }` (ARM ErrorResponse); undefined when the body is something else. */
export function parseServiceError(json: unknown): ServiceError | undefined {
  const parsed = z.looseObject({ error: errorDetailSchema }).safeParse(json);
  if (!parsed.success) return undefined;
  const { code, message } = parsed.data.error;
  if (!code && !message) return undefined;
  return { code: code ?? "Unknown", message: message ?? "" };
}

export interface OperationStatus {
  /** The service's own word: InProgress, Succeeded, Failed, Canceled (Azure-AsyncOperation). */
  readonly status?: string;
  readonly error?: ServiceError;
}

/**
 * Status of a long-running operation from any of the bodies ARM polls return: an Azure-AsyncOperation
 * resource (`status`, `error`) or the resource itself (`properties.provisioningState`).
 */
export function parseOperationStatus(json: unknown): OperationStatus {
  if (!isRecord(json)) return {};
  const error = parseServiceError(json);
  const properties = isRecord(json.properties) ? json.properties : undefined;
  const status =
    typeof json.status === "string"
      ? json.status
      : typeof properties?.provisioningState === "string"
        ? properties.provisioningState
        : undefined;
  return withoutUndefined({ status, error }) as OperationStatus;
}

// ---------------------------------------------------------------------------------------------------------

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** Domain objects omit absent optionals rather than carrying `undefined` (cleaner equality and logs). */
export function withoutUndefined<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}
