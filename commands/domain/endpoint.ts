/**
 * Domain types for managed online endpoints, as the command core sees them.
 * They carry only what verbs need; `src/azure/arm.converters.ts` maps the SDK/wire shapes onto them.
 */

/** Where endpoints live: one Azure ML workspace, known to users by an alias such as `prod`. */
export interface WorkspaceRef {
  /** Short name people type (`dev`, `prod`). */
  readonly alias: string;
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly workspace: string;
}

export type AuthMode = "Key" | "AMLToken" | "AADToken";

/** Percent of requests per deployment name (integers 0–100). */
export type TrafficSplit = Readonly<Record<string, number>>;

export interface Endpoint {
  readonly name: string;
  readonly workspace: WorkspaceRef;
  readonly authMode: AuthMode;
  readonly scoringUri?: string;
  readonly provisioningState: string;
  readonly traffic: TrafficSplit;
  /** Shadow traffic: at most one deployment, at most 50 %. Empty when off. */
  readonly mirrorTraffic: TrafficSplit;
  readonly description?: string;
  readonly location?: string;
  /** Opaque version used for If-Match on read-modify-write. */
  readonly etag?: string;
  readonly lastModifiedAt?: Date;
  readonly lastModifiedBy?: string;
}

export interface ScaleSettings {
  readonly type: "Default" | "TargetUtilization";
  readonly minInstances?: number;
  readonly maxInstances?: number;
}

export interface Deployment {
  readonly name: string;
  readonly endpointName: string;
  readonly instanceType?: string;
  readonly capacity: number;
  readonly provisioningState: string;
  readonly model?: string;
  readonly scale?: ScaleSettings;
  readonly etag?: string;
}

/** A traffic change as the user asked for it; either part may be left unchanged. */
export interface TrafficChange {
  readonly traffic?: TrafficSplit;
  readonly mirrorTraffic?: TrafficSplit;
}
