/**
 * What every chat adapter shares about queued work (the job itself is `chat-job.ts`): the shape the queue worker
 * hands back, how big a job may be (and the answer when a command is too long for the queue), a correlation id
 * derived from the interaction (a redelivery logs under the same id), a short memory of the ids this process
 * enqueued (a redelivery reaching the same warm instance is not enqueued twice), and the run of a job's request
 * through the core.
 */
import { createHash } from "node:crypto";
import type { CommandCore, ExecuteOptions } from "../commands/command-core.js";
import type { Actor, ChannelRef } from "../commands/invocation.js";
import { problemReply, unexpectedFailureReply } from "../commands/replies.js";
import type { Reply } from "../commands/reply.js";

/** What a worker receives: src's `Job` fits (its extra `enqueuedAt` is ignored). */
export interface QueuedJob {
  readonly id: string;
  readonly kind: string;
  readonly payload: unknown;
}

/**
 * How big a job may be. Jobs reach the worker as Azure Storage queue messages, which hold at most 64 KiB as sent, and
 * the runtime sends them as base64 JSON: 48 KiB of JSON. 1 KiB of that is kept for what is added after the bridge
 * checks (when the job was queued, a watchdog copy's claim, the id of Teams' "⏳" card).
 */
export const QUEUE_MESSAGE_BYTES = 64 * 1024;
export const MAX_JOB_JSON_BYTES = (QUEUE_MESSAGE_BYTES / 4) * 3 - 1024;
/** A command's text is part of its job, so no longer than this (in UTF-16 units, each at least one byte of JSON). */
export const MAX_COMMAND_TEXT_CHARS = MAX_JOB_JSON_BYTES;

/** The job's JSON as the queue will carry it, in UTF-8 bytes. */
export function jobJsonBytes(job: QueuedJob): number {
  return Buffer.byteLength(JSON.stringify({ id: job.id, kind: job.kind, payload: job.payload }), "utf8");
}

/**
 * The answer for a command too long to be queued, or undefined when its job fits. Whatever the platform let through
 * is carried; what the queue cannot carry is said at once, with the sizes and what to do, and nothing runs.
 */
export function commandTooLongReply(job: QueuedJob, text: string, correlationId: string): Reply | undefined {
  const bytes = jobJsonBytes(job);
  if (bytes <= MAX_JOB_JSON_BYTES) return undefined;
  const kib = (n: number) => `${(n / 1024).toFixed(1)} KiB`;
  return problemReply(
    "Command too long",
    [
      `This command is ${[...text].length.toLocaleString("en-US")} characters: ${kib(bytes)} once packed for the bot's worker, which takes at most ${kib(MAX_JOB_JSON_BYTES)}. Nothing was done.`,
      "Commands that call Azure reach the worker as one Azure Storage queue message (64 KiB, base64-encoded). In it, quotes, backslashes and line breaks take two bytes and other non-ASCII characters two to four.",
      "Send a smaller request body (split a batch over several `aml invoke` calls), or send the whole body yourself: `aml curl` with the endpoint's name prints a curl command that reads it from a file.",
    ],
    `Reference for the operators: \`${correlationId}\`.`,
  );
}

/** A UUID-shaped correlation id derived from the interaction, so a redelivery logs under the same id. */
export function correlationIdFor(seed: string): string {
  const hex = sha256(`aml-chatops:${seed}`);
  const variant = ((parseInt(hex[16]!, 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(13, 16)}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** Ids this process enqueued recently: a redelivery that reaches the same warm instance is not enqueued again. */
export class RecentIds {
  readonly #seen = new Map<string, number>();
  constructor(
    private readonly ttlInMs = 10 * 60_000,
    private readonly max = 1_000,
  ) {}

  has(id: string, nowInMs = Date.now()): boolean {
    const at = this.#seen.get(id);
    return at !== undefined && nowInMs - at < this.ttlInMs;
  }

  add(id: string, nowInMs = Date.now()): void {
    this.#seen.delete(id);
    this.#seen.set(id, nowInMs);
    // Maps iterate in insertion order: the first keys are the oldest.
    while (this.#seen.size > this.max) this.#seen.delete(this.#seen.keys().next().value!);
  }
}

/** What a queued chat job asks the core: a typed command, or a button press (with what was typed in its box). */
export type CoreRequest = { readonly text: string } | { readonly verb: string; readonly payloadId: string; readonly input?: string };

/**
 * Runs a queued chat job through the core. The core already turns a verb's failures into replies; what throws
 * here is a bug or an outage around it, logged with the job's ids and shown as the correlation-id reply. A job
 * aborted because its worker is stopping rethrows: it is delivered again and resumes, and says nothing meanwhile.
 */
export async function runCoreJob(
  core: CommandCore,
  request: CoreRequest,
  who: { readonly actor: Actor; readonly channel: ChannelRef; readonly correlationId: string },
  options: ExecuteOptions,
  onUnexpected: (error: unknown) => void,
): Promise<Reply> {
  try {
    return "text" in request
      ? await core.execute({ text: request.text, ...who }, options)
      : await core.press({ verb: request.verb, payloadId: request.payloadId, ...(request.input ? { input: request.input } : {}), ...who }, options);
  } catch (error) {
    if (options.abortSignal?.aborted) throw error;
    onUnexpected(error);
    return unexpectedFailureReply(who.correlationId);
  }
}
