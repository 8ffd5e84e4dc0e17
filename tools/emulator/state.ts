/**
 * The emulator's in-memory resource store. Specs hold what clients control (the body of a PUT, with AML's
 * defaults filled in); `ResourceMeta` holds what the service controls (ETag, provisioning state,
 * systemData, the in-flight operation). Names are looked up case-insensitively, as ARM does.
 */
import { randomBytes } from "node:crypto";
import { armErrors } from "./arm-errors.js";
import { deploymentId, endpointId, type WorkspaceRef } from "./arm-ids.js";
import type { TrafficMap } from "./aml-rules.js";

export type ProvisioningState = "Creating" | "Updating" | "Deleting" | "Succeeded" | "Failed" | "Canceled";
export type AuthMode = "Key" | "AMLToken" | "AADToken";
export type StringMap = Record<string, string>;
export type JsonObject = Record<string, unknown>;

export interface ChangeStamp {
  at: string;
  by: string;
  byType: "User" | "Application" | "ManagedIdentity" | "Key";
}

export interface ResourceMeta {
  /** Quoted opaque string, as sent in the `ETag` header; changes on every change. */
  etag: string;
  provisioningState: ProvisioningState;
  created: ChangeStamp;
  modified: ChangeStamp;
  /** The write in flight; while set, other writes get 409. */
  operationId?: string;
}

export interface EndpointSpec {
  location: string;
  kind: string;
  tags: StringMap;
  identity: JsonObject;
  sku?: JsonObject;
  properties: {
    authMode: AuthMode;
    description?: string;
    properties: StringMap;
    traffic: TrafficMap;
    mirrorTraffic: TrafficMap;
    publicNetworkAccess: "Enabled" | "Disabled";
    compute?: string;
  };
}

export interface DeploymentSku {
  name: string;
  tier?: string;
  size?: string;
  family?: string;
  capacity: number;
}

export interface DeploymentSpec {
  location: string;
  kind: string;
  tags: StringMap;
  identity?: JsonObject;
  sku: DeploymentSku;
  properties: {
    endpointComputeType: "Managed";
    instanceType: string;
    model?: string;
    description?: string;
    properties: StringMap;
    codeConfiguration?: JsonObject;
    environmentId?: string;
    environmentVariables: StringMap;
    scaleSettings: JsonObject;
    requestSettings: JsonObject;
    livenessProbe: JsonObject;
    readinessProbe: JsonObject;
    startupProbe?: JsonObject;
    appInsightsEnabled: boolean;
    egressPublicNetworkAccess: "Enabled" | "Disabled";
    modelMountPath?: string;
  };
}

export interface WorkspaceRecord extends WorkspaceRef {
  location: string;
  endpoints: Map<string, EndpointRecord>;
  /** The model registry: containers by lower-case name (see `model-registry.ts`). */
  models: Map<string, ModelContainerRecord>;
}

/** A registered model version (`.../workspaces/{ws}/models/{name}/versions/{version}`); read only here. */
export interface ModelVersionRecord {
  name: string;
  version: string;
  modelType: string;
  description?: string;
  tags: StringMap;
  properties: StringMap;
  modelUri: string;
  created: ChangeStamp;
}

export interface ModelContainerRecord {
  name: string;
  /** By version string (versions are case-sensitive in Azure ML). */
  versions: Map<string, ModelVersionRecord>;
}

export interface EndpointRecord {
  kind: "endpoint";
  workspace: WorkspaceRecord;
  name: string;
  spec: EndpointSpec;
  meta: ResourceMeta;
  keys: { primaryKey: string; secondaryKey: string };
  deployments: Map<string, DeploymentRecord>;
  /** `AzureAsyncOperationUri` of the last write, which AML shows in `properties.properties`. */
  lastOperationUri?: string;
}

export interface DeploymentRecord {
  kind: "deployment";
  endpoint: EndpointRecord;
  name: string;
  spec: DeploymentSpec;
  meta: ResourceMeta;
  /** Seed data for the autoscale plane; not part of the ARM resource. */
  autoscale?: { minInstances: number; maxInstances: number };
  lastOperationUri?: string;
  /** Why its last operation failed (what `getLogs` then shows); cleared when one succeeds. */
  failure?: { code: string; message: string };
}

