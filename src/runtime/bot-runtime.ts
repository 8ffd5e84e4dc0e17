import type { TokenCredential } from "@azure/core-auth";
import type { SlackAdapter } from "../../adapters/slack/slack.adapter.js";
import type { ChartImageHost } from "../../adapters/teams/chart-hosting.js";
import type { TeamsAdapter } from "../../adapters/teams/teams.adapter.js";
import type { AzureMonitorBridge } from "../../adapters/azure-monitor/azure-monitor.bridge.js";
import type { RawHttpRequest, RawHttpResponse } from "../../adapters/http.js";
import { runDueDigests, type DigestRunReport, type RunDueDigestsOptions } from "../../commands/digest/scheduled-digests.js";
import { ConfigError } from "../../commands/errors.js";
import type { ChannelNotifier } from "../../commands/ports/channel-notifier.port.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import { createApp, createLazyCredential, type App, type AppOverrides } from "../compose.js";
import type { AppConfig } from "../config/config.js";
import { ChatNotifier } from "../notify/chat.notifier.js";
import { slackPoster, teamsPoster } from "../notify/chat-posters.js";
import { JobQueue, type Job } from "../storage/job-queue.js";
import { ALERT_BINDINGS_TABLE, TableAlertBindings } from "../storage/table.alert-bindings.js";
import { ALERT_LEDGER_TABLE } from "../storage/table.alert-ledger.js";
import { DEFAULT_STORAGE_NAMES, StorageClients, type StorageNames } from "../storage/storage-clients.js";
import { TableAuditLog } from "../storage/table.audit-log.js";
import { TableChannelSettings } from "../storage/table.channel-settings.js";
import { DIGEST_RUNS_TABLE, DIGEST_SUBSCRIPTIONS_TABLE, TableDigestSubscriptions } from "../storage/table.digest-subscriptions.js";
import { TableJobLedger } from "../storage/table.job-ledger.js";
import { MESSAGE_REFS_TABLE, TableMessageRefs } from "../storage/table.message-refs.js";
import { TablePendingChanges } from "../storage/table.pending-changes.js";
import { CHART_IMAGES_TABLE, TableChartImages } from "../storage/table.chart-images.js";
import { SAMPLES_TABLE, TableSampleStore } from "../storage/table.samples.js";
import { alertsSettingsOf, type AlertsSettings } from "./alerts-settings.js";
import { chartImageHost } from "./chart-image-host.js";
import { JobRunner, type JobDeliveryOutcome } from "./job-runner.js";

export interface RuntimeOverrides extends AppOverrides {
  /** For `response_url` posts; default global fetch. */
  readonly fetch?: typeof fetch;
  /** The alerts webhook's secret and burst window; default from the config (AML_ALERTS_SECRET, AML_ALERTS_BURST_MINUTES). */
  readonly alerts?: AlertsSettings;
  /**
   * The host's own URL when AML_PUBLIC_BASE_URL is unset: the local stack and host-main pass the local host's
   * (known only once it listens, so read on each use). An explicit AML_PUBLIC_BASE_URL wins (a tunnel to real Teams).
   */
  readonly publicBaseUrl?: () => string | undefined;
}

/**
 * Everything one Functions worker process (or the local host) runs: the core on Azure Storage, the job queue
 * and the chat adapters. Chat adapters are built on first use, so a Slack request never loads the Teams SDK.
 */
export interface BotRuntime {
  readonly config: AppConfig;
  readonly app: App;
  readonly storage: StorageClients;
  readonly names: StorageNames;
  handleSlackHttp(request: RawHttpRequest): Promise<RawHttpResponse>;
  /** `POST /api/teams/messages`: Bot Framework activities (messages, card actions, installs). */
  handleTeamsHttp(request: RawHttpRequest): Promise<RawHttpResponse>;
  /**
   * Runs a queued job at most once (job ledger), whatever the number of deliveries, renewing its claim while it runs
   * and queueing a watchdog copy that resumes it if this worker dies (see `JobRunner`).
   */
  handleJob(job: Job, options?: { abortSignal?: AbortSignal; dequeueCount?: number }): Promise<JobDeliveryOutcome>;
  /** `POST /api/alerts`: Azure Monitor autoscale and alert webhooks, posted to the channels bound to the workspace. */
  handleAlertsHttp(request: RawHttpRequest): Promise<RawHttpResponse>;
  /** Chart pictures served at `GET /api/charts/{id}` (linked from Teams cards). */
  readonly chartImages: TableChartImages;
  /** Posts to a channel unprompted (digests, alerts), through the chat adapter of its platform. */
  readonly notifier: ChannelNotifier;
  /** The digest timer's work: sends each scheduled digest due by `now` (default: the clock), once across instances. */
  runDueDigests(now?: Date, options?: RunDueDigestsOptions): Promise<DigestRunReport[]>;
}

