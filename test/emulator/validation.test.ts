import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { ArmTestClient, startTestEmulator, type HttpResponse } from "./helpers/arm-http.js";

let emulator: RunningAmlEmulator;
let arm: ArmTestClient;

beforeAll(async () => {
  emulator = await startTestEmulator();
  arm = new ArmTestClient(emulator);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const fraud = () => arm.endpointPath("fraud-scorer");
const endpointBody = (properties: Record<string, unknown>) => ({ location: "westeurope", properties: { authMode: "Key", ...properties } });
const deploymentBody = (overrides: { sku?: unknown; properties?: Record<string, unknown> } = {}) => ({
  location: "westeurope",
  sku: overrides.sku ?? { name: "Default", capacity: 1 },
  properties: { endpointComputeType: "Managed", instanceType: "Standard_DS3_v2", model: "azureml:fraud-model:5", ...overrides.properties },
});

function expectBadArgument(response: HttpResponse, message: string | RegExp): void {
  expect(response.status).toBe(400);
  expect(response.json.error.code).toBe("BadArgument");
  expect(response.json.error.details).toEqual([]);
  expect(response.json.error.additionalInfo).toEqual([]);
  if (typeof message === "string") expect(response.json.error.message).toBe(message);
  else expect(response.json.error.message).toMatch(message);
}

describe("names", () => {
  it.each([
    ["ab", "Invalid endpoint name 'ab' (2 characters): the name for an endpoint must be at least 3 and at most 32 characters long (inclusive of both limits)."],
    ["a".repeat(33), /\(33 characters\).*at most 32 characters/],
    ["1fraud", /Invalid endpoint name '1fraud': the name for an endpoint must start with an upper- or lowercase letter/],
    ["fraud-", /Invalid endpoint name 'fraud-'.*end with an alphanumeric character/],
    ["fraud_scorer", /Invalid endpoint name 'fraud_scorer'.*only consist of '-'s and alphanumeric characters/],
  ])("refuses endpoint name %j", async (name, message) => {
    expectBadArgument(await arm.put(arm.endpointPath(name), endpointBody({})), message);
  });

  it("accepts a 32-character name starting with a letter", async () => {
    expect((await arm.put(arm.endpointPath(`a${"b1-".repeat(10)}c`), endpointBody({}))).status).toBe(201);
  });

  it("applies the same rule to deployment names", async () => {
    expectBadArgument(
      await arm.put(arm.deploymentPath("fraud-scorer", "-blue2"), deploymentBody()),
      /Invalid deployment name '-blue2': the name for a deployment must start with an upper- or lowercase letter/,
    );
    expectBadArgument(await arm.put(arm.deploymentPath("fraud-scorer", "x1"), deploymentBody()), /the name for a deployment must be at least 3/);
  });
});

describe("live traffic", () => {
  it("must add up to 100 (or 0), naming the total and the split", async () => {
    expectBadArgument(
      await arm.put(fraud(), endpointBody({ traffic: { blue: 80, green: 10 } })),
      "The traffic values of endpoint 'fraud-scorer' must add up to 100 (or to 0 to send no traffic), but they add up to 90: blue=80, green=10.",
    );
    const none = await arm.put(fraud(), endpointBody({ traffic: { blue: 0, green: 0 } }));
    expect(none.status).toBe(201);
  });

  it.each([
    [{ blue: 50.5, green: 49.5 }, "Traffic for deployment 'blue' must be an integer between 0 and 100, but was 50.5."],
    [{ blue: 110, green: -10 }, "Traffic for deployment 'blue' must be an integer between 0 and 100, but was 110."],
    [{ blue: 100, purple: 0 }, "Traffic refers to deployment 'purple', which does not exist in endpoint 'fraud-scorer'. Existing deployments: blue, green."],
    [{ blue: 50, Blue: 50 }, "Traffic names deployment 'Blue' more than once (names are case-insensitive)."],
  ])("refuses %j", async (traffic, message) => {
    expectBadArgument(await arm.put(fraud(), endpointBody({ traffic })), message);
  });

  it("refuses non-numeric values, naming the field", async () => {
    expectBadArgument(
      await arm.put(fraud(), endpointBody({ traffic: { blue: "100" } })),
      'properties.traffic.blue must be a whole percentage, but was "100".',
    );
  });

  it("matches deployment names case-insensitively and stores them as the deployments spell them", async () => {
    await arm.writeAndWait("PUT", fraud(), endpointBody({ traffic: { BLUE: 70, Green: 30 } }));
    expect((await arm.get(fraud())).json.properties.traffic).toEqual({ blue: 70, green: 30 });
  });
});

describe("mirror traffic", () => {
  it.each([
    [{ green: 60 }, "Mirror traffic for deployment 'green' must be an integer between 0 and 50 (the maximum mirrored traffic is 50%), but was 60."],
    [{ green: 10.5 }, /Mirror traffic for deployment 'green' must be an integer between 0 and 50/],
    [{ purple: 10 }, "Mirror traffic refers to deployment 'purple', which does not exist in endpoint 'fraud-scorer'. Existing deployments: blue, green."],
    [
      { blue: 10 },
      "Deployment 'blue' takes 100% of the live traffic, so it can't also take 10% mirror traffic: a deployment can only be set to live or mirror traffic, not both.",
    ],
  ])("refuses %j", async (mirrorTraffic, message) => {
    expectBadArgument(await arm.put(fraud(), endpointBody({ traffic: { blue: 100, green: 0 }, mirrorTraffic })), message);
  });

  it("goes to one deployment at most", async () => {
    await arm.writeAndWait("PUT", arm.deploymentPath("fraud-scorer", "red"), deploymentBody());
    expectBadArgument(
      await arm.put(fraud(), endpointBody({ traffic: { blue: 100 }, mirrorTraffic: { green: 10, red: 5 } })),
      "Mirror traffic can go to only one deployment, but 2 deployments have mirror traffic: green=10, red=5.",
    );
  });

  it("accepts 50 % to a deployment without live traffic", async () => {
    expect((await arm.put(fraud(), endpointBody({ traffic: { blue: 100, green: 0 }, mirrorTraffic: { green: 50 } }))).status).toBe(201);
  });
});

describe("deployment specs", () => {
  const red = () => arm.deploymentPath("fraud-scorer", "red");

  it.each([
    [{ name: "Default", capacity: 0 }, "sku.capacity (the instance count) must be an integer of at least 1, but was 0."],
    [{ name: "Default", capacity: 1.5 }, "sku.capacity (the instance count) must be an integer of at least 1, but was 1.5."],
  ])("refuses capacity in %j", async (sku, message) => {
    expectBadArgument(await arm.put(red(), deploymentBody({ sku })), message);
  });

  it("refuses more instances than the quota, as OutOfQuota", async () => {
    const response = await arm.put(red(), deploymentBody({ sku: { name: "Default", capacity: 21 } }));
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe("OutOfQuota");
    expect(response.json.error.message).toBe(
      "Not enough quota available for Standard_DS3_v2: the deployment asks for 21 instances, but the quota allows at most 20 instances per deployment.",
    );
    const scaled = await arm.patch(arm.deploymentPath("fraud-scorer", "green"), { sku: { capacity: 25 } });
    expect(scaled.json.error.code).toBe("OutOfQuota");
    const zero = await arm.patch(arm.deploymentPath("fraud-scorer", "green"), { sku: { capacity: 0 } });
    expectBadArgument(zero, /must be an integer of at least 1, but was 0/);
  });

  it("refuses unknown VM sizes, bad model references and bad durations", async () => {
    expectBadArgument(
      await arm.put(red(), deploymentBody({ properties: { instanceType: "Standard_Huge" } })),
      "Instance type 'Standard_Huge' is not supported for managed online deployments. Use a supported VM size such as Standard_DS3_v2 or Standard_F4s_v2.",
    );
    expectBadArgument(await arm.put(red(), deploymentBody({ properties: { model: "fraud-model" } })), /Model reference 'fraud-model' is not valid/);
    expectBadArgument(
      await arm.put(red(), deploymentBody({ properties: { requestSettings: { requestTimeout: "5s" } } })),
      "properties.requestSettings.requestTimeout must be an ISO 8601 duration such as 'PT5S', but was \"5s\".",
    );
    expectBadArgument(
      await arm.put(red(), deploymentBody({ properties: { livenessProbe: { failureThreshold: 0 } } })),
      "properties.livenessProbe.failureThreshold must be an integer of at least 1, but was 0.",
    );
  });

  it("accepts model references by version, label, ARM id and registry", async () => {
    for (const model of [
      "azureml:fraud-model:5",
      "azureml:fraud-model@latest",
      `/subscriptions/${emulator.scenario.subscriptionId}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo/models/fraud-model/versions/5`,
      "azureml://registries/azureml/models/fraud-model/versions/5",
    ]) {
      const response = await arm.put(arm.deploymentPath("fraud-scorer", `m${Math.abs(hash(model))}`), deploymentBody({ properties: { model } }));
      expect(response.status, model).toBe(201);
    }
  });

  it("models managed compute only", async () => {
    expectBadArgument(await arm.put(red(), deploymentBody({ properties: { endpointComputeType: "Kubernetes" } })), /'Kubernetes' is not supported/);
    expectBadArgument(await arm.put(red(), deploymentBody({ properties: { instanceType: undefined } })), "properties.instanceType is required.");
  });
});

describe("request bodies", () => {
  it("refuses a body that is not JSON", async () => {
    const response = await arm.put(fraud(), "{not json");
    expect(response.status).toBe(400);
    expect(response.json.error.code).toBe("InvalidRequestContent");
    expect(response.json.error.message).toMatch(/^The request content was invalid and could not be deserialized/);
  });

  it("refuses an empty body, a missing location, a missing or unknown authMode", async () => {
    expectBadArgument(await arm.put(fraud(), undefined), /The request body is empty/);
    const noLocation = await arm.put(fraud(), { properties: { authMode: "Key" } });
    expect(noLocation.status).toBe(400);
    expect(noLocation.json.error).toMatchObject({ code: "LocationRequired", message: "The location property is required for this definition." });
    expectBadArgument(await arm.put(fraud(), { location: "westeurope", properties: {} }), "properties.authMode is required (one of 'AMLToken', 'Key', 'AADToken').");
    expectBadArgument(
      await arm.put(fraud(), { location: "westeurope", properties: { authMode: "Password" } }),
      "properties.authMode must be one of 'AMLToken', 'Key', 'AADToken', but was \"Password\".",
    );
    expectBadArgument(await arm.put(fraud(), { location: "westeurope", properties: { authMode: "Key" }, tags: { n: 1 } }), "tags.n must be a string, but was 1.");
  });
});

function hash(text: string): number {
  let h = 0;
  for (const char of text) h = (h * 31 + char.charCodeAt(0)) | 0;
  return h % 100000;
}
