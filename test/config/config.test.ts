import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Actor } from "../../commands/invocation.js";
import { roleOf } from "../../commands/policy.js";
import { loadConfig } from "../../src/config/config.js";
import { LOCAL_USERS } from "../../src/config/local-defaults.js";
import { armWrites, command, startCoreHarness, textOf, type CoreHarness } from "../helpers/core-harness.js";

const files: Record<string, string> = {
  ".data/emulator/ca.pem": "-----BEGIN CERTIFICATE-----\nlocal\n-----END CERTIFICATE-----\n",
  "org.json": JSON.stringify({
    workspaces: [
      { alias: "dev", subscriptionId: "s1", resourceGroup: "rg", workspace: "ml-dev" },
      { alias: "prod", subscriptionId: "s2", resourceGroup: "rg", workspace: "ml-prod", default: true },
    ],
    policy: { bindings: [{ role: "admin", users: ["slack:U1"] }] },
  }),
};
const readText = (path: string): string => {
  const text = files[path];
  if (text === undefined) throw new Error(`ENOENT: ${path}`);
  return text;
};

describe("loadConfig", () => {
  it("runs locally on embedded defaults: the emulator and its CA", () => {
    const config = loadConfig({}, readText);
    expect(config.mode).toBe("local");
    expect(config.arm.endpoint).toBe("https://127.0.0.1:7400");
    expect(config.arm.ca).toContain("BEGIN CERTIFICATE");
    expect(config.file.workspaces.map((w) => w.alias)).toEqual(["demo"]);
  });

  it("reads workspaces and roles from AML_CONFIG_FILE", () => {
    const config = loadConfig({ AML_CONFIG_FILE: "org.json" }, readText);
    expect(config.file.workspaces.find((w) => w.default)?.alias).toBe("prod");
    expect(config.file.policy.bindings[0]?.users).toEqual(["slack:U1"]);
  });

  const azureEnv = {
    AML_MODE: "azure",
    AML_CONFIG_FILE: "org.json",
    AML_STORAGE_TABLE_URL: "https://acct.table.core.windows.net",
    AML_STORAGE_QUEUE_URL: "https://acct.queue.core.windows.net",
    SLACK_SIGNING_SECRET: "s3cr3t",
    SLACK_BOT_TOKEN: "xoxb-1",
    SLACK_BOT_ID: "B1",
    SLACK_BOT_USER_ID: "U1",
    MicrosoftAppType: "UserAssignedMSI",
    MicrosoftAppId: "5a1c0b7e-1111-4222-8333-944455566677",
    MicrosoftAppTenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    AML_ALERTS_SECRET: "a-long-enough-alerts-secret",
  };

  it("reads workspaces and roles inline from AML_CONFIG_JSON, as app settings carry them", () => {
    const { AML_CONFIG_FILE: _file, ...rest } = azureEnv;
    const config = loadConfig({ ...rest, AML_CONFIG_JSON: files["org.json"] }, readText);
    expect(config.file.workspaces.map((w) => w.alias)).toEqual(["dev", "prod"]);
    expect(() => loadConfig({ ...azureEnv, AML_CONFIG_JSON: files["org.json"] }, readText)).toThrow("Set AML_CONFIG_JSON or AML_CONFIG_FILE, not both.");
    expect(() => loadConfig({ ...rest, AML_CONFIG_JSON: "{nope" }, readText)).toThrow(/AML_CONFIG_JSON is not valid JSON/);
  });

  it("refuses azure mode without an alerts secret, and uses a documented local one", () => {
    const { AML_ALERTS_SECRET: _secret, ...rest } = azureEnv;
    expect(() => loadConfig(rest, readText)).toThrow(/AML_ALERTS_SECRET/);
    expect(loadConfig({}, readText).alertsSecret).toBe("local-alerts-secret-not-for-production");
  });

  it("uses Azure's ARM endpoint, managed-identity storage and no custom CA in azure mode", () => {
    const config = loadConfig(azureEnv, readText);
    expect(config.storage).toEqual({ kind: "identity", tableUrl: azureEnv.AML_STORAGE_TABLE_URL, queueUrl: azureEnv.AML_STORAGE_QUEUE_URL });
    expect(config.arm.endpoint).toBe("https://management.azure.com");
    expect(config.arm.ca).toBeUndefined();
  });

  it("refuses azure mode without Slack credentials, naming each missing variable", () => {
    const { SLACK_BOT_ID: _id, SLACK_SIGNING_SECRET: _secret, ...rest } = azureEnv;
    expect(() => loadConfig(rest, readText)).toThrow("AML_MODE=azure needs SLACK_SIGNING_SECRET, SLACK_BOT_ID");
  });

  it("runs promotions 60 times faster than plan time locally and in real time in Azure, unless AML_PROMOTION_TIME_SCALE says", () => {
    expect(loadConfig({}, readText).promotionTimeScale).toBe(60);
    expect(loadConfig(azureEnv, readText).promotionTimeScale).toBe(1);
    expect(loadConfig({ AML_PROMOTION_TIME_SCALE: "1" }, readText).promotionTimeScale).toBe(1);
    expect(loadConfig({ ...azureEnv, AML_PROMOTION_TIME_SCALE: "2.5" }, readText).promotionTimeScale).toBe(2.5);
    expect(loadConfig({ AML_PROMOTION_TIME_SCALE: "3600" }, readText).promotionTimeScale).toBe(3600);
    expect(() => loadConfig({ AML_PROMOTION_TIME_SCALE: "0.5" }, readText)).toThrow("AML_PROMOTION_TIME_SCALE: a number from 1 to 3600 (1 runs promotions in real time)");
    expect(() => loadConfig({ AML_PROMOTION_TIME_SCALE: "3601" }, readText)).toThrow("AML_PROMOTION_TIME_SCALE: a number from 1 to 3600 (3600 runs an hour of a plan in a second)");
    expect(() => loadConfig({ AML_PROMOTION_TIME_SCALE: "fast" }, readText)).toThrow("AML_PROMOTION_TIME_SCALE: a number from 1 to 3600");
  });

  it("falls back to documented local Slack defaults and in-memory state when nothing is set", () => {
    const config = loadConfig({}, readText);
    expect(config.slack).toMatchObject({ botToken: "xoxb-local-bot-token", botId: "B0LOCALBOT", commandName: "/aml" });
    expect(config.storage).toEqual({ kind: "memory" });
  });

  it("names the bad variable and the allowed values", () => {
    expect(() => loadConfig({ AML_MODE: "cloud" }, readText)).toThrow(/AML_MODE/);
  });

  it("refuses azure mode without a config file, saying what to provide", () => {
    expect(() => loadConfig({ AML_MODE: "azure" }, readText)).toThrow(/AML_CONFIG_FILE/);
  });

  it("points at the field that is wrong in the config file", () => {
    files["bad.json"] = JSON.stringify({ workspaces: [{ alias: "Prod!", subscriptionId: "s", resourceGroup: "r", workspace: "w" }], policy: {} });
    expect(() => loadConfig({ AML_CONFIG_FILE: "bad.json" }, readText)).toThrow(/workspaces\.0\.alias/);
  });

  it("tells the local user to start the emulator when its CA is missing", () => {
    expect(() => loadConfig({ AML_EMULATOR_CA_FILE: "missing.pem" }, readText)).toThrow(/start the emulator/);
  });
});

