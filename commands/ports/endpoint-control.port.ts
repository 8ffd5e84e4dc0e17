import type { Deployment, Endpoint, TrafficChange, WorkspaceRef } from "../domain/endpoint.js";
import type { LongRunningOptions, OperationOptions } from "./operation-options.js";

/**
 * Expected outcomes of a change, returned as values (never thrown).
 * Infrastructure failures and bugs throw coded errors instead.
 */
export type ChangeOutcome<T> =
  | { readonly kind: "ok"; readonly value: T }
  /** The resource changed since it was read (If-Match failed) or another write is in flight. */
  | { readonly kind: "conflict"; readonly message: string }
  | { readonly kind: "not-found"; readonly message: string }
  /** The service refused the request as invalid; `code` is the service's own error code. */
  | { readonly kind: "invalid"; readonly code: string; readonly message: string }
  | { readonly kind: "throttled"; readonly message: string; readonly retryAfterInMs?: number }
  /** The long-running operation ran and ended Failed (the service keeps the previous state). */
  | { readonly kind: "failed"; readonly code: string; readonly message: string };

/** What would be sent to the control plane, for `--dry-run`. Neutral: method, path and body. */
export interface RequestPreview {
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
}

export interface ConditionalUpdateOptions extends LongRunningOptions {
  /** Only apply if the resource still has this ETag. */
  readonly ifMatch?: string;
}

export type UpdateTrafficOptions = ConditionalUpdateOptions;
export type UpdateCapacityOptions = ConditionalUpdateOptions;

export interface GetResourceOptions extends OperationOptions {
  /**
   * While Azure ML reports the resource Creating, Updating or Deleting, read it again until it settles or this
   * long has passed (then return it as it is). Default 0: one read.
   */
  readonly waitWhileBusyInMs?: number;
}

/** Reads and changes managed online endpoints. Owned by the core; implemented over ARM in `src/azure/`. */
export interface EndpointControl {
  listEndpoints(workspace: WorkspaceRef, options?: OperationOptions): Promise<Endpoint[]>;
  /** `undefined` when the endpoint does not exist. */
  getEndpoint(workspace: WorkspaceRef, endpointName: string, options?: GetResourceOptions): Promise<Endpoint | undefined>;
  /** `undefined` when the endpoint or the deployment does not exist. */
  getDeployment(workspace: WorkspaceRef, endpointName: string, deploymentName: string, options?: GetResourceOptions): Promise<Deployment | undefined>;
  listDeployments(workspace: WorkspaceRef, endpointName: string, options?: OperationOptions): Promise<Deployment[]>;
  /**
   * Sets live and/or mirror traffic. Parts of `change` left undefined keep their current value;
   * everything else on the endpoint is preserved (the full resource is sent).
   */
  updateTraffic(
    workspace: WorkspaceRef,
    endpointName: string,
    change: TrafficChange,
    options?: UpdateTrafficOptions,
  ): Promise<ChangeOutcome<Endpoint>>;
  /** The exact request `updateTraffic` would send, without sending it. */
  previewTrafficUpdate(
    workspace: WorkspaceRef,
    endpointName: string,
    change: TrafficChange,
    options?: OperationOptions,
  ): Promise<ChangeOutcome<RequestPreview>>;
  updateCapacity(
    workspace: WorkspaceRef,
    endpointName: string,
    deploymentName: string,
    capacity: number,
    options?: UpdateCapacityOptions,
  ): Promise<ChangeOutcome<Deployment>>;
}
