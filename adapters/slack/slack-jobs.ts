/**
 * Slack's part of the one chat job (`../chat-job.ts`): its address, which says where the worker answers (the
 * interaction's `response_url`) and which interaction it was, and the job's id.
 *
 * Idempotency: a job's id is derived from Slack's `trigger_id` (one per user interaction), so a redelivered
 * request (`x-slack-retry-num`) produces the same id; the worker runs each id at most once through the job
 * ledger (`TableJobLedger.runOnce` in src/), and the bridge skips ids it enqueued a moment ago itself.
 */
import * as z from "zod";
import { chatJobReader, type ChatJob } from "../chat-job.js";
import { sha256 } from "../jobs.js";

// Shared with the other adapters; re-exported so Slack code and tests keep one import site.
export { RecentIds, correlationIdFor, type QueuedJob } from "../jobs.js";

const slackId = z.string().min(1).max(64);

export const slackAddressSchema = z.strictObject({
  /** Where the worker posts progress and the result. */
  responseUrl: z.url({ protocol: /^https?$/ }),
  triggerId: z.string().min(1).max(200),
  teamId: slackId.optional(),
  /** A button's message, and when it was pressed. */
  messageTs: z.string().max(64).optional(),
  actionTs: z.string().max(64).optional(),
});

export type SlackAddress = z.infer<typeof slackAddressSchema>;
export type SlackJob = ChatJob<SlackAddress>;

/** Validates a job taken from the queue. Throws `InvalidJobError`: such a job can never succeed. */
export const parseSlackJob = chatJobReader("slack", slackAddressSchema);

/**
 * The idempotency key of one interaction. `trigger_id` is unique per user action and identical in Slack's
 * redeliveries; without one (never seen for commands and clicks) the signed body itself is the key.
 */
export function slackJobId(teamId: string | undefined, triggerId: string | undefined, body: unknown): string {
  const key = triggerId ? `${teamId ?? "-"}:${triggerId}` : `body-${sha256(JSON.stringify(body)).slice(0, 40)}`;
  return `slack:${key}`.slice(0, 256);
}
