/**
 * The one chat engine: the steps of a chat turn and of a chat job, written once for every platform. A platform
 * supplies only what differs: how it acknowledges and answers inside the turn, the job it queues, and where a
 * job's progress and result go (its transport, which holds its pure renderer).
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
import { RecentIds, commandTooLongReply, runCoreJob, type CoreRequest, type QueuedJob } from "./jobs.js";
import { ProgressThrottle } from "./progress.throttle.js";

/** A chat job: every platform's payload carries the interaction's correlation id. */
export type ChatQueuedJob = QueuedJob & { readonly payload: { readonly correlationId: string } };

/** What the engine needs of the platform side of a turn, whatever the platform. */
export interface ChatEngineDeps<J extends ChatQueuedJob> {
  readonly core: CommandCore;
  readonly logger: Logger;
  /** `slack`, `teams`: the prefix of log lines. */
  readonly platform: string;
  /** `Slack`, `Teams`: the platform as users call it. */
  readonly platformName: string;
  /** Jobs this process queued lately: a redelivered request is not queued twice. */
  readonly recent: RecentIds;
  /** Validates a job as the worker will (throws when it would refuse it). */
  parse(job: QueuedJob): unknown;
  /** Resolves once the job is durably queued. */
  enqueue(job: J): Promise<void>;
}

/** A platform's engine: the core, the log, where its jobs go and how the worker validates them. */
export function createChatEngine<J extends ChatQueuedJob>(
  options: { readonly core: CommandCore; readonly logger: Logger; readonly jobs: { enqueue(job: J): Promise<void> }; readonly recent?: RecentIds },
  platform: Pick<ChatEngineDeps<J>, "platform" | "platformName" | "parse">,
): ChatEngineDeps<J> {
  const { core, logger, jobs } = options;
  return { core, logger, ...platform, recent: options.recent ?? new RecentIds(), enqueue: (job) => jobs.enqueue(job) };
}

/** One typed command, as a platform's turn sees it. */
export interface CommandTurn<J extends ChatQueuedJob> {
  /** The actor carries the groups the directory had cached (none when `groupsKnown` is false). */
  readonly invocation: CommandInvocation;
  /** False with a cold group cache: a slow verb is then queued whatever `plan()` said of the role. */
  readonly groupsKnown: boolean;
  /** The job to queue; `ackId` is what `ack` returned (Teams: the "⏳" card's activity id). */
  job(ackId: string | undefined): J;
  /** Answers inside the turn (requester-only replies go where the platform keeps them private). */
  answer(reply: Reply): Promise<void>;
  /** Posts the "⏳" line; returns a handle the job carries, if any. */
  ack(text: string): Promise<string | undefined>;
  /** Shows why the job could not be queued, where the ack was. */
  notQueued(reply: Reply, ackId: string | undefined): Promise<void>;
}

export async function runCommandTurn<J extends ChatQueuedJob>(engine: ChatEngineDeps<J>, turn: CommandTurn<J>): Promise<void> {
  const { core } = engine;
  const { invocation } = turn;
  const plan = core.plan(invocation);
  const mayNeedGroups = !turn.groupsKnown && core.verbOf(invocation.text)?.slow === true;
  if (!plan.slow && !mayNeedGroups) {
    // Help, a usage error or a refusal: no Azure call, only the audit line.
    await turn.answer(await core.execute(invocation));
    return;
  }
  const tooLong = commandTooLongReply(turn.job(undefined), invocation.text, invocation.correlationId);
  if (tooLong) {
    engine.logger.info(`${engine.platform} command too long to queue; answered at once`, { correlationId: invocation.correlationId, chars: invocation.text.length });
    await turn.answer(tooLong);
    return;
  }
  // Names the verb only: the ack is in the conversation before the worker checks roles (see `genericAckText`).
  const ackId = await turn.ack(plan.slow ? plan.ackText : core.genericAckText(invocation));
  const problem = await handOff(engine, turn.job(ackId));
  if (problem) await turn.notQueued(problem, ackId);
}

/**
 * Validates and queues a job once per interaction. Returns the reply to show when that failed (nothing was done
 * then), undefined when it is queued, or was queued a moment ago by this process.
 */
export async function handOff<J extends ChatQueuedJob>(engine: ChatEngineDeps<J>, job: J): Promise<Reply | undefined> {
  const { correlationId } = job.payload;
  const log = { correlationId, jobId: job.id, kind: job.kind };
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

export interface ChatJob {
  readonly id: string;
  readonly kind: string;
  readonly correlationId: string;
  readonly actor: Actor;
  readonly channel: ChannelRef;
  readonly request: CoreRequest;
}

/** What a queued command or click asks the core, from its payload. */
export function coreRequestOf(payload: { readonly text: string } | { readonly verb: string; readonly payloadId: string }): CoreRequest {
  return "text" in payload ? { text: payload.text } : { verb: payload.verb, payloadId: payload.payloadId };
}

export interface RunChatJobOptions {
  readonly abortSignal?: AbortSignal;
  readonly progressIntervalInMs?: number;
  readonly maxProgressUpdates?: number;
}

/**
 * Runs a queued job through the core and delivers its one final message. A job whose worker is stopping rethrows
 * (it is delivered again and resumes); nothing else throws once the core has run, since running it again would
 * repeat the command.
 */
export async function runChatJob(
  engine: Pick<ChatEngineDeps<ChatQueuedJob>, "core" | "logger" | "platform">,
  job: ChatJob,
  delivery: JobDelivery,
  options: RunChatJobOptions = {},
): Promise<void> {
  const { logger, platform } = engine;
  const log = { correlationId: job.correlationId, jobId: job.id, kind: job.kind };
  const progress = new ProgressThrottle({
    send: (reply) => delivery.progress(reply),
    logger,
    correlationId: job.correlationId,
    ...(options.progressIntervalInMs !== undefined ? { intervalInMs: options.progressIntervalInMs } : {}),
    ...(options.maxProgressUpdates !== undefined ? { maxUpdates: options.maxProgressUpdates } : {}),
  });
  const run = { onProgress: progress.push, ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) };
  let answer: Reply;
  try {
    answer = await runCoreJob(engine.core, job.request, job, run, (error) => logger.error(`${platform} job failed`, { ...log, error }));
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
