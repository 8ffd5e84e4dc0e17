/**
 * Builds the resource store from a scenario. Seed data goes through the same body parsers as PUT
 * requests, so a seeded resource looks exactly like one a client created.
 */
import { ArmError } from "./arm-errors.js";
import { deploymentId, endpointId } from "./arm-ids.js";
import { parseDeploymentPut } from "./deployment-body.js";
import { parseEndpointPut } from "./endpoint-body.js";
import { seedModels } from "./model-registry.js";
import { DEFAULT_LIST_PAGE_SIZE, DEFAULT_MAX_INSTANCES, ScenarioError, type EmulatorScenario, type ScenarioDeployment, type ScenarioEndpoint } from "./scenario.js";
import {
  EmulatorState,
  newEndpointKey,
  newEtag,
  stampNow,
  type DeploymentRecord,
  type EndpointRecord,
  type WorkspaceRecord,
} from "./state.js";

const SEED_AUTHOR = "seed@aml-emulator.local";

export function createState(scenario: EmulatorScenario): EmulatorState {
  const state = new EmulatorState(scenario.subscriptionId, {
    listPageSize: scenario.limits?.listPageSize ?? DEFAULT_LIST_PAGE_SIZE,
    maxInstancesPerDeployment: scenario.limits?.maxInstancesPerDeployment ?? DEFAULT_MAX_INSTANCES,
  });
  seedState(state, scenario);
  return state;
}

/** (Re)fills `state` from the scenario, dropping whatever it held. */
export function seedState(state: EmulatorState, scenario: EmulatorScenario): void {
  state.clear();
  for (const ws of scenario.workspaces) {
    const workspace: WorkspaceRecord = {
      subscriptionId: scenario.subscriptionId,
      resourceGroup: ws.resourceGroup ?? scenario.resourceGroup,
      name: ws.name,
      location: ws.location ?? scenario.location,
      endpoints: new Map(),
      models: new Map(),
    };
    seedModels(workspace, ws);
    for (const endpoint of ws.endpoints) {
      const record = withSeedContext(`${ws.name}/${endpoint.name}`, () => seedEndpoint(workspace, endpoint, scenario, state));
      workspace.endpoints.set(endpoint.name.toLowerCase(), record);
    }
    state.workspaces.push(workspace);
  }
}

function seedEndpoint(
  workspace: WorkspaceRecord,
  seed: ScenarioEndpoint,
  scenario: EmulatorScenario,
  state: EmulatorState,
): EndpointRecord {
  const stamp = stampNow(SEED_AUTHOR, "User");
  const deployments = seed.deployments ?? [];
  const spec = parseEndpointPut(
    {
      location: workspace.location,
      tags: seed.tags ?? {},
      properties: {
        authMode: seed.authMode,
        description: seed.description,
        traffic: seed.traffic ?? {},
        mirrorTraffic: seed.mirrorTraffic ?? {},
        publicNetworkAccess: seed.publicNetworkAccess,
      },
    },
    {
      endpointName: seed.name,
      resourceId: endpointId(workspace, seed.name),
      tenantId: scenario.tenantId,
      workspaceLocation: workspace.location,
      deployments: deployments.map((d) => d.name),
    },
  );
  const record: EndpointRecord = {
    kind: "endpoint",
    workspace,
    name: seed.name,
    spec,
    meta: { etag: newEtag(), provisioningState: "Succeeded", created: stamp, modified: stamp },
    // A copy: regenerateKeys changes the record, never the scenario, so reset() brings the seeded keys back.
    keys: seed.keys === undefined ? { primaryKey: newEndpointKey(), secondaryKey: newEndpointKey() } : { ...seed.keys },
    deployments: new Map(),
  };
  for (const deployment of deployments) {
    const child = withSeedContext(`${workspace.name}/${seed.name}/${deployment.name}`, () =>
      seedDeployment(record, deployment, scenario, state),
    );
    record.deployments.set(deployment.name.toLowerCase(), child);
  }
  return record;
}

function seedDeployment(
  endpoint: EndpointRecord,
  seed: ScenarioDeployment,
  scenario: EmulatorScenario,
  state: EmulatorState,
): DeploymentRecord {
  const stamp = stampNow(SEED_AUTHOR, "User");
  const spec = parseDeploymentPut(
    {
      tags: seed.tags ?? {},
      sku: { name: "Default", capacity: seed.capacity },
      properties: {
        endpointComputeType: "Managed",
        description: seed.description,
        model: seed.model,
        instanceType: seed.instanceType,
        environmentId: seed.environmentId,
        environmentVariables: seed.environmentVariables,
        scaleSettings: seed.scaleSettings,
        requestSettings: seed.requestSettings,
        appInsightsEnabled: seed.appInsightsEnabled,
      },
    },
    {
      resourceId: deploymentId(endpoint.workspace, endpoint.name, seed.name),
      tenantId: scenario.tenantId,
      workspaceLocation: endpoint.workspace.location,
      maxInstances: state.limits.maxInstancesPerDeployment,
    },
  );
  return {
    kind: "deployment",
    endpoint,
    name: seed.name,
    spec,
    meta: { etag: newEtag(), provisioningState: seed.provisioningState ?? "Succeeded", created: stamp, modified: stamp },
    ...(seed.autoscale === undefined ? {} : { autoscale: seed.autoscale }),
  };
}

/** Rule violations in seed data are scenario errors, not HTTP errors. */
function withSeedContext<T>(where: string, build: () => T): T {
  try {
    return build();
  } catch (error) {
    if (error instanceof ArmError) throw new ScenarioError(`Invalid AML emulator scenario at ${where}: ${error.message}`);
    throw error;
  }
}
