/**
 * The `ChannelNotifier` over the chat adapters: dispatches by `channel.platform` to a `ChannelPoster` (the Slack
 * adapter's `postToChannel`, the Teams adapter's `postToConversation`, each loaded on first use) and maps thread
 * and update keys to messages through `MessageRefs`.
 *
 * - Update key known: that message is updated. Unknown: the key is reserved, a message posted (as a reply when
 *   there is a thread key) and remembered. If the remembered message was deleted, a new one takes its place.
 * - Thread key known: the post is a reply under the thread's first message. Unknown: reserved, then this post
 *   starts the thread.
 * - A key someone else reserved moments ago (a concurrent post): wait for their message, then reply or update.
 *   If it never appears within `waitInMs`, post on our own rather than lose the notification.
 * Unreachable channels are an outcome; storage or chat outages throw for the caller to retry.
 */
import type { ChannelPostResult, ChannelPostTarget } from "../../adapters/channel-post.js";
import type { ChannelRef, Platform } from "../../commands/invocation.js";
import type { ChannelNotifier, NotifyOptions, NotifyOutcome } from "../../commands/ports/channel-notifier.port.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import type { Reply } from "../../commands/reply.js";
import type { MessageRefClaim, MessageRefKind, MessageRefs } from "./message-refs.js";

/** One platform's way of posting into a channel (a thin wrapper over its adapter's hook). */
export interface ChannelPoster {
  post(channelId: string, reply: Reply, target: ChannelPostTarget): Promise<ChannelPostResult>;
}

export interface ChatNotifierOptions {
  /** Loaded on first use: a Slack notification never loads the Teams SDK, and the other way round. */
  readonly posters: Partial<Record<Platform, () => Promise<ChannelPoster>>>;
  readonly refs: MessageRefs;
  readonly logger: Logger;
  /** How long to wait for a concurrent poster's message (default 15 s). */
  readonly waitInMs?: number;
  /** Default 150 ms. */
  readonly pollInMs?: number;
}

type Slot = MessageRefClaim | { readonly kind: "timeout" };

export class ChatNotifier implements ChannelNotifier {
  readonly #options: ChatNotifierOptions;

  constructor(options: ChatNotifierOptions) {
    this.#options = options;
  }

  async post(channel: ChannelRef, reply: Reply, options: NotifyOptions = {}): Promise<NotifyOutcome> {
    const load = this.#options.posters[channel.platform];
    if (load === undefined) return { kind: "unreachable", message: `The bot cannot post to ${channel.platform} channels.` };
    const poster = await load();
    const op = options.abortSignal ? { abortSignal: options.abortSignal } : {};
    const { updateKey, threadKey } = options;
    if (updateKey === undefined) return outcome(await this.#postNew(poster, channel, reply, threadKey, op), "posted");

    const slot = await this.#acquire(channel, "update", updateKey, op);
    if (slot.kind === "posted") {
      const updated = await poster.post(channel.id, reply, { update: slot.ref });
      if (updated.kind !== "gone") return outcome(updated, "updated");
      this.#options.logger.info("notification to update is gone; posting a new one", { platform: channel.platform, updateKey, reason: updated.reason });
    }
    return outcome(await this.#withSlot(channel, "update", updateKey, slot, op, () => this.#postNew(poster, channel, reply, threadKey, op)), "posted");
  }

  /** A new message: a reply in the key's thread, or the first message of it. */
  async #postNew(poster: ChannelPoster, channel: ChannelRef, reply: Reply, threadKey: string | undefined, op: OperationOptions): Promise<ChannelPostResult> {
    if (threadKey === undefined) return poster.post(channel.id, reply, {});
    const slot = await this.#acquire(channel, "thread", threadKey, op);
    if (slot.kind === "posted") {
      const replied = await poster.post(channel.id, reply, { replyTo: slot.ref });
      if (replied.kind !== "gone") return replied;
      this.#options.logger.info("thread of a notification is gone; starting a new one", { platform: channel.platform, threadKey, reason: replied.reason });
    }
    return this.#withSlot(channel, "thread", threadKey, slot, op, () => poster.post(channel.id, reply, {}));
  }

  /** Posts, then remembers the new message under the key (unless someone else's reservation timed us out). */
  async #withSlot(channel: ChannelRef, kind: MessageRefKind, key: string, slot: Slot, op: OperationOptions, post: () => Promise<ChannelPostResult>): Promise<ChannelPostResult> {
    const reserved = slot.kind === "mine";
    let result: ChannelPostResult;
    try {
      result = await post();
    } catch (error) {
      if (reserved) await this.#options.refs.release(channel, kind, key, op).catch(() => undefined);
      throw error;
    }
    if (slot.kind !== "timeout" && result.kind === "posted" && result.id !== "") await this.#options.refs.save(channel, kind, key, result.id, op);
    else if (reserved) await this.#options.refs.release(channel, kind, key, op);
    return result;
  }

  async #acquire(channel: ChannelRef, kind: MessageRefKind, key: string, op: OperationOptions): Promise<Slot> {
    const deadline = Date.now() + (this.#options.waitInMs ?? 15_000);
    for (;;) {
      const claim = await this.#options.refs.claim(channel, kind, key, op);
      if (claim.kind !== "held") return claim;
      if (Date.now() >= deadline) {
        this.#options.logger.warn("notification key held too long by another poster; posting without it", { platform: channel.platform, kind, key });
        return { kind: "timeout" };
      }
      await sleep(this.#options.pollInMs ?? 150, op.abortSignal);
    }
  }
}

function outcome(result: ChannelPostResult, success: "posted" | "updated"): NotifyOutcome {
  if (result.kind === "posted") return { kind: success };
  return { kind: "unreachable", message: result.reason };
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener("abort", () => (clearTimeout(timer), reject(signal.reason)), { once: true });
  });
}
