/**
 * Azure Monitor payloads for tests: the two published examples read as they are, and variants built from them in
 * code (an AML deployment as the target, other capacities, fields left out), never edited copies on disk.
 */
import { readSharedFixture } from "./shared-fixtures.js";

export const AUTOSCALE_FIXTURE = "azure/autoscale-webhook.azure-docs-2017.autoscale-webhook-email.json";
export const ALERT_FIXTURE = "azure/common-alert-schema.alerts-common-schema.sample-metric-alert.json";

type Json = Record<string, unknown>;

/** The emulator's default scenario (and the local config's `demo` workspace). */
export const DEMO = { subscriptionId: "00000000-0000-0000-0000-000000000001", resourceGroup: "ml-rg", workspace: "demo" } as const;

export function endpointId(endpoint: string, deployment?: string, ws: { subscriptionId: string; resourceGroup: string; workspace: string } = DEMO): string {
  const base = `/subscriptions/${ws.subscriptionId}/resourceGroups/${ws.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/${ws.workspace}/onlineEndpoints/${endpoint}`;
  return deployment ? `${base}/deployments/${deployment}` : base;
}

export function publishedAutoscaleText(): string {
  return readSharedFixture(AUTOSCALE_FIXTURE);
}

export function publishedAlertText(): string {
  return readSharedFixture(ALERT_FIXTURE);
}

export interface ScaleVariant {
  readonly endpoint?: string;
  readonly deployment?: string;
  readonly oldCapacity?: string | number | null;
  readonly newCapacity?: string | number | null;
  readonly timestamp?: string;
  readonly operation?: string | null;
  readonly properties?: Json | null;
  /** Context fields to delete after the rest is applied. */
  readonly drop?: readonly string[];
}

/** The published autoscale payload, retargeted at an AML deployment (default fraud-scorer/blue, 2 → 4, Scale Out). */
export function autoscaleVariant(v: ScaleVariant = {}): Json {
  const payload = JSON.parse(publishedAutoscaleText()) as Json & { context: Json };
  const endpoint = v.endpoint ?? "fraud-scorer";
  const deployment = v.deployment ?? "blue";
  const oldCapacity = v.oldCapacity === undefined ? "2" : v.oldCapacity;
  const newCapacity = v.newCapacity === undefined ? "4" : v.newCapacity;
  const id = endpointId(endpoint, deployment);
  const context: Json = {
    ...payload.context,
    timestamp: v.timestamp ?? "2026-11-25T07:31:04.5834118Z",
    id: `/subscriptions/${DEMO.subscriptionId}/resourceGroups/${DEMO.resourceGroup}/providers/microsoft.insights/autoscalesettings/${endpoint}-${deployment}-autoscale`,
    name: `${endpoint}-${deployment}-autoscale`,
    details: `Autoscale successfully started scale operation for resource '${deployment}' from capacity '${oldCapacity ?? ""}' to capacity '${newCapacity ?? ""}'`,
    subscriptionId: DEMO.subscriptionId,
    resourceGroupName: DEMO.resourceGroup,
    resourceName: `${DEMO.workspace}/${endpoint}/${deployment}`,
    resourceType: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
    resourceId: id,
    portalLink: `https://portal.azure.com/#resource${id}`,
    oldCapacity,
    newCapacity,
  };
  for (const field of v.drop ?? []) delete context[field];
  const result: Json = { ...payload, context, operation: v.operation === undefined ? "Scale Out" : v.operation, properties: v.properties === undefined ? { scaleOutReason: "CPU > 70 % for 5 min", scaleInReason: "CPU < 30 % for 10 min" } : v.properties };
  if (v.operation === null) delete result["operation"];
  if (v.properties === null) delete result["properties"];
  return result;
}

export interface AlertVariant {
  readonly targetId?: string;
  readonly condition?: "Fired" | "Resolved";
  readonly alertId?: string;
  readonly deploymentDimension?: string;
  readonly metricName?: string;
  readonly metricValue?: number;
  readonly threshold?: string;
}

/** The published metric alert, retargeted at an AML endpoint (latency P99 of blue by default, Fired). */
export function alertVariant(v: AlertVariant = {}): Json {
  const payload = JSON.parse(publishedAlertText()) as { schemaId: string; data: { essentials: Json; alertContext: { condition: { allOf: Json[] } & Json } & Json } & Json };
  const condition = v.condition ?? "Fired";
  const essentials: Json = {
    ...payload.data.essentials,
    alertId: v.alertId ?? `/subscriptions/${DEMO.subscriptionId}/providers/Microsoft.AlertsManagement/alerts/11111111-2222-3333-4444-555555555555`,
    alertRule: "fraud-scorer latency P99",
    severity: "Sev2",
    monitorCondition: condition,
    alertTargetIDs: [(v.targetId ?? endpointId("fraud-scorer")).toLowerCase()],
    configurationItems: ["fraud-scorer"],
    firedDateTime: "2026-11-25T08:10:00.0000000Z",
    ...(condition === "Resolved" ? { resolvedDateTime: "2026-11-25T08:25:00.0000000Z" } : {}),
  };
  if (condition === "Fired") delete essentials["resolvedDateTime"];
  const criterion: Json = {
    ...payload.data.alertContext.condition.allOf[0],
    metricName: v.metricName ?? "RequestLatency_P99",
    metricNamespace: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    operator: "GreaterThan",
    threshold: v.threshold ?? "300",
    timeAggregation: "Average",
    dimensions: v.deploymentDimension === undefined ? [{ name: "deployment", value: "blue" }] : v.deploymentDimension ? [{ name: "deployment", value: v.deploymentDimension }] : [],
    metricValue: v.metricValue ?? 412.3,
  };
  return { ...payload, data: { ...payload.data, essentials, alertContext: { ...payload.data.alertContext, condition: { ...payload.data.alertContext.condition, allOf: [criterion] } } } };
}
