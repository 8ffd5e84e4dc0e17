import { describe, expect, it } from "vitest";
import type { WorkspaceRef } from "../../commands/domain/endpoint.js";
import {
  familyUsage,
  parseDeploymentResource,
  parseModelVersionPage,
  parseUsagePage,
  parseVmSizes,
  specificServiceError,
  toDeploymentCreateBody,
  toDeploymentSpec,
  toEndpointCreateBody,
  toModelReference,
  toOperationStatus,
} from "../../src/azure/arm.lifecycle-converters.js";
import { readSharedFixture } from "../helpers/shared-fixtures.js";

// Swagger examples as published (placeholders such as "string" are expected).
function body(file: string, status: string): unknown {
  const example = JSON.parse(readSharedFixture(`azure/${file}`)) as { parameters: { body?: unknown }; responses: Record<string, { body?: unknown }> };
  return status === "request" ? example.parameters.body : example.responses[status]?.body;
}

const workspace: WorkspaceRef = { alias: "test", subscriptionId: "sub-1", resourceGroup: "rg-1", workspace: "ws-1" };
const wsId = "/subscriptions/sub-1/resourceGroups/rg-1/providers/Microsoft.MachineLearningServices/workspaces/ws-1";

describe("model versions", () => {
  it("maps ModelVersion/list.json (2024-10-01), keeping the next page's link", () => {
    const page = parseModelVersionPage(body("ml-2024-10-01.ModelVersion.list.json", "200"), "string");
    expect(page).toEqual({
      value: [{ name: "string", version: "string", id: "string", createdAt: new Date("2020-01-01T12:34:56.999Z"), createdBy: "string", modelType: "CustomModel", description: "string", tags: { string: "string" } }],
      nextLink: "string",
    });
  });

  it("takes the model's name from the version's id and leaves archived versions out", () => {
    const page = parseModelVersionPage(
      {
        value: [
          { id: `${wsId}/models/fraud-model/versions/5`, name: "5", properties: {} },
          { id: `${wsId}/models/fraud-model/versions/4`, name: "4", properties: { isArchived: true } },
        ],
      },
      "FRAUD-MODEL",
    );
    expect(page.value).toEqual([{ name: "fraud-model", version: "5", id: `${wsId}/models/fraud-model/versions/5`, tags: {} }]);
  });
});

describe("deployments", () => {
  it("turns the createOrUpdate example into a spec and back into the same request body", () => {
    const response = parseDeploymentResource(body("ml-2025-09-01.OnlineDeployment.ManagedOnlineDeployment.createOrUpdate.json", "201"));
    const spec = toDeploymentSpec(response, "testEndpointName", `${wsId}/models/m/versions/1`);
    expect(spec).toMatchObject({ name: "string", endpointName: "testEndpointName", model: `${wsId}/models/m/versions/1`, instanceType: "string", instances: 1 });
    expect(spec.properties).not.toHaveProperty("provisioningState");
    const request = body("ml-2025-09-01.OnlineDeployment.ManagedOnlineDeployment.createOrUpdate.json", "request") as { properties: Record<string, unknown> };
    const sent = toDeploymentCreateBody(spec, "westeurope") as { location: string; sku: unknown; properties: Record<string, unknown> };
    // Every property the example sends (startupProbe, modelMountPath, codeConfiguration...) is sent again.
    expect(sent.properties).toEqual({ ...request.properties, model: `${wsId}/models/m/versions/1` });
    expect(sent).toMatchObject({ location: "westeurope", sku: { name: "Default", capacity: 1 } });
  });

  it("drops the service's own bookkeeping from the copied properties", () => {
    const resource = parseDeploymentResource({
      name: "blue",
      sku: { capacity: 3 },
      properties: { model: "azureml:m:1", instanceType: "Standard_F4s_v2", properties: { AzureAsyncOperationUri: "https://x/op", owner: "risk" } },
    });
    expect(toDeploymentSpec(resource, "e", "id").properties).toEqual({ properties: { owner: "risk" } });
    expect(toDeploymentSpec(resource, "e", "id").instances).toBe(3);
  });

  it.each([
    ["azureml:fraud-model:3", { id: `${wsId}/models/fraud-model/versions/3` }],
    [`azureml:${wsId}/models/m/versions/2`, { id: `${wsId}/models/m/versions/2` }],
    [`${wsId}/models/m/versions/2`, { id: `${wsId}/models/m/versions/2` }],
    ["azureml:fraud-model@latest", { name: "fraud-model", label: "latest" }],
    ["azureml://registries/azureml/models/phi/versions/3", { id: "azureml://registries/azureml/models/phi/versions/3" }],
  ])("resolves the model reference %s", (model, expected) => {
    expect(toModelReference(model, workspace)).toEqual(expected);
  });
});

