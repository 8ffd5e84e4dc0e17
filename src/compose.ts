/**
 * The one composition root: everything is wired here with `new`, in the order it depends on, and importing this
 * module does nothing. `createRuntime` builds the bot as Azure runs it (stores in Azure Tables, jobs on the Storage
 * queue); `createApp` builds the core alone, for callers with no storage account (unit tests of the core, the
 * terminal without a stack), which must hand it their stores: in-memory stores are never a default.
 *
 * Lazy loading happens here too, and only here (`LAZY`): what a Slack acknowledgement does not need (ARM, scoring,
 * Azure Monitor, identity, the Teams SDK, the alerts webhook) is imported on first use. The one other `import()` is
 * of this module itself, by the runtime accessor (src/runtime/runtime-accessor.ts).
 */
import { randomUUID } from "node:crypto";
import type { TokenCredential } from "@azure/core-auth";
import type { AzureMonitorBridge } from "../adapters/azure-monitor/azure-monitor.bridge.js";
import { parseChatJob, type ChatPlatform } from "../adapters/chat-job.js";
import type { SlackAdapter } from "../adapters/slack/slack.adapter.js";
import type { ChartImageHost } from "../adapters/teams/chart-hosting.js";
import type { TeamsAdapter } from "../adapters/teams/teams.adapter.js";
import { CommandCore } from "../commands/command-core.js";
import type { CoreDeps } from "../commands/core-deps.js";
import { expireApprovals } from "../commands/approvals/approval-flow.js";
import { runDueDigests } from "../commands/digest/scheduled-digests.js";
import type { WorkspaceRef } from "../commands/domain/endpoint.js";
import type { WorkspaceEvent } from "../commands/events/workspace-event.js";
import { ConfigError } from "../commands/errors.js";
import type { ChannelNotifier } from "../commands/ports/channel-notifier.port.js";
import type { ChartRenderer } from "../commands/ports/chart.port.js";
import type { BotDiagnostics } from "../commands/ports/diagnostics.port.js";
import type { Clock } from "../commands/ports/clock.port.js";
import type { EndpointControl } from "../commands/ports/endpoint-control.port.js";
import type { EndpointLifecycle } from "../commands/ports/endpoint-lifecycle.port.js";
import type { EndpointScoring } from "../commands/ports/endpoint-scoring.port.js";
import type { Logger } from "../commands/ports/logger.port.js";
import type { EndpointMetricsSource } from "../commands/ports/metrics.port.js";
import { ResvgChartRenderer } from "./charts/chart.png.js";
import type { AppConfig } from "./config/config.js";
import { lazyCredential, lazyPort, memoise } from "./lazy.js";
import { JsonLogger } from "./logging/json-logger.js";
import { slackPoster, teamsPoster } from "./notify/chat-posters.js";
import { ChatNotifier } from "./notify/chat.notifier.js";
import { alertsSettingsOf, type AlertsSettings } from "./runtime/alerts-settings.js";
import type { App, BotRuntime } from "./runtime/bot-runtime.js";
import { chartImageHost } from "./runtime/chart-image-host.js";
import { JobRunner } from "./runtime/job-runner.js";
import { FOLLOW_UP_JOB, followUpOf, QueueFollowUps } from "./runtime/queue-follow-ups.js";
import { deferredEventJob, EVENT_JOB, eventJob, workspaceEventOf } from "./events/event-jobs.js";
import { JobQueue, type Job } from "./storage/job-queue.js";
import { DEFAULT_STORAGE_NAMES, StorageClients, type StorageNames } from "./storage/storage-clients.js";
import { ALERT_BINDINGS_TABLE, TableAlertBindings } from "./storage/table.alert-bindings.js";
import { ALERT_LEDGER_TABLE, TableAlertLedger } from "./storage/table.alert-ledger.js";
import { TableAuditLog } from "./storage/table.audit-log.js";
import { TableChannelSettings } from "./storage/table.channel-settings.js";
import { CHART_IMAGES_TABLE, TableChartImages } from "./storage/table.chart-images.js";
import { DIGEST_RUNS_TABLE, DIGEST_SUBSCRIPTIONS_TABLE, TableDigestSubscriptions } from "./storage/table.digest-subscriptions.js";
import { FREEZES_TABLE, TableFreezes } from "./storage/table.freezes.js";
import { TableJobLedger } from "./storage/table.job-ledger.js";
import { MESSAGE_REFS_TABLE, TableMessageRefs } from "./storage/table.message-refs.js";
import { TablePendingChanges } from "./storage/table.pending-changes.js";
import { PROMOTIONS_TABLE, TablePromotions } from "./storage/table.promotions.js";
import { SAMPLES_TABLE, TableSampleStore } from "./storage/table.samples.js";

