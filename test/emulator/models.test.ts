/**
 * The workspace model registry: versions listed newest first with ARM paging, single versions, AML's refusal of a
 * model nobody registered, and the references a deployment may use (short name, `@latest`, ARM id).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { defaultScenario } from "../../tools/emulator/scenario.js";
import { ArmTestClient, startTestEmulator } from "./helpers/arm-http.js";

let emulator: RunningAmlEmulator;
let arm: ArmTestClient;

beforeAll(async () => {
  const scenario = defaultScenario();
  scenario.limits = { listPageSize: 2 };
  // A custom endpoint whose deployment names a model the scenario does not list: it is registered too.
  scenario.workspaces[0]!.endpoints.push({
    name: "ranker",
    authMode: "Key",
    traffic: { main: 100 },
    deployments: [{ name: "main", model: "azureml:ranker-model:7", instanceType: "Standard_F2s_v2", capacity: 1 }],
  });
  emulator = await startTestEmulator({ scenario });
  arm = new ArmTestClient(emulator);
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const versions = (name: string, query = "") => `${arm.workspacePath()}/models/${name}/versions${query}`;
const names = (page: { json: { value: { name: string }[] } }) => page.json.value.map((v) => v.name);

describe("listing model versions", () => {
  it("lists fraud-model's five versions newest first, two per page, following nextLink", async () => {
    const seen: string[] = [];
    let link: string | undefined = versions("fraud-model", "?api-version=2024-10-01");
    while (link !== undefined) {
      const page = await arm.get(link);
      expect(page.status, page.text).toBe(200);
      seen.push(...names(page));
      link = page.json.nextLink;
    }
    expect(seen).toEqual(["5", "4", "3", "2", "1"]);
  });

  it("shapes a version as ARM does, with its id, type, model type and creation time", async () => {
    const page = await arm.get(versions("fraud-model", "?$top=1"));
    expect(page.json.value).toHaveLength(1);
    expect(page.json.value[0]).toMatchObject({
      id: `${arm.workspacePath()}/models/fraud-model/versions/5`,
      name: "5",
      type: "Microsoft.MachineLearningServices/workspaces/models/versions",
      properties: { modelType: "mlflow_model", tags: { team: "risk" }, isArchived: false, provisioningState: "Succeeded" },
      systemData: { createdBy: "seed@aml-emulator.local" },
    });
    expect(page.json.value[0].properties.modelUri).toMatch(/^azureml:\/\/subscriptions\/.+\/fraud-model$/);
    expect(page.json.nextLink).toContain("%24top=1");
  });

  it("filters by version and orders oldest first on request", async () => {
    expect(names(await arm.get(versions("fraud-model", "?version=3")))).toEqual(["3"]);
    expect(names(await arm.get(versions("fraud-model", "?$orderBy=createdtime%20asc")))).toEqual(["1", "2"]);
    expect((await arm.get(versions("fraud-model", "?$orderBy=name"))).status).toBe(400);
  });

  it("registers the models seeded deployments refer to", async () => {
    expect(names(await arm.get(versions("churn-model")))).toEqual(["12", "11"]);
    expect(names(await arm.get(versions("ranker-model")))).toEqual(["7"]);
  });

  it("answers 404 UserError / ModelNotFound for a model nobody registered, and for a missing version", async () => {
    const missing = await arm.get(versions("no-such-model"));
    expect(missing.status).toBe(404);
    expect(missing.json.error).toMatchObject({ code: "UserError", details: [{ code: "ModelNotFound", message: "Model container with name: no-such-model not found." }] });
    const version = await arm.get(versions("fraud-model", "/9"));
    expect(version.status).toBe(404);
    expect(version.json.error.details[0].code).toBe("ModelNotFound");
    expect((await arm.get(versions("fraud-model", "/4"))).json).toMatchObject({ name: "4" });
  });
});

describe("deployments refer to registered versions", () => {
  const body = (model: string) => ({
    location: "westeurope",
    sku: { name: "Default", capacity: 1 },
    properties: { endpointComputeType: "Managed", instanceType: "Standard_DS3_v2", model },
  });
  const canary = () => arm.deploymentPath("fraud-scorer", "canary");

  it("accepts azureml:<name>:<version>, @latest and the version's ARM id", async () => {
    for (const model of ["azureml:fraud-model:2", "azureml:fraud-model@latest", `${arm.workspacePath()}/models/fraud-model/versions/5`, `azureml:${arm.workspacePath()}/models/fraud-model/versions/1`]) {
      const accepted = await arm.writeAndWait("PUT", canary(), body(model));
      expect(accepted.status, `${model}: ${accepted.text}`).toBe(201);
    }
  });

  it("refuses an unknown version or model with 400 UserError / ModelNotFound, creating nothing", async () => {
    const version = await arm.put(canary(), body("azureml:fraud-model:9"));
    expect(version.status).toBe(400);
    expect(version.json.error).toMatchObject({
      code: "UserError",
      target: "properties.model",
      details: [{ code: "ModelNotFound", message: "Model version fraud-model:9 not found in workspace demo. Registered versions: 5, 4, 3, 2, 1." }],
    });
    const model = await arm.put(canary(), body("azureml:nope:1"));
    expect(model.json.error.details[0].message).toBe("Model container with name: nope not found.");
    const id = await arm.put(canary(), body(`${arm.workspacePath()}/models/fraud-model/versions/0`));
    expect(id.status).toBe(400);
    const label = await arm.put(canary(), body("azureml:fraud-model@production"));
    expect(label.json.error.details[0].message).toContain("'latest' is the only label");
    expect((await arm.get(canary())).status).toBe(404);
  });
});
