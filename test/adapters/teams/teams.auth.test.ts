/**
 * Outside local mode the Teams endpoint is authenticated by botbuilder (Bot Framework JWTs): the runtime is
 * configured exactly as in Azure (AML_MODE=azure, UserAssignedMSI app id and tenant), served by the local host's
 * copy of the Functions route, and requests without a valid token are refused before anything of ours runs.
 * Nothing here leaves loopback: a request without a token, or with one that is not a JWT, is refused without
 * fetching the Bot Framework's signing keys.
 */
import { readFileSync } from "node:fs";
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/config.js";
import { LOCAL_FILE_CONFIG } from "../../../src/config/local-defaults.js";
import { startAmlEmulator, type RunningAmlEmulator } from "../../../tools/emulator/aml-emulator.js";
import { startLocalHost, type LocalHost } from "../../../tools/local/local-host.js";
import { teamsCardActionInvoke, teamsMessageActivity, LOCAL_TEAMS } from "../../../tools/local/teams-activities.js";
import { startTeamsConnectorStandIn, type TeamsConnectorStandIn } from "../../../tools/local/teams-connector.stand-in.js";
import { createRuntime, type BotRuntime } from "../../../src/compose.js";
import { useAzurite } from "../../helpers/azurite.js";

// Its runtime keeps the fixed table and queue names, and the test expects them empty: an Azurite of its own.
const storage = useAzurite({ own: true });
let emulator: RunningAmlEmulator;
let connector: TeamsConnectorStandIn;
let runtime: BotRuntime;
let host: LocalHost;

const APP_ID = "5a1c0b7e-1111-4222-8333-944455566677";
const TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";

beforeAll(async () => {
  [emulator, connector] = await Promise.all([startAmlEmulator({ lroDelayInMs: 30, tlsCacheDir: false }), startTeamsConnectorStandIn()]);
  const dir = await mkdtemp(join(tmpdir(), "aml-teams-auth-"));
  const configFile = join(dir, "config.json");
  await writeFile(configFile, JSON.stringify({ ...LOCAL_FILE_CONFIG, policy: { defaultRole: "admin", bindings: [] } }));
  const config = loadConfig(
    {
      AML_MODE: "azure",
      AML_CONFIG_FILE: configFile,
      AML_ARM_ENDPOINT: emulator.url,
      AML_TLS_CA_FILE: "emulator-ca.pem",
      AzureWebJobsStorage: storage.azurite.connectionString,
      AML_ALERTS_SECRET: "a-long-enough-alerts-secret",
      SLACK_SIGNING_SECRET: "s3cr3t",
      SLACK_BOT_TOKEN: "xoxb-1",
      SLACK_BOT_ID: "B1",
      SLACK_BOT_USER_ID: "U1",
      MicrosoftAppType: "UserAssignedMSI",
      MicrosoftAppId: APP_ID,
      MicrosoftAppTenantId: TENANT_ID,
    },
    (path) => (path === "emulator-ca.pem" ? emulator.ca : readFileSync(path, "utf8")),
  );
  expect(config.teams.auth).toEqual({ type: "UserAssignedMSI", appId: APP_ID, tenantId: TENANT_ID });
  // No managed identity endpoint on this machine; nothing may need a token anyway.
  const credential = { getToken: async () => ({ token: "unused", expiresOnTimestamp: Date.now() + 60_000 }) };
  runtime = await createRuntime(config, { credential, logger: { info() {}, warn() {}, error() {} } });
  host = await startLocalHost({ runtime, port: 0, maxPollIntervalInMs: 100 });
}, 30_000);
afterAll(async () => {
  await host?.close();
  await Promise.all([emulator?.close(), connector?.close()]);
});

async function post(activity: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${host.url}/api/teams/messages`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(activity) });
}

describe("Teams in azure mode", () => {
  const user = { aadObjectId: LOCAL_TEAMS.adminAadObjectId, name: "Admin" };

  it.each([
    ["no Authorization header", {}],
    ["a bearer token that is not a JWT", { authorization: "Bearer not-a-token" }],
    ["another scheme", { authorization: "Basic dXNlcjpwYXNz" }],
  ])("refuses a request with %s: 401, and nothing runs", async (_case, headers) => {
    const command = teamsMessageActivity({ text: "aml traffic fraud-scorer blue=0 green=100 --yes", serviceUrl: connector.url, user, scope: "channel" });
    const click = teamsCardActionInvoke({ serviceUrl: connector.url, user, scope: "channel", replyToId: "1", verb: "apply", data: { verb: "apply", payloadId: "pending-1" } });
    for (const activity of [command, click]) {
      const res = await post(activity, headers);
      expect(res.status).toBe(401);
      expect(await res.json()).toEqual({ error: "Unauthorized" });
    }
    await new Promise((resolve) => setTimeout(resolve, 300));
    const queued = await runtime.storage.queue(runtime.names.jobsQueue).peekMessages({ numberOfMessages: 32 });
    expect(queued.peekedMessageItems).toEqual([]);
    expect(await runtime.app.deps.audit.list({ limit: 10 })).toEqual([]);
    expect(connector.calls).toEqual([]);
    expect(emulator.requests).toEqual([]);
  });
});
