/**
 * The function app's settings in deploy/main.bicep against what the code reads (issue 15 §4), offline: every
 * environment name of src/config/config.ts is either set by the template or left out for a reason written here; the
 * settings the template writes, with Azure's values put in, load as an `azure` config; secrets are Key Vault
 * references. No Bicep compiler here, so the template is read as text.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/config.js";

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), "utf8");
const bicep = read("deploy/main.bicep");
const exampleConfig = read("deploy/aml-chatops.config.example.json");

/**
 * `{ name: 'X', value: <expression> }` lines of the app's `appSettings`: the fixed list, then the settings set only
 * when their optional parameter is (`var eventsSettings = empty(eventsSecret) ? [] : [ … ]`).
 */
function appSettings(): Map<string, string> {
  const block = /appSettings: concat\(\[\n([\s\S]*?)\n\s*\], eventsSettings\)/.exec(bicep)?.[1];
  if (block === undefined) throw new Error("deploy/main.bicep has no appSettings: concat([ … ], eventsSettings)");
  const optional = /^var eventsSettings = empty\(eventsSecret\) \? \[\] : \[\n([\s\S]*?)\n\]/m.exec(bicep)?.[1];
  if (optional === undefined) throw new Error("deploy/main.bicep has no optional eventsSettings list");
  const settings = new Map<string, string>();
  for (const line of [...block.split("\n"), ...optional.split("\n")]) {
    if (/^\s*\/\//.test(line) || line.trim() === "") continue;
    const m = /^\s*\{ name: '([^']+)', value: (.+) \}\s*$/.exec(line);
    if (!m) throw new Error(`unparsed app setting line: ${line.trim()}`);
    expect(settings.has(m[1]!), `${m[1]} set twice`).toBe(false);
    settings.set(m[1]!, m[2]!);
  }
  return settings;
}

/** The environment names the config schema reads (`NAME: z…` lines of envSchema). */
function configEnvNames(): string[] {
  const schema = /const envSchema = z\.object\(\{\n([\s\S]*?)\n\}\);/.exec(read("src/config/config.ts"))?.[1];
  if (schema === undefined) throw new Error("src/config/config.ts has no envSchema");
  return [...schema.matchAll(/^ {2}([A-Za-z_]+): z/gm)].map((m) => m[1]!);
}

/**
 * Names the code reads that the template leaves unset, and why that is right in Azure. A new setting in the config
 * fails the first test until it is set in deploy/main.bicep or listed here.
 */
const LEFT_UNSET: Record<string, string> = {
  AML_CONFIG_FILE: "the template passes the document inline (AML_CONFIG_JSON)",
  AML_METRICS_ENDPOINT: "each region's Azure Monitor endpoint is the default",
  AML_ALERTS_BURST_MINUTES: "the default (10) is the documented behaviour",
  AML_GRAPH_ENDPOINT: "https://graph.microsoft.com is the default",
  AML_ARM_ENDPOINT: "https://management.azure.com is the default",
  AML_TLS_CA_FILE: "Azure's endpoints use public certificate authorities",
  AML_EMULATOR_URL: "local mode only",
  AML_EMULATOR_CA_FILE: "local mode only",
  AML_PENDING_TTL_MINUTES: "the default (15) is the documented approval window",
  AML_LRO_POLL_MS: "polls as ARM's Retry-After says",
  AML_ARM_RETRY_DELAY_MS: "the SDK's retry policy is the default",
  AML_FOLLOW_UP_INTERVAL_MS: "the Azure default (15 s) is chosen by the code",
  AML_PROMOTION_TIME_SCALE: "1 (real time) in Azure; only tests speed promotions up",
  AML_JOB_LEASE_SECONDS: "the default (30) matches the queue's visibility timeout",
  AZURE_TENANT_ID: "the managed identity's own tenant",
  AzureWebJobsStorage: "the template connects with the identity (AzureWebJobsStorage__* and AML_STORAGE_*_URL), never a connection string",
  SLACK_API_URL: "https://slack.com/api is the default",
  SLACK_COMMAND: "/aml, as deploy/slack-app-manifest.yaml registers it",
  MicrosoftAppPassword: "the Teams bot authenticates as the managed identity (UserAssignedMSI): no password",
  TEAMS_CONNECTOR_URL: "local mode only (the connector stand-in); refused in azure mode",
};

/** Settings read by the Functions host and its Application Insights integration, not by src/config. */
const HOST_SETTING = /^(AzureWebJobsStorage__\w+|APPLICATIONINSIGHTS_\w+)$/;

/** What Azure puts in for each non-literal value: resolved Key Vault references, resource properties, parameters. */
const AZURE_VALUES: Record<string, string> = {
  amlConfigJson: exampleConfig,
  "identity.properties.clientId": "5a1c0b7e-1111-4222-8333-944455566677",
  "identity.properties.tenantId": "72f988bf-86f1-41af-91ab-2d7cd011db47",
  "storage.properties.primaryEndpoints.blob": "https://amlchatabc.blob.core.windows.net/",
  "storage.properties.primaryEndpoints.queue": "https://amlchatabc.queue.core.windows.net/",
  "storage.properties.primaryEndpoints.table": "https://amlchatabc.table.core.windows.net/",
  "insights.properties.ConnectionString": "InstrumentationKey=00000000-0000-0000-0000-000000000000;IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
  jobQueue: "aml-jobs",
  slackBotId: "B0123ABCD",
  slackBotUserId: "U0123ABCD",
  "'@Microsoft.KeyVault(SecretUri=${signingSecret.properties.secretUri})'": "8f742231b10e8888abcd99yyyzzz85a5",
  "'@Microsoft.KeyVault(SecretUri=${botToken.properties.secretUri})'": "xoxb-1234-5678-abcdefghijkl",
  "'@Microsoft.KeyVault(SecretUri=${alertsSecretValue.properties.secretUri})'": "a-long-enough-alerts-secret-0123",
  "'@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${eventsSecretName})'": "a-long-enough-events-secret-4567",
};