describe("loadConfig: Teams", () => {
  const base = {
    AML_MODE: "azure",
    AML_CONFIG_FILE: "org.json",
    AzureWebJobsStorage: "UseDevelopmentStorage=true",
    AML_ALERTS_SECRET: "a-long-enough-alerts-secret",
    SLACK_SIGNING_SECRET: "s3cr3t",
    SLACK_BOT_TOKEN: "xoxb-1",
    SLACK_BOT_ID: "B1",
    SLACK_BOT_USER_ID: "U1",
  };
  const APP_ID = "5a1c0b7e-1111-4222-8333-944455566677";
  const TENANT_ID = "72f988bf-86f1-41af-91ab-2d7cd011db47";

  it("is anonymous only in local mode without any Teams credentials, and sends replies to the stand-in", () => {
    expect(loadConfig({ TEAMS_CONNECTOR_URL: "http://127.0.0.1:7420/" }, readText).teams).toEqual({ auth: { type: "anonymous" }, connectorUrl: "http://127.0.0.1:7420/" });
  });

  it("refuses azure mode without the bot's identity, naming what to set", () => {
    expect(() => loadConfig(base, readText)).toThrow("AML_MODE=azure needs the Teams bot's identity: MicrosoftAppType=UserAssignedMSI, MicrosoftAppId (the managed identity's client id) and MicrosoftAppTenantId");
  });

  it("authenticates with the user-assigned managed identity in Azure", () => {
    const config = loadConfig({ ...base, MicrosoftAppType: "userassignedmsi", MicrosoftAppId: APP_ID, MicrosoftAppTenantId: TENANT_ID }, readText);
    expect(config.teams).toEqual({ auth: { type: "UserAssignedMSI", appId: APP_ID, tenantId: TENANT_ID } });
  });

  it("names what an app type is missing, and refuses a secret with the managed identity", () => {
    expect(() => loadConfig({ ...base, MicrosoftAppType: "UserAssignedMSI", MicrosoftAppId: APP_ID }, readText)).toThrow("MicrosoftAppType=UserAssignedMSI needs MicrosoftAppTenantId");
    expect(() => loadConfig({ ...base, MicrosoftAppType: "UserAssignedMSI", MicrosoftAppId: APP_ID, MicrosoftAppTenantId: TENANT_ID, MicrosoftAppPassword: "x" }, readText)).toThrow(/must not be set/);
    expect(() => loadConfig({ ...base, MicrosoftAppType: "SingleTenant", MicrosoftAppId: APP_ID, MicrosoftAppTenantId: TENANT_ID }, readText)).toThrow("MicrosoftAppType=SingleTenant needs MicrosoftAppPassword");
    expect(() => loadConfig({ ...base, MicrosoftAppId: APP_ID }, readText)).toThrow(/Set MicrosoftAppType/);
    expect(loadConfig({ ...base, MicrosoftAppType: "MultiTenant", MicrosoftAppId: APP_ID, MicrosoftAppPassword: "secret" }, readText).teams.auth).toEqual({ type: "MultiTenant", appId: APP_ID, password: "secret" });
  });

  it("uses real authentication in local mode too when credentials are given (a dev tunnel to real Teams)", () => {
    const config = loadConfig({ AML_MODE: "local", MicrosoftAppType: "SingleTenant", MicrosoftAppId: APP_ID, MicrosoftAppTenantId: TENANT_ID, MicrosoftAppPassword: "p" }, readText);
    expect(config.teams.auth.type).toBe("SingleTenant");
  });

  it("checks the formats, and keeps the connector stand-in out of azure mode", () => {
    expect(() => loadConfig({ ...base, MicrosoftAppType: "UserAssignedMSI", MicrosoftAppId: "my-bot", MicrosoftAppTenantId: TENANT_ID }, readText)).toThrow(/MicrosoftAppId: the Microsoft App ID is a GUID/);
    expect(() => loadConfig({ ...base, MicrosoftAppType: "Managed", MicrosoftAppId: APP_ID }, readText)).toThrow(/MicrosoftAppType: one of UserAssignedMSI, SingleTenant, MultiTenant/);
    const teams = { MicrosoftAppType: "UserAssignedMSI", MicrosoftAppId: APP_ID, MicrosoftAppTenantId: TENANT_ID };
    expect(() => loadConfig({ ...base, ...teams, TEAMS_CONNECTOR_URL: "http://127.0.0.1:7420/" }, readText)).toThrow(/TEAMS_CONNECTOR_URL is for local mode only/);
  });
});

