/**
 * The emulator's Azure RBAC: ARM's permissions API at a workspace answers the scenario's grants for the caller's
 * client id (default: exactly what the bot needs), and when a scenario names grants the ARM routes enforce them with
 * ARM's own 403. Driven through the real ARM pipeline (ArmPermissions) and the real endpoint port.
 */
import { afterEach, describe, expect, it } from "vitest";
import { NEEDED_ARM_ACTIONS, PERMISSIONS_READ } from "../../commands/doctor/needed-access.js";
import { InfrastructureError } from "../../commands/errors.js";
import { ArmPermissions } from "../../src/azure/arm.permissions.js";
import { createEmulatorCredential } from "../../src/azure/credentials.js";
import { loadConfig } from "../../src/config/config.js";
import { RuntimeDiagnostics } from "../../src/diagnostics/runtime.diagnostics.js";
import { defaultScenario, type EmulatorScenario } from "../../tools/emulator/scenario.js";
import { controlFor, startEmulator, workspaceOf, type RunningEmulator } from "../azure/emulator-harness.js";

const WS = "Microsoft.MachineLearningServices/workspaces";
let emulator: RunningEmulator | undefined;
afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

async function start(permissions?: EmulatorScenario["permissions"]): Promise<RunningEmulator> {
  const scenario = defaultScenario();
  if (permissions) scenario.permissions = permissions;
  emulator = await startEmulator(30, { scenario });
  return emulator;
}

function permissionsAs(e: RunningEmulator, clientId: string): ArmPermissions {
  const credential = createEmulatorCredential({ authorityHost: e.url, tenantId: e.scenario.tenantId, clientId, clientSecret: "s3cret-value", ca: e.ca });
  return new ArmPermissions({ credential, endpoint: e.url, tlsCa: e.ca });
}

describe("the emulator's permissions API", () => {
  it("answers exactly the bot's needed actions by default, and enforces nothing", async () => {
    const e = await start();
    const grants = await permissionsAs(e, "any-client").listForWorkspace(workspaceOf(e));
    expect(grants).toEqual([{ actions: [...NEEDED_ARM_ACTIONS.map((a) => a.action), PERMISSIONS_READ], notActions: [] }]);
    expect(await controlFor(e).listEndpoints(workspaceOf(e))).toHaveLength(2);
  });

  it("answers each identity its own grants, at the workspaces they name", async () => {
    const e = await start([
      { clientId: "*", actions: [`${WS}/read`, "Microsoft.Authorization/permissions/read"] },
      { clientId: "aml-chatops-bot", workspaces: ["demo"], actions: [`${WS}/onlineEndpoints/*`], notActions: [`${WS}/onlineEndpoints/delete`] },
      { clientId: "aml-chatops-bot", workspaces: ["other"], actions: ["*"] },
    ]);
    expect(await permissionsAs(e, "AML-CHATOPS-BOT").listForWorkspace(workspaceOf(e))).toEqual([
      { actions: [`${WS}/read`, "Microsoft.Authorization/permissions/read"], notActions: [] },
      { actions: [`${WS}/onlineEndpoints/*`], notActions: [`${WS}/onlineEndpoints/delete`] },
    ]);
    expect(await permissionsAs(e, "someone-else").listForWorkspace(workspaceOf(e))).toEqual([{ actions: [`${WS}/read`, "Microsoft.Authorization/permissions/read"], notActions: [] }]);
  });

  it("refuses a request whose action the caller lacks with ARM's 403, naming the action and the scope", async () => {
    const e = await start([{ clientId: "*", actions: ["Microsoft.MachineLearningServices/*"], notActions: [`${WS}/onlineEndpoints/deployments/read`] }]);
    const control = controlFor(e);
    expect(await control.getEndpoint(workspaceOf(e), "fraud-scorer")).toMatchObject({ name: "fraud-scorer" });
    const refused = await control.listDeployments(workspaceOf(e), "fraud-scorer").catch((error: unknown) => error);

    expect(refused).toBeInstanceOf(InfrastructureError);
    expect((refused as InfrastructureError).setupProblem).toEqual({
      kind: "forbidden",
      action: `${WS}/onlineEndpoints/deployments/read`,
      scope: `/subscriptions/${e.scenario.subscriptionId}/resourceGroups/${e.scenario.resourceGroup}/providers/${WS}/demo/onlineEndpoints/fraud-scorer/deployments`,
    });
    expect((refused as Error).message).toContain("HTTP 403 AuthorizationFailed");
    expect(e.requests.filter((r) => r.status === 403).map((r) => `${r.method} ${r.path.split("/demo/")[1]}`)).toEqual(["GET onlineEndpoints/fraud-scorer/deployments"]);
  });
});

describe("doctor without even the read of its permissions", () => {
  it("fails the permissions check with the fix, instead of listing every action as missing", async () => {
    const e = await start([{ clientId: "*", actions: ["Microsoft.MachineLearningServices/*", "Microsoft.Insights/metrics/read"] }]);
    const credential = createEmulatorCredential({ authorityHost: e.url, tenantId: e.scenario.tenantId, clientId: "bot", clientSecret: "s3cret-value", ca: e.ca });
    const diagnostics = new RuntimeDiagnostics({ config: loadConfig({ AML_EMULATOR_URL: e.url, AML_EMULATOR_CA_FILE: "ca.pem" }, () => e.ca), credential, permissions: new ArmPermissions({ credential, endpoint: e.url, tlsCa: e.ca }) });
    const answer = await diagnostics.getPermissions(workspaceOf(e));
    expect(answer).toMatchObject({ ok: false, finding: { status: "fail", detail: expect.stringContaining(`perform action '${PERMISSIONS_READ}'`) } });
    expect(!answer.ok && answer.finding.fix).toContain("deploy deploy/workspace-access.bicep for this workspace");
  });
});
