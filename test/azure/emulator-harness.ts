/**
 * One AML emulator per test file, and the real ArmEndpointControl pointed at it with a real emulator-issued
 * credential. Nothing is mocked: requests go through the SDK client's pipeline over loopback HTTPS.
 */
import { get as httpsGet } from "node:https";
import type { WorkspaceRef } from "../../commands/domain/endpoint.js";
import { ArmEndpointControl, type ArmEndpointControlOptions } from "../../src/azure/arm.endpoint-control.js";
import { ArmEndpointLifecycle, type ArmEndpointLifecycleOptions } from "../../src/azure/arm.endpoint-lifecycle.js";
import { createEmulatorCredential } from "../../src/azure/credentials.js";
import { startAmlEmulator, type AmlEmulatorOptions } from "../../tools/emulator/aml-emulator.js";
import { defaultScenario, type EmulatorScenario } from "../../tools/emulator/scenario.js";

export type RunningEmulator = Awaited<ReturnType<typeof startAmlEmulator>>;

/**
 * The default scenario plus a third deployment `red` on fraud-scorer (so a live split can change while
 * green keeps its mirror traffic), and list pages of one item (so paging via nextLink is exercised).
 */
export function testScenario(): EmulatorScenario {
  const scenario = structuredClone(defaultScenario());
  scenario.limits = { ...scenario.limits, listPageSize: 1 };
  const fraud = scenario.workspaces[0]?.endpoints.find((e) => e.name === "fraud-scorer");
  fraud?.deployments?.push({ name: "red", model: "azureml:fraud-model:5", instanceType: "Standard_DS3_v2", capacity: 1 });
  return scenario;
}

export async function startEmulator(lroDelayInMs = 60, options: AmlEmulatorOptions = {}): Promise<RunningEmulator> {
  return startAmlEmulator({ scenario: testScenario(), lroDelayInMs, tlsCacheDir: false, ...options });
}

export function workspaceOf(emulator: RunningEmulator): WorkspaceRef {
  return {
    alias: "demo",
    subscriptionId: emulator.scenario.subscriptionId,
    resourceGroup: emulator.scenario.resourceGroup,
    workspace: "demo",
  };
}

/** A real client-secret credential against the emulator's token endpoint. */
function credentialFor(emulator: RunningEmulator) {
  return createEmulatorCredential({
    authorityHost: emulator.url,
    tenantId: emulator.scenario.tenantId,
    clientId: "aml-chatops-test",
    clientSecret: "test-secret-value",
    ca: emulator.ca,
  });
}

export function controlFor(emulator: RunningEmulator, options: Partial<ArmEndpointControlOptions> = {}): ArmEndpointControl {
  return new ArmEndpointControl({ credential: credentialFor(emulator), endpoint: emulator.url, tlsCa: emulator.ca, updateIntervalInMs: 15, ...options });
}

export function lifecycleFor(emulator: RunningEmulator, options: Partial<ArmEndpointLifecycleOptions> = {}): ArmEndpointLifecycle {
  return new ArmEndpointLifecycle({ credential: credentialFor(emulator), endpoint: emulator.url, tlsCa: emulator.ca, updateIntervalInMs: 15, ...options });
}

export function endpointResourceId(emulator: RunningEmulator, endpoint: string, deployment?: string): string {
  const { subscriptionId, resourceGroup } = emulator.scenario;
  const id =
    `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}` +
    `/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/${endpoint}`;
  return deployment === undefined ? id : `${id}/deployments/${deployment}`;
}

/** The ARM requests the emulator saw since the last reset, as "METHOD /path -> status" (path without host). */
export function requestLines(emulator: RunningEmulator, filter: RegExp = /onlineEndpoints/): string[] {
  return emulator.requests.filter((r) => filter.test(r.path)).map((r) => `${r.method} ${r.path} -> ${r.status}`);
}

/** The emulator's own view of an endpoint (control surface, no ARM auth), to check what was really stored. */
export async function storedEndpoint(emulator: RunningEmulator, endpoint: string): Promise<Record<string, unknown>> {
  const body = await new Promise<string>((resolve, reject) => {
    const req = httpsGet(`${emulator.url}/__emulator/state`, { ca: emulator.ca }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => (text += chunk));
      res.on("end", () => resolve(text));
    });
    req.on("error", reject);
  });
  const state = JSON.parse(body) as { workspaces: { endpoints: Record<string, unknown>[] }[] };
  const found = state.workspaces.flatMap((w) => w.endpoints).find((e) => e.name === endpoint);
  if (!found) throw new Error(`endpoint ${endpoint} not in emulator state`);
  return found;
}