describe("loadConfig: the mode fails closed", () => {
  const azureEnv = {
    AML_CONFIG_FILE: "org.json",
    AML_STORAGE_TABLE_URL: "https://acct.table.core.windows.net",
    AML_STORAGE_QUEUE_URL: "https://acct.queue.core.windows.net",
    SLACK_SIGNING_SECRET: "8f14e45fceea167a5a36dedd4bea2543",
    SLACK_BOT_TOKEN: "xoxb-1234-real",
    SLACK_BOT_ID: "B1",
    SLACK_BOT_USER_ID: "U1",
    MicrosoftAppType: "UserAssignedMSI",
    MicrosoftAppId: "5a1c0b7e-1111-4222-8333-944455566677",
    MicrosoftAppTenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47",
    AML_ALERTS_SECRET: "a-long-enough-alerts-secret",
  };

  it("refuses to start without AML_MODE where Azure hosts the function app, even with nothing else set", () => {
    for (const hosted of ["WEBSITE_INSTANCE_ID", "WEBSITE_SITE_NAME", "WEBSITE_POD_NAME"]) {
      expect(() => loadConfig({ [hosted]: "x" }, readText)).toThrow(`AML_MODE is not set, and Azure hosts this function app (${hosted} is set). Set the app setting AML_MODE=azure`);
    }
    expect(loadConfig({ ...azureEnv, AML_MODE: "azure", WEBSITE_SITE_NAME: "aml-chatops" }, readText).mode).toBe("azure");
  });

  it("refuses local mode where Azure hosts the function app, even when asked for", () => {
    expect(() => loadConfig({ AML_MODE: "local", WEBSITE_INSTANCE_ID: "abc" }, readText)).toThrow(/AML_MODE=local, but Azure hosts this function app .*set the app setting AML_MODE=azure/);
  });

  it("stays local under Core Tools on a laptop, whose environment names the Functions runtime but not Azure's hosting", () => {
    const coreTools = { FUNCTIONS_WORKER_RUNTIME: "node", AZURE_FUNCTIONS_ENVIRONMENT: "Development", WEBSITE_HOSTNAME: "localhost:7071" };
    expect(loadConfig(coreTools, readText).mode).toBe("local");
  });

  it("refuses to start without AML_MODE when settings of a real deployment are present, naming them", () => {
    expect(() => loadConfig(azureEnv, readText)).toThrow(
      "AML_MODE is not set, but MicrosoftAppId, MicrosoftAppType, MicrosoftAppTenantId, AML_STORAGE_TABLE_URL, AML_STORAGE_QUEUE_URL, SLACK_SIGNING_SECRET, SLACK_BOT_TOKEN are settings of a real deployment. Set AML_MODE=azure (or AML_MODE=local",
    );
    const single: Record<string, string>[] = [
      { MicrosoftAppId: azureEnv.MicrosoftAppId },
      { AML_STORAGE_QUEUE_URL: azureEnv.AML_STORAGE_QUEUE_URL },
      { AZURE_CLIENT_ID: "0f0f0f0f-0000-4000-8000-000000000000" },
      { SLACK_SIGNING_SECRET: azureEnv.SLACK_SIGNING_SECRET },
      { SLACK_BOT_TOKEN: azureEnv.SLACK_BOT_TOKEN },
      { AML_ARM_ENDPOINT: "https://management.azure.com/" },
      { AzureWebJobsStorage: "DefaultEndpointsProtocol=https;AccountName=amlchatops;AccountKey=a2V5;EndpointSuffix=core.windows.net" },
    ];
    for (const env of single) expect(() => loadConfig(env, readText)).toThrow(`AML_MODE is not set, but ${Object.keys(env)[0]} is a setting of a real deployment.`);
  });

  it("never prints the values of the settings it refuses", () => {
    const error = (() => {
      try {
        loadConfig({ SLACK_SIGNING_SECRET: azureEnv.SLACK_SIGNING_SECRET, AzureWebJobsStorage: "AccountName=amlchatops;AccountKey=c2VjcmV0a2V5" }, readText);
      } catch (e) {
        return (e as Error).message;
      }
      return "";
    })();
    expect(error).toMatch(/SLACK_SIGNING_SECRET, AzureWebJobsStorage are settings/);
    expect(error).not.toContain(azureEnv.SLACK_SIGNING_SECRET);
    expect(error).not.toContain("c2VjcmV0a2V5");
  });

  it("stays local with the local defaults, Azurite and the emulator", () => {
    const local = {
      SLACK_SIGNING_SECRET: "local-signing-secret-not-for-production",
      SLACK_BOT_TOKEN: "xoxb-local-bot-token",
      AML_ALERTS_SECRET: "local-alerts-secret-not-for-production",
      AzureWebJobsStorage: "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=a2V5;TableEndpoint=http://127.0.0.1:10002/devstoreaccount1",
      AML_ARM_ENDPOINT: "https://127.0.0.1:7400",
    };
    expect(loadConfig(local, readText).mode).toBe("local");
    expect(loadConfig({ AzureWebJobsStorage: "UseDevelopmentStorage=true" }, readText).mode).toBe("local");
  });

  const localValues = [
    ["SLACK_SIGNING_SECRET", "local-signing-secret-not-for-production", "Basic Information → Signing Secret"],
    ["SLACK_BOT_TOKEN", "xoxb-local-bot-token", "Bot User OAuth Token"],
    ["SLACK_BOT_ID", "B0LOCALBOT", "auth.test"],
    ["SLACK_BOT_USER_ID", "U0LOCALBOT", "auth.test"],
    ["AML_ALERTS_SECRET", "local-alerts-secret-not-for-production", "at least 16 characters"],
  ] as const;

  it.each(localValues)("refuses the published local %s in azure mode, naming it and where the real one comes from", (name, value, hint) => {
    let message = "";
    try {
      loadConfig({ ...azureEnv, AML_MODE: "azure", [name]: value }, readText);
    } catch (error) {
      message = (error as Error).message;
    }
    expect(message).toContain(`${name} is the published local default; `);
    expect(message).toContain(hint);
    expect(message).not.toContain(value);
  });

  it("names every published local value at once, as a copied .env.example would have them", () => {
    const copied = Object.fromEntries(localValues.map(([name, value]) => [name, value]));
    const names = () => loadConfig({ ...azureEnv, ...copied, AML_MODE: "azure" }, readText);
    expect(names).toThrow(/SLACK_SIGNING_SECRET is .*\n.*SLACK_BOT_TOKEN is .*\n.*SLACK_BOT_ID is .*\n.*SLACK_BOT_USER_ID is .*\n.*AML_ALERTS_SECRET is /);
    expect(loadConfig({ ...azureEnv, AML_MODE: "azure" }, readText).mode).toBe("azure");
  });
});

