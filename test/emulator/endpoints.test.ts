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

const fraud = () => arm.endpointPath("fraud-scorer");

describe("reading online endpoints", () => {
  it("returns an endpoint with its ARM id, type, ETag and computed properties", async () => {
    const response = await arm.get(fraud());
    expect(response.status).toBe(200);
    expect(response.headers["etag"]).toMatch(/^"[0-9a-f]+"$/);
    expect(response.headers["x-ms-request-id"]).toBeTruthy();
    expect(response.headers["x-ms-correlation-request-id"]).toBeTruthy();
    const body = response.json;
    expect(body.id).toBe(
      "/subscriptions/00000000-0000-0000-0000-000000000001/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/fraud-scorer",
    );
    expect(body.type).toBe("Microsoft.MachineLearningServices/workspaces/onlineEndpoints");
    expect(body.location).toBe("westeurope");
    expect(body.identity).toMatchObject({ type: "SystemAssigned", tenantId: emulator.scenario.tenantId });
    expect(body.systemData).toMatchObject({ createdByType: "User", lastModifiedByType: "User" });
    expect(body.properties).toMatchObject({
      authMode: "Key",
      traffic: { blue: 100, green: 0 },
      mirrorTraffic: {},
      publicNetworkAccess: "Enabled",
      provisioningState: "Succeeded",
      scoringUri: `${emulator.url}/inference/demo/fraud-scorer/score`,
      swaggerUri: `${emulator.url}/inference/demo/fraud-scorer/swagger.json`,
    });
  });

  it("matches the fixed path segments case-insensitively and echoes the correlation id", async () => {
    const path = fraud().replace("resourceGroups", "RESOURCEGROUPS").replace("onlineEndpoints", "onlineendpoints");
    const response = await arm.get(path, { "x-ms-correlation-request-id": "corr-123" });
    expect(response.status).toBe(200);
    expect(response.headers["x-ms-correlation-request-id"]).toBe("corr-123");
    expect(response.json.name).toBe("fraud-scorer");
  });

  it("lists the endpoints of a workspace", async () => {
    const response = await arm.get(`${arm.workspacePath()}/onlineEndpoints`);
    expect(response.status).toBe(200);
    expect(response.json.value.map((e: { name: string }) => e.name)).toEqual(["fraud-scorer", "churn-model"]);
    expect(response.json.nextLink).toBeUndefined();
  });

  it("answers 404 the way ARM and AML do for each missing level", async () => {
    const sub = await arm.get(fraud().replace(emulator.scenario.subscriptionId, "11111111-1111-1111-1111-111111111111"));
    expect(sub.status).toBe(404);
    expect(sub.json.error.code).toBe("SubscriptionNotFound");
    const rg = await arm.get(fraud().replace("/ml-rg/", "/other-rg/"));
    expect(rg.json.error).toMatchObject({ code: "ResourceGroupNotFound", message: "Resource group 'other-rg' could not be found." });
    const ws = await arm.get(arm.endpointPath("fraud-scorer", "nope"));
    expect(ws.status).toBe(404);
    expect(ws.json.error.code).toBe("ResourceNotFound");
    expect(ws.json.error.message).toContain("Microsoft.MachineLearningServices/workspaces/nope");
    const ep = await arm.get(arm.endpointPath("missing-ep"));
    expect(ep.status).toBe(404);
    expect(ep.json).toEqual({
      error: {
        code: "UserError",
        message: "Endpoint missing-ep not found in workspace demo",
        details: [],
        additionalInfo: [{ type: "MessageParameters", info: { value: { endpointName: "missing-ep", workspaceName: "demo" } } }],
      },
    });
  });

  it("requires api-version and checks its format", async () => {
    const missing = await arm.send(fraud(), { headers: { authorization: `Bearer ${emulator.issueToken()}` } });
    expect(missing.status).toBe(400);
    expect(missing.json.error.code).toBe("MissingApiVersionParameter");
    const bad = await arm.get(`${fraud()}?api-version=latest`);
    expect(bad.status).toBe(400);
    expect(bad.json.error.code).toBe("InvalidApiVersionParameter");
    const preview = await arm.get(`${fraud()}?api-version=2024-10-01-preview`);
    expect(preview.status).toBe(200);
  });

  it("answers 405 for a method the resource does not support and InvalidResourceType for unknown types", async () => {
    const wrong = await arm.post(fraud(), {});
    expect(wrong.status).toBe(405);
    expect(wrong.headers["allow"]).toContain("GET");
    expect(wrong.json.error.code).toBe("MethodNotAllowed");
    const unknown = await arm.get(`${arm.workspacePath()}/batchEndpoints`);
    expect(unknown.status).toBe(404);
    expect(unknown.json.error.code).toBe("InvalidResourceType");
  });
});

