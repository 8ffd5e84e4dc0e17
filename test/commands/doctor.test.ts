/**
 * `aml doctor` through the real core, composition root and ARM port against the AML emulator (its permissions API
 * included): green on the default scenario, naming the one action a scenario withholds with its fix, admins only;
 * and a verb that meets an ARM 403 or a token Azure refuses points to `aml doctor` instead of a bare reference.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NEEDED_ARM_ACTIONS } from "../../commands/doctor/needed-access.js";
import { defaultScenario } from "../../tools/emulator/scenario.js";
import { ADMIN, command, OPERATOR, startCoreHarness, textOf, type CoreHarness } from "../helpers/core-harness.js";

const GET_LOGS = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/getLogs/action";
const ENDPOINT_READ = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/read";

describe("aml doctor on the default scenario", () => {
  let h: CoreHarness;
  beforeAll(async () => {
    h = await startCoreHarness();
  });
  afterAll(() => h?.close());

  it("is all green, each check on its line, and asks ARM's permissions API at the workspace", async () => {
    const reply = await h.core.execute(command("doctor", ADMIN));
    const text = textOf(reply);

    expect(reply).toMatchObject({ title: "aml doctor: all green", tone: "success", visibility: "requester" });
    expect(text).not.toContain("❌");
    expect(text).toContain("✅ Token for Azure: got an ARM token");
    expect(text).toContain(`✅ Permissions: all ${NEEDED_ARM_ACTIONS.length} actions the bot needs are granted`);
    expect(text).toContain("✅ Resolves: demo in ml-rg: 2 online endpoints");
    expect(text).toMatch(/✅ Metrics: read \S+'s requests/);
    // Nothing to check in memory, and no Slack without `npm start`: skipped, not failed.
    expect(text).toContain("➖ Tables and queues: state is kept in memory");
    expect(text).toContain("➖ Bot token: no Slack API in local mode");
    expect(h.emulator.requests.filter((r) => r.path.endsWith("/providers/Microsoft.Authorization/permissions")).map((r) => [r.status, r.query["api-version"]])).toEqual([[200, "2022-04-01"]]);
    expect(h.audit.records.at(-1)).toMatchObject({ verb: "doctor", outcome: "ok", detail: "all green" });
  });

  it("is for admins only", async () => {
    const reply = await h.core.execute(command("doctor", OPERATOR));
    expect(reply.title).toBe("Not allowed");
    expect(textOf(reply)).toContain("You need the *admin* role to run `aml doctor`");
    expect(h.emulator.requests.filter((r) => r.path.includes("Microsoft.Authorization"))).toHaveLength(1);
  });

  it("is listed by help under Settings and help", async () => {
    const help = textOf(await h.core.execute(command("help", ADMIN)));
    expect(help).toMatch(/\*Settings and help\*[^*]*`aml doctor` — Check the bot's set-up/);
  });
});

describe("aml doctor with a scenario that withholds one action", () => {
  let h: CoreHarness;
  beforeAll(async () => {
    const scenario = defaultScenario();
    // Wildcards as a role would write them; the one action taken away by notActions.
    scenario.permissions = [{ clientId: "*", actions: ["Microsoft.MachineLearningServices/*", "Microsoft.Insights/metrics/read", "Microsoft.Authorization/permissions/read"], notActions: [GET_LOGS] }];
    h = await startCoreHarness({ scenario });
  });
  afterAll(() => h?.close());

  it("names that action, what needs it, and the fix", async () => {
    const reply = await h.core.execute(command("doctor", ADMIN));
    const text = textOf(reply);

    expect(reply).toMatchObject({ title: "aml doctor: 1 problem", tone: "error" });
    expect(text).toContain(`❌ Permissions: the bot's identity lacks \`${GET_LOGS}\` (a failed deploy's logs)`);
    expect(text).toContain("↳ Fix: deploy deploy/workspace-access.bicep for this workspace (its role assigned at the workspace), or add the action to the role the bot's identity has there");
    expect(text.match(/❌/g)).toHaveLength(1);
    expect(h.audit.records.at(-1)).toMatchObject({ verb: "doctor", detail: "failing: Workspace demo Permissions" });
  });
});

describe("infrastructure failures in a verb point to aml doctor", () => {
  let h: CoreHarness;
  beforeAll(async () => {
    h = await startCoreHarness({ policy: { defaultRole: "viewer", bindings: [{ role: "admin", groups: ["teams:aad-admins"] }, { role: "operator", users: ["slack:UOPS"] }] } });
  });
  afterAll(() => h?.close());

  const clientId = "aml-chatops-local";
  const forbidden = () => {
    const { subscriptionId, resourceGroup } = h.emulator.scenario;
    const scope = `/subscriptions/${subscriptionId}/resourceGroups/${resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/fraud-scorer`;
    // ARM's own wording of a missing role assignment.
    const message = `The client '${clientId}' with object id '5f1c2a34-0000-4000-8000-000000000001' does not have authorization to perform action '${ENDPOINT_READ}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`;
    h.emulator.faults.failRequests({ method: "GET", path: "/onlineEndpoints/fraud-scorer$", status: 403, code: "AuthorizationFailed", message, count: 1 });
  };

  it("an admin is told which action the bot's identity lacks on which workspace, and to run aml doctor", async () => {
    forbidden();
    const reply = await h.core.execute(command("show fraud-scorer", ADMIN));
    const text = textOf(reply);

    expect(reply).toMatchObject({ title: "The bot is not allowed to do that", tone: "error", visibility: "requester" });
    expect(text).toContain(`The bot's identity lacks \`${ENDPOINT_READ}\` on workspace demo. Nothing was changed.`);
    expect(text).toContain("Run `aml doctor` for every missing permission and the fix");
    expect(text).toMatch(/Reference for the operators: `corr-\d+`/);
    expect(text).not.toContain(clientId);
    expect(text).not.toContain("5f1c2a34");
    expect(h.audit.records.at(-1)).toMatchObject({ verb: "show", outcome: "error", detail: "InfrastructureError: forbidden" });
  });

  it("anyone else is told to ask an admin to run aml doctor, and nothing about the set-up", async () => {
    forbidden();
    const reply = await h.core.execute(command("show fraud-scorer", OPERATOR));
    const text = textOf(reply);

    expect(reply.title).toBe("Something went wrong");
    expect(text).toContain("Ask an aml-chatops admin to run `aml doctor`");
    expect(text).not.toContain(ENDPOINT_READ);
  });
});

describe("a token Azure refuses", () => {
  let h: CoreHarness;
  beforeAll(async () => {
    // Another tenant's identity: the emulator, like ARM, refuses its tokens.
    h = await startCoreHarness({ env: { AZURE_TENANT_ID: "11111111-2222-3333-4444-555555555555" } });
  });
  afterAll(() => h?.close());

  it("ends a verb with 'could not sign in' and aml doctor for an admin", async () => {
    const reply = await h.core.execute(command("show fraud-scorer", ADMIN));
    expect(reply.title).toBe("The bot could not sign in to Azure");
    expect(textOf(reply)).toContain("Run `aml doctor`: its Identity check says what to fix.");
  });

  it("makes doctor fail the identity check with its fix, and skip the workspace checks that need a token", async () => {
    const reply = await h.core.execute(command("doctor", ADMIN));
    const text = textOf(reply);

    expect(reply.title).toBe("aml doctor: 1 problem");
    expect(text).toMatch(/❌ Token for Azure: no token for ARM: \w+Error/);
    expect(text).toContain("↳ Fix: start the AML emulator (`npm start` or `npm run emulator`; AML_EMULATOR_URL says where it is), and leave AZURE_TENANT_ID unset");
    expect(text).toContain("➖ Permissions: needs a token first");
    expect(h.emulator.requests.filter((r) => r.path.includes("/workspaces/"))).toEqual([]);
  });
});

describe("a scenario whose role withholds an action a verb needs", () => {
  const DEPLOYMENTS_READ = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments/read";
  let h: CoreHarness;
  beforeAll(async () => {
    const scenario = defaultScenario();
    scenario.permissions = [{ clientId: "*", actions: ["Microsoft.MachineLearningServices/*", "Microsoft.Insights/metrics/read", "Microsoft.Authorization/permissions/read"], notActions: [DEPLOYMENTS_READ] }];
    h = await startCoreHarness({ scenario });
  });
  afterAll(() => h?.close());

  it("makes show meet ARM's 403, which tells an admin the action and workspace, and doctor name the same action", async () => {
    const shown = await h.core.execute(command("show fraud-scorer", ADMIN));
    expect(shown.title).toBe("The bot is not allowed to do that");
    expect(textOf(shown)).toContain(`The bot's identity lacks \`${DEPLOYMENTS_READ}\` on workspace demo.`);
    expect(h.emulator.requests.filter((r) => r.status === 403).map((r) => r.path.split("/workspaces/demo/")[1])).toEqual(["onlineEndpoints/fraud-scorer/deployments"]);

    const text = textOf(await h.core.execute(command("doctor", ADMIN)));
    expect(text).toContain(`❌ Permissions: the bot's identity lacks \`${DEPLOYMENTS_READ}\` (show, scale, deploy, promote)`);
    expect(text).toContain("✅ Resolves: demo in ml-rg: 2 online endpoints");
  });
});

describe("aml doctor when the identity may not even list endpoints", () => {
  let h: CoreHarness;
  beforeAll(async () => {
    const scenario = defaultScenario();
    scenario.permissions = [{ clientId: "*", actions: ["Microsoft.MachineLearningServices/*", "Microsoft.Insights/metrics/read", "Microsoft.Authorization/permissions/read"], notActions: [ENDPOINT_READ] }];
    h = await startCoreHarness({ scenario });
  });
  afterAll(() => h?.close());

  it("says the workspace refused rather than blaming the config, and lets the permissions check name the action", async () => {
    const text = textOf(await h.core.execute(command("doctor", ADMIN)));
    expect(text).toContain("❌ Resolves: Azure refused to list its online endpoints (HTTP 403)\n↳ Fix: grant the actions the Permissions check names");
    expect(text).toContain(`❌ Permissions: the bot's identity lacks \`${ENDPOINT_READ}\``);
    expect(text).toContain("➖ Metrics: needs the workspace first");
    expect(text).not.toContain("AML_CONFIG_JSON");
  });
});
