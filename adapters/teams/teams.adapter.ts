/**
 * The Teams adapter's one factory, for the composition root, shaped like the Slack adapter's: the HTTP side
 * (Functions HTTP trigger, local host) calls `handleHttp` for `POST /api/teams/messages`; the queue side calls
 * `handleJob` for chat jobs whose platform is `teams`, inside the job ledger's `runOnce(job.id, …)`.
 *
 * botbuilder is imported by this module tree only; hosts load it with `import()` on the first Teams request or
 * job, so a Slack request never loads the Teams SDK.
 */
import type { CommandCore } from "../../commands/command-core.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import type { Reply } from "../../commands/reply.js";
import type { ChannelPostResult } from "../channel-post.js";
import type { ChatAdapter } from "../chat-adapter.js";
import type { ChatJobSink } from "../chat-job.js";
import { BotFrameworkReceiver, CloudAdapterConnector, type TeamsBotAuth } from "./bot-framework.js";
import type { ChartImageHost } from "./chart-hosting.js";
import type { TeamsConversationStore } from "./conversation-store.js";
import { NoGroupDirectory, type GroupDirectory } from "./group.directory.js";
import { postToTeamsConversation, type TeamsChannelPostOptions } from "./teams-channel-post.js";
import type { TeamsConnector } from "./teams-connector.js";
import { teamsTurnLogic } from "./teams.bridge.js";
import { handleTeamsJob } from "./teams.worker.js";

export interface TeamsAdapterOptions {
  readonly core: CommandCore;
  /** From configuration: the managed identity in Azure, `anonymous` only in local mode. */
  readonly auth: TeamsBotAuth;
  readonly jobs: ChatJobSink;
  /** Conversation references and posted cards (src/: `TableConversationReferences`). */
  readonly store: TeamsConversationStore;
  readonly logger: Logger;
  /** AAD groups of a user. Default: none (see `group.directory.ts`). */
  readonly directory?: GroupDirectory;
  /** Local mode only: the connector stand-in, used unless an activity's serviceUrl is a loopback address (a local Teams client). */
  readonly serviceUrlOverride?: string;
  /** Default 1 000. */
  readonly progressIntervalInMs?: number;
  /** Default 1 500: how long a click waits for the stored card before answering with a generic one. */
  readonly cardLookupTimeoutInMs?: number;
  /** Hosts chart pictures for worker replies and posts (src/: the chart store + AML_PUBLIC_BASE_URL). Default: none. */
  readonly imageHost?: ChartImageHost;
}

export interface TeamsAdapter extends ChatAdapter {
  readonly directory: GroupDirectory;
  /** The proactive side (posts, updates, 1:1 chats), e.g. for notifications from other parts of the runtime. */
  readonly connector: TeamsConnector;
  /** Posts unprompted (digests, alerts) with the stored reference: a new message, a reply, or an update. */
  postToConversation(conversationId: string, reply: Reply, options?: TeamsChannelPostOptions): Promise<ChannelPostResult>;
}

export function createTeamsAdapter(options: TeamsAdapterOptions): TeamsAdapter {
  const { core, logger, store } = options;
  const receiver = new BotFrameworkReceiver({
    auth: options.auth,
    logger,
    ...(options.serviceUrlOverride ? { serviceUrlOverride: options.serviceUrlOverride } : {}),
  });
  const connector = new CloudAdapterConnector(receiver.adapter, receiver.botAppId);
  const directory = options.directory ?? new NoGroupDirectory();
  const logic = teamsTurnLogic({
    core,
    jobs: options.jobs,
    directory,
    store,
    connector,
    logger,
    ...(options.cardLookupTimeoutInMs !== undefined ? { cardLookupTimeoutInMs: options.cardLookupTimeoutInMs } : {}),
  });
  const workerDeps = {
    core,
    directory,
    store,
    connector,
    logger,
    ...(options.progressIntervalInMs !== undefined ? { progressIntervalInMs: options.progressIntervalInMs } : {}),
    ...(options.imageHost ? { imageHost: options.imageHost } : {}),
  };
  return {
    handleHttp: (req) => receiver.handle(req, logic),
    handleJob: (job, jobOptions) => handleTeamsJob(job, workerDeps, jobOptions),
    directory,
    connector,
    postToConversation: (conversationId, reply, postOptions) => postToTeamsConversation({ connector, store, logger, ...(options.imageHost ? { imageHost: options.imageHost } : {}) }, conversationId, reply, postOptions),
  };
}
