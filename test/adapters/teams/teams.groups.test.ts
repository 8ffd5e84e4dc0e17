/**
 * Roles bound to Entra ID groups, for Teams users: the bot reads the user's groups from Microsoft Graph (the
 * emulator's slice of it) with its own identity, and only then decides. Through the local stack, end to end.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCAL_FILE_CONFIG } from "../../../src/config/local-defaults.js";
import { defaultScenario } from "../../../tools/emulator/scenario.js";
import { startLocalStack, type LocalStack } from "../../../tools/local/local-stack.js";
import { teamsMessageActivity, type LocalTeamsUser } from "../../../tools/local/teams-activities.js";
import { cardOf } from "../../helpers/teams-requests.js";

const OPS_GROUP = "6a1f0000-0000-4000-8000-0000000000a1";
const IN_GROUP: LocalTeamsUser = { aadObjectId: "1b2c0000-0000-4000-8000-00000000001b", name: "Grace in ML-Ops" };
const OUTSIDER: LocalTeamsUser = { aadObjectId: "2c3d0000-0000-4000-8000-00000000002c", name: "Otto Outsider" };

let stack: LocalStack;
beforeAll(async () => {
  const dir = await mkdtemp(join(tmpdir(), "aml-teams-groups-"));
  const scenario = { ...defaultScenario(), graph: { memberships: { [IN_GROUP.aadObjectId]: ["0f000000-0000-4000-8000-0000000000ff", "0e000000-0000-4000-8000-0000000000ee", OPS_GROUP.toUpperCase()], [OUTSIDER.aadObjectId]: [] } } };
  const policy = { defaultRole: "viewer", bindings: [{ role: "operator", groups: [`teams:${OPS_GROUP}`] }] };
  await writeFile(join(dir, "scenario.json"), JSON.stringify(scenario));
  await writeFile(join(dir, "config.json"), JSON.stringify({ workspaces: LOCAL_FILE_CONFIG.workspaces, policy }));
  stack = await startLocalStack({
    ports: { host: 0 },
    emulatorLroDelayInMs: 30,
    logger: { info() {}, warn() {}, error() {} },
    env: { AML_CONFIG_FILE: join(dir, "config.json"), AML_EMULATOR_SCENARIO: join(dir, "scenario.json"), AML_LRO_POLL_MS: "20" },
    maxPollIntervalInMs: 100,
  });
}, 30_000);
afterAll(() => stack?.close());

async function say(text: string, user: LocalTeamsUser): Promise<string> {
  const activity = teamsMessageActivity({ text, serviceUrl: stack.teams.url, user, scope: "personal" });
  const conversationId = String((activity["conversation"] as { id: string }).id);
  const res = await fetch(`${stack.hostUrl}/api/teams/messages`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(activity) });
  expect(res.status).toBe(200);
  return conversationId;
}

const everything = (conversationId: string): string =>
  JSON.stringify(stack.teams.messages.filter((m) => m.conversationId === conversationId).map((m) => cardOf(m) ?? m));

describe("Teams roles bound to Entra ID groups", () => {
  it("lets a member of the bound group (read from Graph, across pages) change traffic", async () => {
    const conversation = await say("aml traffic fraud-scorer blue=80 green=20 --yes", IN_GROUP);
    await stack.teams.waitFor(() => everything(conversation).includes("Traffic change on fraud-scorer: done"), 15_000);
    const endpoint = await stack.runtime.app.deps.endpoints.getEndpoint(stack.runtime.app.deps.workspaces[0]!, "fraud-scorer");
    expect(endpoint?.traffic).toEqual({ blue: 80, green: 20 });
    const graphCalls = stack.emulator.requests.filter((r) => r.path.includes("/transitiveMemberOf/"));
    expect(graphCalls.length).toBeGreaterThanOrEqual(2);
  });

  it("denies someone outside the group, and changes nothing", async () => {
    stack.emulator.reset();
    const conversation = await say("aml traffic fraud-scorer blue=10 green=90 --yes", OUTSIDER);
    await stack.teams.waitFor(() => everything(conversation).includes("role to run `aml traffic`") || everything(conversation).includes("role to run"), 15_000);
    expect(everything(conversation)).toContain("Not allowed");
    const endpoint = await stack.runtime.app.deps.endpoints.getEndpoint(stack.runtime.app.deps.workspaces[0]!, "fraud-scorer");
    expect(endpoint?.traffic).toEqual({ blue: 100, green: 0 });
  });
});
