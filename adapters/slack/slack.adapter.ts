/**
 * The Slack adapter's one factory, for the composition root: the HTTP side (Functions HTTP trigger, local host)
 * calls `handleHttp`, the queue side (Functions queue trigger, local poller) calls `handleJob` for chat jobs whose
 * platform is `slack`, inside the job ledger's `runOnce(job.id, …)` so a redelivered job is not run twice.
 *
 * Bolt is told the bot's ids (`botId`, `botUserId`) so it never calls `auth.test`: with only a token it does so
 * before the first listener runs, which costs a round trip on every cold start (and hangs where Slack is
 * unreachable). No OAuth installer: one workspace, one bot token.
 */
import { App, LogLevel, type Logger as BoltLogger } from "@slack/bolt";
import type { CommandCore } from "../../commands/command-core.js";
import type { Clock } from "../../commands/ports/clock.port.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import type { Reply } from "../../commands/reply.js";
import type { ChannelPostResult } from "../channel-post.js";
import { RawHttpReceiver } from "./raw-http.receiver.js";
import { postToSlackChannel, type SlackChannelPostOptions } from "./slack-channel-post.js";
import type { FetchLike } from "./response-url.client.js";
import { registerSlackListeners } from "./slack.bridge.js";
import type { ChatAdapter } from "../chat-adapter.js";
import type { ChatJobSink } from "../chat-job.js";
import { webClientApi, type SlackWebApi } from "./slack-web-api.js";
import { handleSlackJob } from "./slack.worker.js";
import { UsergroupDirectory } from "./usergroup.directory.js";

export interface SlackAdapterOptions {
  readonly core: CommandCore;
  readonly signingSecret: string;
  /** `xoxb-…` */
  readonly botToken: string;
  /** `B…`: the bot's id, from `auth.test` once, at setup. */
  readonly botId: string;
  /** `U…`: the bot user's id, from `auth.test` once, at setup. */
  readonly botUserId: string;
  /** Default `https://slack.com/api/`; the local stand-in's `url` locally. */
  readonly slackApiUrl?: string;
  /** Default `/aml`. */
  readonly commandName?: string;
  readonly jobs: ChatJobSink;
  readonly logger: Logger;
  /** For signature timestamps and the usergroups cache. */
  readonly clock?: Clock;
  /** For `response_url` posts. Default: the global `fetch`. */
  readonly fetch?: FetchLike;
  /** Default 2 500. */
  readonly ackTimeoutInMs?: number;
  /** Default 5 minutes. */
  readonly usergroupsTtlInMs?: number;
  /** Default 1 000. */
  readonly progressIntervalInMs?: number;
  /** Default: the Web API through Bolt's client. */
  readonly web?: SlackWebApi;
}

export interface SlackAdapter extends ChatAdapter {
  readonly directory: UsergroupDirectory;
  /** Posts unprompted (digests, alerts): a new message, a reply in `threadTs`'s thread, or an update of `updateTs`. */
  postToChannel(channelId: string, reply: Reply, options?: SlackChannelPostOptions): Promise<ChannelPostResult>;
}

export function createSlackAdapter(options: SlackAdapterOptions): SlackAdapter {
  for (const [name, value] of Object.entries({ signingSecret: options.signingSecret, botToken: options.botToken, botId: options.botId, botUserId: options.botUserId })) {
    if (!value) throw new TypeError(`createSlackAdapter: ${name} is required`);
  }
  const { logger } = options;
  const receiver = new RawHttpReceiver({
    signingSecret: options.signingSecret,
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.ackTimeoutInMs !== undefined ? { ackTimeoutInMs: options.ackTimeoutInMs } : {}),
  });
  const app = new App({
    receiver,
    token: options.botToken,
    botId: options.botId,
    botUserId: options.botUserId,
    logger: boltLogger(logger),
    convoStore: false,
    clientOptions: {
      slackApiUrl: options.slackApiUrl ?? "https://slack.com/api/",
      // The defaults retry for half an hour; a worker would rather report and move on.
      retryConfig: { retries: 1, factor: 1, minTimeout: 200, maxTimeout: 1_000 },
      timeout: 10_000,
      rejectRateLimitedCalls: true,
      // @slack/web-api 8 calls the global fetch: a request error's `original` is fetch's error (no request headers,
      // so no token), where axios's carried them and had to be left out.
    },
  });
  const web = options.web ?? webClientApi(app.client);
  const fetchLike: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
  const directory = new UsergroupDirectory({
    list: () => web.listUsergroups(),
    logger,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.usergroupsTtlInMs !== undefined ? { ttlInMs: options.usergroupsTtlInMs } : {}),
  });
  registerSlackListeners(app, {
    core: options.core,
    jobs: options.jobs,
    directory,
    logger,
    fetch: fetchLike,
    ...(options.commandName ? { commandName: options.commandName } : {}),
  });
  const workerDeps = {
    core: options.core,
    directory,
    web,
    fetch: fetchLike,
    logger,
    ...(options.progressIntervalInMs !== undefined ? { progressIntervalInMs: options.progressIntervalInMs } : {}),
  };
  return {
    handleHttp: (req) => receiver.handle(req),
    handleJob: (job, jobOptions) => handleSlackJob(job, workerDeps, jobOptions),
    directory,
    postToChannel: (channelId, reply, postOptions) => postToSlackChannel({ web, logger }, channelId, reply, postOptions),
  };
}

/** Bolt's logger interface over ours. Debug output (which can include payloads) is dropped. */
export function boltLogger(logger: Logger): BoltLogger {
  let level = LogLevel.INFO;
  const text = (parts: unknown[]): string => parts.map((p) => (p instanceof Error ? `${p.name}: ${p.message}` : String(p))).join(" ");
  return {
    debug: () => undefined,
    info: (...parts: unknown[]) => logger.info(text(parts), { source: "bolt" }),
    warn: (...parts: unknown[]) => logger.warn(text(parts), { source: "bolt" }),
    error: (...parts: unknown[]) => logger.error(text(parts), { source: "bolt" }),
    setLevel: (next: LogLevel) => {
      level = next;
    },
    getLevel: () => level,
    setName: () => undefined,
  };
}
