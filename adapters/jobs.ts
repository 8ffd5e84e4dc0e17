/**
 * What every chat adapter shares about queued work: the shape the queue worker hands back, a correlation id
 * derived from the interaction (a redelivery logs under the same id), and a short memory of the ids this process
 * enqueued (a redelivery reaching the same warm instance is not enqueued twice).
 */
import { createHash } from "node:crypto";
import type { CommandCore, ExecuteOptions } from "../commands/command-core.js";
import type { Actor, ChannelRef } from "../commands/invocation.js";
import { unexpectedFailureReply } from "../commands/replies.js";
import type { Reply } from "../commands/reply.js";

/** What a worker receives: src's `Job` fits (its extra `enqueuedAt` is ignored). */
export interface QueuedJob {
  readonly id: string;
  readonly kind: string;
  readonly payload: unknown;
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

/** What a queued chat job asks the core: a typed command, or a button press. */
export type CoreRequest = { readonly text: string } | { readonly verb: string; readonly payloadId: string };

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
      : await core.press({ verb: request.verb, payloadId: request.payloadId, ...who }, options);
  } catch (error) {
    if (options.abortSignal?.aborted) throw error;
    onUnexpected(error);
    return unexpectedFailureReply(who.correlationId);
  }
}