export type ResourceRecord = EndpointRecord | DeploymentRecord;

export interface StateLimits {
  listPageSize: number;
  maxInstancesPerDeployment: number;
}

export function newEtag(): string {
  return `"${randomBytes(8).toString("hex")}"`;
}

export function newEndpointKey(): string {
  return randomBytes(24).toString("base64url");
}

export function stampNow(by: string, byType: ChangeStamp["byType"]): ChangeStamp {
  return { at: new Date().toISOString(), by, byType };
}

/** Records a change: new ETag and lastModified, optionally a new provisioning state. */
export function touch(meta: ResourceMeta, by: ChangeStamp, provisioningState?: ProvisioningState): void {
  meta.etag = newEtag();
  meta.modified = by;
  if (provisioningState !== undefined) meta.provisioningState = provisioningState;
}

export function recordId(record: ResourceRecord): string {
  return record.kind === "endpoint"
    ? endpointId(record.workspace, record.name)
    : deploymentId(record.endpoint.workspace, record.endpoint.name, record.name);
}

export class EmulatorState {
  readonly workspaces: WorkspaceRecord[] = [];

  constructor(
    readonly subscriptionId: string,
    readonly limits: StateLimits,
  ) {}

  clear(): void {
    this.workspaces.length = 0;
  }

  /** Resolves the workspace of an ARM path, failing the way ARM does for each missing level. */
  requireWorkspace(subscriptionId: string, resourceGroup: string, workspace: string): WorkspaceRecord {
    if (subscriptionId.toLowerCase() !== this.subscriptionId.toLowerCase()) throw armErrors.subscriptionNotFound(subscriptionId);
    const inGroup = this.workspaces.filter((ws) => ws.resourceGroup.toLowerCase() === resourceGroup.toLowerCase());
    if (inGroup.length === 0) throw armErrors.resourceGroupNotFound(resourceGroup);
    const found = inGroup.find((ws) => ws.name.toLowerCase() === workspace.toLowerCase());
    if (found === undefined) throw armErrors.workspaceNotFound(resourceGroup, workspace);
    return found;
  }

  requireSubscription(subscriptionId: string): void {
    if (subscriptionId.toLowerCase() !== this.subscriptionId.toLowerCase()) throw armErrors.subscriptionNotFound(subscriptionId);
  }

  requireEndpoint(workspace: WorkspaceRecord, name: string): EndpointRecord {
    const endpoint = workspace.endpoints.get(name.toLowerCase());
    if (endpoint === undefined) throw armErrors.endpointNotFound(workspace.name, name);
    return endpoint;
  }

  requireDeployment(endpoint: EndpointRecord, name: string): DeploymentRecord {
    const deployment = endpoint.deployments.get(name.toLowerCase());
    if (deployment === undefined) throw armErrors.deploymentNotFound(endpoint.workspace.name, endpoint.name, name);
    return deployment;
  }

  /** Endpoint names are DNS labels of the region's inference host, so AML keeps them unique per region. */
  endpointNameTakenInRegion(location: string, name: string, workspace: WorkspaceRecord): WorkspaceRecord | undefined {
    return this.workspaces.find(
      (ws) =>
        ws !== workspace &&
        normalizeLocation(ws.location) === normalizeLocation(location) &&
        ws.endpoints.has(name.toLowerCase()),
    );
  }

  findByResourceId(id: string): ResourceRecord | undefined {
    const wanted = id.replace(/\/+$/, "").toLowerCase();
    for (const ws of this.workspaces) {
      for (const endpoint of ws.endpoints.values()) {
        if (recordId(endpoint).toLowerCase() === wanted) return endpoint;
        for (const deployment of endpoint.deployments.values()) {
          if (recordId(deployment).toLowerCase() === wanted) return deployment;
        }
      }
    }
    return undefined;
  }
}

export function normalizeLocation(location: string): string {
  return location.replace(/\s+/g, "").toLowerCase();
}
