import type { AuthMode, WorkspaceRef } from "../domain/endpoint.js";
import type { ChangeOutcome } from "./endpoint-control.port.js";
import type { OperationOptions } from "./operation-options.js";

/** One version of a registered model (`.../workspaces/{ws}/models/{name}/versions`). */
export interface ModelVersion {
  readonly name: string;
  readonly version: string;
  /** The ARM id deployments refer to it by (`.../models/{name}/versions/{version}`). */
  readonly id: string;
  readonly createdAt?: Date;
  readonly createdBy?: string;
  readonly modelType?: string;
  readonly description?: string;
  readonly tags: Readonly<Record<string, string>>;
}

/**
 * What a managed online deployment is made of, as far as a new deployment copies it. `model` and `instanceType`
 * and `instances` are what `aml deploy` may change; `properties` is the rest of the ARM `properties` as read
 * (environment, code configuration, request settings, probes, scale settings, environment variables, app insights),
 * sent back unchanged so nothing the bot does not know about is lost.
 */
export interface DeploymentSpec {
  readonly name: string;
  readonly endpointName: string;
  /** ARM id of the model version (`azureml:` names are resolved before they get here). */
  readonly model: string;
  readonly instanceType: string;
  /** `sku.capacity`. */
  readonly instances: number;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** A long-running operation the bot started and checks on later (a deployment takes minutes). */
export interface OperationHandle {
  /** Opaque to the core: where the status is read (ARM's Azure-AsyncOperation or Location URL). */
  readonly statusUrl: string;
  readonly startedAt: Date;
}

export type OperationStatus =
  | { readonly state: "running"; readonly detail?: string }
  | { readonly state: "succeeded" }
  /** `code` is Azure ML's own (`OutOfQuota`, `ImageBuildFailure`, `BadArgument`, …). */
  | { readonly state: "failed"; readonly code: string; readonly message: string };

/** Which container's log `getDeploymentLogs` reads. */
export type LogContainer = "InferenceServer" | "StorageInitializer";

/** Cores a SKU needs and what the subscription has left for its family in the workspace's region. */
export interface ComputeQuota {
  readonly instanceType: string;
  readonly family: string;
  readonly coresPerInstance: number;
  readonly limit: number;
  readonly used: number;
}

export type KeyType = "Primary" | "Secondary";

/**
 * Creates and removes what endpoints are made of: model versions (read only), endpoints, deployments and keys.
 * Owned by the core; implemented over ARM in `src/azure/`. Writes return at once with the operation to check on
 * (`getOperationStatus`); nothing here waits for a provisioning to end.
 */
export interface EndpointLifecycle {
  /** Newest first; `undefined` when no model has that name. */
  listModelVersions(workspace: WorkspaceRef, modelName: string, options?: OperationOptions): Promise<ModelVersion[] | undefined>;
  /** `undefined` when the endpoint or deployment does not exist. */
  getDeploymentSpec(workspace: WorkspaceRef, endpointName: string, deploymentName: string, options?: OperationOptions): Promise<DeploymentSpec | undefined>;
  /** Creates a deployment that must not exist yet (If-None-Match: *); resolves once Azure accepted it. */
  beginCreateDeployment(workspace: WorkspaceRef, spec: DeploymentSpec, options?: OperationOptions): Promise<ChangeOutcome<OperationHandle>>;
  beginDeleteDeployment(workspace: WorkspaceRef, endpointName: string, deploymentName: string, options?: OperationOptions): Promise<ChangeOutcome<OperationHandle>>;
  beginCreateEndpoint(
    workspace: WorkspaceRef,
    endpointName: string,
    settings: { readonly authMode: AuthMode; readonly description?: string },
    options?: OperationOptions,
  ): Promise<ChangeOutcome<OperationHandle>>;
  getOperationStatus(handle: OperationHandle, options?: OperationOptions): Promise<OperationStatus>;
  /** The last `tail` lines of a container's log; empty when there is none yet. */
  getDeploymentLogs(
    workspace: WorkspaceRef,
    endpointName: string,
    deploymentName: string,
    container: LogContainer,
    tail: number,
    options?: OperationOptions,
  ): Promise<string>;
  /** `undefined` when the SKU is unknown in the workspace's region. */
  getComputeQuota(workspace: WorkspaceRef, instanceType: string, options?: OperationOptions): Promise<ComputeQuota | undefined>;
  /** Regenerates a Key endpoint's key; the key itself never leaves the adapter. */
  regenerateKey(workspace: WorkspaceRef, endpointName: string, keyType: KeyType, options?: OperationOptions): Promise<ChangeOutcome<void>>;
}