function azureEnv(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, expression] of appSettings()) {
    const known = AZURE_VALUES[expression];
    if (known !== undefined) env[name] = known;
    else if (/^'[^']*'$/.test(expression)) env[name] = expression.slice(1, -1).replace(/\$\{[^}]+\}/g, "amlchat-abc");
    else throw new Error(`no Azure value for ${name} = ${expression}: add one to AZURE_VALUES`);
  }
  // Azure sets this on every Flex Consumption instance (src/config/mode.ts).
  return { ...env, WEBSITE_SITE_NAME: "amlchat-abc" };
}

describe("deploy/main.bicep app settings", () => {
  it("set every environment name the code reads, except those left unset on purpose", () => {
    const set = appSettings();
    const names = configEnvNames();
    expect(names.length).toBeGreaterThan(30);
    const neither = names.filter((n) => !set.has(n) && LEFT_UNSET[n] === undefined);
    expect(neither, "read by src/config/config.ts: set it in deploy/main.bicep, or say in LEFT_UNSET why Azure needs no value").toEqual([]);
    expect(names.filter((n) => set.has(n) && LEFT_UNSET[n] !== undefined), "set by the template and listed as unset").toEqual([]);
    expect(Object.keys(LEFT_UNSET).filter((n) => !names.includes(n)), "listed as unset but no longer read: remove from LEFT_UNSET").toEqual([]);
  });

  it("set nothing the code does not read", () => {
    const names = configEnvNames();
    expect([...appSettings().keys()].filter((n) => !names.includes(n) && !HOST_SETTING.test(n))).toEqual([]);
  });

  it("load as an azure config once Azure fills in the values", () => {
    const config = loadConfig(azureEnv(), () => {
      throw new Error("no file is read in Azure");
    });
    expect(config.mode).toBe("azure");
    expect(config.arm.endpoint).toBe("https://management.azure.com");
    expect(config.storage).toEqual({ kind: "identity", tableUrl: "https://amlchatabc.table.core.windows.net/", queueUrl: "https://amlchatabc.queue.core.windows.net/" });
    expect(config.teams.auth).toEqual({ type: "UserAssignedMSI", appId: "5a1c0b7e-1111-4222-8333-944455566677", tenantId: "72f988bf-86f1-41af-91ab-2d7cd011db47" });
    expect(config.identity).toEqual({ clientId: "5a1c0b7e-1111-4222-8333-944455566677" });
    expect(config.slack).toMatchObject({ botId: "B0123ABCD", botUserId: "U0123ABCD", botToken: "xoxb-1234-5678-abcdefghijkl", commandName: "/aml" });
    expect(config.file.workspaces.map((w) => w.alias)).toEqual(["dev", "prod"]);
    expect(config.publicBaseUrl).toBe("https://amlchat-abc.azurewebsites.net");
    expect(config.eventsSecret).toBe("a-long-enough-events-secret-4567");
    // Without an events secret the setting is absent, and the rest still loads.
    const { AML_EVENTS_SECRET: _events, ...withoutEvents } = azureEnv();
    expect(loadConfig(withoutEvents, () => "").eventsSecret).toBeUndefined();
  });

  it("need each setting the config requires in Azure: without it, start-up names it", () => {
    const env = azureEnv();
    for (const name of ["AML_CONFIG_JSON", "AML_ALERTS_SECRET", "AML_STORAGE_TABLE_URL", "SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "SLACK_BOT_ID", "SLACK_BOT_USER_ID", "MicrosoftAppId"]) {
      const without = Object.fromEntries(Object.entries(env).filter(([n]) => n !== name));
      expect(() => loadConfig(without, () => ""), name).toThrow(name === "AML_STORAGE_TABLE_URL" ? /AML_STORAGE_TABLE_URL/ : new RegExp(name));
    }
  });

  it("hold secrets as Key Vault references, read with the bot's identity", () => {
    const settings = appSettings();
    for (const name of ["SLACK_SIGNING_SECRET", "SLACK_BOT_TOKEN", "AML_ALERTS_SECRET"]) {
      expect(settings.get(name), name).toMatch(/^'@Microsoft\.KeyVault\(SecretUri=\$\{\w+\.properties\.secretUri\}\)'$/);
    }
    // The optional one by vault and secret name, the name of the secret the template writes.
    expect(settings.get("AML_EVENTS_SECRET")).toBe("'@Microsoft.KeyVault(VaultName=${vault.name};SecretName=${eventsSecretName})'");
    expect(bicep).toMatch(/resource eventsSecretValue 'Microsoft\.KeyVault\/vaults\/secrets@[^']+' = if \(!empty\(eventsSecret\)\) \{\n\s*parent: vault\n\s*name: eventsSecretName\n/);
    expect(bicep).toContain("dependsOn: [eventsSecretValue]");
    // Any setting named like a secret is one of them.
    expect([...settings.keys()].filter((n) => /SECRET|TOKEN|PASSWORD|KEY$/i.test(n)).sort()).toEqual(["AML_ALERTS_SECRET", "AML_EVENTS_SECRET", "SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"]);
    expect(bicep).toContain("keyVaultReferenceIdentity: identity.id");
    expect(bicep).toMatch(/resource vaultRole [\s\S]*?scope: vault[\s\S]*?roles\.keyVaultSecretsUser/);
  });
});
