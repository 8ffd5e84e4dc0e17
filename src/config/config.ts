import { readFileSync } from "node:fs";
import * as z from "zod";
import type { PolicyConfig } from "../../commands/policy.js";
import { ConfigError } from "../../commands/errors.js";
import { readFileConfig, type FileConfig } from "./file-config.js";
import { formatIssues } from "./format-issues.js";
import { LOCAL_ALERTS_SECRET, LOCAL_EVENTS_SECRET, LOCAL_FILE_CONFIG, LOCAL_SLACK } from "./local-defaults.js";
import { refuseLocalValues, resolveMode, type Mode } from "./mode.js";

export { LOCAL_ALERTS_SECRET, LOCAL_EVENTS_SECRET, LOCAL_SLACK } from "./local-defaults.js";

/**
 * Configuration, validated once at start-up. Environment variables say where things are and how to
 * authenticate; a JSON document (AML_CONFIG_JSON or AML_CONFIG_FILE) says which workspaces exist and who may do what.
 */


const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The app types of an Azure Bot resource, as botbuilder's ConfigurationServiceClientCredentialFactory knows them. */
const APP_TYPES = ["UserAssignedMSI", "SingleTenant", "MultiTenant"] as const;

const envSchema = z.object({
  /** Unset: local, except where Azure hosts us or settings of a real deployment are present (see mode.ts). */
  AML_MODE: z.enum(["local", "azure"]).optional(),
  AML_CONFIG_FILE: z.string().optional(),
  AML_CONFIG_JSON: z.string().optional(),
  /** One Azure Monitor metrics endpoint for every region (default: the region's, or the emulator locally). */
  AML_METRICS_ENDPOINT: z.string().url().optional(),
  /** Scale steps of one endpoint closer than this share one message. */
  AML_ALERTS_BURST_MINUTES: z.coerce.number().int().min(1).max(120).default(10),
  /** Microsoft Graph, for Teams users' Entra ID groups (default: Graph; the emulator locally). */
  AML_GRAPH_ENDPOINT: z.string().url().optional(),
  /** The function app's public URL, for links to what it serves (chart pictures in Teams cards). */
  AML_PUBLIC_BASE_URL: z.string().url().optional(),
  /** The secret of the Event Grid subscription's deliveries to `/api/events` (`?code=…` or the `x-aml-events-secret` header). */
  AML_EVENTS_SECRET: z.string().min(16, "use at least 16 characters").optional(),
  /** The secret in the alerts webhook URL (`/api/alerts?code=…`). */
  AML_ALERTS_SECRET: z.string().min(16, "use at least 16 characters").optional(),
  /** ARM base URL; in local mode the emulator's. */
  AML_ARM_ENDPOINT: z.string().url().optional(),
  /** PEM file of a CA to trust for ARM calls (the emulator's, in local mode). */
  AML_TLS_CA_FILE: z.string().optional(),
  AML_EMULATOR_URL: z.string().url().default("https://127.0.0.1:7400"),
  AML_EMULATOR_CA_FILE: z.string().default(".data/emulator/ca.pem"),
  AML_PENDING_TTL_MINUTES: z.coerce.number().int().min(1).max(24 * 60).default(15),
  AML_LRO_POLL_MS: z.coerce.number().int().min(10).max(60_000).optional(),
  /** First delay of the ARM pipeline's exponential retries of a 5xx or a dropped connection (default the SDK's, 1 s). */
  AML_ARM_RETRY_DELAY_MS: z.coerce.number().int().min(10).max(60_000).optional(),
  /** How often a deploy's status card checks on the provisioning (default 15 s in Azure, 2 s locally). */
  AML_FOLLOW_UP_INTERVAL_MS: z.coerce.number().int().min(10).max(10 * 60_000).optional(),
  /** How many times faster than plan time promotions run (default 1 in Azure, 60 locally). */
  AML_PROMOTION_TIME_SCALE: z.coerce
    .number({ error: "a number from 1 to 3600" })
    .min(1, "a number from 1 to 3600 (1 runs promotions in real time)")
    .max(3600, "a number from 1 to 3600 (3600 runs an hour of a plan in a second)")
    .optional(),
  /** Client id of the user-assigned managed identity (Azure). */
  AZURE_CLIENT_ID: z.string().optional(),
  AZURE_TENANT_ID: z.string().optional(),
  /** Storage for state and jobs: a connection string (Azurite locally), or service URLs + managed identity. */
  AzureWebJobsStorage: z.string().optional(),
  AML_STORAGE_TABLE_URL: z.string().url().optional(),
  AML_STORAGE_QUEUE_URL: z.string().url().optional(),
  AML_JOB_QUEUE: z.string().regex(/^[a-z0-9](?:[a-z0-9]|-(?!-)){1,61}[a-z0-9]$/, "lower-case letters, digits and single hyphens").default("aml-jobs"),
  /** How long a worker's claim on a job lasts unless renewed (a live worker renews it every third): a worker that died mid-job is replaced after about this. */
  AML_JOB_LEASE_SECONDS: z.coerce.number().int().min(5).max(3600).default(30),
  SLACK_SIGNING_SECRET: z.string().min(1).optional(),
  SLACK_BOT_TOKEN: z.string().regex(/^xoxb-/, "a bot token starts with xoxb-").optional(),
  SLACK_BOT_ID: z.string().regex(/^B[A-Z0-9]+$/, "the bot id starts with B (auth.test → bot_id)").optional(),
  SLACK_BOT_USER_ID: z.string().regex(/^[UW][A-Z0-9]+$/, "the bot user id starts with U (auth.test → user_id)").optional(),
  SLACK_API_URL: z.string().url().optional(),
  SLACK_COMMAND: z.string().regex(/^\/[a-z0-9_-]+$/).default("/aml"),
  /** The Teams bot's Microsoft App ID: with UserAssignedMSI, the managed identity's client id. */
  MicrosoftAppId: z.string().trim().regex(GUID, "the Microsoft App ID is a GUID (Azure Bot resource → Configuration)").optional(),
  MicrosoftAppType: z
    .string()
    .trim()
    .transform((value) => APP_TYPES.find((t) => t.toLowerCase() === value.toLowerCase()) ?? value)
    .pipe(z.enum(APP_TYPES, `one of ${APP_TYPES.join(", ")} (the Azure Bot resource's app type)`))
    .optional(),
  MicrosoftAppTenantId: z.string().trim().regex(GUID, "the tenant id is a GUID").optional(),
  MicrosoftAppPassword: z.string().min(1).optional(),
  /** Local mode only: every Teams reply goes to this Bot Framework connector (the local stand-in). */
  TEAMS_CONNECTOR_URL: z.url({ protocol: /^https?$/ }).optional(),
});

