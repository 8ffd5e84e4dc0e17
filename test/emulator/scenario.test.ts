import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultScenario, loadScenario, parseScenario, ScenarioError } from "../../tools/emulator/scenario.js";
import { ArmTestClient, startTestEmulator } from "./helpers/arm-http.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aml-scenario-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

async function writeScenario(name: string, content: unknown): Promise<string> {
  const path = join(dir, name);
  await writeFile(path, typeof content === "string" ? content : JSON.stringify(content));
  return path;
}

describe("default scenario", () => {
  it("seeds the demo workspace with fraud-scorer (blue/green) and churn-model", () => {
    const scenario = parseScenario(defaultScenario());
    expect(scenario).toMatchObject({
      subscriptionId: "00000000-0000-0000-0000-000000000001",
      tenantId: "00000000-0000-0000-0000-0000000000aa",
      resourceGroup: "ml-rg",
      location: "westeurope",
    });
    const [fraud, churn] = scenario.workspaces[0]!.endpoints;
    expect(fraud).toMatchObject({ name: "fraud-scorer", authMode: "Key", traffic: { blue: 100, green: 0 } });
    expect(fraud!.deployments!.map((d) => [d.name, d.instanceType, d.capacity, d.model])).toEqual([
      ["blue", "Standard_DS3_v2", 1, "azureml:fraud-model:3"],
      ["green", "Standard_DS3_v2", 1, "azureml:fraud-model:4"],
    ]);
    expect(churn).toMatchObject({ name: "churn-model", authMode: "AMLToken", traffic: { main: 100 } });
    // The registry has the versions the deployments use, and more of fraud-model to deploy from chat.
    expect(scenario.workspaces[0]!.models).toEqual([
      expect.objectContaining({ name: "fraud-model", versions: ["1", "2", "3", "4", "5"] }),
      expect.objectContaining({ name: "churn-model", versions: ["10", "11", "12"] }),
    ]);
  });
});

describe("loadScenario", () => {
  it("loads a JSON file with several workspaces, mirror traffic and scale settings", async () => {
    const scenario = defaultScenario();
    scenario.workspaces[0]!.endpoints[0]!.mirrorTraffic = { green: 10 };
    scenario.workspaces.push({
      name: "second",
      resourceGroup: "other-rg",
      location: "northeurope",
      endpoints: [
        {
          name: "ranker",
          authMode: "AADToken",
          traffic: { ver1: 100 },
          deployments: [
            {
              name: "ver1",
              model: "azureml:ranker:1",
              instanceType: "Standard_F2s_v2",
              capacity: 3,
              scaleSettings: { scaleType: "TargetUtilization", minInstances: 1, maxInstances: 5 },
            },
          ],
        },
      ],
    });
    const loaded = await loadScenario(await writeScenario("multi.json", scenario));
    expect(loaded.workspaces.map((w) => w.name)).toEqual(["demo", "second"]);

    const emulator = await startTestEmulator({ scenario: loaded });
    try {
      const arm = new ArmTestClient(emulator);
      const path = `/subscriptions/${loaded.subscriptionId}/resourceGroups/other-rg/providers/Microsoft.MachineLearningServices/workspaces/second/onlineEndpoints/ranker/deployments/ver1`;
      const v1 = (await arm.get(path)).json;
      expect(v1.location).toBe("northeurope");
      expect(v1.properties.scaleSettings).toMatchObject({ scaleType: "TargetUtilization", minInstances: 1, maxInstances: 5 });
      expect((await arm.get(arm.endpointPath("fraud-scorer"))).json.properties.mirrorTraffic).toEqual({ green: 10 });
    } finally {
      await emulator.close();
    }
  });

  it("names the bad field of a malformed scenario", async () => {
    const scenario = defaultScenario() as unknown as { workspaces: { endpoints: Record<string, unknown>[] }[] };
    scenario.workspaces[0]!.endpoints[1]!["authMode"] = "Password";
    const path = await writeScenario("bad-field.json", scenario);
    await expect(loadScenario(path)).rejects.toThrow(ScenarioError);
    await expect(loadScenario(path)).rejects.toThrow(/workspaces\[0\]\.endpoints\[1\]\.authMode/);
  });

  it("refuses unknown (misspelt) keys", async () => {
    const scenario = { ...defaultScenario(), subscriptionID: "x" };
    await expect(loadScenario(await writeScenario("typo.json", scenario))).rejects.toThrow(/subscriptionID/);
  });

  it("applies AML's rules to the seed data", async () => {
    const scenario = defaultScenario();
    scenario.workspaces[0]!.endpoints[0]!.traffic = { blue: 60, green: 30 };
    await expect(loadScenario(await writeScenario("traffic.json", scenario))).rejects.toThrow(
      /workspaces\[0\]\.endpoints\[0\]\.traffic: .*must add up to 100 .* they add up to 90/,
    );
    const badName = defaultScenario();
    badName.workspaces[0]!.endpoints[0]!.deployments![0]!.name = "b";
    await expect(loadScenario(await writeScenario("name.json", badName))).rejects.toThrow(/deployments\[0\]\.name: Invalid deployment name 'b'/);
    const badSku = defaultScenario();
    badSku.workspaces[0]!.endpoints[0]!.deployments![0]!.instanceType = "Standard_Nope";
    await expect(startTestEmulator({ scenario: badSku })).rejects.toThrow(/demo\/fraud-scorer\/blue: Instance type 'Standard_Nope'/);
    expect(() => parseScenario({ ...defaultScenario(), quota: { limits: { standardDSv9Family: 8 } } })).toThrow(
      /quota\.limits\.standardDSv9Family: no managed VM size belongs to the family/,
    );
  });

  it("reports unreadable and non-JSON files clearly", async () => {
    await expect(loadScenario(join(dir, "missing.json"))).rejects.toThrow(/Cannot read AML emulator scenario/);
    await expect(loadScenario(await writeScenario("broken.json", "{"))).rejects.toThrow(/is not valid JSON/);
  });
});
