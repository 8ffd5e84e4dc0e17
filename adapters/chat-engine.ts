/**
 * The one chat engine: the steps of a chat turn and of a chat job, written once for every platform. A platform
 * supplies only what differs: how it acknowledges and answers inside the turn, its job's address (the job is the
 * same for every platform: `chat-job.ts`), and how a job's progress and result reach that address (its transport,
 * which holds its pure renderer).
 *
 * A command turn: plan (pure) → answer inline (help, a usage error, a refusal) or check the job fits the queue →
 * ack with a line that names only the verb → hand the job off. A job: the core with throttled progress → the
 * platform's delivery of the result. A button turn hands its job off the same way.
 */
import type { CommandCore } from "../commands/command-core.js";
import type { Actor, ChannelRef, CommandInvocation } from "../commands/invocation.js";
import type { Logger } from "../commands/ports/logger.port.js";
import { problemReply } from "../commands/replies.js";
import type { Reply } from "../commands/reply.js";
import { keepsItsCard } from "./chat-buttons.js";
import { chatJob, type ChatJob, type ChatJobSink, type ChatPlatform } from "./chat-job.js";
import { RecentIds, commandTooLongReply, runCoreJob, type QueuedJob } from "./jobs.js";
import { ProgressThrottle } from "./progress.throttle.js";

/** What the engine needs of the platform side of a turn, whatever the platform. */
export interface ChatEngineDeps {
  readonly core: CommandCore;
  readonly logger: Logger;
  /** `slack`, `teams`: the jobs' platform, and the prefix of log lines. */
  readonly platform: ChatPlatform;
  /** `Slack`, `Teams`: the platform as users call it. */
  readonly platformName: string;
  /** Jobs this process queued lately: a redelivered request is not queued twice. */
  readonly recent: RecentIds;
  /** Validates a job as the worker will (throws when it would refuse it). */
  parse(job: QueuedJob): unknown;
  /** Resolves once the job is durably queued. */
  enqueue(job: ChatJob): Promise<void>;
}

/** A platform's engine: the core, the log, where its jobs go and how the worker validates them. */
export function createChatEngine(
  options: { readonly core: CommandCore; readonly logger: Logger; readonly jobs: ChatJobSink; readonly recent?: RecentIds },
  platform: Pick<ChatEngineDeps, "platform" | "platformName" | "parse">,
): ChatEngineDeps {
  const { core, logger, jobs } = options;
  return { core, logger, ...platform, recent: options.recent ?? new RecentIds(), enqueue: (job) => jobs.enqueue(job) };
}

/** One typed command, as a platform's turn sees it; `A` is the platform's address. */
export interface CommandTurn<A> {
  /** The actor carries the groups the directory had cached (none when `groupsKnown` is false). */
  readonly invocation: CommandInvocation;
  /** False with a cold group cache: a slow verb is then queued whatever `plan()` said of the role. */
  readonly groupsKnown: boolean;
  /** The id of the job, the same for every delivery of this command. */
  readonly jobId: string;
  /** Where the job's progress and result go; `ackId` is what `ack` returned (Teams: the "⏳" card's activity id). */
  address(ackId: string | undefined): A;
  /** Answers inside the turn (requester-only replies go where the platform keeps them private). */
  answer(reply: Reply): Promise<void>;
  /** Posts the "⏳" line; returns a handle the job carries, if any. */
  ack(text: string): Promise<string | undefined>;
  /** Shows why the job could not be queued, where the ack was. */
  notQueued(reply: Reply, ackId: string | undefined): Promise<void>;
}

export async function runCommandTurn<A>(engine: ChatEngineDeps, turn: CommandTurn<A>): Promise<void> {
  const { core } = engine;
  const { invocation } = turn;
  const { userId, displayName } = invocation.actor;
  const job = (ackId: string | undefined): ChatJob<A> =>
    chatJob(turn.jobId, {
      platform: engine.platform,
      correlationId: invocation.correlationId,
      actor: { userId, ...(displayName ? { displayName } : {}) },
      channelId: invocation.channel.id,
      request: { text: invocation.text },
      address: turn.address(ackId),
    });
  const plan = core.plan(invocation);
  const mayNeedGroups = !turn.groupsKnown && core.verbOf(invocation.text)?.slow === true;
  if (!plan.slow && !mayNeedGroups) {
    // Help, a usage error or a refusal: no Azure call, only the audit line.
    await turn.answer(await core.execute(invocation));
    return;
  }
  const tooLong = commandTooLongReply(job(undefined), invocation.text, invocation.correlationId);
  if (tooLong) {
    engine.logger.info(`${engine.platform} command too long to queue; answered at once`, { correlationId: invocation.correlationId, chars: invocation.text.length });
    await turn.answer(tooLong);
    return;
  }
  // Names the verb only: the ack is in the conversation before the worker checks roles (see `genericAckText`).
  const ackId = await turn.ack(plan.slow ? plan.ackText : core.genericAckText(invocation));
  const problem = await handOff(engine, job(ackId));
  if (problem) await turn.notQueued(problem, ackId);
}