describe("creating and replacing endpoints (PUT)", () => {
  it("creates with 201 + Azure-AsyncOperation, shows Creating, then Succeeded", async () => {
    const path = arm.endpointPath("new-endpoint");
    const accepted = await arm.put(path, { location: "westeurope", properties: { authMode: "Key" } });
    expect(accepted.status).toBe(201);
    expect(accepted.json.properties.provisioningState).toBe("Creating");
    expect(accepted.headers["retry-after"]).toBeUndefined();
    const statusUrl = String(accepted.headers["azure-asyncoperation"]);
    expect(statusUrl).toMatch(
      new RegExp(
        `^${emulator.url}/subscriptions/${emulator.scenario.subscriptionId}/providers/Microsoft\\.MachineLearningServices/locations/westeurope/mfeOperationsStatus/oe:[0-9a-f-]+:[0-9a-f-]+\\?api-version=2022-10-01$`,
      ),
    );
    expect((await arm.get(path)).json.properties.provisioningState).toBe("Creating");

    const { final, seen } = await arm.waitForOperation(statusUrl);
    expect(seen[0]).toBe("InProgress");
    expect(final.json).toMatchObject({ name: expect.stringMatching(/^oe:/), status: "Succeeded", startTime: expect.any(String), endTime: expect.any(String) });
    const done = await arm.get(path);
    expect(done.json.properties.provisioningState).toBe("Succeeded");
    expect(done.json.properties.properties.AzureAsyncOperationUri).toBe(statusUrl);
    expect(done.json.systemData).toMatchObject({ createdByType: "Application", createdBy: expect.any(String) });
  });

  it("answers 201 with Azure-AsyncOperation for an update too", async () => {
    const current = (await arm.get(fraud())).json;
    const accepted = await arm.put(fraud(), { ...current, properties: { ...current.properties, traffic: { blue: 90, green: 10 } } });
    expect(accepted.status).toBe(201);
    expect(accepted.json.properties.provisioningState).toBe("Updating");
    expect(accepted.json.properties.traffic).toEqual({ blue: 90, green: 10 });
    await arm.waitForOperation(String(accepted.headers["azure-asyncoperation"]));
    expect((await arm.get(fraud())).json.properties).toMatchObject({ traffic: { blue: 90, green: 10 }, provisioningState: "Succeeded" });
  });

  it("replaces the whole resource: a PUT without mirrorTraffic clears the mirror, without tags clears the tags", async () => {
    const withMirror = { location: "westeurope", tags: { team: "risk" }, properties: { authMode: "Key", traffic: { blue: 100, green: 0 }, mirrorTraffic: { green: 20 } } };
    await arm.writeAndWait("PUT", fraud(), withMirror);
    expect((await arm.get(fraud())).json.properties.mirrorTraffic).toEqual({ green: 20 });

    await arm.writeAndWait("PUT", fraud(), { location: "westeurope", properties: { authMode: "Key", traffic: { blue: 100, green: 0 } } });
    const after = (await arm.get(fraud())).json;
    expect(after.properties.mirrorTraffic).toEqual({});
    expect(after.tags).toEqual({});
    expect(after.properties.description).toBeUndefined();
  });

  it("keeps endpoint names unique within a region", async () => {
    const scenario = structuredClone(emulator.scenario);
    scenario.workspaces.push({ name: "other", endpoints: [] });
    const regional = await startTestEmulator({ scenario });
    try {
      const client = new ArmTestClient(regional);
      const response = await client.put(client.endpointPath("fraud-scorer", "other"), { location: "westeurope", properties: { authMode: "Key" } });
      expect(response.status).toBe(409);
      expect(response.json.error.message).toContain("Endpoint name needs to be unique within a region");
    } finally {
      await regional.close();
    }
  });
});

