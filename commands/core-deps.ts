import type { WorkspaceRef } from "./domain/endpoint.js";
import type { AlertBindings } from "./ports/alert-bindings.port.js";
import type { PolicyConfig } from "./policy.js";
import type { AuditLog } from "./ports/audit-log.port.js";
import type { ChartRenderer } from "./ports/chart.port.js";
import type { ChannelNotifier } from "./ports/channel-notifier.port.js";
import type { ChannelSettings } from "./ports/channel-settings.port.js";
import type { DigestSubscriptions } from "./ports/digest-subscriptions.port.js";
import type { Clock } from "./ports/clock.port.js";
import type { BotDiagnostics } from "./ports/diagnostics.port.js";
import type { EndpointControl } from "./ports/endpoint-control.port.js";
import type { EndpointLifecycle } from "./ports/endpoint-lifecycle.port.js";
import type { EndpointScoring } from "./ports/endpoint-scoring.port.js";
import type { Freezes } from "./ports/freezes.port.js";
import type { FollowUps } from "./ports/follow-ups.port.js";
import type { Logger } from "./ports/logger.port.js";
import type { EndpointMetricsSource } from "./ports/metrics.port.js";
import type { PendingChanges } from "./ports/pending-change.port.js";
import type { Promotions } from "./ports/promotions.port.js";
import type { SampleStore } from "./ports/sample-store.port.js";

/** Everything the core needs, handed in by the composition root. */
export interface CoreDeps {
  readonly endpoints: EndpointControl;
  /** Model versions, and what creates and removes deployments, endpoints and keys (`aml deploy`, `aml delete`). */
  readonly lifecycle: EndpointLifecycle;
  /** Later checks on long operations (a deployment provisioning), queued with a delay. */
  readonly followUps: FollowUps;
  /** How long between two checks of a provisioning. */
  readonly followUpIntervalInMs: number;
  /** Calls scoring URIs with a key or token the bot obtains itself (`aml invoke`). */
  readonly scoring: EndpointScoring;
  /** Request bodies saved with `aml sample save`, sent as `@name`. */
  readonly samples: SampleStore;
  /** Azure Monitor metrics of endpoints and deployments (`aml metrics`, the digest). */
  readonly metrics: EndpointMetricsSource;
  /** Draws charts as pictures; replies keep the data too, for text fallbacks. */
  readonly charts: ChartRenderer;
  readonly audit: AuditLog;
  readonly channels: ChannelSettings;
  /** Channels' scheduled digests (`aml digest subscribe`); the timer reads them too. */
  readonly digestSubscriptions: DigestSubscriptions;
  /** Which channels receive a workspace's autoscale and alert notifications (`aml alerts bind`). */
  readonly alertBindings: AlertBindings;
  readonly pending: PendingChanges;
  /** Change freezes made in chat (`aml freeze`); the config's weekly ones are in `policy`. */
  readonly freezes: Freezes;
  /** Running and past `aml promote`s: the durable state of each promotion's state machine. */
  readonly promotions: Promotions;
  /**
   * How many times faster than plan time promotions run: holds, soaks and waits are divided by it. 1 in Azure;
   * locally 60 by default, so a one-hour plan finishes in about a minute (AML_PROMOTION_TIME_SCALE).
   */
  readonly promotionTimeScale: number;
  /** Posts and updates messages no user request answers: approval cards in every channel a request went to. */
  readonly notifier: ChannelNotifier;
  /** The checks of `aml doctor` only the runtime can make (a token, permissions, storage, Slack, settings). */
  readonly diagnostics: BotDiagnostics;
  readonly clock: Clock;
  readonly logger: Logger;
  /** New unique ids for pending changes. */
  readonly newId: () => string;
  readonly workspaces: readonly WorkspaceRef[];
  /** Alias of the workspace used when neither the command nor the channel names one. */
  readonly defaultWorkspace: string;
  readonly policy: PolicyConfig;
  /** How long an Apply button stays valid. */
  readonly pendingTtlInMs: number;
}