export type { App, BotRuntime } from "./runtime/bot-runtime.js";

/**
 * Where the core keeps its state and queues its follow-ups: Azure Tables and the job queue in `createRuntime`; memory
 * and in-process timers (src/memory/memory-stores.ts) only when handed in. The fields are the core's own.
 */
export type CoreStores = Pick<CoreDeps, "followUps" | "samples" | "audit" | "channels" | "digestSubscriptions" | "alertBindings" | "pending" | "freezes" | "promotions">;

/** Parts a caller may supply instead of the defaults: tests pass real alternatives, never module mocks. */
export interface AppOverrides extends Partial<CoreStores> {
  readonly credential?: TokenCredential;
  readonly endpoints?: EndpointControl;
  readonly lifecycle?: EndpointLifecycle;
  readonly scoring?: EndpointScoring;
  readonly metrics?: EndpointMetricsSource;
  readonly charts?: ChartRenderer;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly newId?: () => string;
  /** Where approval cards go; without one (the terminal, core tests) every channel is unreachable and the answer is the card. */
  readonly notifier?: ChannelNotifier;
  /** `aml doctor`'s runtime checks; default the real ones (token, ARM permissions, storage, Slack, settings). */
  readonly diagnostics?: BotDiagnostics;
}

/**
 * What `createApp` needs: every store, and optionally anything else. `storage` is the account behind the stores, which
 * `aml doctor` checks (createRuntime passes its own; without one, state is in memory and there is nothing to check).
 */
export type AppParts = AppOverrides & CoreStores & { readonly storage?: { readonly clients: StorageClients; readonly names: StorageNames } };

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

/** Every module the runtime imports on first use. */
const LAZY = {
  credentials: () => import("./azure/credentials.js"),
  arm: () => import("./azure/arm.endpoint-control.js"),
  lifecycle: () => import("./azure/arm.endpoint-lifecycle.js"),
  scoring: () => import("./azure/scoring.client.js"),
  metrics: () => import("./azure/monitor.metrics.js"),
  slack: () => import("../adapters/slack/slack.adapter.js"),
  teams: () =>
    Promise.all([import("../adapters/teams/teams.adapter.js"), import("./storage/table.conversation-references.js"), import("./azure/graph.group-directory.js")]),
  alerts: () => Promise.all([import("../adapters/azure-monitor/azure-monitor.bridge.js"), import("../commands/alerts/alert-dispatcher.js")]),
  events: () => Promise.all([import("./events/event-grid.bridge.js"), import("../commands/events/event-dispatcher.js")]),
  diagnostics: () => Promise.all([import("./diagnostics/runtime.diagnostics.js"), import("./azure/arm.permissions.js")]),
};