export async function createBotRuntime(config: AppConfig, overrides: RuntimeOverrides = {}): Promise<BotRuntime> {
  // One credential for ARM and storage: the managed identity in Azure, the emulator's locally.
  const credential = overrides.credential ?? createLazyCredential(config);
  const storage = storageClients(config, credential);
  const names: StorageNames = { ...DEFAULT_STORAGE_NAMES, jobsQueue: config.jobQueue };
  // Tables and queues are created once per process start (a few ms when they exist), never per request.
  const featureTables = [SAMPLES_TABLE, MESSAGE_REFS_TABLE, DIGEST_SUBSCRIPTIONS_TABLE, DIGEST_RUNS_TABLE, ALERT_BINDINGS_TABLE, ALERT_LEDGER_TABLE, CHART_IMAGES_TABLE];
  await Promise.all([storage.ensureAll(names), storage.ensure({ tables: featureTables })]);
  const alertsSettings = overrides.alerts ?? alertsSettingsOf(config);
  const app = createApp(config, {
    audit: new TableAuditLog(storage.table(names.auditTable)),
    pending: new TablePendingChanges(storage.table(names.pendingChangesTable)),
    channels: new TableChannelSettings(storage.table(names.channelSettingsTable)),
    samples: new TableSampleStore(storage.table(SAMPLES_TABLE)),
    alertBindings: new TableAlertBindings(storage.table(ALERT_BINDINGS_TABLE)),
    // Digest runs keep their own, longer lease: they are claimed without a heartbeat.
    digestSubscriptions: new TableDigestSubscriptions(storage.table(DIGEST_SUBSCRIPTIONS_TABLE), storage.table(DIGEST_RUNS_TABLE), {
      ...(overrides.clock ? { clock: overrides.clock } : {}),
    }),
    ...overrides,
    credential,
  });
  const queue = new JobQueue(storage.queue(names.jobsQueue));
  const clock = app.deps.clock;
  const ledger = new TableJobLedger(storage.table(names.jobLedgerTable), { clock, leaseInMs: config.jobLeaseInMs });
  const jobRunner = new JobRunner({ ledger, queue, logger: app.deps.logger, clock });
  const chartImages = new TableChartImages(storage.table(CHART_IMAGES_TABLE), { clock });
  const imageHost = teamsImageHost(config, overrides, chartImages, app.deps.logger);
  /** Where both chat adapters put slow work: the queue, stamped with when it was queued. */
  const jobs = { enqueue: async (job: Omit<Job, "enqueuedAt">): Promise<void> => void (await queue.enqueue({ ...job, enqueuedAt: clock.now().toISOString() })) };

  let slack: Promise<SlackAdapter> | undefined;
  const slackAdapter = (): Promise<SlackAdapter> =>
    (slack ??= import("../../adapters/slack/slack.adapter.js").then(({ createSlackAdapter }) =>
      createSlackAdapter({
        core: app.core,
        signingSecret: config.slack.signingSecret,
        botToken: config.slack.botToken,
        botId: config.slack.botId,
        botUserId: config.slack.botUserId,
        commandName: config.slack.commandName,
        ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
        jobs,
        logger: app.deps.logger,
        clock,
        ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
      }),
    ));

  let teams: Promise<TeamsAdapter> | undefined;
  const teamsAdapter = (): Promise<TeamsAdapter> =>
    (teams ??= Promise.all([
      import("../../adapters/teams/teams.adapter.js"),
      import("../storage/table.conversation-references.js"),
      import("../azure/graph.group-directory.js"),
    ]).then(
      ([{ createTeamsAdapter }, { TableConversationReferences }, { GraphGroupDirectory }]) =>
        createTeamsAdapter({
          core: app.core,
          auth: config.teams.auth,
          // Graph is asked only when a role is bound to a Teams group: otherwise there is nothing to look up.
          ...(bindsTeamsGroups(config)
            ? {
                directory: new GraphGroupDirectory({
                  credential,
                  endpoint: config.graphEndpoint,
                  ...(config.arm.ca ? { tlsCa: config.arm.ca } : {}),
                  logger: app.deps.logger,
                  clock,
                }),
              }
            : {}),
          jobs,
          store: new TableConversationReferences(storage.table(names.teamsConversationsTable), { clock }),
          logger: app.deps.logger,
          ...(config.teams.connectorUrl ? { serviceUrlOverride: config.teams.connectorUrl } : {}),
          ...(imageHost ? { imageHost } : {}),
        }),
    ).catch((error: unknown) => {
      teams = undefined; // let the next request try again
      throw error;
    }));

  const notifier = new ChatNotifier({
    posters: { slack: slackPoster(slackAdapter), teams: teamsPoster(teamsAdapter) },
    refs: new TableMessageRefs(storage.table(MESSAGE_REFS_TABLE), { clock }),
    logger: app.deps.logger,
  });

  let alerts: Promise<AzureMonitorBridge> | undefined;
  const alertsBridge = (): Promise<AzureMonitorBridge> =>
    (alerts ??= import("./alerts-runtime.js").then(({ createAlertsBridge }) => createAlertsBridge({ app, storage, notifier, settings: alertsSettings })).catch((error: unknown) => {
      alerts = undefined; // let the next request try again
      throw error;
    }));

  return {
    config,
    app,
    storage,
    names,
    chartImages,
    notifier,
    runDueDigests: (now = clock.now(), options = {}) => runDueDigests({ ...app.deps, notifier }, now, options),
    handleSlackHttp: async (request) => (await slackAdapter()).handleHttp(request),
    handleTeamsHttp: async (request) => (await teamsAdapter()).handleHttp(request),
    handleAlertsHttp: async (request) => (await alertsBridge()).handleHttp(request),
    handleJob: (job, options = {}) =>
      jobRunner.run(
        job,
        async (signal) => {
          // Aborted when the worker stops or another worker took the job over (this one's lease lapsed).
          if (job.kind.startsWith("slack.")) await (await slackAdapter()).handleJob(job, { abortSignal: signal });
          else if (job.kind.startsWith("teams.")) await (await teamsAdapter()).handleJob(job, { abortSignal: signal });
          else throw new Error(`No handler for job kind "${job.kind}"`);
          return `${job.kind} done`;
        },
        options.abortSignal ? { abortSignal: options.abortSignal } : {},
      ),
  };
}

