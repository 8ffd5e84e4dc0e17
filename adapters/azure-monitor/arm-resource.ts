/**
 * Azure ML online endpoints and deployments from ARM resource ids, as Azure Monitor sends them: in any case
 * (alerts lower-case them), with or without a leading slash, or inside a portal link (`…/#resource/subscriptions/…`).
 */
import type { EndpointResource } from "../../commands/alerts/monitor-event.js";

const ML_RESOURCE =
  /^\/?subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/onlineEndpoints\/([^/]+)(?:\/deployments\/([^/]+))?\/?$/i;

/** The endpoint (and deployment) an id names, or `undefined` for anything that is not an AML online endpoint. */
export function parseEndpointResourceId(id: string | undefined): EndpointResource | undefined {
  if (!id) return undefined;
  const match = ML_RESOURCE.exec(id.trim());
  if (!match) return undefined;
  const [, subscriptionId, resourceGroup, workspace, endpoint, deployment] = match.map((part) => (part === undefined ? undefined : decodeURIComponent(part)));
  return { subscriptionId: subscriptionId!, resourceGroup: resourceGroup!, workspace: workspace!, endpoint: endpoint!, ...(deployment ? { deployment } : {}) };
}

/** `https://portal.azure.com/#resource/subscriptions/…` → the resource id after `#resource`. */
export function resourceIdOfPortalLink(link: string | undefined): string | undefined {
  const at = link?.indexOf("#resource/") ?? -1;
  return at >= 0 ? link!.slice(at + "#resource".length).split(/[?#]/)[0] : undefined;
}

export const DEPLOYMENT_RESOURCE_TYPE = "microsoft.machinelearningservices/workspaces/onlineendpoints/deployments";

/**
 * From the autoscale payload's separate fields, when `resourceId` is missing: ARM writes a nested resource's name as
 * `workspace/endpoint/deployment`. (The webhook's own resourceType table predates ML deployments, so this is the
 * ARM convention, not a documented promise.)
 */
export function endpointResourceOfParts(parts: { subscriptionId?: string; resourceGroupName?: string; resourceType?: string; resourceName?: string }): EndpointResource | undefined {
  const names = parts.resourceName?.split("/") ?? [];
  if (!parts.subscriptionId || !parts.resourceGroupName || parts.resourceType?.toLowerCase() !== DEPLOYMENT_RESOURCE_TYPE || names.length !== 3 || names.some((n) => !n)) return undefined;
  const [workspace, endpoint, deployment] = names as [string, string, string];
  return { subscriptionId: parts.subscriptionId, resourceGroup: parts.resourceGroupName, workspace, endpoint, deployment };
}
