/**
 * The jobs the Teams adapter hands to the queue worker. A job carries everything the worker needs to act and to
 * answer proactively (the conversation reference and the id of the message to update), validated with zod on
 * both sides of the queue. Ids come from `teamsJobId` (conversation + activity id), so a redelivered activity
 * yields the same job id and the job ledger runs it once.
 */
import { z } from "zod";
import { MAX_COMMAND_TEXT_CHARS, parseQueuedJob, type QueuedJob } from "../jobs.js";
import { conversationReferenceSchema } from "./teams-activity.js";
import { TeamsInvalidJobError } from "./teams-errors.js";

export const TEAMS_COMMAND_JOB = "teams.command";
export const TEAMS_ACTION_JOB = "teams.action";

const commonFields = {
  v: z.literal(1),
  reference: conversationReferenceSchema,
  /** `from.aadObjectId` (or the Bot Framework id when Teams sent none). */
  userId: z.string().min(1).max(256),
  userName: z.string().max(256).optional(),
  /** The core's channel id: the conversation without the thread suffix. */
  channelKey: z.string().min(1).max(1024),
  scope: z.enum(["personal", "groupChat", "channel"]),
  correlationId: z.string().min(1).max(100),
};

export const teamsCommandJobSchema = z.strictObject({
  ...commonFields,
  /** As long as Teams sends it: the bridge answers a command too long to queue itself (`commandTooLongReply`). */
  text: z.string().max(MAX_COMMAND_TEXT_CHARS),
  /** The "⏳ …" card the bridge posted: the worker updates it with progress and the result. */
  ackActivityId: z.string().min(1).max(256).optional(),
});

export const teamsActionJobSchema = z.strictObject({
  ...commonFields,
  /** The button's verb (`apply`, `cancel`) and the pending change it acts on. */
  verb: z.string().min(1).max(64),
  payloadId: z.string().min(1).max(256),
  /** The message whose card holds the button (`replyToId` of the invoke): updated with the result. */
  cardActivityId: z.string().min(1).max(256).optional(),
  /** `invoke` (Action.Execute) or `submit` (the Action.Submit fallback of older clients). */
  via: z.enum(["invoke", "submit"]),
});

export type TeamsCommandJob = z.infer<typeof teamsCommandJobSchema>;
export type TeamsActionJob = z.infer<typeof teamsActionJobSchema>;

export type TeamsJob =
  | { readonly id: string; readonly kind: typeof TEAMS_COMMAND_JOB; readonly payload: TeamsCommandJob }
  | { readonly id: string; readonly kind: typeof TEAMS_ACTION_JOB; readonly payload: TeamsActionJob };

/** Where the bridge puts work for later; src/ implements it over the Storage queue. Resolves once durably queued. */
export interface TeamsJobSink {
  enqueue(job: TeamsJob): Promise<void>;
}

export function isTeamsJobKind(kind: string): boolean {
  return kind === TEAMS_COMMAND_JOB || kind === TEAMS_ACTION_JOB;
}

/** Validates a job taken from the queue. Throws `TeamsInvalidJobError`: such a job can never succeed. */
export function parseTeamsJob(job: QueuedJob): TeamsJob {
  const schemas = { [TEAMS_COMMAND_JOB]: teamsCommandJobSchema, [TEAMS_ACTION_JOB]: teamsActionJobSchema };
  return parseQueuedJob<TeamsJob>(job, schemas, "Teams", (message, cause) => new TeamsInvalidJobError(message, cause ? { cause } : undefined));
}
