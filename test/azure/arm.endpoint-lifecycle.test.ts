import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { InfrastructureError, ThrottledError } from "../../commands/errors.js";
import type { OperationHandle, OperationStatus } from "../../commands/ports/endpoint-lifecycle.port.js";
import type { ArmEndpointControl } from "../../src/azure/arm.endpoint-control.js";
import type { ArmEndpointLifecycle } from "../../src/azure/arm.endpoint-lifecycle.js";
import { closeScoringAgent, score } from "../emulator/helpers/scoring-http.js";
import { controlFor, lifecycleFor, requestLines, startEmulator, workspaceOf, type RunningEmulator } from "./emulator-harness.js";

/** Long enough to read a create while it runs; short enough for the suite. */
const PROVISION_MS = 500;
let emulator: RunningEmulator;
let lifecycle: ArmEndpointLifecycle;
let control: ArmEndpointControl;

beforeAll(async () => {
  emulator = await startEmulator(40, { provisionDelayInMs: PROVISION_MS });
  lifecycle = lifecycleFor(emulator);
  control = controlFor(emulator);
});
afterAll(async () => {
  closeScoringAgent(emulator);
  await emulator?.close();
});
beforeEach(() => emulator.reset());

const ws = () => workspaceOf(emulator);
const modelId = (version: string) => `${workspaceId()}/models/fraud-model/versions/${version}`;
const workspaceId = () =>
  `/subscriptions/${emulator.scenario.subscriptionId}/resourceGroups/${emulator.scenario.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/demo`;

/** Reads the operation until it ends, keeping every state seen. */
async function settle(handle: OperationHandle): Promise<{ final: OperationStatus; seen: string[] }> {
  const seen: string[] = [];
  for (let i = 0; i < 400; i++) {
    const status = await lifecycle.getOperationStatus(handle);
    seen.push(status.state);
    if (status.state !== "running") return { final: status, seen };
    await new Promise((resolve) => setTimeout(resolve, 15));
  }
  throw new Error(`operation ${handle.statusUrl} still running`);
}

async function okHandle(outcome: Promise<{ kind: string; value?: unknown }>): Promise<OperationHandle> {
  const result = await outcome;
  if (result.kind !== "ok") throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result.value as OperationHandle;
}