export interface AppConfig {
  readonly mode: Mode;
  /** Workspaces and roles; the policy is the core's own type, so tests can hand one in as is. */
  readonly file: { readonly workspaces: FileConfig["workspaces"]; readonly policy: PolicyConfig; readonly events?: FileConfig["events"] };
  readonly arm: { readonly endpoint: string; readonly ca?: string; readonly pollIntervalInMs?: number; readonly retryDelayInMs?: number };
  readonly emulator: { readonly url: string; readonly caFile: string };
  readonly pendingTtlInMs: number;
  /** Between two checks of a long operation (a deployment provisioning). */
  readonly followUpIntervalInMs: number;
  /** How many times faster than plan time promotions run: their holds and waits are divided by it. */
  readonly promotionTimeScale: number;
  readonly identity: { readonly clientId?: string; readonly tenantId?: string };
  readonly storage: StorageConfig;
  readonly jobQueue: string;
  readonly jobLeaseInMs: number;
  readonly slack: SlackConfig;
  readonly teams: TeamsConfig;
  /** Overrides the regional Azure Monitor metrics endpoint. */
  readonly metricsEndpoint?: string;
  readonly alertsSecret: string;
  readonly alertsBurstWindowInMs: number;
  /** Checks Event Grid's deliveries to `/api/events`; unset in Azure: every delivery is refused (401). */
  readonly eventsSecret?: string;
  /** Where Teams users' group memberships are read (only when a role is bound to a Teams group). */
  readonly graphEndpoint: string;
  /**
   * The function app's public URL (`https://<app>.azurewebsites.net`), for chart pictures linked from Teams cards.
   * Unset: locally the local host's URL is used; in Azure, Teams charts stay inline when small, else sparklines.
   */
  readonly publicBaseUrl?: string;
}

export type StorageConfig =
  | { readonly kind: "connection-string"; readonly connectionString: string }
  | { readonly kind: "identity"; readonly tableUrl: string; readonly queueUrl: string }
  /** No storage configured: state lives in memory (the terminal adapter on its own). */
  | { readonly kind: "memory" };

export interface SlackConfig {
  readonly signingSecret: string;
  readonly botToken: string;
  readonly botId: string;
  readonly botUserId: string;
  readonly apiUrl?: string;
  readonly commandName: string;
}

/**
 * How the Teams bot authenticates. Inbound requests are Bot Framework JWTs validated by botbuilder; outbound calls
 * (replies, updates) get tokens for the bot's app id. `anonymous` exists only in local mode, with the local
 * connector stand-in: botbuilder then skips both (no app id, no password).
 */
export type TeamsAuthConfig =
  | { readonly type: "anonymous" }
  | { readonly type: "UserAssignedMSI"; readonly appId: string; readonly tenantId: string }
  | { readonly type: "SingleTenant"; readonly appId: string; readonly tenantId: string; readonly password: string }
  | { readonly type: "MultiTenant"; readonly appId: string; readonly password: string };