describe("endpoints", () => {
  it("creates with no traffic and a system-assigned identity", () => {
    expect(toEndpointCreateBody("westeurope", { authMode: "AADToken", description: "d" })).toEqual({
      location: "westeurope",
      identity: { type: "SystemAssigned" },
      properties: { authMode: "AADToken", description: "d" },
    });
  });
});

describe("quota", () => {
  it("reads sizes and finds a family's dedicated usage by id or by its display name, never low-priority", () => {
    expect(parseVmSizes({ value: [{ name: "Standard_DS3_v2", family: "standardDSv2Family", vCPUs: 4 }, { name: "odd" }] })).toEqual([
      { name: "Standard_DS3_v2", family: "standardDSv2Family", vCPUs: 4 },
    ]);
    const byWords = parseUsagePage({
      value: [
        { currentValue: 0, limit: -1, name: { value: "Standard DSv2 Family Cluster LowPriority vCPUs", localizedValue: "Standard DSv2 Family Cluster LowPriority vCPUs" } },
        { currentValue: 2, limit: 24, name: { value: "Standard DSv2 Family Cluster Dedicated vCPUs", localizedValue: "Standard DSv2 Family Cluster Dedicated vCPUs" } },
      ],
      nextLink: "https://next",
    });
    expect(byWords.nextLink).toBe("https://next");
    expect(familyUsage(byWords.value, "standardDSv2Family")).toMatchObject({ limit: 24, used: 2 });
    const byId = parseUsagePage({ value: [{ currentValue: 16, limit: 400, name: { value: "standardDSv2Family", localizedValue: "Standard DSv2 Family Cluster Dedicated vCPUs" } }] });
    expect(familyUsage(byId.value, "standardDSv2Family")).toMatchObject({ limit: 400, used: 16 });
    expect(familyUsage(byId.value, "standardFSv2Family")).toBeUndefined();
  });
});

describe("operations and errors", () => {
  it.each([
    [{ status: "InProgress" }, { state: "running", detail: "InProgress" }],
    [{ status: "Succeeded" }, { state: "succeeded" }],
    [{ status: "Failed", error: { code: "ImageBuildFailure", message: "pip failed" } }, { state: "failed", code: "ImageBuildFailure", message: "pip failed" }],
    [{ status: "Canceled" }, { state: "failed", code: "OperationCanceled", message: "The operation ended Canceled." }],
    [{ properties: { provisioningState: "Creating" } }, { state: "running", detail: "Creating" }],
    [{ properties: { provisioningState: "Succeeded" } }, { state: "succeeded" }],
    [{ something: "else" }, undefined],
  ])("reads %j", (json, expected) => {
    expect(toOperationStatus(json)).toEqual(expected);
  });

  it("prefers AML's specific inner code to a generic outer one", () => {
    const nested = { error: { code: "UserError", message: "The specified resource was not found.", details: [{ code: "ModelNotFound", message: "Model container with name: m not found." }] } };
    expect(specificServiceError(nested)).toEqual({ code: "ModelNotFound", message: "Model container with name: m not found." });
    expect(specificServiceError({ error: { code: "OutOfQuota", message: "no", details: [{ code: "X", message: "y" }] } })).toEqual({ code: "OutOfQuota", message: "no" });
    expect(specificServiceError({ error: { code: "UserError", message: "plain", details: [] } })).toEqual({ code: "UserError", message: "plain" });
  });
});
