/**
 * `npm start`: the whole bot on this machine, on embedded defaults. Azurite keeps its data under .data/ so a
 * restart loses nothing. The AML emulator starts from its scenario each time, unless one already runs (`npm run
 * emulator` in another terminal, at AML_EMULATOR_URL or on the port npm start would use): then that one is used and
 * left running, so Azure's side survives a restart of the bot.
 */
import { join } from "node:path";
import { loadDotEnv } from "../../src/config/dot-env.js";
import { JsonLogger } from "../../src/logging/json-logger.js";
import { removeLocalStackNote, writeLocalStackNote } from "./local-stack.file.js";
import { defaultScenario, type EmulatorScenario } from "../emulator/scenario.js";
import { startLocalStack } from "./local-stack.js";
import { startSlackPage } from "./slack-page/slack-page.server.js";
import { startTeamsPlayground } from "./playground.js";

function port(name: string, fallback: number): number {
  const raw = process.env[name];
  const value = raw ? Number(raw) : fallback;
  if (!Number.isInteger(value) || value < 0 || value > 65535) throw new Error(`${name} must be a port number, got '${raw}'.`);
  return value;
}

async function main(): Promise<void> {
  loadDotEnv();
  const started = Date.now();
  const emulatorPort = port("AML_EMULATOR_PORT", 7400);
  const emulatorUrls = [process.env.AML_EMULATOR_URL, emulatorPort > 0 ? `https://127.0.0.1:${emulatorPort}` : undefined]
    .filter((url): url is string => Boolean(url))
    .map((url) => url.replace(/\/+$/, ""));
  const stack = await startLocalStack({
    dataDir: ".data",
    runningEmulator: { urls: [...new Set(emulatorUrls)], caFile: process.env.AML_EMULATOR_CA_FILE || join(".data", "emulator", "ca.pem") },
    ports: {
      host: port("PORT", 7071),
      emulator: emulatorPort,
      slack: port("SLACK_STAND_IN_PORT", 7410),
      teams: port("TEAMS_STAND_IN_PORT", 7420),
      table: port("AZURITE_TABLE_PORT", 10002),
      queue: port("AZURITE_QUEUE_PORT", 10001),
    },
    logger: new JsonLogger(),
    emulatorScenario: demoScenario(),
    ...(process.env.AML_LOCAL_DIGEST_INTERVAL_MS ? { digestIntervalInMs: Number(process.env.AML_LOCAL_DIGEST_INTERVAL_MS) } : {}),
  });
  // Microsoft's Teams client takes a few seconds to load its bundle: npm start does not wait for it (its URL is
  // printed when it listens). TEAMS_PLAYGROUND=off leaves it out.
  const playground =
    process.env.TEAMS_PLAYGROUND === "off"
      ? undefined
      : startTeamsPlayground({ botEndpoint: `${stack.hostUrl}/api/teams/messages`, port: port("TEAMS_PLAYGROUND_PORT", 7440), workDir: join(".data", "playground") }).catch(
          (error: unknown) => {
            console.error(`The Teams playground did not start; the rest runs. ${error instanceof Error ? error.message : String(error)}`);
            return undefined;
          },
        );
  // The Slack-like page signs what it sends with the bot's own secret, read here and never handed to the browser.
  const slackPage = await startSlackPage({
    slack: stack.slack,
    hostUrl: stack.hostUrl,
    signingSecret: stack.runtime.config.slack.signingSecret,
    emulator: { url: stack.emulator.url, ca: stack.emulator.ca },
    port: port("SLACK_PAGE_PORT", 7430),
  });
  const lines = [
    `aml-chatops is ready in ${((Date.now() - started) / 1000).toFixed(1)} s`,
    `  Functions host   ${stack.hostUrl}/api/slack/events · ${stack.hostUrl}/api/teams/messages · ${stack.hostUrl}/api/health`,
    stack.emulatorReused
      ? `  AML emulator     ${stack.emulator.url} (already running: used as is, and left running when this stops)`
      : `  AML emulator     ${stack.emulator.url} (CA in .data/emulator/ca.pem; \`npm run emulator\` in another terminal keeps it across restarts)`,
    `  Slack page       ${slackPage.url} (a Slack channel in the browser: type /aml commands, click buttons, switch users)`,
    playground
      ? "  Teams playground starting (the Microsoft 365 Agents Playground, Teams in the browser; its URL follows)"
      : "  Teams playground off (TEAMS_PLAYGROUND=off)",
    `  Slack stand-in   ${stack.slack.url} (conversation: ${stack.slack.url}__messages)`,
    `  Teams stand-in   ${stack.teams.url} (Bot Framework connector, anonymous; conversation: ${stack.teams.url}__messages)`,
    `  Digest timer     every ${Number(process.env.AML_LOCAL_DIGEST_INTERVAL_MS ?? 15_000) / 1000} s (AML_LOCAL_DIGEST_INTERVAL_MS; every minute in Azure)`,
    `  Azurite          tables ${stack.azurite.tableUrl} · queues ${stack.azurite.queueUrl} (data in .data/azurite)`,
    "",
    "Try, in another terminal:",
    '  npm run slack -- "/aml show fraud-scorer"',
    '  npm run slack -- "/aml traffic fraud-scorer blue=80 green=20 --yes"',
    '  npm run teams -- "aml show fraud-scorer"',
    '  npm run teams -- "aml traffic fraud-scorer blue=80 green=20" --scope channel --click apply',
    "  npm run aml -- show fraud-scorer",
    '  npm run slack -- "/aml alerts bind demo"; npm run aml -- register-model fraud-model   (a new version proposes itself)',
    "Stop with Ctrl+C.",
  ];
  console.log(lines.join("\n"));
  void playground?.then((p) => p && console.log(`Teams playground ready: ${p.url} (Teams in the browser, as the local admin: open it, pick Personal Chat, type "show fraud-scorer")`));
  writeLocalStackNote({ hostUrl: stack.hostUrl, azureWebJobsStorage: stack.azurite.connectionString, slackApiUrl: stack.slack.url });

  let stopping = false;
  const stop = (): void => {
    if (stopping) return;
    stopping = true;
    console.log("\nStopping…");
    removeLocalStackNote();
    const closePlayground = playground?.then((p) => p?.close());
    Promise.all([closePlayground, slackPage.close(), stack.close()]).then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
}

main().catch((error: unknown) => {
  console.error(`npm start failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exit(1);
});

/**
 * The emulator's default scenario with fraud-scorer busier (600 requests a minute at the day's peak, a third of that
 * at night): a promotion runs 60× faster locally (AML_PROMOTION_TIME_SCALE), so each step's gates see about a minute
 * of traffic, and at the scenario's own few dozen requests a minute a 25 % step would wait for a verdict forever.
 */
function demoScenario(): EmulatorScenario {
  const scenario = defaultScenario();
  return { ...scenario, metrics: { ...scenario.metrics, peakRequestsPerMinute: { ...scenario.metrics?.peakRequestsPerMinute, "fraud-scorer": 600 } } };
}