function storageClients(config: AppConfig, credential: TokenCredential): StorageClients {
  const storage = config.storage;
  if (storage.kind === "connection-string") return StorageClients.fromConnectionString(storage.connectionString);
  if (storage.kind === "identity") return StorageClients.fromServiceUrls(storage.tableUrl, storage.queueUrl, credential);
  throw new ConfigError("The bot needs Azure Storage for its state and jobs: set AzureWebJobsStorage (Azurite locally; npm start does it).");
}

/** Teams links chart pictures from this app when it knows its public URL; without one, cards keep today's fallbacks. */
function teamsImageHost(config: AppConfig, overrides: RuntimeOverrides, store: TableChartImages, logger: Logger): ChartImageHost | undefined {
  const fromConfig = config.publicBaseUrl;
  if (fromConfig !== undefined) return chartImageHost(store, () => fromConfig);
  if (overrides.publicBaseUrl) return chartImageHost(store, overrides.publicBaseUrl);
  if (config.mode === "azure") logger.warn("AML_PUBLIC_BASE_URL is not set: Teams cards show large charts as sparklines");
  return undefined;
}

function bindsTeamsGroups(config: AppConfig): boolean {
  return config.file.policy.bindings.some((binding) => binding.groups?.some((group) => group.startsWith("teams:")));
}
