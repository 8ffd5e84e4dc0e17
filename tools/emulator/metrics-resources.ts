/**
 * Resolves the resource ids of a metrics request to the emulator's endpoints and deployments, and describes
 * each one's load from live state: the traffic split over time (metrics-traffic.ts), and the scoring knobs,
 * instance count and instance type as they are right now.
 * Ids are parsed, not searched for, so a 500-endpoint scenario costs a few map lookups per id.
 */
import { DEPLOYMENT_NAMESPACE, ENDPOINT_NAMESPACE } from "./metrics-catalog.js";
import { fnv1a, seededPeak, type DeploymentLoad, type EndpointLoad, type ScoringLoadKnobs } from "./metrics-load.js";
import { endpointKey } from "./metrics-observed.js";
import type { MetricsResource } from "./metrics-series.js";
import type { TrafficTimeline } from "./metrics-traffic.js";
import type { DeploymentScoring } from "./scoring-knobs.js";
import { durationInMs } from "./scoring-plane.js";
import type { DeploymentRecord, EmulatorState, EndpointRecord, WorkspaceRecord } from "./state.js";

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

/** Where the load's live inputs come from: the splits over time, and the scoring plane's knobs. */
export interface LoadSources {
  readonly traffic: TrafficTimeline;
  knobsOf(deployment: DeploymentRecord): DeploymentScoring;
}

/** `undefined` when the resource does not exist (any more). */
export function resolveResource(state: EmulatorState, id: ParsedResourceId, knobs: LoadKnobs, sources: LoadSources): ResolvedResource | undefined {
  if (id.subscriptionId.toLowerCase() !== state.subscriptionId.toLowerCase()) return undefined;
  const workspace = state.workspaces.find(
    (ws) => ws.resourceGroup.toLowerCase() === id.resourceGroup.toLowerCase() && ws.name.toLowerCase() === id.workspace.toLowerCase(),
  );
  const record = workspace?.endpoints.get(id.endpoint.toLowerCase());
  if (workspace === undefined || record === undefined) return undefined;
  const load = endpointLoad(workspace, record, knobs, sources);
  if (id.deployment === undefined) return { resource: { kind: "endpoint", load }, region: workspace.location };
  const deployment = load.deployments.find((d) => d.name.toLowerCase() === id.deployment!.toLowerCase());
  return deployment === undefined ? undefined : { resource: { kind: "deployment", load, deployment }, region: workspace.location };
}

export function endpointLoadKey(workspace: WorkspaceRecord, record: EndpointRecord): string {
  return endpointKey(workspace.name, record.name);
}

function endpointLoad(workspace: WorkspaceRecord, record: EndpointRecord, knobs: LoadKnobs, sources: LoadSources): EndpointLoad {
  const key = endpointLoadKey(workspace, record);
  const hash = fnv1a(key);
  sources.traffic.observe(key, record);
  const deployments: DeploymentLoad[] = [...record.deployments.values()].map((d) => {
    const scoring = scoringLoad(sources.knobsOf(d), d);
    return {
      name: d.name,
      periods: sources.traffic.periodsOf(key, d.name),
      ...(scoring === undefined ? {} : { scoring }),
      capacity: d.spec.sku.capacity,
      instanceType: d.spec.properties.instanceType,
      hash: fnv1a(`${key}/${d.name.toLowerCase()}`),
    };
  });
  return { key, name: record.name, hash, peakRequestsPerMinute: knobs.peaks.get(record.name.toLowerCase()) ?? seededPeak(knobs.seed, hash), deployments };
}

/** The knobs that change what the deployment's metrics show; undefined when none is set. */
function scoringLoad(knobs: DeploymentScoring, deployment: DeploymentRecord): ScoringLoadKnobs | undefined {
  if (knobs.latencyMs === undefined && knobs.errorRate === undefined && knobs.answer === undefined) return undefined;
  return {
    latencyMs: knobs.latencyMs ?? 0,
    errorRate: knobs.errorRate ?? 0,
    ...(knobs.answer === undefined ? {} : { answerStatus: knobs.answer.status }),
    timeoutMs: durationInMs(deployment.spec.properties.requestSettings["requestTimeout"]),
  };
}
