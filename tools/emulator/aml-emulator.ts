/**
 * A loopback HTTPS server that speaks the Azure Resource Manager shapes of Azure ML managed online
 * endpoints and deployments (and issues the Entra tokens to call it), the way Azurite speaks Storage.
 * The real `@azure/arm-machinelearning` client can be pointed at `url`, trusting `ca`.
 *
 * Planes are route modules registered below; the scoring plane and the metrics API join the same way.
 */
import { createServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import { controlRoutes, type RecordedRequest } from "./control.routes.js";
import { EventPublisher } from "./event-publisher.js";
import { eventRoutes } from "./event.routes.js";
import { deploymentRoutes } from "./deployment.routes.js";
import { endpointActionRoutes } from "./endpoint-actions.routes.js";
import { endpointRoutes } from "./endpoint.routes.js";
import { Faults, type FaultControl } from "./faults.js";
import type { MetricsControl } from "./metrics-control.js";
import { createMetricsPlane } from "./metrics.routes.js";
import { graphRoutes } from "./graph.routes.js";
import { OperationRegistry } from "./lro.js";
import { modelRoutes } from "./model.routes.js";
import { operationRoutes } from "./operation.routes.js";
import { DEFAULT_GRANTS, permissionsRoutes } from "./permissions.routes.js";
import { rbacEnforcer } from "./rbac-enforcement.js";
import { QuotaBook, type QuotaControl } from "./quota.js";
import { quotaRoutes } from "./quota.routes.js";
import { applyOutOfBandChange } from "./out-of-band.js";
import { createRequestHandler } from "./request-pipeline.js";
import { Router } from "./router.js";
import { DEFAULT_TOKEN_LIFETIME_SECONDS, defaultScenario, parseScenario, type EmulatorScenario } from "./scenario.js";
import { scoringControlRoutes } from "./scoring-control.routes.js";
import { ScoringPlane, type ScoringControl } from "./scoring-plane.js";
import { scoringRoutes } from "./scoring.routes.js";
import { createState, seedState } from "./seed.js";
import type { EmulatorServices } from "./services.js";
import { newEndpointKey } from "./state.js";
import { loadOrCreateTls, DEFAULT_TLS_CACHE_DIR } from "./tls.js";
import { TokenIssuer, type IssueTokenOptions } from "./token-issuer.js";
import { tokenRoutes } from "./token.routes.js";
import { workspaceRoutes } from "./workspace.routes.js";

export type { EmulatorScenario } from "./scenario.js";
export type { FaultControl } from "./faults.js";
export type { RecordedRequest } from "./control.routes.js";
export type { IssueTokenOptions } from "./token-issuer.js";
export type { ScoringControl, ScoringTarget } from "./scoring-plane.js";
export type { MetricsControl } from "./metrics-control.js";
export type { QuotaControl, FamilyUsage } from "./quota.js";

export interface AmlEmulatorOptions {
  /** 0 (default) = a random free port. The server binds 127.0.0.1 only. */
  port?: number;
  /** Default: `defaultScenario()`. */
  scenario?: EmulatorScenario;
  /** How long provisioningState stays Creating/Updating/Deleting (default 300). */
  lroDelayInMs?: number;
  /**
   * How long a new deployment stays Creating before it serves (default: the scenario's `provisioning.deploymentMs`,
   * else `lroDelayInMs`). Azure takes minutes; `npm run emulator` uses a few seconds (`AML_EMULATOR_PROVISION_MS`).
   */
  provisionDelayInMs?: number;
  /** Default: a self-signed certificate for 127.0.0.1/localhost (see `tlsCacheDir`). `ca` defaults to `cert`. */
  tls?: { key: string; cert: string; ca?: string };
  /** Where the generated certificate is cached (default `.data/emulator/tls`); `false` = generate a fresh one, no files. */
  tlsCacheDir?: string | false;
  /** The scoring plane's random numbers (routing, mirroring, error rates). Default: seeded from the scenario. */
  random?: () => number;
}

export interface RunningAmlEmulator {
  /** e.g. `https://127.0.0.1:49152` (no trailing slash). */
  url: string;
  /** PEM that clients must trust (`tlsOptions: { ca }`, or `NODE_EXTRA_CA_CERTS`). */
  ca: string;
  /** The scenario in force: subscriptionId, resourceGroup, workspaces, endpoint keys... */
  scenario: EmulatorScenario;
  faults: FaultControl;
  /** The scoring plane: counts per deployment, events, per-deployment latency / error rate / model. */
  scoring: ScoringControl;
  /** The Azure Monitor metrics plane: degradations, per-metric failures, how many metrics calls were served. */
  metrics: MetricsControl;
  /** Compute quota per VM family: limits, usage outside the endpoints, what each region has left. */
  quota: QuotaControl;
  /** Where ModelRegistered events go when a version is registered (`POST /__emulator/models`), and what was sent. */
  events: EventPublisher;
  /** Every ARM/token request received (not `/__emulator/*`), oldest first; cleared by `reset()`. */
  requests: RecordedRequest[];
  /** The OAuth2 v2 token endpoint, e.g. for `ClientSecretCredential` (authorityHost = `url`). */
  tokenUrl(tenantId?: string): string;
  /** Mints an access token without an HTTP round trip (default: ARM audience, scenario tenant). */
  issueToken(options?: IssueTokenOptions): string;
  /** Restores the scenario state, cancels operations in flight, clears faults, quota changes and the request log,
   * and puts the scoring plane back to the scenario (knobs, counts, random sequence). */
  reset(): void;
  close(): Promise<void>;
}

export async function startAmlEmulator(options: AmlEmulatorOptions = {}): Promise<RunningAmlEmulator> {
  const scenario = withStableKeys(parseScenario(options.scenario ?? defaultScenario()));
  const tls =
    options.tls === undefined
      ? await loadOrCreateTls(options.tlsCacheDir ?? DEFAULT_TLS_CACHE_DIR)
      : { key: options.tls.key, cert: options.tls.cert, ca: options.tls.ca ?? options.tls.cert };

  let baseUrl = "";
  const state = createState(scenario);
  const lroDelayInMs = options.lroDelayInMs ?? 300;
  const operations = new OperationRegistry(lroDelayInMs);
  const faults = new Faults((id, change, by) => {
    applyOutOfBandChange(state, id, change, by);
    // Declared below; an out-of-band change only ever happens once the emulator runs.
    metrics.observeTraffic();
  });
  const issuer = new TokenIssuer(() => baseUrl, scenario.tenantId, scenario.auth?.tokenLifetimeSeconds ?? DEFAULT_TOKEN_LIFETIME_SECONDS);
  const requests: RecordedRequest[] = [];
  const quota = new QuotaBook(scenario.quota, state);
  const services: EmulatorServices = {
    state,
    operations,
    faults,
    issuer,
    quota,
    tenantId: scenario.tenantId,
    provisionDelayInMs: options.provisionDelayInMs ?? scenario.provisioning?.deploymentMs ?? lroDelayInMs,
    baseUrl: () => baseUrl,
  };
  const scoring = new ScoringPlane(scenario, state, options.random);
  const events = new EventPublisher();
  const metrics = createMetricsPlane(services, scenario, { events: () => scoring.events(), knobsOf: (deployment) => scoring.knobsOf(deployment) });

  const reset = (): void => {
    operations.cancelAll();
    seedState(state, scenario);
    faults.clear();
    quota.reset();
    scoring.reset();
    metrics.reset();
    requests.length = 0;
  };

  const router = new Router().add(
    ...workspaceRoutes(services),
    ...permissionsRoutes(services, () => scenario.permissions ?? DEFAULT_GRANTS),
    // Endpoint writes date their traffic changes for the metrics plane, so windows after a change see the new split.
    ...metrics.watchingWrites(endpointRoutes(services)),
    ...endpointActionRoutes(services),
    ...deploymentRoutes(services),
    ...modelRoutes(services),
    ...quotaRoutes(services, quota),
    ...operationRoutes(services),
    ...scoringRoutes({ services, plane: scoring }),
    ...scoringControlRoutes(scoring),
    ...metrics.routes,
    ...graphRoutes({ issuer, memberships: () => lowerCaseKeys(scenario.graph?.memberships ?? {}) }),
    ...tokenRoutes({ issuer, tenantId: scenario.tenantId, ...(scenario.auth?.clients === undefined ? {} : { clients: scenario.auth.clients }) }),
    ...eventRoutes(services, events),
    ...controlRoutes({
      services,
      requests,
      reset,
      health: () => ({ status: "ok", url: baseUrl, subscriptionId: scenario.subscriptionId, tenantId: scenario.tenantId }),
    }),
  );

  const server = createServer({ key: tls.key, cert: tls.cert }, createRequestHandler({ router, issuer, faults, requests, baseUrl: () => baseUrl, authorize: rbacEnforcer(() => scenario.permissions) }));
  const port = await listen(server, options.port ?? 0);
  baseUrl = `https://127.0.0.1:${port}`;
  let closing: Promise<void> | undefined;

  return {
    url: baseUrl,
    ca: tls.ca,
    scenario,
    faults,
    scoring,
    metrics: metrics.control,
    quota,
    events,
    requests,
    tokenUrl: (tenantId = scenario.tenantId) => `${baseUrl}/${tenantId}/oauth2/v2.0/token`,
    issueToken: (tokenOptions) => issuer.issue(tokenOptions).accessToken,
    reset,
    close: () => {
      closing ??= new Promise<void>((resolve, reject) => {
        operations.cancelAll();
        server.close((error) => (error === undefined ? resolve() : reject(error)));
        // Keep-alive sockets would hold close() open until they time out.
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const onError = (error: NodeJS.ErrnoException) => {
      reject(error.code === "EADDRINUSE" ? new Error(`AML emulator: port ${port} on 127.0.0.1 is already in use.`) : error);
    };
    server.once("error", onError);
    server.listen(port, "127.0.0.1", () => {
      server.off("error", onError);
      resolve((server.address() as AddressInfo).port);
    });
  });
}

/** Endpoint keys are generated once per emulator, so `reset()` brings back the same keys. */
function withStableKeys(scenario: EmulatorScenario): EmulatorScenario {
  const copy = structuredClone(scenario);
  for (const ws of copy.workspaces) {
    for (const endpoint of ws.endpoints) {
      endpoint.keys ??= { primaryKey: newEndpointKey(), secondaryKey: newEndpointKey() };
    }
  }
  return copy;
}

/** Graph ids are case-insensitive GUIDs. */
function lowerCaseKeys(map: Record<string, string[]>): Record<string, string[]> {
  return Object.fromEntries(Object.entries(map).map(([key, value]) => [key.toLowerCase(), value]));
}
