import { randomUUID } from "node:crypto";
import type { TokenCredential } from "@azure/core-auth";
import { CommandCore } from "../commands/command-core.js";
import type { CoreDeps } from "../commands/core-deps.js";
import type { WorkspaceRef } from "../commands/domain/endpoint.js";
import type { AlertBindings } from "../commands/ports/alert-bindings.port.js";
import type { AuditLog } from "../commands/ports/audit-log.port.js";
import type { ChartRenderer } from "../commands/ports/chart.port.js";
import type { ChannelSettings } from "../commands/ports/channel-settings.port.js";
import type { DigestSubscriptions } from "../commands/ports/digest-subscriptions.port.js";
import type { Clock } from "../commands/ports/clock.port.js";
import type { EndpointControl } from "../commands/ports/endpoint-control.port.js";
import type { EndpointScoring } from "../commands/ports/endpoint-scoring.port.js";
import type { Logger } from "../commands/ports/logger.port.js";
import type { EndpointMetricsSource } from "../commands/ports/metrics.port.js";
import type { PendingChanges } from "../commands/ports/pending-change.port.js";
import type { SampleStore } from "../commands/ports/sample-store.port.js";
import { ResvgChartRenderer } from "./charts/chart.png.js";
import type { AppConfig } from "./config/config.js";
import { lazyCredential, lazyPort } from "./lazy.js";
import { JsonLogger } from "./logging/json-logger.js";
import { MemoryAlertBindings } from "./memory/memory.alert-bindings.js";
import { MemoryAuditLog } from "./memory/memory.audit-log.js";
import { MemoryChannelSettings } from "./memory/memory.channel-settings.js";
import { MemoryDigestSubscriptions } from "./memory/memory.digest-subscriptions.js";
import { MemoryPendingChanges } from "./memory/memory.pending-changes.js";
import { MemorySampleStore } from "./memory/memory.sample-store.js";

/** Parts a caller may supply instead of the defaults: tests pass real alternatives, never module mocks. */
export interface AppOverrides {
  readonly credential?: TokenCredential;
  readonly endpoints?: EndpointControl;
  readonly scoring?: EndpointScoring;
  readonly samples?: SampleStore;
  readonly metrics?: EndpointMetricsSource;
  readonly charts?: ChartRenderer;
  readonly audit?: AuditLog;
  readonly channels?: ChannelSettings;
  readonly digestSubscriptions?: DigestSubscriptions;
  readonly alertBindings?: AlertBindings;
  readonly pending?: PendingChanges;
  readonly clock?: Clock;
  readonly logger?: Logger;
  readonly newId?: () => string;
}

export interface App {
  readonly config: AppConfig;
  readonly core: CommandCore;
  readonly deps: CoreDeps;
}

/**
 * The one composition root: everything is wired here with `new`, in the order it depends on. Importing this
 * module does nothing; the Functions entry points, the local host, the CLI and the tests all call it.
 */
export function createApp(config: AppConfig, overrides: AppOverrides = {}): App {
  // Azure SDK ports load on first use (see lazy.ts): the Slack ack path never needs them.
  const credential = overrides.credential ?? createLazyCredential(config);
  const endpoints =
    overrides.endpoints ??
    lazyPort(async () => {
      const { ArmEndpointControl } = await import("./azure/arm.endpoint-control.js");
      return new ArmEndpointControl({
        credential,
        endpoint: config.arm.endpoint,
        ...(config.arm.ca ? { tlsCa: config.arm.ca } : {}),
        ...(config.arm.pollIntervalInMs !== undefined ? { updateIntervalInMs: config.arm.pollIntervalInMs } : {}),
      });
    });
  const logger = overrides.logger ?? new JsonLogger();
  // Scoring URIs are Azure ML's (or the emulator's, trusting the same CA as ARM locally).
  const scoring =
    overrides.scoring ??
    lazyPort(async () => {
      const { ScoringClient } = await import("./azure/scoring.client.js");
      return new ScoringClient({ credential, endpoint: config.arm.endpoint, ...(config.arm.ca ? { tlsCa: config.arm.ca } : {}), logger });
    });
  const workspaces = workspaceRefs(config);
  const deps: CoreDeps = {
    endpoints,
    scoring,
    samples: overrides.samples ?? new MemorySampleStore(),
    // AML_METRICS_ENDPOINT (optional): one metrics endpoint for all regions; otherwise the emulator locally,
    // the region's https://{region}.metrics.monitor.azure.com in Azure.
    metrics:
      overrides.metrics ??
      lazyPort(async () =>
        (await import("./azure/monitor.metrics.js")).createMonitorMetrics({
          credential,
          mode: config.mode,
          armEndpoint: config.arm.endpoint,
          ...(config.arm.ca ? { tlsCa: config.arm.ca } : {}),
          ...(config.metricsEndpoint ? { metricsEndpoint: config.metricsEndpoint } : {}),
        }),
      ),
    charts: overrides.charts ?? new ResvgChartRenderer(),
    audit: overrides.audit ?? new MemoryAuditLog(),
    channels: overrides.channels ?? new MemoryChannelSettings(),
    digestSubscriptions: overrides.digestSubscriptions ?? new MemoryDigestSubscriptions(),
    alertBindings: overrides.alertBindings ?? new MemoryAlertBindings(),
    pending: overrides.pending ?? new MemoryPendingChanges(),
    clock: overrides.clock ?? { now: () => new Date() },
    logger,
    newId: overrides.newId ?? (() => randomUUID()),
    workspaces,
    defaultWorkspace: (config.file.workspaces.find((w) => w.default) ?? config.file.workspaces[0]!).alias,
    policy: config.file.policy,
    pendingTtlInMs: config.pendingTtlInMs,
  };
  return { config, core: new CommandCore(deps), deps };
}

/** The bot's identity (managed identity in Azure, the emulator's locally), with @azure/identity loaded on first use. */
export function createLazyCredential(config: AppConfig): TokenCredential {
  return lazyCredential(async () => (await import("./azure/credentials.js")).createAzureCredential(config));
}

function workspaceRefs(config: AppConfig): WorkspaceRef[] {
  return config.file.workspaces.map(({ alias, subscriptionId, resourceGroup, workspace }) => ({ alias, subscriptionId, resourceGroup, workspace }));
}