export interface TeamsConfig {
  readonly auth: TeamsAuthConfig;
  /** Local mode only: the connector stand-in that receives every reply whose activity's serviceUrl is not a loopback address. */
  readonly connectorUrl?: string;
}

export type Env = Readonly<Record<string, string | undefined>>;

export function loadConfig(env: Env = process.env, readText: (path: string) => string = (p) => readFileSync(p, "utf8")): AppConfig {
  const parsedEnv = envSchema.safeParse(env);
  if (!parsedEnv.success) throw new ConfigError(`Invalid environment:\n${formatIssues(parsedEnv.error.issues)}`);
  const e = parsedEnv.data;
  const mode = resolveMode(e.AML_MODE, env);
  const local = mode === "local";
  if (!local) refuseLocalValues(env);
  const file = readFileConfig({ json: e.AML_CONFIG_JSON, path: e.AML_CONFIG_FILE }, readText) ?? (local ? LOCAL_FILE_CONFIG : undefined);
  if (!file) {
    throw new ConfigError("AML_MODE=azure needs AML_CONFIG_JSON or AML_CONFIG_FILE: the workspaces and roles of your organisation (see deploy/aml-chatops.config.example.json).");
  }
  if (!local && !e.AML_ALERTS_SECRET) throw new ConfigError("AML_MODE=azure needs AML_ALERTS_SECRET: the secret in the alerts webhook URL (at least 16 characters).");
  const caFile = e.AML_TLS_CA_FILE ?? (local ? e.AML_EMULATOR_CA_FILE : undefined);
  return {
    mode,
    file,
    arm: {
      endpoint: e.AML_ARM_ENDPOINT ?? (local ? e.AML_EMULATOR_URL : "https://management.azure.com"),
      ...(caFile ? { ca: readCa(caFile, readText) } : {}),
      ...(e.AML_LRO_POLL_MS !== undefined ? { pollIntervalInMs: e.AML_LRO_POLL_MS } : local ? { pollIntervalInMs: 100 } : {}),
      ...(e.AML_ARM_RETRY_DELAY_MS !== undefined ? { retryDelayInMs: e.AML_ARM_RETRY_DELAY_MS } : {}),
    },
    emulator: { url: e.AML_EMULATOR_URL, caFile: e.AML_EMULATOR_CA_FILE },
    pendingTtlInMs: e.AML_PENDING_TTL_MINUTES * 60_000,
    followUpIntervalInMs: e.AML_FOLLOW_UP_INTERVAL_MS ?? (local ? 2_000 : 15_000),
    promotionTimeScale: e.AML_PROMOTION_TIME_SCALE ?? (local ? 60 : 1),
    identity: { ...(e.AZURE_CLIENT_ID ? { clientId: e.AZURE_CLIENT_ID } : {}), ...(e.AZURE_TENANT_ID ? { tenantId: e.AZURE_TENANT_ID } : {}) },
    storage: storageConfig(e, local),
    jobQueue: e.AML_JOB_QUEUE,
    jobLeaseInMs: e.AML_JOB_LEASE_SECONDS * 1000,
    slack: slackConfig(e, local),
    teams: teamsConfig(e, local),
    ...(e.AML_METRICS_ENDPOINT ? { metricsEndpoint: e.AML_METRICS_ENDPOINT } : {}),
    alertsSecret: e.AML_ALERTS_SECRET ?? LOCAL_ALERTS_SECRET,
    alertsBurstWindowInMs: e.AML_ALERTS_BURST_MINUTES * 60_000,
    ...((e.AML_EVENTS_SECRET ?? (local ? LOCAL_EVENTS_SECRET : undefined)) ? { eventsSecret: e.AML_EVENTS_SECRET ?? LOCAL_EVENTS_SECRET } : {}),
    graphEndpoint: e.AML_GRAPH_ENDPOINT ?? (local ? e.AML_EMULATOR_URL : "https://graph.microsoft.com"),
    ...(e.AML_PUBLIC_BASE_URL ? { publicBaseUrl: e.AML_PUBLIC_BASE_URL } : {}),
  };
}

function storageConfig(e: z.infer<typeof envSchema>, local: boolean): StorageConfig {
  if (e.AML_STORAGE_TABLE_URL && e.AML_STORAGE_QUEUE_URL) return { kind: "identity", tableUrl: e.AML_STORAGE_TABLE_URL, queueUrl: e.AML_STORAGE_QUEUE_URL };
  if (e.AML_STORAGE_TABLE_URL || e.AML_STORAGE_QUEUE_URL) {
    throw new ConfigError("Set both AML_STORAGE_TABLE_URL and AML_STORAGE_QUEUE_URL (managed identity), or AzureWebJobsStorage (connection string).");
  }
  if (e.AzureWebJobsStorage) return { kind: "connection-string", connectionString: e.AzureWebJobsStorage };
  if (!local) throw new ConfigError("AML_MODE=azure needs storage: AML_STORAGE_TABLE_URL and AML_STORAGE_QUEUE_URL, or AzureWebJobsStorage.");
  return { kind: "memory" };
}

