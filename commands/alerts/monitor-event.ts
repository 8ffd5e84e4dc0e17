/**
 * Autoscale and alert notifications as the core sees them, whatever Azure Monitor payload they came from
 * (the autoscale webhook, the common alert schema). `adapters/azure-monitor/` maps the wire shapes onto these.
 */

/** The Azure ML resource an event is about, with ARM names as Azure sent them (alerts send them lower-cased). */
export interface EndpointResource {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  /** The AML workspace's ARM name (not the alias people type). */
  readonly workspace: string;
  readonly endpoint: string;
  /** From a deployment's resource id, or from an alert's `deployment` dimension. */
  readonly deployment?: string;
}

/** Autoscale changed a deployment's instance count. */
export interface AutoscaleEvent {
  readonly kind: "autoscale";
  readonly resource: EndpointResource & { readonly deployment: string };
  readonly direction: "out" | "in";
  /** Absent when the payload said nothing usable (the fields are strings in some versions of the schema). */
  readonly oldCapacity?: number;
  readonly newCapacity?: number;
  /** Why, when the sender says: the webhook's custom properties (see deploy/autoscale.bicep). */
  readonly reason?: string;
  readonly at: Date;
  /** The autoscale setting's name. */
  readonly setting?: string;
  /** The same for every delivery of one scale action; different for different actions. */
  readonly dedupeKey: string;
}

/** One metric condition of an alert rule, as the rule evaluated it. */
export interface AlertCondition {
  /** Azure Monitor's metric name, e.g. `RequestLatency_P99`, `CpuUtilizationPercentage`. */
  readonly metric: string;
  readonly value?: number;
  /** `GreaterThan`, `LessThan`, ... as Azure Monitor names them. */
  readonly operator?: string;
  readonly threshold?: number;
  readonly timeAggregation?: string;
  /** ISO 8601 duration, e.g. `PT5M`. */
  readonly windowSize?: string;
}

/** An Azure Monitor alert (common alert schema) fired or resolved on an endpoint or deployment. */
export interface AlertEvent {
  readonly kind: "alert";
  readonly resource: EndpointResource;
  readonly rule: string;
  readonly state: "fired" | "resolved";
  /** `Sev0` (critical) … `Sev4` (verbose). */
  readonly severity?: string;
  readonly conditions: readonly AlertCondition[];
  readonly description?: string;
  /** When it fired, or when it resolved. */
  readonly at: Date;
  readonly firedAt?: Date;
  readonly dedupeKey: string;
}

export type MonitorEvent = AutoscaleEvent | AlertEvent;
