/**
 * The published Azure REST examples (/work/shared/fixtures/azure, see its README) against the emulator:
 * fixture request bodies are accepted, and responses have every key of the fixture responses, with the
 * same JSON types. A scenario reuses the fixtures' own subscription, resource groups and names.
 *
 * Adjustments to fixture requests, each because Azure ML itself would refuse the placeholder:
 *  - endpoint bodies built from GET examples: `properties.traffic` `{ "string": 1 }` becomes `{}`
 *    (it names a deployment that does not exist and does not add up to 100);
 *  - deployment createOrUpdate: `properties.instanceType` "string" becomes "Standard_DS3_v2" (not a
 *    supported VM size) and `properties.model` "string" becomes "azureml:fraud-model:5" (not a model reference);
 *  - list examples' optional query parameters (`$skipToken: "string"`, filters) are not sent: a forged
 *    skip token is refused.
 * Ignored response keys: `properties.containerResourceRequirements` of the list example, whose item is a
 * Kubernetes deployment (the emulator models managed deployments). Model versions: the scenario registers a model
 * named `string`, the list example's own name.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import type { EmulatorScenario } from "../../tools/emulator/scenario.js";
import { ArmTestClient, startTestEmulator } from "./helpers/arm-http.js";

const FIXTURES = new URL("../../../shared/fixtures/azure/", import.meta.url);

interface SwaggerExample {
  parameters: Record<string, unknown> & { body?: unknown };
  responses: Record<string, { headers?: Record<string, string>; body?: unknown }>;
}

function fixture(name: string): SwaggerExample {
  return JSON.parse(readFileSync(new URL(name, FIXTURES), "utf8")) as SwaggerExample;
}

const endpointGet = fixture("ml-2022-10-01.OnlineEndpoint.get.json");
const endpointList = fixture("ml-2022-10-01.OnlineEndpoint.list.json");
const endpointUpdate = fixture("ml-2022-10-01.OnlineEndpoint.update.json");
const endpointDelete = fixture("ml-2022-10-01.OnlineEndpoint.delete.json");
const listKeys = fixture("ml-2022-10-01.OnlineEndpoint.listKeys.json");
const regenerateKeys = fixture("ml-2022-10-01.OnlineEndpoint.regenerateKeys.json");
const getToken = fixture("ml-2022-10-01.OnlineEndpoint.getToken.json");
const deploymentPut = fixture("ml-2025-09-01.OnlineDeployment.ManagedOnlineDeployment.createOrUpdate.json");
const deploymentGet = fixture("ml-2025-09-01.OnlineDeployment.ManagedOnlineDeployment.get.json");
const deploymentList = fixture("ml-2025-09-01.OnlineDeployment.list.json");
const getLogs = fixture("ml-2025-09-01.OnlineDeployment.getLogs.json");
const modelVersions = fixture("ml-2024-10-01.ModelVersion.list.json");

const seededDeployment = (name: string) => ({ name, model: "azureml:fraud-model:3", instanceType: "Standard_DS3_v2", capacity: 1 });

/** The fixtures' own ids: one subscription, `test-rg/my-aml-workspace` and `testrg123/workspace123`. */
const scenario: EmulatorScenario = {
  subscriptionId: "00000000-1111-2222-3333-444444444444",
  tenantId: "00000000-1111-2222-3333-444444444444",
  resourceGroup: "test-rg",
  location: "westeurope",
  // One item per page, so every list answer carries a nextLink like the examples.
  limits: { listPageSize: 1 },
  workspaces: [
    {
      name: "my-aml-workspace",
      // The model the deployment example is given instead of its placeholder, and the list example's own name.
      models: [
        { name: "fraud-model", versions: ["3", "4", "5"] },
        { name: "string", modelType: "mlflow_model", description: "string", tags: { string: "string" }, versions: ["1", "2"] },
      ],
      endpoints: [
        { name: "testEndpointName", authMode: "Key", traffic: { blue: 100 }, deployments: [seededDeployment("blue"), seededDeployment("green")] },
        { name: "secondEndpoint", authMode: "Key" },
      ],
    },
    {
      name: "workspace123",
      resourceGroup: "testrg123",
      endpoints: [{ name: "testEndpoint", authMode: "Key", traffic: { testDeployment: 100 }, deployments: [seededDeployment("testDeployment")] }],
    },
  ],
};

let emulator: RunningAmlEmulator;
let arm: ArmTestClient;

