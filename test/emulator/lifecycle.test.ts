/**
 * Creating and removing what endpoints are made of, as the bot's deploy flow does it over raw HTTPS: a new
 * endpoint per authMode, a deployment created only if absent, its provisioning time, the planes that see it,
 * AML's deployment failures (as control-surface knobs) and their logs, the compute quota, and delete's rule.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { ArmTestClient, HttpsTestClient, startTestEmulator } from "./helpers/arm-http.js";
import { closeScoringAgent, score } from "./helpers/scoring-http.js";

/** Long enough that a loaded machine still sees Creating well after the 30 ms LRO delay. */
const PROVISION_MS = 800;
let emulator: RunningAmlEmulator;
let arm: ArmTestClient;
let control: HttpsTestClient;

beforeAll(async () => {
  emulator = await startTestEmulator({ lroDelayInMs: 30, provisionDelayInMs: PROVISION_MS });
  arm = new ArmTestClient(emulator);
  control = new HttpsTestClient(emulator.url, emulator.ca);
});
afterAll(async () => {
  closeScoringAgent(emulator);
  await emulator.close();
});
beforeEach(() => emulator.reset());

const canary = () => arm.deploymentPath("fraud-scorer", "canary");
const deploymentBody = (capacity = 1, instanceType = "Standard_DS3_v2") => ({
  location: "westeurope",
  sku: { name: "Default", capacity },
  properties: { endpointComputeType: "Managed", instanceType, model: "azureml:fraud-model:5", environmentId: "azureml:fraud-env:8" },
});
const operationOf = (response: { headers: Record<string, unknown> }) => String(response.headers["azure-asyncoperation"]);

async function createCanary(): Promise<{ status: string; error?: { code: string; message: string } }> {
  const accepted = await arm.put(canary(), deploymentBody(), { "if-none-match": "*" });
  expect(accepted.status, accepted.text).toBe(201);
  const { final } = await arm.waitForOperation(operationOf(accepted), 5_000);
  return final.json;
}

async function failNextCreate(failure: string): Promise<void> {
  const response = await control.send("/__emulator/faults", { method: "POST", body: { failOperations: [{ failure, name: "canary" }] } });
  expect(response.status, response.text).toBe(200);
}

describe("creating endpoints", () => {
  it("reads the workspace, for the region a new endpoint goes to", async () => {
    const ws = await arm.get(arm.workspacePath());
    expect(ws.status).toBe(200);
    expect(ws.json).toMatchObject({ name: "demo", type: "Microsoft.MachineLearningServices/workspaces", location: "westeurope", properties: { provisioningState: "Succeeded" } });
    expect((await arm.get(arm.workspacePath("nope"))).status).toBe(404);
  });

  it.each(["Key", "AMLToken", "AADToken"] as const)("creates a %s endpoint (Creating, then Succeeded) that scores like one without deployments", async (authMode) => {
    const path = arm.endpointPath(`new-${authMode.toLowerCase()}`);
    const accepted = await arm.put(path, { location: "westeurope", properties: { authMode, description: "from chat" } }, { "if-none-match": "*" });
    expect(accepted.status).toBe(201);
    expect(accepted.json.properties).toMatchObject({ authMode, provisioningState: "Creating", traffic: {} });
    await arm.waitForOperation(operationOf(accepted));
    expect((await arm.get(path)).json.properties.provisioningState).toBe("Succeeded");

    const credential =
      authMode === "Key"
        ? (await arm.post(`${path}/listKeys`)).json.primaryKey
        : authMode === "AMLToken"
          ? (await arm.post(`${path}/token`)).json.accessToken
          : emulator.issueToken({ audience: "https://ml.azure.com" });
    const scored = await score(emulator, `new-${authMode.toLowerCase()}`, { credential });
    expect(scored.status).toBe(404);
    expect(scored.text).toContain("No valid deployments to route to");
    expect((await score(emulator, `new-${authMode.toLowerCase()}`, { credential: "wrong" })).status).toBe(401);
  });
});

