/**
 * Resolves the resource ids of a metrics request to the emulator's endpoints and deployments, and describes
 * each one's load from live state: traffic split, instance count and instance type as they are right now.
 * Ids are parsed, not searched for, so a 500-endpoint scenario costs a few map lookups per id.
 */
import { DEPLOYMENT_NAMESPACE, ENDPOINT_NAMESPACE } from "./metrics-catalog.js";
import { fnv1a, seededPeak, type DeploymentLoad, type EndpointLoad } from "./metrics-load.js";
import { endpointKey } from "./metrics-observed.js";
import type { MetricsResource } from "./metrics-series.js";
import type { EmulatorState, EndpointRecord, WorkspaceRecord } from "./state.js";

const RESOURCE_ID =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.MachineLearningServices\/workspaces\/([^/]+)\/onlineEndpoints\/([^/]+)(?:\/deployments\/([^/]+))?\/?$/i;

export interface ParsedResourceId {
  readonly subscriptionId: string;
  readonly resourceGroup: string;
  readonly workspace: string;
  readonly endpoint: string;
  readonly deployment?: string;
  readonly namespace: string;
}

export function parseResourceId(id: string): ParsedResourceId | undefined {
  const match = RESOURCE_ID.exec(id);
  if (match === null) return undefined;
  const [, subscriptionId, resourceGroup, workspace, endpoint, deployment] = match.map((part) => (part === undefined ? undefined : decodeURIComponent(part)));
  return {
    subscriptionId: subscriptionId!,
    resourceGroup: resourceGroup!,
    workspace: workspace!,
    endpoint: endpoint!,
    ...(deployment === undefined ? {} : { deployment }),
    namespace: deployment === undefined ? ENDPOINT_NAMESPACE : DEPLOYMENT_NAMESPACE,
  };
}

export interface ResolvedResource {
  readonly resource: MetricsResource;
  readonly region: string;
}

export interface LoadKnobs {
  readonly seed: number;
  /** Peak requests per minute by endpoint name (lower-case), overriding the seeded one. */
  readonly peaks: ReadonlyMap<string, number>;
}

/** `undefined` when the resource does not exist (any more). */
export function resolveResource(state: EmulatorState, id: ParsedResourceId, knobs: LoadKnobs): ResolvedResource | undefined {
  if (id.subscriptionId.toLowerCase() !== state.subscriptionId.toLowerCase()) return undefined;
  const workspace = state.workspaces.find(
    (ws) => ws.resourceGroup.toLowerCase() === id.resourceGroup.toLowerCase() && ws.name.toLowerCase() === id.workspace.toLowerCase(),
  );
  const record = workspace?.endpoints.get(id.endpoint.toLowerCase());
  if (workspace === undefined || record === undefined) return undefined;
  const load = endpointLoad(workspace, record, knobs);
  if (id.deployment === undefined) return { resource: { kind: "endpoint", load }, region: workspace.location };
  const deployment = load.deployments.find((d) => d.name.toLowerCase() === id.deployment!.toLowerCase());
  return deployment === undefined ? undefined : { resource: { kind: "deployment", load, deployment }, region: workspace.location };
}

function endpointLoad(workspace: WorkspaceRecord, record: EndpointRecord, knobs: LoadKnobs): EndpointLoad {
  const key = endpointKey(workspace.name, record.name);
  const hash = fnv1a(key);
  const traffic = record.spec.properties.traffic;
  const shareOf = (name: string): number => {
    const entry = Object.entries(traffic).find(([deployment]) => deployment.toLowerCase() === name.toLowerCase());
    return (entry?.[1] ?? 0) / 100;
  };
  const deployments: DeploymentLoad[] = [...record.deployments.values()].map((d) => ({
    name: d.name,
    share: shareOf(d.name),
    capacity: d.spec.sku.capacity,
    instanceType: d.spec.properties.instanceType,
    hash: fnv1a(`${key}/${d.name.toLowerCase()}`),
  }));
  return { key, name: record.name, hash, peakRequestsPerMinute: knobs.peaks.get(record.name.toLowerCase()) ?? seededPeak(knobs.seed, hash), deployments };
}
