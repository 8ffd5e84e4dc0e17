import { ConfigError } from "../../commands/errors.js";
import { LOCAL_ALERTS_SECRET, LOCAL_EVENTS_SECRET, LOCAL_SLACK } from "./local-defaults.js";

/**
 * Which mode the app runs in, failing closed: local mode trusts published secrets and anonymous Teams, so it is
 * never what an Azure deployment gets by accident.
 */

export type Mode = "local" | "azure";
type Env = Readonly<Record<string, string | undefined>>;

/**
 * Set by Azure when it hosts a function app, and not by Core Tools' `func start`, which sets FUNCTIONS_WORKER_RUNTIME,
 * AZURE_FUNCTIONS_ENVIRONMENT and WEBSITE_HOSTNAME on a laptop too. WEBSITE_INSTANCE_ID is the Functions host's own
 * test for App Service plans; WEBSITE_SITE_NAME is set on every plan; WEBSITE_POD_NAME on Flex Consumption.
 */
export const AZURE_HOSTING_VARIABLES = ["WEBSITE_INSTANCE_ID", "WEBSITE_SITE_NAME", "WEBSITE_POD_NAME"] as const;

const ARM_HOSTS = ["management.azure.com", "management.chinacloudapi.cn", "management.usgovcloudapi.net"];
const AZURITE_ACCOUNT = "devstoreaccount1";

/**
 * The mode: AML_MODE when given; otherwise local, unless Azure hosts us (refused: set AML_MODE=azure) or settings
 * for a real deployment are present (refused: say which mode). Explicit local mode is refused under Azure's hosting.
 */
export function resolveMode(given: Mode | undefined, env: Env): Mode {
  const hosted = AZURE_HOSTING_VARIABLES.find((name) => env[name]);
  if (hosted) {
    if (given === "azure") return given;
    if (given === "local") {
      throw new ConfigError(
        `AML_MODE=local, but Azure hosts this function app (${hosted} is set). Local mode accepts the published local secrets and anonymous Teams requests: set the app setting AML_MODE=azure.`,
      );
    }
    throw new ConfigError(`AML_MODE is not set, and Azure hosts this function app (${hosted} is set). Set the app setting AML_MODE=azure: the mode is never local by default in Azure.`);
  }
  if (given) return given;
  const real = realDeploymentSettings(env);
  if (real.length > 0) {
    throw new ConfigError(
      `AML_MODE is not set, but ${real.join(", ")} ${real.length === 1 ? "is a setting" : "are settings"} of a real deployment. Set AML_MODE=azure (or AML_MODE=local for the local stack with these settings, such as a dev tunnel to real Teams).`,
    );
  }
  return "local";
}

/** The names (never the values) of settings that only a real deployment has. */
function realDeploymentSettings(env: Env): string[] {
  const names = ["MicrosoftAppId", "MicrosoftAppType", "MicrosoftAppTenantId", "MicrosoftAppPassword", "AML_STORAGE_TABLE_URL", "AML_STORAGE_QUEUE_URL", "AZURE_CLIENT_ID"].filter(
    (name) => env[name],
  );
  if (env.SLACK_SIGNING_SECRET && env.SLACK_SIGNING_SECRET !== LOCAL_SLACK.signingSecret) names.push("SLACK_SIGNING_SECRET");
  if (env.SLACK_BOT_TOKEN && env.SLACK_BOT_TOKEN !== LOCAL_SLACK.botToken) names.push("SLACK_BOT_TOKEN");
  if (env.AML_ARM_ENDPOINT && ARM_HOSTS.includes(hostOf(env.AML_ARM_ENDPOINT))) names.push("AML_ARM_ENDPOINT");
  if (env.AzureWebJobsStorage && isStorageAccount(env.AzureWebJobsStorage)) names.push("AzureWebJobsStorage");
  return names;
}

function hostOf(url: string): string {
  try {
    return new URL(url).hostname.toLowerCase();
  } catch {
    return "";
  }
}

/** A connection string to a storage account, as opposed to Azurite's (UseDevelopmentStorage or its well-known account). */
function isStorageAccount(connectionString: string): boolean {
  if (/(?:^|;)\s*UseDevelopmentStorage=true/i.test(connectionString)) return false;
  const account = /(?:^|;)\s*AccountName=([^;]+)/i.exec(connectionString)?.[1]?.trim();
  return account !== undefined && account !== AZURITE_ACCOUNT;
}

/** The published local values azure mode refuses, with where the real one comes from. */
const LOCAL_VALUES = [
  { name: "SLACK_SIGNING_SECRET", value: LOCAL_SLACK.signingSecret, fix: "set the signing secret from your Slack app (Basic Information → Signing Secret)" },
  { name: "SLACK_BOT_TOKEN", value: LOCAL_SLACK.botToken, fix: "set the bot token from your Slack app (OAuth & Permissions → Bot User OAuth Token)" },
  { name: "SLACK_BOT_ID", value: LOCAL_SLACK.botId, fix: "set your bot's id (auth.test with the bot token → bot_id)" },
  { name: "SLACK_BOT_USER_ID", value: LOCAL_SLACK.botUserId, fix: "set your bot's user id (auth.test with the bot token → user_id)" },
  { name: "AML_ALERTS_SECRET", value: LOCAL_ALERTS_SECRET, fix: "set a random secret of your own, at least 16 characters (openssl rand -hex 24)" },
  { name: "AML_EVENTS_SECRET", value: LOCAL_EVENTS_SECRET, fix: "set a random secret of your own, at least 16 characters (openssl rand -hex 24)" },
] as const;

/**
 * Azure mode refuses every published local value, naming the variable and where the real value comes from. The
 * message never contains the value: start-up errors end up in logs.
 */
export function refuseLocalValues(env: Env): void {
  const found = LOCAL_VALUES.filter(({ name, value }) => env[name]?.trim() === value);
  if (found.length > 0) {
    throw new ConfigError(`AML_MODE=azure refuses the published local defaults:\n${found.map(({ name, fix }) => `  - ${name} is the published local default; ${fix}.`).join("\n")}`);
  }
}