function slackConfig(e: z.infer<typeof envSchema>, local: boolean): SlackConfig {
  const given = { signingSecret: e.SLACK_SIGNING_SECRET, botToken: e.SLACK_BOT_TOKEN, botId: e.SLACK_BOT_ID, botUserId: e.SLACK_BOT_USER_ID };
  if (!local) {
    const missing = Object.entries({ SLACK_SIGNING_SECRET: given.signingSecret, SLACK_BOT_TOKEN: given.botToken, SLACK_BOT_ID: given.botId, SLACK_BOT_USER_ID: given.botUserId })
      .filter(([, value]) => !value)
      .map(([name]) => name);
    if (missing.length > 0) throw new ConfigError(`AML_MODE=azure needs ${missing.join(", ")} (see README: Connect a real Slack workspace).`);
  }
  return {
    signingSecret: given.signingSecret ?? LOCAL_SLACK.signingSecret,
    botToken: given.botToken ?? LOCAL_SLACK.botToken,
    botId: given.botId ?? LOCAL_SLACK.botId,
    botUserId: given.botUserId ?? LOCAL_SLACK.botUserId,
    ...(e.SLACK_API_URL ? { apiUrl: e.SLACK_API_URL } : {}),
    commandName: e.SLACK_COMMAND,
  };
}

const TEAMS_HINT = "(see README: Connect Microsoft Teams)";

function teamsConfig(e: z.infer<typeof envSchema>, local: boolean): TeamsConfig {
  if (e.TEAMS_CONNECTOR_URL && !local) {
    throw new ConfigError("TEAMS_CONNECTOR_URL is for local mode only (the connector stand-in); in azure mode replies go to each activity's serviceUrl.");
  }
  const connector = e.TEAMS_CONNECTOR_URL ? { connectorUrl: e.TEAMS_CONNECTOR_URL } : {};
  const { MicrosoftAppId: appId, MicrosoftAppType: appType, MicrosoftAppTenantId: tenantId, MicrosoftAppPassword: password } = e;
  if (!appId && !appType && !tenantId && !password) {
    if (!local) {
      throw new ConfigError(
        `AML_MODE=azure needs the Teams bot's identity: MicrosoftAppType=UserAssignedMSI, MicrosoftAppId (the managed identity's client id) and MicrosoftAppTenantId ${TEAMS_HINT}.`,
      );
    }
    // Local only: no credentials at all means botbuilder's anonymous mode against the local connector stand-in.
    return { auth: { type: "anonymous" }, ...connector };
  }
  const missing = (names: Record<string, string | undefined>): string[] => Object.entries(names).filter(([, v]) => !v).map(([k]) => k);
  const need = (type: string, names: Record<string, string | undefined>): void => {
    const absent = missing(names);
    if (absent.length > 0) throw new ConfigError(`MicrosoftAppType=${type} needs ${absent.join(", ")} ${TEAMS_HINT}.`);
  };
  if (!appType) throw new ConfigError(`Set MicrosoftAppType (UserAssignedMSI in Azure; SingleTenant or MultiTenant with a client secret) along with MicrosoftAppId ${TEAMS_HINT}.`);
  switch (appType) {
    case "UserAssignedMSI":
      need(appType, { MicrosoftAppId: appId, MicrosoftAppTenantId: tenantId });
      if (password) throw new ConfigError("MicrosoftAppPassword must not be set with MicrosoftAppType=UserAssignedMSI: the managed identity has no secret. Remove it.");
      return { auth: { type: appType, appId: appId!, tenantId: tenantId! }, ...connector };
    case "SingleTenant":
      need(appType, { MicrosoftAppId: appId, MicrosoftAppTenantId: tenantId, MicrosoftAppPassword: password });
      return { auth: { type: appType, appId: appId!, tenantId: tenantId!, password: password! }, ...connector };
    case "MultiTenant":
      need(appType, { MicrosoftAppId: appId, MicrosoftAppPassword: password });
      return { auth: { type: appType, appId: appId!, password: password! }, ...connector };
  }
}

function readCa(path: string, readText: (path: string) => string): string {
  try {
    return readText(path);
  } catch (error) {
    throw new ConfigError(
      `The CA file ${path} could not be read. In local mode start the emulator first (npm run emulator, or npm start), or set AML_TLS_CA_FILE.`,
      { cause: error },
    );
  }
}