/**
 * Validates and queues a job once per interaction. Returns the reply to show when that failed (nothing was done
 * then), undefined when it is queued, or was queued a moment ago by this process.
 */
export async function handOff(engine: ChatEngineDeps, job: ChatJob): Promise<Reply | undefined> {
  const { correlationId } = job.payload;
  const log = { correlationId, jobId: job.id };
  if (engine.recent.has(job.id)) {
    engine.logger.info(`${engine.platform} redelivery of a queued interaction; not queued again`, log);
    return undefined;
  }
  const reference = `Reference for the operators: \`${correlationId}\`.`;
  try {
    engine.parse(job); // the worker's own check: a payload it would refuse is refused here, visibly
  } catch (error) {
    engine.logger.warn(`${engine.platform} payload refused`, { ...log, error });
    return problemReply("Could not read the request", [`${engine.platformName} sent something aml-chatops could not read, so nothing was done.`], reference);
  }
  try {
    await engine.enqueue(job);
    engine.recent.add(job.id);
    return undefined;
  } catch (error) {
    engine.logger.error(`${engine.platform} job could not be queued`, { ...log, error });
    return problemReply("Could not start", ["The request could not be queued, so nothing was done. Try again in a moment."], reference);
  }
}

/** Where a job's progress and result go: the platform's transport. */
export interface JobDelivery {
  progress(reply: Reply): Promise<void>;
  /** The final reply; `progressShown`: the target message already shows progress. Failures are logged, not thrown. */
  deliver(reply: Reply, progressShown: boolean): Promise<void>;
  /** A last step before delivery (Teams hosts chart pictures). */
  prepare?(reply: Reply): Promise<Reply>;
}

export interface RunChatJobOptions {
  readonly abortSignal?: AbortSignal;
  readonly progressIntervalInMs?: number;
  readonly maxProgressUpdates?: number;
}

/**
 * Runs a queued job through the core and delivers its one final message. `groups`: what the platform's directory
 * says of the user now. A job whose worker is stopping rethrows (it is delivered again and resumes); nothing else
 * throws once the core has run, since running it again would repeat the command.
 */
export async function runChatJob(
  engine: Pick<ChatEngineDeps, "core" | "logger">,
  job: ChatJob,
  groups: readonly string[],
  delivery: JobDelivery,
  options: RunChatJobOptions = {},
): Promise<void> {
  const { logger } = engine;
  const { platform, correlationId, actor, channelId, request } = job.payload;
  const log = { correlationId, jobId: job.id };
  const progress = new ProgressThrottle({
    send: (reply) => delivery.progress(reply),
    logger,
    correlationId,
    ...(options.progressIntervalInMs !== undefined ? { intervalInMs: options.progressIntervalInMs } : {}),
    ...(options.maxProgressUpdates !== undefined ? { maxUpdates: options.maxProgressUpdates } : {}),
  });
  // A decision's card is the core's to update, on every copy: no progress replaces the one that was clicked.
  const run = { ...(keepsItsCard(request) ? {} : { onProgress: progress.push }), ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) };
  const who: { actor: Actor; channel: ChannelRef; correlationId: string } = {
    actor: { platform, userId: actor.userId, ...(actor.displayName ? { displayName: actor.displayName } : {}), groups },
    channel: { platform, id: channelId },
    correlationId,
  };
  let answer: Reply;
  try {
    answer = await runCoreJob(engine.core, request, who, run, (error) => logger.error(`${platform} job failed`, { ...log, error }));
  } finally {
    await progress.close();
  }
  try {
    const reply = delivery.prepare ? await delivery.prepare(answer) : answer;
    await delivery.deliver(reply, progress.shown);
  } catch (error) {
    logger.error(`${platform} final reply not delivered`, { ...log, error });
  }
}