/** The core over the stores given, with the Azure ports (loaded on first use) unless overridden. */
export function createApp(config: AppConfig, parts: AppParts): App {
  const credential = parts.credential ?? createLazyCredential(config);
  const tlsCa = config.arm.ca ? { tlsCa: config.arm.ca } : {};
  const retry = config.arm.retryDelayInMs !== undefined ? { retryOptions: { retryDelayInMs: config.arm.retryDelayInMs } } : {};
  const logger = parts.logger ?? new JsonLogger();
  const endpoints =
    parts.endpoints ??
    lazyPort(async () => {
      const { ArmEndpointControl } = await LAZY.arm();
      const poll = config.arm.pollIntervalInMs !== undefined ? { updateIntervalInMs: config.arm.pollIntervalInMs } : {};
      return new ArmEndpointControl({ credential, endpoint: config.arm.endpoint, ...tlsCa, ...retry, ...poll });
    });
  const lifecycle =
    parts.lifecycle ??
    lazyPort(async () => {
      const { ArmEndpointLifecycle } = await LAZY.lifecycle();
      const poll = config.arm.pollIntervalInMs !== undefined ? { updateIntervalInMs: config.arm.pollIntervalInMs } : {};
      return new ArmEndpointLifecycle({ credential, endpoint: config.arm.endpoint, ...tlsCa, ...retry, ...poll });
    });
  // Scoring URIs are Azure ML's (or the emulator's, trusting the same CA as ARM locally).
  const scoring =
    parts.scoring ?? lazyPort(async () => new (await LAZY.scoring()).ScoringClient({ credential, endpoint: config.arm.endpoint, ...tlsCa, logger }));
  // AML_METRICS_ENDPOINT (optional): one metrics endpoint for all regions; otherwise the emulator locally,
  // the region's https://{region}.metrics.monitor.azure.com in Azure.
  const metrics =
    parts.metrics ??
    lazyPort(async () =>
      (await LAZY.metrics()).createMonitorMetrics({
        credential,
        mode: config.mode,
        armEndpoint: config.arm.endpoint,
        ...tlsCa,
        ...(config.metricsEndpoint ? { metricsEndpoint: config.metricsEndpoint } : {}),
      }),
    );
  const diagnostics =
    parts.diagnostics ??
    lazyPort(async () => {
      const [{ RuntimeDiagnostics }, { ArmPermissions }] = await LAZY.diagnostics();
      const permissions = new ArmPermissions({ credential, endpoint: config.arm.endpoint, ...tlsCa, ...retry });
      return new RuntimeDiagnostics({ config, credential, permissions, ...(parts.storage ? { storage: parts.storage } : {}) });
    });
  const deps: CoreDeps = {
    endpoints,
    lifecycle,
    scoring,
    metrics,
    samples: parts.samples,
    charts: parts.charts ?? new ResvgChartRenderer(),
    audit: parts.audit,
    channels: parts.channels,
    digestSubscriptions: parts.digestSubscriptions,
    alertBindings: parts.alertBindings,
    pending: parts.pending,
    freezes: parts.freezes,
    promotions: parts.promotions,
    promotionTimeScale: config.promotionTimeScale,
    notifier: parts.notifier ?? NO_CHANNELS,
    diagnostics,
    followUps: parts.followUps,
    followUpIntervalInMs: config.followUpIntervalInMs,
    clock: parts.clock ?? SYSTEM_CLOCK,
    logger,
    newId: parts.newId ?? (() => randomUUID()),
    workspaces: workspaceRefs(config),
    defaultWorkspace: (config.file.workspaces.find((w) => w.default) ?? config.file.workspaces[0]!).alias,
    policy: config.file.policy,
    pendingTtlInMs: config.pendingTtlInMs,
  };
  const core = new CommandCore(deps);
  // In-process follow-ups (core tests, the terminal) run through the core they were handed with; the queue's are
  // handed back by `handleJob`.
  (parts.followUps as { attach?: (runner: CommandCore) => void }).attach?.(core);
  return { config, core, deps };
}

