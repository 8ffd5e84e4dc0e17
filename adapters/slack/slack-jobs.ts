/**
 * The jobs the Slack adapter hands to the queue worker, and the sink it hands them to. A job carries everything
 * the worker needs (no lookup of the original request), validated with zod on both sides of the queue.
 *
 * Idempotency: a job's id is derived from Slack's `trigger_id` (one per user interaction), so a redelivered
 * request (`x-slack-retry-num`) produces the same id; the worker runs each id at most once through the job
 * ledger (`TableJobLedger.runOnce` in src/), and the bridge skips ids it enqueued a moment ago itself.
 */
import { z } from "zod";
import { MAX_COMMAND_TEXT_CHARS, parseQueuedJob, sha256, type QueuedJob } from "../jobs.js";
import { SlackInvalidJobError } from "./slack-errors.js";

// Shared with the other adapters; re-exported so Slack code and tests keep one import site.
export { RecentIds, correlationIdFor, type QueuedJob } from "../jobs.js";

export const SLACK_COMMAND_JOB = "slack.command";
export const SLACK_ACTION_JOB = "slack.action";

const responseUrl = z.url({ protocol: /^https?$/ });
const slackId = z.string().min(1).max(64);

const commonFields = {
  v: z.literal(1),
  userId: slackId,
  userName: z.string().max(200).optional(),
  teamId: slackId.optional(),
  channelId: slackId,
  responseUrl,
  triggerId: z.string().min(1).max(200),
  correlationId: z.string().min(1).max(100),
};

export const slackCommandJobSchema = z.strictObject({
  ...commonFields,
  /** The slash command as typed, e.g. `/aml`. */
  command: z.string().min(1).max(100),
  /** As long as Slack sends it: the bridge answers a command too long to queue itself (`commandTooLongReply`). */
  text: z.string().max(MAX_COMMAND_TEXT_CHARS),
});

export const slackActionJobSchema = z.strictObject({
  ...commonFields,
  /** The button's `action_id`: the core's verb (`apply`, `cancel`). */
  verb: z.string().min(1).max(255),
  /** The button's `value`: the pending change id. */
  payloadId: z.string().min(1).max(2000),
  /** The message the button is on. */
  messageTs: z.string().max(64).optional(),
  actionTs: z.string().max(64).optional(),
});

export type SlackCommandJob = z.infer<typeof slackCommandJobSchema>;
export type SlackActionJob = z.infer<typeof slackActionJobSchema>;

export type SlackJob =
  | { readonly id: string; readonly kind: typeof SLACK_COMMAND_JOB; readonly payload: SlackCommandJob }
  | { readonly id: string; readonly kind: typeof SLACK_ACTION_JOB; readonly payload: SlackActionJob };

/**
 * Where the bridge puts work for later. src/ implements it over the Azure Storage queue (adding `enqueuedAt`);
 * it must resolve once the job is durably queued and reject otherwise.
 */
export interface JobSink {
  enqueue(job: SlackJob): Promise<void>;
}

export function isSlackJobKind(kind: string): boolean {
  return kind === SLACK_COMMAND_JOB || kind === SLACK_ACTION_JOB;
}

/** Validates a job taken from the queue. Throws `SlackInvalidJobError`: such a job can never succeed. */
export function parseSlackJob(job: QueuedJob): SlackJob {
  const schemas = { [SLACK_COMMAND_JOB]: slackCommandJobSchema, [SLACK_ACTION_JOB]: slackActionJobSchema };
  return parseQueuedJob<SlackJob>(job, schemas, "Slack", (message, cause) => new SlackInvalidJobError(message, cause ? { cause } : undefined));
}

/**
 * The idempotency key of one interaction. `trigger_id` is unique per user action and identical in Slack's
 * redeliveries; without one (never seen for commands and clicks) the signed body itself is the key.
 */
export function slackJobId(kind: SlackJob["kind"], teamId: string | undefined, triggerId: string | undefined, body: unknown): string {
  const key = triggerId ? `${teamId ?? "-"}:${triggerId}` : `body-${sha256(JSON.stringify(body)).slice(0, 40)}`;
  return `${kind}:${key}`.slice(0, 256);
}