describe("the embedded local config", () => {
  const policy = loadConfig({}, readText).file.policy;
  const actor = (platform: Actor["platform"], userId: string): Actor => ({ platform, userId, groups: [] });

  it("names an admin, an operator, an approver and a viewer on each platform; anyone else is a viewer", () => {
    for (const platform of ["terminal", "slack", "teams"] as const) {
      expect(roleOf(actor(platform, LOCAL_USERS.admin[platform]), policy)).toBe("admin");
      expect(roleOf(actor(platform, LOCAL_USERS.operator[platform]), policy)).toBe("operator");
      // Operators until the approvals feature gives approvers a role of their own.
      expect(roleOf(actor(platform, LOCAL_USERS.approver[platform]), policy)).toBe("operator");
      expect(roleOf(actor(platform, LOCAL_USERS.viewer[platform]), policy)).toBe("viewer");
      expect(roleOf(actor(platform, "someone-else"), policy)).toBe("viewer");
    }
  });

  describe("through the core", () => {
    let h: CoreHarness;
    beforeAll(async () => {
      h = await startCoreHarness({ policy });
    });
    afterAll(() => h.close());

    it("lets an unknown user look but not change traffic", async () => {
      const stranger = actor("slack", "U0STRANGER");
      const shown = await h.core.execute(command("show fraud-scorer", stranger));
      expect(shown.title).not.toBe("Not allowed");
      expect(textOf(shown)).toContain("blue");
      const denied = await h.core.execute(command("traffic fraud-scorer blue=80 green=20 --yes", stranger));
      expect(denied.title).toBe("Not allowed");
      expect(textOf(denied)).toContain("You need the *operator* role");
      expect(armWrites(h)).toEqual([]);
    });

    it("lets the named local operator change traffic", async () => {
      const reply = await h.core.execute(command("traffic fraud-scorer blue=80 green=20 --yes", actor("slack", LOCAL_USERS.operator.slack)));
      expect(reply.tone).toBe("success");
      expect(armWrites(h).length).toBeGreaterThan(0);
    });
  });
});

describe("deploy/aml-chatops.config.example.json", () => {
  it("is a valid config file as shipped", async () => {
    const { readFileSync } = await import("node:fs");
    const config = loadConfig({ AML_CONFIG_FILE: "deploy/aml-chatops.config.example.json", AML_EMULATOR_CA_FILE: "deploy/aml-chatops.config.example.json" }, (p) => readFileSync(p, "utf8"));
    expect(config.file.workspaces.map((w) => w.alias)).toEqual(["dev", "prod"]);
  });
});
