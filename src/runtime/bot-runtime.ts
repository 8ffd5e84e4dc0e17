/**
 * What the composition root (src/compose.ts) builds, as its users see it: the core with its dependencies (`App`),
 * and everything one Functions worker process or the local host runs (`BotRuntime`). Types only.
 */
import type { RawHttpRequest, RawHttpResponse } from "../../adapters/http.js";
import type { CommandCore } from "../../commands/command-core.js";
import type { CoreDeps } from "../../commands/core-deps.js";
import type { DigestRunReport, RunDueDigestsOptions } from "../../commands/digest/scheduled-digests.js";
import type { ChannelNotifier } from "../../commands/ports/channel-notifier.port.js";
import type { AppConfig } from "../config/config.js";
import type { Job } from "../storage/job-queue.js";
import type { StorageClients, StorageNames } from "../storage/storage-clients.js";
import type { TableChartImages } from "../storage/table.chart-images.js";
import type { JobDeliveryOutcome } from "./job-runner.js";

/** The core and the dependencies it was built with. */
export interface App {
  readonly config: AppConfig;
  readonly core: CommandCore;
  readonly deps: CoreDeps;
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
  /** `POST /api/events`: Azure ML workspace events through Event Grid, queued and posted to the channels bound to the workspace. */
  handleEventsHttp(request: RawHttpRequest): Promise<RawHttpResponse>;
  /** Chart pictures served at `GET /api/charts/{id}` (linked from Teams cards). */
  readonly chartImages: TableChartImages;
  /** Posts to a channel unprompted (digests, alerts), through the chat adapter of its platform. */
  readonly notifier: ChannelNotifier;
  /** The digest timer's work: sends each scheduled digest due by `now` (default: the clock), once across instances. */
  runDueDigests(now?: Date, options?: RunDueDigestsOptions): Promise<DigestRunReport[]>;
  /** The same timer's other work: ends the approval requests past their expiry (their cards say so); returns how many. */
  expireApprovals(now?: Date): Promise<number>;
}
