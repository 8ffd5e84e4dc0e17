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

export interface BeginTrafficUpdateOptions extends OperationOptions {
  /** Send only if the endpoint still has this ETag (default: the ETag of the port's own read). */
  readonly ifMatch?: string;
  /**
   * Judges the endpoint as read, before anything is sent: a reason to send nothing (the port then returns it with
   * the endpoint), or undefined to send.
   */
  readonly check?: (current: Endpoint) => string | undefined;
}

/** A traffic write that was started, or that the caller's `check` declined; `endpoint` is the endpoint as read. */
export type TrafficUpdateStart =
  | { readonly sent: true; readonly endpoint: Endpoint }
  | { readonly sent: false; readonly reason: string; readonly endpoint: Endpoint };

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
  /**
   * Starts a traffic write without waiting for Azure ML to finish it: one read of the endpoint (the full resource,
   * so everything else is sent back), the caller's `check`, then a PUT conditional on the ETag read, returning once
   * Azure ML accepted it. No polling and no read-back: whether the write then succeeded shows in a later read
   * (`provisioningState`, and a failed write leaves the previous split).
   */
  beginTrafficUpdate(
    workspace: WorkspaceRef,
    endpointName: string,
    change: TrafficChange,
    options?: BeginTrafficUpdateOptions,
  ): Promise<ChangeOutcome<TrafficUpdateStart>>;
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