describe("patching endpoints", () => {
  it("updates tags with 202 + Location; the Location URL answers 202, then 200 with the endpoint", async () => {
    const accepted = await arm.patch(fraud(), { tags: { owner: "ops" } });
    expect(accepted.status).toBe(202);
    expect(accepted.text).toBe("");
    const location = String(accepted.headers["location"]);
    expect(location).toContain("/mfeOperationResults/oe:");
    expect(accepted.headers["azure-asyncoperation"]).toContain("/mfeOperationsStatus/oe:");
    const running = await arm.get(location);
    expect(running.status).toBe(202);
    expect(running.headers["location"]).toBe(location);
    let result = running;
    for (let i = 0; i < 200 && result.status === 202; i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      result = await arm.get(location);
    }
    expect(result.status).toBe(200);
    expect(result.json.tags).toEqual({ owner: "ops" });
    expect(result.json.properties.provisioningState).toBe("Succeeded");
  });

  it("refuses traffic changes with a message that says traffic needs a PUT", async () => {
    const response = await arm.patch(fraud(), { properties: { traffic: { blue: 50, green: 50 } } });
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe("BadArgument");
    expect(response.json.error.message).toContain("Traffic changes need a PUT");
  });

  it("refuses anything but tags and identity", async () => {
    const response = await arm.patch(fraud(), { sku: { name: "x" } });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toContain("only updates 'tags' and 'identity'");
    const missing = await arm.patch(arm.endpointPath("missing-ep"), { tags: {} });
    expect(missing.status).toBe(404);
  });
});

describe("deleting endpoints", () => {
  it("answers 202 + Location, shows Deleting, then the endpoint and its deployments are gone", async () => {
    const accepted = await arm.delete(fraud());
    expect(accepted.status).toBe(202);
    expect(String(accepted.headers["location"])).toContain("/mfeOperationResults/");
    expect((await arm.get(fraud())).json.properties.provisioningState).toBe("Deleting");
    expect((await arm.get(arm.deploymentPath("fraud-scorer", "blue"))).json.properties.provisioningState).toBe("Deleting");
    const { final } = await arm.waitForOperation(String(accepted.headers["azure-asyncoperation"]));
    expect(final.json.status).toBe("Succeeded");
    expect((await arm.get(fraud())).status).toBe(404);
    const result = await arm.get(String(accepted.headers["location"]));
    expect(result.status).toBe(204);
  });

  it("answers 204 for an endpoint that does not exist", async () => {
    expect((await arm.delete(arm.endpointPath("never-was"))).status).toBe(204);
  });
});

describe("endpoint keys and tokens", () => {
  it("lists keys and regenerates one of them as a long-running operation", async () => {
    const before = (await arm.post(`${fraud()}/listKeys`)).json;
    expect(Object.keys(before).sort()).toEqual(["primaryKey", "secondaryKey"]);
    const accepted = await arm.post(`${fraud()}/regenerateKeys`, { keyType: "Secondary" });
    expect(accepted.status).toBe(202);
    await arm.waitForOperation(String(accepted.headers["azure-asyncoperation"]));
    const after = (await arm.post(`${fraud()}/listKeys`)).json;
    expect(after.primaryKey).toBe(before.primaryKey);
    expect(after.secondaryKey).not.toBe(before.secondaryKey);

    await arm.writeAndWait("POST", `${fraud()}/regenerateKeys`, { keyType: "Primary", keyValue: "my-own-key" });
    expect((await arm.post(`${fraud()}/listKeys`)).json.primaryKey).toBe("my-own-key");
  });

  it("keeps the same keys across reset, even after one was regenerated", async () => {
    const before = (await arm.post(`${fraud()}/listKeys`)).json;
    emulator.reset();
    expect((await arm.post(`${fraud()}/listKeys`)).json).toEqual(before);
    await arm.writeAndWait("POST", `${fraud()}/regenerateKeys`, { keyType: "Primary" });
    expect((await arm.post(`${fraud()}/listKeys`)).json.primaryKey).not.toBe(before.primaryKey);
    emulator.reset();
    expect((await arm.post(`${fraud()}/listKeys`)).json).toEqual(before);
  });

  it("checks regenerateKeys' keyType", async () => {
    const response = await arm.post(`${fraud()}/regenerateKeys`, { keyType: "Tertiary" });
    expect(response.status).toBe(400);
    expect(response.json.error.message).toContain("keyType must be one of 'Primary', 'Secondary'");
  });

  it("issues AML tokens for AMLToken endpoints only", async () => {
    const token = await arm.post(`${arm.endpointPath("churn-model")}/token`);
    expect(token.status).toBe(200);
    expect(token.json).toMatchObject({ accessToken: expect.any(String), tokenType: "Bearer" });
    expect(typeof token.json.expiryTimeUtc).toBe("number");
    expect(token.json.refreshAfterTimeUtc).toBeLessThan(token.json.expiryTimeUtc);
    const keyEndpoint = await arm.post(`${fraud()}/token`);
    expect(keyEndpoint.status).toBe(400);
    expect(keyEndpoint.json.error.message).toContain("authMode 'AMLToken'");
    const keysOfTokenEndpoint = await arm.post(`${arm.endpointPath("churn-model")}/listKeys`);
    expect(keysOfTokenEndpoint.status).toBe(400);
  });
});
