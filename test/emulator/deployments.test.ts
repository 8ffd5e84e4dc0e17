import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { ArmTestClient, OBSERVABLE_LRO_MS, startTestEmulator } from "./helpers/arm-http.js";

let emulator: RunningAmlEmulator;
let arm: ArmTestClient;

beforeAll(async () => {
  emulator = await startTestEmulator({ lroDelayInMs: OBSERVABLE_LRO_MS });
  arm = new ArmTestClient(emulator);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const green = () => arm.deploymentPath("fraud-scorer", "green");
const newDeployment = (capacity = 1) => ({
  location: "westeurope",
  sku: { name: "Default", capacity },
  properties: { endpointComputeType: "Managed", instanceType: "Standard_DS3_v2", model: "azureml:fraud-model:5" },
});

describe("reading deployments", () => {
  it("returns a managed deployment with sku, probes, request settings and ETag", async () => {
    const response = await arm.get(arm.deploymentPath("fraud-scorer", "blue"));
    expect(response.status).toBe(200);
    expect(response.headers["etag"]).toBeTruthy();
    expect(response.json).toMatchObject({
      name: "blue",
      type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments",
      sku: { name: "Default", capacity: 1 },
      properties: {
        endpointComputeType: "Managed",
        instanceType: "Standard_DS3_v2",
        model: "azureml:fraud-model:3",
        scaleSettings: { scaleType: "Default" },
        requestSettings: { requestTimeout: "PT5S", maxConcurrentRequestsPerInstance: 1 },
        livenessProbe: { initialDelay: "PT10S", period: "PT10S", timeout: "PT2S", successThreshold: 1, failureThreshold: 30 },
        readinessProbe: { failureThreshold: 30 },
        provisioningState: "Succeeded",
      },
    });
  });

  it("lists deployments and 404s a missing one with AML's wording", async () => {
    const list = await arm.get(`${arm.endpointPath("fraud-scorer")}/deployments`);
    expect(list.json.value.map((d: { name: string }) => d.name)).toEqual(["blue", "green"]);
    const missing = await arm.get(arm.deploymentPath("fraud-scorer", "purple"));
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: "UserError", message: "Deployment purple not found in endpoint fraud-scorer, workspace demo" });
    const missingEndpoint = await arm.get(arm.deploymentPath("nope-ep", "blue"));
    expect(missingEndpoint.status).toBe(404);
  });

  it("lists the SKU capacity range", async () => {
    const skus = await arm.get(`${green()}/skus`);
    expect(skus.json.value[0]).toMatchObject({ sku: { name: "Default" }, capacity: { minimum: 1, maximum: 20 } });
  });
});

describe("writing deployments", () => {
  it("creates with 201 + Azure-AsyncOperation (od: operation) and fills AML defaults", async () => {
    const path = arm.deploymentPath("fraud-scorer", "red");
    const accepted = await arm.put(path, newDeployment());
    expect(accepted.status).toBe(201);
    expect(accepted.json.properties.provisioningState).toBe("Creating");
    expect(String(accepted.headers["azure-asyncoperation"])).toContain("/mfeOperationsStatus/od:");
    await arm.waitForOperation(String(accepted.headers["azure-asyncoperation"]));
    const created = (await arm.get(path)).json;
    expect(created.properties).toMatchObject({
      provisioningState: "Succeeded",
      appInsightsEnabled: false,
      egressPublicNetworkAccess: "Enabled",
      requestSettings: { requestTimeout: "PT5S", maxConcurrentRequestsPerInstance: 1, maxQueueWait: "PT0.5S" },
    });
    // A new deployment gets no traffic until the endpoint is updated.
    expect((await arm.get(arm.endpointPath("fraud-scorer"))).json.properties.traffic).toEqual({ blue: 100, green: 0 });
  });

  it("scales with PATCH sku.capacity: 202, Updating, then the new capacity", async () => {
    const accepted = await arm.patch(green(), { sku: { capacity: 2 } });
    expect(accepted.status).toBe(202);
    expect(String(accepted.headers["location"])).toContain("/mfeOperationResults/od:");
    const during = (await arm.get(green())).json;
    expect(during.sku.capacity).toBe(2);
    expect(during.properties.provisioningState).toBe("Updating");
    await arm.waitForOperation(String(accepted.headers["azure-asyncoperation"]));
    const result = await arm.get(String(accepted.headers["location"]));
    expect(result.status).toBe(200);
    expect(result.json.sku.capacity).toBe(2);
    expect(result.json.properties.provisioningState).toBe("Succeeded");
  });

  it("PATCH accepts tags and sku.capacity only", async () => {
    const props = await arm.patch(green(), { properties: { instanceType: "Standard_F4s_v2" } });
    expect(props.status).toBe(400);
    expect(props.json.error.message).toContain("only updates 'tags' and 'sku.capacity'");
    const skuName = await arm.patch(green(), { sku: { name: "Other" } });
    expect(skuName.status).toBe(400);
    expect(skuName.json.error.message).toContain("'sku.name' can't be changed with PATCH");
    const tags = await arm.writeAndWait("PATCH", green(), { tags: { stage: "canary" } });
    expect(tags.status).toBe(202);
    expect((await arm.get(green())).json.tags).toEqual({ stage: "canary" });
  });

  it("PUT on an existing deployment replaces it (201, Updating)", async () => {
    const accepted = await arm.put(green(), { ...newDeployment(2), tags: { v: "5" } });
    expect(accepted.status).toBe(201);
    expect(accepted.json.properties.provisioningState).toBe("Updating");
    await arm.waitForOperation(String(accepted.headers["azure-asyncoperation"]));
    const after = (await arm.get(green())).json;
    expect(after.properties.model).toBe("azureml:fraud-model:5");
    expect(after.properties.environmentId).toBeUndefined();
    expect(after.tags).toEqual({ v: "5" });
  });
});

describe("deleting deployments", () => {
  it("refuses to delete a deployment that takes live traffic", async () => {
    const response = await arm.delete(arm.deploymentPath("fraud-scorer", "blue"));
    expect(response.status).toBe(400);
    expect(response.json.error.message).toBe(
      "Cannot delete deployment 'blue' because it takes 100% of the live traffic of endpoint 'fraud-scorer'. Set its traffic to 0 with a PUT of the endpoint first.",
    );
  });

  it("deletes a 0 % deployment and drops it from the endpoint's traffic", async () => {
    const accepted = await arm.delete(green());
    expect(accepted.status).toBe(202);
    expect((await arm.get(green())).json.properties.provisioningState).toBe("Deleting");
    await arm.waitForOperation(String(accepted.headers["azure-asyncoperation"]));
    expect((await arm.get(green())).status).toBe(404);
    expect((await arm.get(arm.endpointPath("fraud-scorer"))).json.properties.traffic).toEqual({ blue: 100 });
    expect((await arm.delete(green())).status).toBe(204);
  });
});

describe("deployment logs", () => {
  it("returns plausible inference-server and storage-initializer logs, honouring tail", async () => {
    const all = await arm.post(`${green()}/getLogs`, { containerType: "InferenceServer" });
    expect(all.status).toBe(200);
    expect(all.json.content).toContain("Azure ML Inferencing HTTP server");
    const tail = await arm.post(`${green()}/getLogs`, { containerType: "StorageInitializer", tail: 2 });
    expect(tail.json.content.split("\n")).toHaveLength(2);
    expect(tail.json.content).toContain("Storage initializer completed successfully");
    const bad = await arm.post(`${green()}/getLogs`, { containerType: "Sidecar" });
    expect(bad.status).toBe(400);
  });
});
