import { readFileSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import type { Logger } from "../../commands/ports/logger.port.js";
import { loadConfig, type Env } from "../../src/config/config.js";
import { LOCAL_USERS } from "../../src/config/local-defaults.js";
import { startAmlEmulator, type RunningAmlEmulator } from "../emulator/aml-emulator.js";
import { loadScenario, type EmulatorScenario } from "../emulator/scenario.js";
import { createRuntime, type BotRuntime, type RuntimeOverrides } from "../../src/compose.js";
import { startAzurite, type AzuriteInstance } from "../azurite.js";
import { connectEmulatorEvents, eventsWebhookUrl } from "./emulator-events.js";
import { probeEmulator } from "./emulator-probe.js";
import { startLocalHost, type LocalHost } from "./local-host.js";
import { startSlackApiStandIn, type SlackApiStandIn } from "./slack-api.stand-in.js";
import { startTeamsConnectorStandIn, type TeamsConnectorStandIn } from "./teams-connector.stand-in.js";

export interface LocalStackOptions {
  /** Where Azurite keeps its data and the emulator its CA; `undefined` keeps Azurite in memory (tests). */
  readonly dataDir?: string;
  readonly ports?: {
    readonly host?: number;
    readonly emulator?: number;
    readonly slack?: number;
    readonly teams?: number;
    readonly table?: number;
    readonly queue?: number;
  };
  /** Extra environment on top of process.env (tests pass their own). */
  readonly env?: Env;
  readonly emulatorLroDelayInMs?: number;
  /** How long a new deployment provisions in the emulator (default AML_EMULATOR_PROVISION_MS, else 5 s: long enough to see its status card move). */
  readonly emulatorProvisionDelayInMs?: number;
  /** The emulator's scenario when AML_EMULATOR_SCENARIO names none (default: the emulator's own). */
  readonly emulatorScenario?: EmulatorScenario;
  readonly logger?: Logger;
  /** Queue poller tuning (tests use short timeouts). */
  readonly visibilityTimeoutInMs?: number;
  readonly maxPollIntervalInMs?: number;
  /** Jobs the queue worker runs at once (default the poller's 4; Azure's Functions host runs up to 24). */
  readonly concurrency?: number;
  /** Digest timer cadence on the local host (default 15 s; 0 turns it off: tests run it with their own clock). */
  readonly digestIntervalInMs?: number;
  /**
   * Use an AML emulator that already runs (`npm run emulator`) when one answers at one of `urls`, trusting the CA in
   * `caFile`, instead of starting one; it is left running on close. Something else answering there is an error.
   */
  readonly runningEmulator?: { readonly urls: readonly string[]; readonly caFile: string };
  /** Reuse services of an earlier stack (a restart test keeps Azurite and the emulator running). */
  readonly reuse?: { readonly azurite?: AzuriteInstance; readonly emulator?: RunningAmlEmulator; readonly slack?: SlackApiStandIn; readonly teams?: TeamsConnectorStandIn };
  /** Parts of the runtime to replace (tests: a fixed clock or ids), passed to `createRuntime`. */
  readonly runtimeOverrides?: RuntimeOverrides;
}

/** An emulator the stack did not start: where it is and the CA to trust, nothing to drive it in-process. */
export interface ExternalEmulator {
  readonly url: string;
  readonly ca: string;
}

/** `E`: the emulator started in-process (tests drive it), or, with `runningEmulator`, possibly one found running. */
export interface LocalStack<E extends ExternalEmulator = RunningAmlEmulator> {
  readonly hostUrl: string;
  readonly azurite: AzuriteInstance;
  readonly emulator: E;
  /** True when the emulator was already running (`npm run emulator`): used, and left running on close. */
  readonly emulatorReused: boolean;
  readonly slack: SlackApiStandIn;
  /** The Bot Framework connector stand-in: the `serviceUrl` of local Teams activities. */
  readonly teams: TeamsConnectorStandIn;
  readonly runtime: BotRuntime;
  readonly host: LocalHost;
  /** Stops the host and what this stack started (not what it reused). */
  close(): Promise<void>;
}

/**
 * Everything `npm start` runs, on loopback: Azurite, the AML emulator, the Slack Web API stand-in, the Teams
 * (Bot Framework connector) stand-in and the Functions handlers on a local host with the queue worker. The bot is configured exactly as in Azure, only
 * with local endpoints.
 */
export function startLocalStack(options?: LocalStackOptions & { readonly runningEmulator?: undefined }): Promise<LocalStack>;
export function startLocalStack(options: LocalStackOptions): Promise<LocalStack<ExternalEmulator>>;
export async function startLocalStack(options: LocalStackOptions = {}): Promise<LocalStack<ExternalEmulator>> {
  const env = { ...process.env, ...options.env };
  const ports = options.ports ?? {};
  const running = options.reuse?.emulator || !options.runningEmulator ? undefined : await findRunningEmulator(options.runningEmulator);
  let started: RunningAmlEmulator | undefined; // the emulator this stack started, closed with it
  const [azurite, emulator, slack, teams] = await Promise.all([
    options.reuse?.azurite ??
      startAzurite({
        ...(options.dataDir ? { location: join(options.dataDir, "azurite") } : {}),
        ...(ports.table !== undefined ? { tablePort: ports.table } : {}),
        ...(ports.queue !== undefined ? { queuePort: ports.queue } : {}),
      }),
    options.reuse?.emulator ?? running ?? startEmulator(env, ports.emulator ?? 0, options).then((emulator) => (started = emulator)),
    options.reuse?.slack ?? startSlackApiStandIn({ port: ports.slack ?? 0 }),
    // The tenant knows the local users by their names, as a team's member list does.
    options.reuse?.teams ?? startTeamsConnectorStandIn({ port: ports.teams ?? 0, people: Object.entries(LOCAL_USERS).map(([name, u]) => ({ aadObjectId: u.teams, name })) }),
  ]);
  const caFile = options.dataDir ? join(options.dataDir, "emulator", "ca.pem") : undefined;
  if (caFile) {
    await mkdir(join(options.dataDir!, "emulator"), { recursive: true });
    await writeFile(caFile, emulator.ca);
  }
  const config = loadConfig(
    {
      ...env,
      AML_MODE: "local",
      AML_EMULATOR_URL: emulator.url,
      AML_EMULATOR_CA_FILE: caFile ?? "(in memory)",
      AzureWebJobsStorage: azurite.connectionString,
      SLACK_API_URL: slack.url,
      // Local Teams: anonymous Bot Framework auth; replies go to the connector stand-in, or to a local Teams client
      // (the Agents Playground) when the activity's serviceUrl is a loopback address.
      TEAMS_CONNECTOR_URL: teams.url,
      AML_LRO_POLL_MS: env.AML_LRO_POLL_MS ?? "100",
    },
    // The emulator's CA is at hand; any other file (AML_CONFIG_FILE) is read as usual.
    (path) => (path === (caFile ?? "(in memory)") ? emulator.ca : readFileSync(path, "utf8")),
  );
  // Chart pictures in Teams cards link to the local host, whose port is known only once it listens.
  const listening: { url?: string } = {};
  const runtime = await createRuntime(config, {
    publicBaseUrl: () => listening.url,
    ...options.runtimeOverrides,
    ...(options.logger ? { logger: options.logger } : {}),
  });
  const host = await startLocalHost({
    runtime,
    port: ports.host ?? 7071,
    ...(options.visibilityTimeoutInMs !== undefined ? { visibilityTimeoutInMs: options.visibilityTimeoutInMs } : {}),
    ...(options.maxPollIntervalInMs !== undefined ? { maxPollIntervalInMs: options.maxPollIntervalInMs } : {}),
    ...(options.concurrency !== undefined ? { concurrency: options.concurrency } : {}),
    ...(options.digestIntervalInMs !== undefined ? { digestIntervalInMs: options.digestIntervalInMs } : {}),
  });
  listening.url = host.url;
  // Model versions registered in the emulator post their card here, as an Event Grid subscription would deliver them.
  if (config.eventsSecret) await connectEmulatorEvents(emulator, eventsWebhookUrl(host.url, config.eventsSecret));
  return {
    hostUrl: host.url,
    azurite,
    emulator,
    emulatorReused: running !== undefined,
    slack,
    teams,
    runtime,
    host,
    async close() {
      await host.close();
      await Promise.all([
        options.reuse?.azurite ? undefined : azurite.close(),
        started?.close(),
        options.reuse?.slack ? undefined : slack.close(),
        options.reuse?.teams ? undefined : teams.close(),
      ]);
    },
  };
}

/** The first of `urls` where the AML emulator answers; undefined when nothing listens at any of them. */
async function findRunningEmulator(options: NonNullable<LocalStackOptions["runningEmulator"]>): Promise<ExternalEmulator | undefined> {
  const ca = await readFile(options.caFile, "utf8").catch(() => undefined);
  for (const url of options.urls) {
    const probe = await probeEmulator(url, ca);
    if (probe.kind === "emulator" && ca !== undefined) return { url: probe.url, ca };
    if (probe.kind === "other") {
      throw new Error(
        `Something other than the AML emulator listens at ${probe.url}: ${probe.detail}. ` +
          "Stop it, or point AML_EMULATOR_URL / AML_EMULATOR_PORT elsewhere (npm run emulator starts the emulator on its own).",
      );
    }
  }
  return undefined;
}

async function startEmulator(env: Env, port: number, options: LocalStackOptions): Promise<RunningAmlEmulator> {
  const scenarioPath = env.AML_EMULATOR_SCENARIO;
  const scenario = scenarioPath ? await loadScenario(scenarioPath) : options.emulatorScenario;
  return startAmlEmulator({
    port,
    lroDelayInMs: options.emulatorLroDelayInMs ?? 300,
    provisionDelayInMs: options.emulatorProvisionDelayInMs ?? (env.AML_EMULATOR_PROVISION_MS ? Number(env.AML_EMULATOR_PROVISION_MS) : (scenario?.provisioning?.deploymentMs ?? 5_000)),
    ...(scenario ? { scenario } : {}),
    ...(options.dataDir ? { tlsCacheDir: join(options.dataDir, "emulator", "tls") } : { tlsCacheDir: false }),
  });
}
