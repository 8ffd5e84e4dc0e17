/**
 * The function host's dependencies, started once in the bench process and kept up for the whole run: Azurite
 * (in memory, free ports), the AML emulator, the Slack Web API stand-in and the Teams connector stand-in. They are not what is measured; each
 * measured host is a separate process pointed at them through the environment, as in Azure.
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { LOCAL_SLACK } from "../src/config/config.js";
import { startAmlEmulator, type RunningAmlEmulator } from "../tools/emulator/aml-emulator.js";
import { startSlackApiStandIn, type SlackApiStandIn } from "../tools/local/slack-api.stand-in.js";
import { startTeamsConnectorStandIn, type TeamsConnectorStandIn } from "../tools/local/teams-connector.stand-in.js";
import { startAzurite, type AzuriteInstance } from "../tools/azurite.js";
import { DEFAULT_STORAGE_NAMES, StorageClients } from "../src/storage/storage-clients.js";
import { runtimeStorage } from "../src/storage/runtime-storage.js";

export interface BenchServices {
  readonly azurite: AzuriteInstance;
  readonly emulator: RunningAmlEmulator;
  readonly slack: SlackApiStandIn;
  readonly teams: TeamsConnectorStandIn;
  readonly signingSecret: string;
  /** Clients for the bench's own storage calls (the reference writes, the jobs queue). */
  readonly storage: StorageClients;
  /** The environment of a function host process (add PORT). */
  hostEnv(extra?: Record<string, string>): NodeJS.ProcessEnv;
  /**
   * A storage account of its own for a second copy of the bot (its tables and queues created): the bot's audit
   * partitions, which Azurite's upserts slow down with, then grow with one server's requests only.
   */
  ownStorage(account: BenchAccount): Promise<string>;
  /** Messages in the jobs queue, visible or not. */
  queuedJobs(): Promise<number>;
  /**
   * Deletes every message of the jobs queue, so a leftover job never runs inside a later cold start. Only for a
   * few messages at a time: see warm-suite.ts for what clearing thousands does to Azurite.
   */
  clearJobs(): Promise<void>;
  close(): Promise<void>;
}

/** The extra Azurite accounts the bench uses. */
export const BENCH_ACCOUNTS = ["benchdirect"] as const;
export type BenchAccount = (typeof BENCH_ACCOUNTS)[number];

export async function startServices(): Promise<BenchServices> {
  const [azurite, emulator, slack, teams] = await Promise.all([
    startAzurite({ accounts: BENCH_ACCOUNTS }),
    startAmlEmulator({ port: 0, tlsCacheDir: false }),
    startSlackApiStandIn({ port: 0 }),
    startTeamsConnectorStandIn({ port: 0 }),
  ]);
  const dir = await mkdtemp(join(tmpdir(), "aml-chatops-bench-"));
  const caFile = join(dir, "emulator-ca.pem");
  await writeFile(caFile, emulator.ca);
  const storage = StorageClients.fromConnectionString(azurite.connectionString);
  // As the deployment does in Azure (deploy/main.bicep): the bot's cold starts then find every table and queue there.
  await storage.ensure(runtimeStorage());
  const jobs = storage.queue(DEFAULT_STORAGE_NAMES.jobsQueue);

  return {
    azurite,
    emulator,
    slack,
    teams,
    signingSecret: LOCAL_SLACK.signingSecret,
    storage,
    hostEnv: (extra = {}) => ({
      // Only what a node process needs from the bench's environment; nothing of a developer's .env or shell
      // settings (AML_*, SLACK_*) leaks into the measured configuration.
      PATH: process.env["PATH"],
      HOME: process.env["HOME"],
      TMPDIR: process.env["TMPDIR"],
      BENCH_PARENT_PID: String(process.pid),
      AML_MODE: "local",
      AML_EMULATOR_URL: emulator.url,
      AML_EMULATOR_CA_FILE: caFile,
      AzureWebJobsStorage: azurite.connectionString,
      SLACK_API_URL: slack.url,
      SLACK_SIGNING_SECRET: LOCAL_SLACK.signingSecret,
      TEAMS_CONNECTOR_URL: teams.url,
      // An app setting in Azure (deploy/main.bicep): the queue trigger's %AML_JOB_QUEUE%.
      AML_JOB_QUEUE: DEFAULT_STORAGE_NAMES.jobsQueue,
      ...extra,
    }),
    async ownStorage(account) {
      const connectionString = azurite.connectionStringFor(account);
      await StorageClients.fromConnectionString(connectionString).ensure(runtimeStorage());
      return connectionString;
    },
    async queuedJobs() {
      return (await jobs.getProperties()).approximateMessagesCount ?? 0;
    },
    async clearJobs() {
      if (await jobs.exists()) await jobs.clearMessages();
    },
    async close() {
      await Promise.allSettled([azurite.close(), emulator.close(), slack.close(), teams.close(), rm(dir, { recursive: true, force: true })]);
    },
  };
}