describe("model versions", () => {
  it("lists fraud-model's versions newest first across pages, with ids, dates and tags", async () => {
    const versions = await lifecycle.listModelVersions(ws(), "fraud-model");
    expect(versions?.map((v) => v.version)).toEqual(["5", "4", "3", "2", "1"]);
    expect(versions?.[0]).toMatchObject({ name: "fraud-model", version: "5", id: modelId("5"), modelType: "mlflow_model", tags: { team: "risk" } });
    expect(versions?.[0]?.createdAt).toBeInstanceOf(Date);
    // One item per page in the test scenario: every page was followed.
    expect(requestLines(emulator, /\/models\//)).toHaveLength(5);
  });

  it("is undefined for a model nobody registered", async () => {
    expect(await lifecycle.listModelVersions(ws(), "no-such-model")).toBeUndefined();
  });
});

describe("deployment specs", () => {
  it("reads blue as a spec to copy: model as an ARM id, size and count apart, the rest of its properties", async () => {
    const spec = await lifecycle.getDeploymentSpec(ws(), "fraud-scorer", "blue");
    expect(spec).toMatchObject({ name: "blue", endpointName: "fraud-scorer", model: modelId("3"), instanceType: "Standard_DS3_v2", instances: 1 });
    expect(spec?.properties).toMatchObject({
      endpointComputeType: "Managed",
      environmentId: "azureml:fraud-env:7",
      requestSettings: { requestTimeout: "PT5S", maxConcurrentRequestsPerInstance: 1 },
      livenessProbe: { failureThreshold: 30 },
    });
    for (const key of ["model", "instanceType", "provisioningState"]) expect(spec?.properties).not.toHaveProperty(key);
  });

  it("is undefined when the deployment or its endpoint does not exist", async () => {
    expect(await lifecycle.getDeploymentSpec(ws(), "fraud-scorer", "purple")).toBeUndefined();
    expect(await lifecycle.getDeploymentSpec(ws(), "no-such-endpoint", "blue")).toBeUndefined();
  });
});

describe("creating deployments", () => {
  it("copies blue with model 5 as canary: accepted at once, running, then succeeded with everything it was given", async () => {
    const blue = await lifecycle.getDeploymentSpec(ws(), "fraud-scorer", "blue");
    const properties = { ...blue!.properties, startupProbe: { initialDelay: "PT30S", period: "PT10S", timeout: "PT2S", successThreshold: 1, failureThreshold: 3 }, environmentVariables: { MODEL_FLAVOUR: "canary" } };
    const spec = { ...blue!, name: "canary", model: modelId("5"), instances: 2, properties };
    const handle = await okHandle(lifecycle.beginCreateDeployment(ws(), spec));
    expect(handle.statusUrl).toContain("/mfeOperationsStatus/od:");
    expect(handle.startedAt).toBeInstanceOf(Date);
    const { final, seen } = await settle(handle);
    expect(seen[0]).toBe("running");
    expect(final).toEqual({ state: "succeeded" });

    // Nothing the SDK's 2022-10-01 models do not know was lost on the way (startupProbe is newer).
    const copy = await lifecycle.getDeploymentSpec(ws(), "fraud-scorer", "canary");
    expect(copy).toEqual(spec);
    // Created with If-None-Match: *, at 0 %: live traffic is unchanged.
    expect((await control.getEndpoint(ws(), "fraud-scorer"))?.traffic).toEqual({ blue: 100, green: 0 });
  });

  it("refuses what Azure refuses, as outcomes: an existing name, a missing endpoint, an unknown model, no quota", async () => {
    const blue = (await lifecycle.getDeploymentSpec(ws(), "fraud-scorer", "blue"))!;
    expect(await lifecycle.beginCreateDeployment(ws(), blue)).toEqual({ kind: "conflict", message: "Deployment fraud-scorer/blue already exists; nothing was created." });
    expect(await lifecycle.beginCreateDeployment(ws(), { ...blue, endpointName: "nope-ep", name: "canary" })).toEqual({
      kind: "not-found",
      message: "Endpoint nope-ep was not found.",
    });
    expect(await lifecycle.beginCreateDeployment(ws(), { ...blue, name: "canary", model: modelId("9") })).toEqual({
      kind: "invalid",
      code: "ModelNotFound",
      message: "Model version fraud-model:9 not found in workspace demo. Registered versions: 5, 4, 3, 2, 1.",
    });
    emulator.quota.setLimit("standardDSv2Family", 30);
    const quota = await lifecycle.beginCreateDeployment(ws(), { ...blue, name: "canary", instances: 2 });
    expect(quota).toMatchObject({ kind: "invalid", code: "OutOfQuota", message: expect.stringMatching(/Current usage\/limit: 24\/30\. Additional needed: 12 \(standardDSv2Family/) });
    expect(await lifecycle.getDeploymentSpec(ws(), "fraud-scorer", "canary")).toBeUndefined();
  });

  it("reports a failed provisioning with AML's code; the logs say why; live traffic is untouched", async () => {
    emulator.faults.failOperations({ failure: "ImageBuildFailure", name: "canary" });
    const blue = (await lifecycle.getDeploymentSpec(ws(), "fraud-scorer", "blue"))!;
    const handle = await okHandle(lifecycle.beginCreateDeployment(ws(), { ...blue, name: "canary" }));
    const { final } = await settle(handle);
    expect(final).toMatchObject({ state: "failed", code: "ImageBuildFailure", message: expect.stringContaining("build log under the storage account") });
    const logs = await lifecycle.getDeploymentLogs(ws(), "fraud-scorer", "canary", "InferenceServer", 2);
    expect(logs.split("\n")).toEqual([expect.stringContaining("CondaEnvException"), expect.stringContaining("exit code: 1")]);
    expect((await control.getEndpoint(ws(), "fraud-scorer"))?.traffic).toEqual({ blue: 100, green: 0 });
  });

  it("is throttled with the service's Retry-After when Azure keeps answering 429", async () => {
    const impatient = lifecycleFor(emulator, { retryOptions: { maxRetries: 0 } });
    emulator.faults.failRequests({ status: 429, method: "PUT", path: "/deployments/canary$", count: 1, retryAfterSeconds: 4 });
    const blue = (await lifecycle.getDeploymentSpec(ws(), "fraud-scorer", "blue"))!;
    expect(await impatient.beginCreateDeployment(ws(), { ...blue, name: "canary" })).toEqual({
      kind: "throttled",
      message: expect.stringContaining("throttling"),
      retryAfterInMs: 4000,
    });
  });
});

describe("deleting deployments", () => {
  it("refuses one with live traffic (BadArgument), deletes one without, and finds nothing the second time", async () => {
    expect(await lifecycle.beginDeleteDeployment(ws(), "fraud-scorer", "blue")).toMatchObject({
      kind: "invalid",
      code: "BadArgument",
      message: expect.stringContaining("takes 100% of the live traffic"),
    });
    const handle = await okHandle(lifecycle.beginDeleteDeployment(ws(), "fraud-scorer", "green"));
    expect((await settle(handle)).final).toEqual({ state: "succeeded" });
    expect(await lifecycle.getDeploymentSpec(ws(), "fraud-scorer", "green")).toBeUndefined();
    expect(await lifecycle.beginDeleteDeployment(ws(), "fraud-scorer", "green")).toEqual({ kind: "not-found", message: "Deployment fraud-scorer/green was not found; nothing was deleted." });
  });
});

describe("creating endpoints", () => {
  it("creates a Key endpoint in the workspace's region, and refuses a second one of that name", async () => {
    const handle = await okHandle(lifecycle.beginCreateEndpoint(ws(), "fraud-canary", { authMode: "Key", description: "from chat" }));
    expect((await settle(handle)).final).toEqual({ state: "succeeded" });
    expect(await control.getEndpoint(ws(), "fraud-canary")).toMatchObject({ authMode: "Key", location: "westeurope", description: "from chat", traffic: {}, provisioningState: "Succeeded" });
    expect(await lifecycle.beginCreateEndpoint(ws(), "fraud-canary", { authMode: "AADToken" })).toEqual({ kind: "conflict", message: "Endpoint fraud-canary already exists; nothing was created." });
  });

  it("passes Azure's refusal of a bad name on as invalid, with its code", async () => {
    expect(await lifecycle.beginCreateEndpoint(ws(), "x", { authMode: "AMLToken" })).toMatchObject({ kind: "invalid", code: "BadArgument", message: expect.stringContaining("Invalid endpoint name 'x'") });
  });
});

describe("operation status", () => {
  it("reads a failed endpoint operation, and refuses to send its token anywhere but ARM", async () => {
    emulator.faults.failOperations({ resourceType: "endpoint", action: "create", code: "InternalServerError", message: "Provisioning failed" });
    const handle = await okHandle(lifecycle.beginCreateEndpoint(ws(), "doomed-ep", { authMode: "Key" }));
    expect((await settle(handle)).final).toEqual({ state: "failed", code: "InternalServerError", message: "Provisioning failed" });
    const foreign = lifecycle.getOperationStatus({ statusUrl: "https://attacker.example/subscriptions/x/providers/Microsoft.MachineLearningServices/locations/w/mfeOperationsStatus/od:1", startedAt: new Date() });
    await expect(foreign).rejects.toBeInstanceOf(InfrastructureError);
  });

  it("a status read Azure keeps throttling is a ThrottledError", async () => {
    const impatient = lifecycleFor(emulator, { retryOptions: { maxRetries: 0 } });
    const handle = await okHandle(lifecycle.beginCreateEndpoint(ws(), "slow-ep", { authMode: "Key" }));
    emulator.faults.failRequests({ status: 429, method: "GET", path: "/mfeOperationsStatus/", count: 1, retryAfterSeconds: 2 });
    await expect(impatient.getOperationStatus(handle)).rejects.toMatchObject({ name: ThrottledError.name, retryAfterInMs: 2000 });
  });
});

describe("logs, quota and keys", () => {
  it("returns the last lines of a container's log, and nothing for a deployment that is not there", async () => {
    const logs = await lifecycle.getDeploymentLogs(ws(), "fraud-scorer", "blue", "StorageInitializer", 2);
    expect(logs.split("\n")).toHaveLength(2);
    expect(logs).toContain("Storage initializer completed successfully");
    expect(await lifecycle.getDeploymentLogs(ws(), "fraud-scorer", "purple", "InferenceServer", 10)).toBe("");
  });

  it("reads a size's family, cores, limit and usage (20 % reserve included), and undefined for an unknown size", async () => {
    // blue, green and red: one Standard_DS3_v2 each, ceil(1.2) × 4 = 8 vCPUs each.
    expect(await lifecycle.getComputeQuota(ws(), "standard_ds3_v2")).toEqual({
      instanceType: "Standard_DS3_v2",
      family: "standardDSv2Family",
      coresPerInstance: 4,
      limit: 400,
      used: 24,
    });
    expect(await lifecycle.getComputeQuota(ws(), "Standard_Huge")).toBeUndefined();
  });

  it("regenerates a key without ever holding it: the old key is refused by the scoring plane afterwards", async () => {
    const keys = emulator.scenario.workspaces[0]!.endpoints[0]!.keys!;
    expect((await score(emulator, "fraud-scorer", { credential: keys.primaryKey })).status).toBe(200);
    expect(await lifecycle.regenerateKey(ws(), "fraud-scorer", "Primary")).toEqual({ kind: "ok", value: undefined });
    expect((await score(emulator, "fraud-scorer", { credential: keys.primaryKey })).status).toBe(401);
    expect((await score(emulator, "fraud-scorer", { credential: keys.secondaryKey })).status).toBe(200);
    expect(await lifecycle.regenerateKey(ws(), "churn-model", "Secondary")).toMatchObject({ kind: "invalid", code: "BadArgument", message: expect.stringContaining("authMode 'Key'") });
  });
});
