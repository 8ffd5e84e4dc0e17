import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { defaultScenario, type EmulatorScenario } from "../../tools/emulator/scenario.js";
import { ArmTestClient, startTestEmulator } from "./helpers/arm-http.js";

let emulator: RunningAmlEmulator;
let arm: ArmTestClient;

function manyEndpoints(): EmulatorScenario {
  const scenario = defaultScenario();
  scenario.limits = { listPageSize: 2 };
  const workspace = scenario.workspaces[0]!;
  for (let i = 1; i <= 3; i++) workspace.endpoints.push({ name: `extra-${i}`, authMode: "Key" });
  const fraud = workspace.endpoints[0]!;
  fraud.deployments = [
    ...(fraud.deployments ?? []),
    { name: "canary", model: "azureml:fraud-model:5", instanceType: "Standard_DS3_v2", capacity: 1 },
  ];
  return scenario;
}

beforeAll(async () => {
  emulator = await startTestEmulator({ scenario: manyEndpoints() });
  arm = new ArmTestClient(emulator);
});
afterAll(() => emulator.close());

describe("list paging", () => {
  it("pages endpoints with absolute nextLinks until the last page", async () => {
    const names: string[] = [];
    let link: string | undefined = `${arm.workspacePath()}/onlineEndpoints`;
    let pages = 0;
    while (link !== undefined) {
      const response = await arm.get(link);
      expect(response.status).toBe(200);
      names.push(...response.json.value.map((e: { name: string }) => e.name));
      link = response.json.nextLink;
      if (link !== undefined) {
        expect(link.startsWith(`${emulator.url}/subscriptions/`)).toBe(true);
        expect(link).toContain("api-version=2022-10-01");
        expect(link).toContain("%24skipToken=");
      }
      pages++;
    }
    expect(pages).toBe(3);
    expect(names).toEqual(["fraud-scorer", "churn-model", "extra-1", "extra-2", "extra-3"]);
  });

  it("takes a smaller page size from `count` and keeps filters in the nextLink", async () => {
    const first = await arm.get(`${arm.workspacePath()}/onlineEndpoints?count=1&orderBy=CreatedAtAsc`);
    expect(first.json.value).toHaveLength(1);
    expect(first.json.nextLink).toContain("count=1");
    expect(first.json.nextLink).toContain("orderBy=CreatedAtAsc");
    const byName = await arm.get(`${arm.workspacePath()}/onlineEndpoints?name=extra-2`);
    expect(byName.json.value.map((e: { name: string }) => e.name)).toEqual(["extra-2"]);
  });

  it("pages deployments, honouring $top", async () => {
    const first = await arm.get(`${arm.endpointPath("fraud-scorer")}/deployments?$top=1`);
    expect(first.json.value.map((d: { name: string }) => d.name)).toEqual(["blue"]);
    const second = await arm.get(first.json.nextLink);
    expect(second.json.value.map((d: { name: string }) => d.name)).toEqual(["green"]);
    const third = await arm.get(second.json.nextLink);
    expect(third.json.value.map((d: { name: string }) => d.name)).toEqual(["canary"]);
    expect(third.json.nextLink).toBeUndefined();
  });

  it("accepts the SDK's `$skip` name for the token and refuses a forged token", async () => {
    const first = await arm.get(`${arm.workspacePath()}/onlineEndpoints`);
    const token = new URL(first.json.nextLink).searchParams.get("$skipToken") ?? "";
    const viaSkip = await arm.get(`${arm.workspacePath()}/onlineEndpoints?$skip=${token}`);
    expect(viaSkip.json.value.map((e: { name: string }) => e.name)).toEqual(["extra-1", "extra-2"]);
    const forged = await arm.get(`${arm.workspacePath()}/onlineEndpoints?$skipToken=garbage`);
    expect(forged.status).toBe(400);
    expect(forged.json.error.message).toContain("use the nextLink of the previous page as-is");
  });
});
