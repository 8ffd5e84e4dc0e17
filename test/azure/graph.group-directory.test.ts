import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { GraphGroupDirectory } from "../../src/azure/graph.group-directory.js";
import { createEmulatorCredential } from "../../src/azure/credentials.js";
import { startAmlEmulator, type RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { defaultScenario } from "../../tools/emulator/scenario.js";

const USER = "1b2c0000-0000-4000-8000-00000000001b";
let emulator: RunningAmlEmulator;
beforeAll(async () => {
  emulator = await startAmlEmulator({ scenario: { ...defaultScenario(), graph: { memberships: { [USER]: ["g-1", "g-2", "g-3"] } } }, tlsCacheDir: false });
});
afterAll(() => emulator.close());

function directory(warnings: string[] = []): GraphGroupDirectory {
  const credential = createEmulatorCredential({ authorityHost: emulator.url, tenantId: emulator.scenario.tenantId, clientId: "bot", clientSecret: "x", ca: emulator.ca });
  const logger = { info() {}, error() {}, warn: (message: string) => void warnings.push(message) };
  return new GraphGroupDirectory({ credential, endpoint: emulator.url, tlsCa: emulator.ca, logger });
}

describe("GraphGroupDirectory", () => {
  it("reads every page of a user's groups with a Graph token, then answers from its cache without I/O", async () => {
    const groups = directory();
    expect(groups.cachedGroupsOf(USER)).toBeUndefined();
    expect(await groups.groupsOf(USER)).toEqual(["g-1", "g-2", "g-3"]);
    const calls = emulator.requests.filter((r) => r.path.includes("transitiveMemberOf")).length;
    expect(calls).toBe(2);
    expect(groups.cachedGroupsOf(USER.toUpperCase())).toEqual(["g-1", "g-2", "g-3"]);
  });

  it("degrades to no groups with one warning when Graph cannot answer, and does not ask again at once", async () => {
    const warnings: string[] = [];
    const groups = directory(warnings);
    expect(await groups.groupsOf("99990000-0000-4000-8000-000000000099")).toEqual([]);
    expect(await groups.groupsOf("99990000-0000-4000-8000-000000000099")).toEqual([]);
    expect(warnings).toEqual(["Entra ID group lookup failed; treating the user as in no groups"]);
  });
});