describe("creating deployments", () => {
  it("creates only what is absent (If-None-Match: *), stays Creating for the provisioning time, then serves at 0 %", async () => {
    const started = Date.now();
    const accepted = await arm.put(canary(), deploymentBody(), { "if-none-match": "*" });
    expect(accepted.status).toBe(201);
    expect(accepted.json.properties.provisioningState).toBe("Creating");
    expect(operationOf(accepted)).toContain("/mfeOperationsStatus/od:");

    // Well past the LRO delay (30 ms) it is still being provisioned, and not ready to score.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect((await arm.get(canary())).json.properties.provisioningState).toBe("Creating");
    const early = await score(emulator, "fraud-scorer", { credential: emulator.scenario.workspaces[0]!.endpoints[0]!.keys!.primaryKey, deployment: "canary" });
    expect(early.status).toBe(424);
    const again = await arm.put(canary(), deploymentBody(), { "if-none-match": "*" });
    expect(again.status).toBe(412);

    const { final } = await arm.waitForOperation(operationOf(accepted));
    expect(final.json.status).toBe("Succeeded");
    expect(Date.now() - started).toBeGreaterThanOrEqual(PROVISION_MS - 20);

    const endpoint = (await arm.get(arm.endpointPath("fraud-scorer"))).json;
    expect(endpoint.properties.traffic).toEqual({ blue: 100, green: 0 });
    const key = (await arm.post(`${arm.endpointPath("fraud-scorer")}/listKeys`)).json.primaryKey;
    const pinned = await score(emulator, "fraud-scorer", { credential: key, deployment: "canary" });
    expect(pinned.status).toBe(200);
    expect(pinned.headers["azureml-model-deployment"]).toBe("canary");
    const live = await score(emulator, "fraud-scorer", { credential: key });
    expect(live.headers["azureml-model-deployment"]).toBe("blue");
  });

  it("shows the new deployment in the metrics plane", async () => {
    await createCanary();
    const query = new URLSearchParams({
      "api-version": "2024-02-01",
      metricnamespace: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
      metricnames: "DeploymentCapacity",
      interval: "PT1H",
    });
    const response = await control.send(`/subscriptions/${emulator.scenario.subscriptionId}/metrics:getBatch?${query.toString()}`, {
      method: "POST",
      body: { resourceids: [canary()] },
      headers: { authorization: `Bearer ${emulator.issueToken({ audience: "https://metrics.monitor.azure.com" })}` },
    });
    expect(response.status, response.text).toBe(200);
    expect(response.json.values[0].resourceid).toBe(canary());
  });
});

describe("deployment failures (control-surface knobs)", () => {
  it("ImageBuildFailure: the operation fails naming the build log, whose lines getLogs shows; live traffic untouched", async () => {
    await failNextCreate("ImageBuildFailure");
    const outcome = await createCanary();
    expect(outcome.status).toBe("Failed");
    expect(outcome.error?.code).toBe("ImageBuildFailure");
    expect(outcome.error?.message).toMatch(/build log under the storage account '\w+' in the container 'azureml' at the path 'ImageLogs\/\w+\/build\.log'/);
    expect((await arm.get(canary())).json.properties.provisioningState).toBe("Failed");
    const logs = await arm.post(`${canary()}/getLogs`, { containerType: "InferenceServer", tail: 3 });
    expect(logs.json.content.split("\n")).toHaveLength(3);
    expect(logs.json.content).toContain("CondaEnvException: Pip failed");
    expect((await arm.post(`${canary()}/getLogs`, { containerType: "StorageInitializer" })).json.content).toBe("");
    expect((await arm.get(arm.endpointPath("fraud-scorer"))).json.properties.traffic).toEqual({ blue: 100, green: 0 });
  });

  it("BadArgument: the model cannot be downloaded; the storage initializer says why", async () => {
    await failNextCreate("BadArgument");
    const outcome = await createCanary();
    expect(outcome.error).toMatchObject({ code: "BadArgument", message: expect.stringContaining("Unable to download user model") });
    const logs = await arm.post(`${canary()}/getLogs`, { containerType: "StorageInitializer" });
    expect(logs.json.content).toContain("AuthorizationPermissionMismatch");
  });

  it("ResourceNotReady: the container never passes its readiness probe; the server log shows the probes", async () => {
    await failNextCreate("ResourceNotReady");
    const outcome = await createCanary();
    expect(outcome.error).toMatchObject({ code: "ResourceNotReady", message: expect.stringContaining("readiness probe failed 30 times") });
    const logs = (await arm.post(`${canary()}/getLogs`, { containerType: "InferenceServer" })).json.content as string;
    expect(logs).toContain("GET /readiness 503");
    expect(logs.split("\n").at(-1)).toContain("Readiness probe failed 30 times");
  });

  it("OutOfQuota: the region has no capacity for the size; nothing ever ran", async () => {
    await failNextCreate("OutOfQuota");
    const outcome = await createCanary();
    expect(outcome.error).toMatchObject({ code: "OutOfQuota", message: expect.stringContaining("Standard_DS3_v2 (standardDSv2Family) in region westeurope") });
    expect((await arm.post(`${canary()}/getLogs`, { containerType: "InferenceServer" })).json.content).toBe("");
  });

  it("a later successful update clears the failure from the logs", async () => {
    await failNextCreate("ResourceNotReady");
    await createCanary();
    await arm.writeAndWait("PUT", canary(), deploymentBody());
    expect((await arm.get(canary())).json.properties.provisioningState).toBe("Succeeded");
    expect((await arm.post(`${canary()}/getLogs`, { containerType: "InferenceServer" })).json.content).toContain("Listening at");
  });
});

