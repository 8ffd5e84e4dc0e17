import { readFileSync } from "node:fs";
import { SHARED_FIXTURES } from "../helpers/shared-fixtures.js";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { WorkspaceRef } from "../../commands/domain/endpoint.js";
import {
  parseEndpointListPage,
  parseEndpointResource,
  parseOperationStatus,
  parseServiceError,
  toCapacityPatchBody,
  toDeployment,
  toEndpoint,
  toTrafficUpdateBody,
  type DeploymentResourceLike,
} from "../../src/azure/arm.converters.js";

// Swagger examples as published (see the README there): placeholder values such as "string" are expected.
const FIXTURES = `${SHARED_FIXTURES}azure`;

interface SwaggerExample {
  parameters: Record<string, unknown>;
  responses: Record<string, { headers?: Record<string, string>; body?: unknown }>;
}

function example(file: string): SwaggerExample {
  return JSON.parse(readFileSync(join(FIXTURES, file), "utf8")) as SwaggerExample;
}

function body(file: string, status: string): unknown {
  const response = example(file).responses[status];
  if (response?.body === undefined) throw new Error(`${file} has no ${status} body`);
  return response.body;
}

const workspace: WorkspaceRef = {
  alias: "test",
  subscriptionId: "00000000-1111-2222-3333-444444444444",
  resourceGroup: "test-rg",
  workspace: "my-aml-workspace",
};

const expectedPublishedEndpoint = {
  name: "string",
  workspace,
  authMode: "AMLToken",
  scoringUri: "https://www.contoso.com/example",
  provisioningState: "Creating",
  traffic: { string: 1 },
  mirrorTraffic: {},
  description: "string",
  location: "string",
  lastModifiedAt: new Date("2020-01-01T12:34:56.999Z"),
  lastModifiedBy: "string",
};

describe("endpoint converters against the published 2022-10-01 examples", () => {
  it("maps OnlineEndpoint/get.json (no mirrorTraffic in 2022-10-01 → empty mirror)", () => {
    const resource = parseEndpointResource(body("ml-2022-10-01.OnlineEndpoint.get.json", "200"));
    expect(toEndpoint(resource, workspace, '"etag-1"')).toEqual({ ...expectedPublishedEndpoint, etag: '"etag-1"' });
  });

  it("maps OnlineEndpoint/list.json, keeping nextLink for paging", () => {
    const page = parseEndpointListPage(body("ml-2022-10-01.OnlineEndpoint.list.json", "200"));
    expect(page.nextLink).toBe("string");
    expect(page.value.map((r) => toEndpoint(r, workspace))).toEqual([expectedPublishedEndpoint]);
  });

  it("maps the full endpoint returned by OnlineEndpoint/update.json (200)", () => {
    const resource = parseEndpointResource(body("ml-2022-10-01.OnlineEndpoint.update.json", "200"));
    expect(toEndpoint(resource, workspace)).toEqual(expectedPublishedEndpoint);
  });

  it("keeps unknown and newer fields (compute, kind, sku, tags, nested properties) for the PUT back", () => {
    const resource = parseEndpointResource(body("ml-2022-10-01.OnlineEndpoint.get.json", "200"));
    const put = toTrafficUpdateBody(resource, { traffic: { blue: 80, green: 20 } });
    expect(put).toEqual({
      properties: {
        description: "string",
        properties: { string: "string" },
        authMode: "AMLToken",
        compute: "string",
        traffic: { blue: 80, green: 20 },
      },
      tags: {},
      location: "string",
      kind: "string",
      identity: { type: "SystemAssigned", userAssignedIdentities: { string: {} } },
      sku: { name: "string", tier: "Free", size: "string", family: "string", capacity: 1 },
    });
  });

  it("does not mutate the resource it read", () => {
    const json = body("ml-2022-10-01.OnlineEndpoint.get.json", "200");
    const before = JSON.stringify(json);
    toTrafficUpdateBody(parseEndpointResource(json), { traffic: { a: 100 }, mirrorTraffic: { b: 10 } });
    expect(JSON.stringify(json)).toBe(before);
  });

  it("rejects a body that is not an endpoint", () => {
    expect(() => parseEndpointResource(body("ml-2022-10-01.OnlineEndpoint.listKeys.json", "200"))).toThrow();
    expect(() => parseEndpointResource(body("ml-2022-10-01.OnlineEndpoint.getToken.json", "200"))).toThrow();
  });
});