beforeAll(async () => {
  emulator = await startTestEmulator({ scenario });
  arm = new ArmTestClient(emulator);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

/** The request path a swagger example's parameters describe. */
function pathOf(example: SwaggerExample, suffix = ""): string {
  const p = example.parameters as Record<string, string>;
  const workspace = `/subscriptions/${p["subscriptionId"]}/resourceGroups/${p["resourceGroupName"]}/providers/Microsoft.MachineLearningServices/workspaces/${p["workspaceName"]}`;
  if (example === modelVersions) return `${workspace}/models/${p["name"]}/versions?api-version=${p["api-version"]}`;
  let path = `${workspace}/onlineEndpoints`;
  if (p["endpointName"] !== undefined) path += `/${p["endpointName"]}`;
  if (p["deploymentName"] !== undefined) path += `/deployments/${p["deploymentName"]}`;
  return `${path}${suffix}?api-version=${p["api-version"]}`;
}

/** Maps whose keys are data (names, ids), not schema. */
const DATA_KEYED = new Set([
  "tags",
  "properties.properties",
  "properties.traffic",
  "properties.mirrorTraffic",
  "properties.environmentVariables",
  "properties.tags",
  "properties.flavors",
  "identity.userAssignedIdentities",
]);

/** Every key of `expected` must be in `actual`, recursively, with the same JSON type. Returns the differences. */
function shapeDifferences(expected: unknown, actual: unknown, ignore: readonly string[] = [], path = ""): string[] {
  const schemaPath = path.replace(/^value\[\]\./, "");
  if (ignore.includes(schemaPath)) return [];
  const kind = (v: unknown) => (Array.isArray(v) ? "array" : v === null ? "null" : typeof v);
  if (kind(expected) !== kind(actual)) return [`${path || "(root)"}: expected ${kind(expected)}, got ${kind(actual)}`];
  if (Array.isArray(expected) && Array.isArray(actual)) {
    return expected.length > 0 && actual.length > 0 ? shapeDifferences(expected[0], actual[0], ignore, `${path}[]`) : [];
  }
  if (kind(expected) !== "object" || DATA_KEYED.has(schemaPath)) return [];
  const e = expected as Record<string, unknown>;
  const a = actual as Record<string, unknown>;
  return Object.keys(e).flatMap((key) => {
    const child = path === "" ? key : `${path}.${key}`;
    if (ignore.includes(child.replace(/^value\[\]\./, ""))) return [];
    return key in a ? shapeDifferences(e[key], a[key], ignore, child) : [`${child}: missing`];
  });
}

/** An endpoint PUT body made of the writable parts of the GET example. */
function endpointBodyFromExample(): Record<string, unknown> {
  const body = structuredClone(endpointGet.responses["200"]!.body) as Record<string, Record<string, unknown>>;
  body["properties"]!["traffic"] = {};
  return body;
}

async function putRepresentativeEndpoint(): Promise<void> {
  const accepted = await arm.writeAndWait("PUT", pathOf(endpointGet), endpointBodyFromExample());
  expect(accepted.status).toBe(201);
}

describe("the shape comparison itself", () => {
  it("reports missing keys and type changes, and ignores data-keyed maps", () => {
    expect(shapeDifferences({ a: { b: 1, c: "x" }, list: [{ d: true }] }, { a: { b: "1" }, list: [{}] })).toEqual([
      "a.b: expected number, got string",
      "a.c: missing",
      "list[].d: missing",
    ]);
    expect(shapeDifferences({ tags: { team: "x" }, properties: { traffic: { blue: 1 } } }, { tags: {}, properties: { traffic: {} } })).toEqual([]);
  });
});

describe("online endpoint examples (2022-10-01)", () => {
  it("get: an endpoint built from the example's body answers with every key of the example", async () => {
    await putRepresentativeEndpoint();
    const response = await arm.get(pathOf(endpointGet));
    expect(Object.keys(endpointGet.responses)).toContain(String(response.status));
    expect(shapeDifferences(endpointGet.responses["200"]!.body, response.json)).toEqual([]);
  });

  it("list: pages of `{ value, nextLink }` with items shaped like the example", async () => {
    await putRepresentativeEndpoint();
    const first = await arm.get(pathOf(endpointList));
    expect(first.status).toBe(200);
    expect(shapeDifferences(endpointList.responses["200"]!.body, first.json)).toEqual([]);
    expect(first.json.value[0].name).toBe("testEndpointName");
  });

  it("update: the PATCH body is accepted with 202 and no body; the result has the example's keys", async () => {
    await putRepresentativeEndpoint();
    const accepted = await arm.patch(pathOf(endpointUpdate), endpointUpdate.parameters.body);
    expect(accepted.status).toBe(202);
    expect(Object.keys(endpointUpdate.responses)).toContain("202");
    expect(accepted.text).toBe("");
    await arm.waitForOperation(String(accepted.headers["azure-asyncoperation"]));
    const result = await arm.get(String(accepted.headers["location"]));
    expect(result.status).toBe(200);
    expect(shapeDifferences(endpointUpdate.responses["200"]!.body, result.json)).toEqual([]);
  });

  it("delete: 202 while deleting, 204 once gone, no bodies", async () => {
    const accepted = await arm.delete(pathOf(endpointDelete));
    expect(Object.keys(endpointDelete.responses)).toContain(String(accepted.status));
    expect(accepted.status).toBe(202);
    expect(accepted.text).toBe("");
    await arm.waitForOperation(String(accepted.headers["azure-asyncoperation"]));
    const again = await arm.delete(pathOf(endpointDelete));
    expect(again.status).toBe(204);
    expect(Object.keys(endpointDelete.responses)).toContain("204");
  });

  it("listKeys: primaryKey and secondaryKey", async () => {
    const response = await arm.post(pathOf(listKeys, "/listKeys"));
    expect(response.status).toBe(200);
    expect(shapeDifferences(listKeys.responses["200"]!.body, response.json)).toEqual([]);
  });

  it("regenerateKeys: the example body is accepted (202, no body) and sets the key", async () => {
    const accepted = await arm.post(pathOf(regenerateKeys, "/regenerateKeys"), regenerateKeys.parameters.body);
    expect(Object.keys(regenerateKeys.responses)).toContain(String(accepted.status));
    expect(accepted.text).toBe("");
    await arm.waitForOperation(String(accepted.headers["azure-asyncoperation"]));
    expect((await arm.post(pathOf(listKeys, "/listKeys"))).json.primaryKey).toBe("string");
  });

  it("getToken: accessToken, tokenType and numeric times (for an AMLToken endpoint)", async () => {
    // AML issues these tokens only for authMode AMLToken, which the GET example's body uses.
    await putRepresentativeEndpoint();
    const response = await arm.post(pathOf(getToken, "/token"));
    expect(response.status).toBe(200);
    expect(shapeDifferences(getToken.responses["200"]!.body, response.json)).toEqual([]);
  });
});

describe("online deployment examples (2025-09-01)", () => {
  function deploymentBodyFromExample(): Record<string, unknown> {
    const body = structuredClone(deploymentPut.parameters.body) as Record<string, Record<string, unknown>>;
    body["properties"]!["instanceType"] = "Standard_DS3_v2";
    body["properties"]!["model"] = "azureml:fraud-model:5";
    return body;
  }

  it("createOrUpdate: the example body is accepted; 201 for a create and for an update, shaped like the example", async () => {
    const created = await arm.put(pathOf(deploymentPut), deploymentBodyFromExample());
    expect(created.status).toBe(201);
    expect(shapeDifferences(deploymentPut.responses["201"]!.body, created.json)).toEqual([]);
    await arm.waitForOperation(String(created.headers["azure-asyncoperation"]));
    const updated = await arm.put(pathOf(deploymentPut), deploymentBodyFromExample());
    expect(Object.keys(deploymentPut.responses)).toContain(String(updated.status));
    expect(shapeDifferences(deploymentPut.responses["200"]!.body, updated.json)).toEqual([]);
    // What the example asked for is what the deployment now has.
    const requested = (deploymentPut.parameters.body as { properties: Record<string, unknown> }).properties;
    for (const key of ["requestSettings", "livenessProbe", "readinessProbe", "startupProbe", "codeConfiguration", "environmentVariables", "modelMountPath"]) {
      expect(updated.json.properties[key], key).toEqual(requested[key]);
    }
  });

  it("get: answers with every key of the example", async () => {
    await arm.writeAndWait("PUT", pathOf(deploymentPut), deploymentBodyFromExample());
    const response = await arm.get(pathOf(deploymentGet));
    expect(response.status).toBe(200);
    expect(shapeDifferences(deploymentGet.responses["200"]!.body, response.json)).toEqual([]);
  });

  it("list: pages of `{ value, nextLink }` with items shaped like the example", async () => {
    await arm.writeAndWait("PUT", pathOf(deploymentPut), deploymentBodyFromExample());
    const names: string[] = [];
    let link: string | undefined = pathOf(deploymentList, "/deployments");
    while (link !== undefined) {
      const page = await arm.get(link);
      expect(page.status, page.text).toBe(200);
      const item = page.json.value[0];
      names.push(item.name);
      if (item.name === "testDeploymentName") {
        const example = structuredClone(deploymentList.responses["200"]!.body) as { nextLink?: string };
        if (page.json.nextLink === undefined) delete example.nextLink;
        expect(shapeDifferences(example, page.json, ["properties.containerResourceRequirements"])).toEqual([]);
      }
      link = page.json.nextLink;
    }
    expect(names).toEqual(["blue", "green", "testDeploymentName"]);
  });

  it("getLogs: the example body is accepted and answers `{ content }`", async () => {
    const response = await arm.post(pathOf(getLogs, "/getLogs"), getLogs.parameters.body);
    expect(response.status).toBe(200);
    expect(shapeDifferences(getLogs.responses["200"]!.body, response.json)).toEqual([]);
    expect(response.json.content).toContain("storage-initializer");
  });
});

describe("model version examples (2024-10-01)", () => {
  it("list: pages of `{ value, nextLink }`, newest first, with items shaped like the example", async () => {
    const first = await arm.get(pathOf(modelVersions));
    expect(first.status, first.text).toBe(200);
    expect(shapeDifferences(modelVersions.responses["200"]!.body, first.json)).toEqual([]);
    expect(first.json.value[0]).toMatchObject({ name: "2", properties: { modelType: "mlflow_model", description: "string", tags: { string: "string" } } });
    const second = await arm.get(first.json.nextLink);
    expect(second.json.value.map((v: { name: string }) => v.name)).toEqual(["1"]);
    expect(second.json.nextLink).toBeUndefined();
  });
});
