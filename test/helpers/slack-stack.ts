/**
 * The Slack adapter wired as the composition root and the hosts will wire it, for tests: the real core from
 * `createApp`, the local Slack stand-in for the Web API, and either a recording job sink or the real queue
 * (Azurite) with the real job ledger and poller. No module is replaced.
 */
import type { PolicyConfig } from "../../commands/policy.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import type { FetchLike } from "../../adapters/slack/response-url.client.js";
import { createSlackAdapter, type SlackAdapter } from "../../adapters/slack/slack.adapter.js";
import type { ChatJobSink } from "../../adapters/chat-job.js";
import { createApp, type App, type AppOverrides } from "../../src/compose.js";
import { loadConfig } from "../../src/config/config.js";
import { memoryStores } from "../../src/memory/memory-stores.js";
import type { SlackApiStandIn } from "../../tools/local/slack-api.stand-in.js";
import { JobQueue, newJob } from "../../src/storage/job-queue.js";
import { QueuePoller } from "../../src/storage/queue-poller.js";
import { poisonQueueName, type StorageClients } from "../../src/storage/storage-clients.js";
import { TableJobLedger } from "../../src/storage/table.job-ledger.js";
import { uniqueQueueName, uniqueTableName } from "./azurite.js";
import { TEST_BOT_TOKEN, TEST_SIGNING_SECRET } from "./slack-requests.js";

/** Who may do what in these tests. The fixture's user (U2147483697, "Steve") is an operator. */
export const SLACK_TEST_POLICY: PolicyConfig = {
  bindings: [
    { role: "admin", users: ["slack:U0LOCALADMIN"] },
    { role: "operator", users: ["slack:U2147483697"] },
    { role: "operator", groups: ["slack:S0OPS"] },
    { role: "viewer", users: ["slack:U0VIEWER"] },
  ],
};

export const quietLogger: Logger = { info() {}, warn() {}, error() {} };

/** The real core, pointed at `armUrl` (an emulator, or nowhere for tests that never reach Azure), on stores in memory unless overridden. */
export function createTestApp(options: { armUrl?: string; ca?: string; overrides?: AppOverrides; policy?: PolicyConfig } = {}): App {
  const env = { AML_EMULATOR_URL: options.armUrl ?? "https://127.0.0.1:9", AML_EMULATOR_CA_FILE: "emulator-ca.pem", AML_LRO_POLL_MS: "15" };
  const config = loadConfig(env, () => options.ca ?? "");
  const file = { ...config.file, policy: (options.policy ?? SLACK_TEST_POLICY) as typeof config.file.policy };
  return createApp({ ...config, file }, { ...memoryStores(), logger: quietLogger, ...options.overrides });
}

export function createTestSlackAdapter(options: {
  app: App;
  slack: SlackApiStandIn;
  jobs: ChatJobSink;
  fetch?: FetchLike;
  logger?: Logger;
  commandName?: string;
  ackTimeoutInMs?: number;
}): SlackAdapter {
  return createSlackAdapter({
    core: options.app.core,
    signingSecret: TEST_SIGNING_SECRET,
    botToken: TEST_BOT_TOKEN,
    botId: "B0STANDIN",
    botUserId: "U0STANDINBOT",
    slackApiUrl: options.slack.url,
    jobs: options.jobs,
    logger: options.logger ?? quietLogger,
    progressIntervalInMs: 50,
    ...(options.fetch ? { fetch: options.fetch } : {}),
    ...(options.commandName ? { commandName: options.commandName } : {}),
    ...(options.ackTimeoutInMs ? { ackTimeoutInMs: options.ackTimeoutInMs } : {}),
  });
}

/**
 * The queue side as the Functions host runs it: jobs go to an Azure Storage queue; a poller hands each one to
 * `handle` inside `TableJobLedger.runOnce`, so a job id runs to completion at most once.
 */
export async function startJobPipeline(clients: StorageClients, handle: (job: { id: string; kind: string; payload: unknown }) => Promise<void>) {
  const queueName = uniqueQueueName("slackjobs");
  const ledgerTable = uniqueTableName("ledger");
  await clients.ensure({ queues: [queueName, poisonQueueName(queueName)], tables: [ledgerTable] });
  const queue = new JobQueue(clients.queue(queueName));
  const ledger = new TableJobLedger(clients.table(ledgerTable));
  const runs: string[] = [];
  const skipped: string[] = [];
  const sink: ChatJobSink = {
    async enqueue(job) {
      await queue.enqueue(newJob(job.kind, job.payload, job.id));
    },
  };
  const controller = new AbortController();
  const poller = new QueuePoller({
    queue: clients.queue(queueName),
    poisonQueue: clients.queue(poisonQueueName(queueName)),
    minPollIntervalInMs: 10,
    maxPollIntervalInMs: 50,
    onError: () => undefined,
    handler: async (job, context) => {
      const claim = await ledger.runOnce(job.id, async () => {
        runs.push(job.id);
        await handle(job);
        return "ok";
      }, { abortSignal: context.abortSignal });
      if (claim !== "claimed") skipped.push(`${job.id}: ${claim}`);
    },
  });
  const running = poller.run(controller.signal);
  return {
    sink,
    ledger,
    runs,
    skipped,
    async stop() {
      controller.abort();
      await running;
    },
  };
}