describe("traffic update body (mirrorTraffic, api-version 2024-10-01 shape)", () => {
  const withMirror = parseEndpointResource({
    id: "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w/onlineEndpoints/e",
    name: "e",
    type: "Microsoft.MachineLearningServices/workspaces/onlineEndpoints",
    location: "westeurope",
    properties: {
      authMode: "Key",
      provisioningState: "Succeeded",
      scoringUri: "https://e.westeurope.inference.ml.azure.com/score",
      traffic: { blue: 100, green: 0 },
      mirrorTraffic: { green: 10 },
      publicNetworkAccess: "Enabled",
    },
  });

  it("a traffic-only change keeps the mirror as read (the SDK-model trap)", () => {
    const put = toTrafficUpdateBody(withMirror, { traffic: { blue: 80, green: 20 } });
    expect(put.properties).toEqual({
      authMode: "Key",
      traffic: { blue: 80, green: 20 },
      mirrorTraffic: { green: 10 },
      publicNetworkAccess: "Enabled",
    });
  });

  it("a mirror-only change keeps the live split, and {} turns mirroring off", () => {
    expect(toTrafficUpdateBody(withMirror, { mirrorTraffic: {} }).properties).toMatchObject({
      traffic: { blue: 100, green: 0 },
      mirrorTraffic: {},
    });
  });

  it("maps mirrorTraffic and case-insensitive authMode to the domain", () => {
    const endpoint = toEndpoint(
      parseEndpointResource({ name: "e", properties: { authMode: "aadtoken", mirrorTraffic: null, traffic: null } }),
      workspace,
    );
    expect(endpoint).toEqual({ name: "e", workspace, authMode: "AADToken", provisioningState: "Unknown", traffic: {}, mirrorTraffic: {} });
    expect(toEndpoint(withMirror, workspace).mirrorTraffic).toEqual({ green: 10 });
  });
});

describe("deployment converters against the published 2025-09-01 examples", () => {
  const expectedManaged = {
    name: "string",
    endpointName: "ep",
    instanceType: "string",
    capacity: 1,
    provisioningState: "Creating",
    model: "string",
    scale: { type: "Default" },
  };

  it("maps ManagedOnlineDeployment/get.json", () => {
    const resource = body("ml-2025-09-01.OnlineDeployment.ManagedOnlineDeployment.get.json", "200") as DeploymentResourceLike;
    expect(toDeployment(resource, "ep")).toEqual(expectedManaged);
  });

  it("maps both responses of ManagedOnlineDeployment/createOrUpdate.json", () => {
    for (const status of ["200", "201"]) {
      const resource = body("ml-2025-09-01.OnlineDeployment.ManagedOnlineDeployment.createOrUpdate.json", status);
      expect(toDeployment(resource as DeploymentResourceLike, "ep")).toEqual(expectedManaged);
    }
  });

  it("maps the Kubernetes deployment listed in OnlineDeployment/list.json", () => {
    const page = body("ml-2025-09-01.OnlineDeployment.list.json", "200") as { value: DeploymentResourceLike[] };
    expect(page.value.map((d) => toDeployment(d, "ep"))).toEqual([expectedManaged]);
  });

  it("maps target-utilization scale settings and a missing sku", () => {
    const resource: DeploymentResourceLike = {
      name: "blue",
      properties: { scaleSettings: { scaleType: "TargetUtilization", minInstances: 1, maxInstances: 4 } },
    };
    expect(toDeployment(resource, "ep", '"e"')).toEqual({
      name: "blue",
      endpointName: "ep",
      capacity: 0,
      provisioningState: "Unknown",
      scale: { type: "TargetUtilization", minInstances: 1, maxInstances: 4 },
      etag: '"e"',
    });
  });

  it("builds the capacity PATCH body (PartialMinimalTrackedResourceWithSku)", () => {
    expect(toCapacityPatchBody(3)).toEqual({ sku: { capacity: 3 } });
  });
});

describe("service errors and operation status", () => {
  it("reads the ARM error body published with the metrics example (default response)", () => {
    const error = body("monitor-metrics-batch-2024-02-01.MetricBatchExample2.json", "default");
    expect(parseServiceError(error)).toEqual({
      code: "BadRequest",
      message:
        "Detected invalid time range parameters for API version 2024-02-01. Please use only starttime and endtime to specify a time range.",
    });
  });

  it("returns undefined for bodies that are not errors", () => {
    expect(parseServiceError(body("ml-2022-10-01.OnlineEndpoint.get.json", "200"))).toBeUndefined();
    expect(parseServiceError(undefined)).toBeUndefined();
    expect(parseServiceError("<html>")).toBeUndefined();
  });

  it("reads status from an Azure-AsyncOperation body or from the resource itself", () => {
    expect(parseOperationStatus({ status: "InProgress" })).toEqual({ status: "InProgress" });
    expect(parseOperationStatus({ status: "Failed", error: { code: "DeploymentFailed", message: "no quota" } })).toEqual({
      status: "Failed",
      error: { code: "DeploymentFailed", message: "no quota" },
    });
    expect(parseOperationStatus(body("ml-2022-10-01.OnlineEndpoint.get.json", "200"))).toEqual({ status: "Creating" });
    expect(parseOperationStatus(undefined)).toEqual({});
  });
});
