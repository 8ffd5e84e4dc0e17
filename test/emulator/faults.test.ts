import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { ArmTestClient, HttpsTestClient, jwtPayload, OBSERVABLE_LRO_MS, startTestEmulator } from "./helpers/arm-http.js";

let emulator: RunningAmlEmulator;
let arm: ArmTestClient;
let control: HttpsTestClient;

beforeAll(async () => {
  emulator = await startTestEmulator({ lroDelayInMs: OBSERVABLE_LRO_MS });
  arm = new ArmTestClient(emulator);
  control = new HttpsTestClient(emulator.url, emulator.ca);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const fraud = () => arm.endpointPath("fraud-scorer");
const green = () => arm.deploymentPath("fraud-scorer", "green");

describe("canned error answers", () => {
  it("answers the next N matching requests with 429 + Retry-After, then normally", async () => {
    emulator.faults.failRequests({ method: "GET", path: /onlineEndpoints\/fraud-scorer$/, status: 429, count: 2, retryAfterSeconds: 3 });
    for (let i = 0; i < 2; i++) {
      const throttled = await arm.get(fraud());
      expect(throttled.status).toBe(429);
      expect(throttled.headers["retry-after"]).toBe("3");
      expect(throttled.json.error.code).toBe("TooManyRequests");
    }
    // Other methods and paths are not affected.
    expect((await arm.get(arm.endpointPath("churn-model"))).status).toBe(200);
    expect((await arm.get(fraud())).status).toBe(200);
  });

  it("answers 500 and 503 in ARM's error shape", async () => {
    emulator.faults.failRequests({ status: 500 });
    const failed = await arm.get(fraud());
    expect(failed.status).toBe(500);
    expect(failed.json.error).toMatchObject({ code: "InternalServerError", details: [], additionalInfo: [] });
    expect(failed.headers["x-ms-request-id"]).toBeTruthy();
    emulator.faults.failRequests({ status: 503, code: "ServerBusy", message: "try later" });
    const busy = await arm.get(fraud());
    expect(busy.status).toBe(503);
    expect(busy.headers["retry-after"]).toBe("1");
    expect(busy.json.error).toMatchObject({ code: "ServerBusy", message: "try later" });
  });

  it("delays matching requests", async () => {
    emulator.faults.addLatency({ ms: 150, path: "churn-model", count: 1 });
    const started = Date.now();
    await arm.get(arm.endpointPath("churn-model"));
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    const again = Date.now();
    await arm.get(arm.endpointPath("churn-model"));
    expect(Date.now() - again).toBeLessThan(140);
  });
});

describe("failed operations", () => {
  it("ends the next operation Failed with an AML-like error and rolls a deployment back to its old spec", async () => {
    emulator.faults.failOperations({ resourceType: "deployment", code: "OutOfQuota", message: "Not enough quota available for Standard_DS3_v2." });
    const accepted = await arm.patch(green(), { sku: { capacity: 2 } });
    expect(accepted.status).toBe(202);
    expect((await arm.get(green())).json.sku.capacity).toBe(2);
    const { final } = await arm.waitForOperation(String(accepted.headers["azure-asyncoperation"]));
    expect(final.json).toMatchObject({
      status: "Failed",
      error: { code: "OutOfQuota", message: "Not enough quota available for Standard_DS3_v2." },
      endTime: expect.any(String),
    });
    const after = (await arm.get(green())).json;
    expect(after.sku.capacity).toBe(1);
    expect(after.properties.provisioningState).toBe("Failed");
    const result = await arm.get(String(accepted.headers["location"]));
    expect(result.status).toBe(400);
    expect(result.json.error.code).toBe("OutOfQuota");
    // The next operation succeeds again.
    await arm.writeAndWait("PATCH", green(), { sku: { capacity: 2 } });
    expect((await arm.get(green())).json.properties.provisioningState).toBe("Succeeded");
  });

  it("keeps the old traffic when an endpoint update fails", async () => {
    emulator.faults.failOperations({ name: "fraud-scorer", action: "update" });
    const accepted = await arm.put(fraud(), { location: "westeurope", properties: { authMode: "Key", traffic: { blue: 50, green: 50 } } });
    const { final } = await arm.waitForOperation(String(accepted.headers["azure-asyncoperation"]));
    expect(final.json.error.code).toBe("InternalServerError");
    const after = (await arm.get(fraud())).json;
    expect(after.properties.traffic).toEqual({ blue: 100, green: 0 });
    expect(after.properties.provisioningState).toBe("Failed");
  });

  it("leaves a failed new deployment in place, Failed", async () => {
    emulator.faults.failOperations({ action: "create" });
    const path = arm.deploymentPath("fraud-scorer", "red");
    await arm.writeAndWait("PUT", path, { sku: { capacity: 1 }, properties: { endpointComputeType: "Managed", instanceType: "Standard_DS3_v2" } });
    const red = (await arm.get(path)).json;
    expect(red.properties.provisioningState).toBe("Failed");
    expect((await arm.post(`${path}/getLogs`, { containerType: "InferenceServer" })).json.content).toContain("ERROR");
  });
});

describe("the HTTP control surface", () => {
  it("reports health without auth", async () => {
    const health = await control.send("/__emulator/health");
    expect(health.status).toBe(200);
    expect(health.json).toMatchObject({ status: "ok", url: emulator.url, subscriptionId: emulator.scenario.subscriptionId });
  });

  it("takes faults over HTTP and shows them", async () => {
    const posted = await control.send("/__emulator/faults", {
      method: "POST",
      body: {
        failRequests: [{ method: "GET", path: "churn-model$", status: 429, retryAfterSeconds: 2 }],
        failOperations: [{ resourceType: "deployment", count: 2 }],
        latency: [{ ms: 1, path: "nothing-matches-this" }],
      },
    });
    expect(posted.status).toBe(200);
    expect(posted.json.requests[0]).toMatchObject({ status: 429, path: "churn-model$", count: 1 });
    expect(posted.json.operations[0]).toMatchObject({ resourceType: "deployment", count: 2 });
    const throttled = await arm.get(arm.endpointPath("churn-model"));
    expect(throttled.status).toBe(429);
    expect(throttled.headers["retry-after"]).toBe("2");
    const bad = await control.send("/__emulator/faults", { method: "POST", body: { failRequests: [{ status: 200 }] } });
    expect(bad.status).toBe(400);
    expect(bad.json.error.message).toContain("failRequests.0.status");
    expect((await control.send("/__emulator/faults", { method: "DELETE" })).status).toBe(204);
    expect((await control.send("/__emulator/faults")).json).toEqual({ latency: [], requests: [], operations: [] });
  });

  it("changes a resource out of band over HTTP (merge patch), giving it a new ETag", async () => {
    const before = await arm.get(fraud());
    const posted = await control.send("/__emulator/faults", {
      method: "POST",
      body: { mutate: [{ resourceId: before.json.id, patch: { properties: { traffic: { blue: 70, green: 30 } } } }] },
    });
    expect(posted.status).toBe(200);
    const after = await arm.get(fraud());
    expect(after.json.properties.traffic).toEqual({ blue: 70, green: 30 });
    expect(after.headers["etag"]).not.toBe(before.headers["etag"]);
    const unknown = await control.send("/__emulator/faults", { method: "POST", body: { mutate: [{ resourceId: "/nope", patch: {} }] } });
    expect(unknown.status).toBe(400);
  });

  it("lists recorded requests, dumps state and resets", async () => {
    await arm.get(fraud());
    await arm.patch(green(), { tags: { x: "y" } });
    const requests = await control.send("/__emulator/requests");
    const recorded = requests.json.value.map((r: { method: string; status: number; path: string }) => `${r.method} ${r.status} ${r.path.split("/").pop()}`);
    expect(recorded).toEqual(["GET 200 fraud-scorer", "PATCH 202 green"]);
    expect(requests.json.value[0]).toMatchObject({ query: { "api-version": "2022-10-01" }, at: expect.any(String) });
    expect(emulator.requests).toHaveLength(2);

    const state = await control.send("/__emulator/state");
    const endpoints = state.json.workspaces[0].endpoints;
    expect(endpoints.map((e: { name: string }) => e.name)).toEqual(["fraud-scorer", "churn-model"]);
    expect(endpoints[0].deployments[1]).toMatchObject({ name: "green", tags: { x: "y" }, autoscale: { minInstances: 1, maxInstances: 2 }, etag: expect.any(String) });

    expect((await control.send("/__emulator/reset", { method: "POST" })).status).toBe(204);
    expect(emulator.requests).toHaveLength(0);
    expect((await arm.get(green())).json.tags).toEqual({});
  });

  it("mints tokens for curl users", async () => {
    const response = await control.send("/__emulator/token", { method: "POST", body: { audience: "https://ml.azure.com" } });
    expect(response.status).toBe(200);
    expect(jwtPayload(response.json.access_token)).toMatchObject({ aud: "https://ml.azure.com", tid: emulator.scenario.tenantId });
    const armToken = await control.send("/__emulator/token", { method: "POST" });
    expect((await new ArmTestClient(emulator, armToken.json.access_token).get(fraud())).status).toBe(200);
  });

  it("reset cancels operations in flight", async () => {
    const slow = await startTestEmulator({ lroDelayInMs: 200 });
    try {
      const client = new ArmTestClient(slow);
      await client.patch(client.deploymentPath("fraud-scorer", "green"), { sku: { capacity: 2 } });
      slow.reset();
      await new Promise((resolve) => setTimeout(resolve, 250));
      const green = (await client.get(client.deploymentPath("fraud-scorer", "green"))).json;
      expect(green.sku.capacity).toBe(1);
      expect(green.properties.provisioningState).toBe("Succeeded");
    } finally {
      await slow.close();
    }
  });
});