describe("compute quota", () => {
  const location = () => `/subscriptions/${emulator.scenario.subscriptionId}/providers/Microsoft.MachineLearningServices/locations/westeurope`;

  it("lists VM sizes with family and vCPUs, and usage per family counting the 20 % reserve", async () => {
    const sizes = await arm.get(`${location()}/vmSizes?api-version=2024-10-01`);
    expect(sizes.json.value.find((s: { name: string }) => s.name === "Standard_DS3_v2")).toMatchObject({ family: "standardDSv2Family", vCPUs: 4, memoryGB: 14 });
    const usages = await arm.get(`${location()}/usages?api-version=2024-10-01`);
    const dsv2 = usages.json.value.find((u: { name: { value: string } }) => u.name.value === "standardDSv2Family");
    // blue and green: one Standard_DS3_v2 each, ceil(1.2 × 1) × 4 = 8 vCPUs each.
    expect(dsv2).toMatchObject({ currentValue: 16, limit: 400, unit: "Count", name: { localizedValue: "Standard DSv2 Family Cluster Dedicated vCPUs" } });
    const fsv2 = usages.json.value.find((u: { name: { value: string } }) => u.name.value === "standardFSv2Family");
    // churn-model/main: two Standard_F4s_v2, ceil(2.4) × 4 = 12.
    expect(fsv2.currentValue).toBe(12);
  });

  it("refuses a deployment that does not fit with OutOfQuota, naming size, family, usage, limit and need", async () => {
    const set = await control.send("/__emulator/quota", { method: "POST", body: { limits: { standardDSv2Family: 24 } } });
    expect(set.status, set.text).toBe(200);
    const refused = await arm.put(canary(), deploymentBody(2));
    expect(refused.status).toBe(400);
    expect(refused.json.error.code).toBe("OutOfQuota");
    expect(refused.json.error.message).toBe(
      `Not enough quota available for Standard_DS3_v2 in SubscriptionId ${emulator.scenario.subscriptionId}. Current usage/limit: 16/24. ` +
        "Additional needed: 12 (standardDSv2Family vCPUs in westeurope: 2 instances of 4 cores, 3 with the 20 % Azure ML reserves for upgrades; 8 left). " +
        "Please see troubleshooting guide, available here: https://aka.ms/oe-tsg#error-outofquota",
    );
    expect((await arm.get(canary())).status).toBe(404);
    // One instance (8 vCPUs) still fits; then scaling green up does not.
    expect((await arm.writeAndWait("PUT", canary(), deploymentBody(1))).status).toBe(201);
    const scaled = await arm.patch(arm.deploymentPath("fraud-scorer", "green"), { sku: { capacity: 2 } });
    expect(scaled.json.error.code).toBe("OutOfQuota");
    // Another family is not affected, and reset restores the scenario's quota.
    expect((await arm.writeAndWait("PUT", arm.deploymentPath("fraud-scorer", "fcanary"), deploymentBody(2, "Standard_F4s_v2"))).status).toBe(201);
    emulator.reset();
    expect((await arm.put(canary(), deploymentBody(2))).status).toBe(201);
  });

  it("counts usage outside the endpoints and refuses unknown families", async () => {
    emulator.quota.setExternalUsage("standardDSv2Family", 380);
    expect(emulator.quota.usage("westeurope").find((u) => u.family === "standardDSv2Family")?.used).toBe(396);
    expect((await arm.put(canary(), deploymentBody())).json.error.code).toBe("OutOfQuota");
    const bad = await control.send("/__emulator/quota", { method: "POST", body: { limits: { standardXYZFamily: 4 } } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain("Unknown VM family 'standardXYZFamily'");
  });
});

describe("deleting deployments", () => {
  // Deleting while the operation runs is checked in deployments.test.ts, with an observable LRO delay.
  it("refuses one with mirror traffic, then deletes it as an LRO once it has none", async () => {
    await createCanary();
    const endpoint = (await arm.get(arm.endpointPath("fraud-scorer"))).json;
    const body = { location: endpoint.location, properties: { authMode: "Key", traffic: { blue: 100 }, mirrorTraffic: { canary: 10 } } };
    await arm.writeAndWait("PUT", arm.endpointPath("fraud-scorer"), body);
    const refused = await arm.delete(canary());
    expect(refused.status).toBe(400);
    expect(refused.json.error).toMatchObject({ code: "BadArgument", message: expect.stringContaining("10% mirror traffic") });
    await arm.writeAndWait("PUT", arm.endpointPath("fraud-scorer"), { ...body, properties: { ...body.properties, mirrorTraffic: {} } });
    const accepted = await arm.delete(canary());
    expect(accepted.status).toBe(202);
    await arm.waitForOperation(operationOf(accepted));
    expect((await arm.get(canary())).status).toBe(404);
  });
});