/** The bot: the core on Azure Tables, the job queue and runner, the chat adapters (built on first use) and the alerts webhook. */
export async function createRuntime(config: AppConfig, overrides: RuntimeOverrides = {}): Promise<BotRuntime> {
  // One credential for ARM and storage: the managed identity in Azure, the emulator's locally.
  const credential = overrides.credential ?? createLazyCredential(config);
  const storage = storageClients(config, credential);
  const names: StorageNames = { ...DEFAULT_STORAGE_NAMES, jobsQueue: config.jobQueue };
  // No storage round trip before the first answer: the deployment creates the tables and queues, and the clients
  // create one the first time a call finds it missing (src/storage/storage-clients.ts).
  // Before the stores: follow-ups are jobs on the same queue.
  const queue = new JobQueue(storage.queue(names.jobsQueue));
  const queueFollowUps = new QueueFollowUps(queue, overrides.clock ?? SYSTEM_CLOCK);
  const stores: CoreStores = {
    followUps: overrides.followUps ?? queueFollowUps,
    audit: overrides.audit ?? new TableAuditLog(storage.table(names.auditTable)),
    pending: overrides.pending ?? new TablePendingChanges(storage.table(names.pendingChangesTable)),
    channels: overrides.channels ?? new TableChannelSettings(storage.table(names.channelSettingsTable)),
    samples: overrides.samples ?? new TableSampleStore(storage.table(SAMPLES_TABLE)),
    alertBindings: overrides.alertBindings ?? new TableAlertBindings(storage.table(ALERT_BINDINGS_TABLE)),
    freezes: overrides.freezes ?? new TableFreezes(storage.table(FREEZES_TABLE)),
    promotions: overrides.promotions ?? new TablePromotions(storage.table(PROMOTIONS_TABLE)),
    // Digest runs keep their own, longer lease: they are claimed without a heartbeat.
    digestSubscriptions:
      overrides.digestSubscriptions ??
      new TableDigestSubscriptions(storage.table(DIGEST_SUBSCRIPTIONS_TABLE), storage.table(DIGEST_RUNS_TABLE), overrides.clock ? { clock: overrides.clock } : {}),
  };
  // The notifier posts through the chat adapters, which need the core: the core gets it through this late binding.
  const late: { notifier?: ChatNotifier } = {};
  const lateNotifier: ChannelNotifier = { post: (channel, reply, options) => late.notifier!.post(channel, reply, options) };
  const app = createApp(config, { notifier: lateNotifier, ...overrides, ...stores, credential, storage: { clients: storage, names } });
  const { clock, logger } = app.deps;
  const jobRunner = new JobRunner({ ledger: new TableJobLedger(storage.table(names.jobLedgerTable), { clock, leaseInMs: config.jobLeaseInMs }), queue, logger, clock });
  const chartImages = new TableChartImages(storage.table(CHART_IMAGES_TABLE), { clock });
  const imageHost = teamsImageHost(config, overrides, chartImages, logger);
  /** Where both chat adapters put slow work: the queue, stamped with when it was queued. */
  const jobs = { enqueue: async (job: Omit<Job, "enqueuedAt">): Promise<void> => void (await queue.enqueue({ ...job, enqueuedAt: clock.now().toISOString() })) };

  const slackAdapter = memoise(
    async (): Promise<SlackAdapter> =>
      (await LAZY.slack()).createSlackAdapter({
        core: app.core,
        signingSecret: config.slack.signingSecret,
        botToken: config.slack.botToken,
        botId: config.slack.botId,
        botUserId: config.slack.botUserId,
        commandName: config.slack.commandName,
        ...(config.slack.apiUrl ? { slackApiUrl: config.slack.apiUrl } : {}),
        jobs,
        logger,
        clock,
        ...(overrides.fetch ? { fetch: overrides.fetch } : {}),
      }),
  );

  const teamsAdapter = memoise(async (): Promise<TeamsAdapter> => {
    const [{ createTeamsAdapter }, { TableConversationReferences }, { GraphGroupDirectory }] = await LAZY.teams();
    // Graph is asked only when a role is bound to a Teams group: otherwise there is nothing to look up.
    const directory = bindsTeamsGroups(config)
      ? new GraphGroupDirectory({ credential, endpoint: config.graphEndpoint, ...(config.arm.ca ? { tlsCa: config.arm.ca } : {}), logger, clock })
      : undefined;
    return createTeamsAdapter({
      core: app.core,
      auth: config.teams.auth,
      ...(directory ? { directory } : {}),
      jobs,
      store: new TableConversationReferences(storage.table(names.teamsConversationsTable), { clock }),
      logger,
      ...(config.teams.connectorUrl ? { serviceUrlOverride: config.teams.connectorUrl } : {}),
      ...(imageHost ? { imageHost } : {}),
    });
  });

  /** The adapter that runs a chat job, by the platform the job names (loaded on its first request or job). */
  const chatAdapters: Record<ChatPlatform, () => Promise<SlackAdapter | TeamsAdapter>> = { slack: slackAdapter, teams: teamsAdapter };

  const notifier = new ChatNotifier({
    posters: { slack: slackPoster(slackAdapter), teams: teamsPoster(teamsAdapter) },
    refs: new TableMessageRefs(storage.table(MESSAGE_REFS_TABLE), { clock }),
    logger,
  });

  late.notifier = notifier;

  // The `/api/alerts` side: the Azure Monitor bridge over the alert dispatcher, posting through the notifier.
  const alertsBridge = memoise(async (): Promise<AzureMonitorBridge> => {
    const [{ createAzureMonitorBridge }, { AlertDispatcher }] = await LAZY.alerts();
    const settings = overrides.alerts ?? alertsSettingsOf(config);
    const dispatcher = new AlertDispatcher({
      bindings: app.deps.alertBindings,
      ledger: new TableAlertLedger(storage.table(ALERT_LEDGER_TABLE), { clock }),
      notifier,
      workspaces: app.deps.workspaces,
      logger,
      burstWindowInMs: settings.burstWindowInMs,
    });
    return createAzureMonitorBridge({ secret: settings.secret, dispatcher, logger, clock });
  });

  // The `/api/events` side: Event Grid deliveries acknowledged once queued, one job per event (keyed by its id, so a
  // duplicate delivery is the same job); the worker posts each to the channels bound to its workspace.
  const eventsSide = memoise(async () => {
    const [{ createEventGridBridge }, { WorkspaceEventDispatcher }] = await LAZY.events();
    const dispatcher = new WorkspaceEventDispatcher({
      bindings: app.deps.alertBindings,
      notifier,
      endpoints: app.deps.endpoints,
      workspaces: app.deps.workspaces,
      rules: config.file.events ?? [],
      clock,
      logger,
    });
    const sink = {
      enqueue: async (events: readonly WorkspaceEvent[], options: { abortSignal?: AbortSignal } = {}): Promise<void> => {
        for (let i = 0; i < events.length; i += EVENT_ENQUEUE_PARALLELISM) {
          await Promise.all(events.slice(i, i + EVENT_ENQUEUE_PARALLELISM).map((e) => queue.enqueue(eventJob(e, clock.now()), options)));
        }
      },
    };
    return { dispatcher, bridge: createEventGridBridge({ secret: config.eventsSecret, sink, logger, clock }) };
  });

  const handleJob: BotRuntime["handleJob"] = (job, options = {}) =>
    jobRunner.run(
      job,
      async (signal) => {
        if (job.kind === EVENT_JOB) {
          const outcome = await (await eventsSide()).dispatcher.dispatch(workspaceEventOf(job), { abortSignal: signal });
          if (outcome.kind === "deferred") await queue.enqueue(deferredEventJob(job, clock.now()), { delayInMs: outcome.delayInMs, abortSignal: signal });
          return `workspace event ${outcome.kind}`;
        }
        if (job.kind === FOLLOW_UP_JOB) {
          await app.core.followUp(followUpOf(job), { abortSignal: signal });
          return "follow-up done";
        }
        // InvalidJobError for a job no platform would read; the platform's adapter checks the rest (its address).
        const { platform } = parseChatJob(job).payload;
        // Aborted when the worker stops or another worker took the job over (this one's lease lapsed).
        await (await chatAdapters[platform]()).handleJob(job, { abortSignal: signal });
        return `${platform} job done`;
      },
      options.abortSignal ? { abortSignal: options.abortSignal } : {},
    );
  // A follow-up the core starts here (a promotion's first step, right after its Apply) runs as a delivery would.
  queueFollowUps.attach({ run: handleJob, copyDelayInMs: jobRunner.watchdogDelayInMs, logger });

  return {
    config,
    app,
    storage,
    names,
    chartImages,
    notifier,
    runDueDigests: (now = clock.now(), options = {}) => runDueDigests({ ...app.deps, notifier }, now, options),
    expireApprovals: (now = clock.now()) => expireApprovals(app.deps, now),
    handleSlackHttp: async (request) => (await slackAdapter()).handleHttp(request),
    handleTeamsHttp: async (request) => (await teamsAdapter()).handleHttp(request),
    handleAlertsHttp: async (request) => (await alertsBridge()).handleHttp(request),
    handleEventsHttp: async (request) => (await eventsSide()).bridge.handleHttp(request),
    handleJob,
  };
}

const SYSTEM_CLOCK: Clock = { now: () => new Date() };

/** Queue writes of one Event Grid batch in flight at once: a 1,000-event batch is acknowledged in seconds, not minutes. */
const EVENT_ENQUEUE_PARALLELISM = 16;

/** A notifier with no chat behind it: every channel is unreachable, so whoever asked gets the card as the answer. */
const NO_CHANNELS: ChannelNotifier = {
  post: async (channel) => ({ kind: "unreachable", message: `No chat is connected to post to ${channel.platform} channels.` }),
};

/** The bot's identity (managed identity in Azure, the emulator's locally), with @azure/identity loaded on first use. */
function createLazyCredential(config: AppConfig): TokenCredential {
  return lazyCredential(async () => (await LAZY.credentials()).createAzureCredential(config));
}

function workspaceRefs(config: AppConfig): WorkspaceRef[] {
  return config.file.workspaces.map(({ alias, subscriptionId, resourceGroup, workspace }) => ({ alias, subscriptionId, resourceGroup, workspace }));
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
