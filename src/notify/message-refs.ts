import type { ChannelRef } from "../../commands/invocation.js";
import type { OperationOptions } from "../../commands/ports/operation-options.js";

/** A thread key maps to the thread's first message; an update key to the message that keeps changing. */
export type MessageRefKind = "thread" | "update";

/**
 * - `mine`: the caller reserved the key and must post, then `save` the new message's id (or `release`);
 * - `posted`: the key already names a message;
 * - `held`: someone else reserved it moments ago and is posting: ask again shortly.
 */
export type MessageRefClaim = { readonly kind: "mine" } | { readonly kind: "posted"; readonly ref: string } | { readonly kind: "held" };

/**
 * Which message a notification key stands for, per channel (Slack `ts`, Teams activity id). A key is reserved
 * before its first message is posted, so two posts racing with the same new key start one thread, not two.
 */
export interface MessageRefs {
  claim(channel: ChannelRef, kind: MessageRefKind, key: string, options?: OperationOptions): Promise<MessageRefClaim>;
  /** Records (or replaces, when the old message is gone) the message a key stands for. */
  save(channel: ChannelRef, kind: MessageRefKind, key: string, ref: string, options?: OperationOptions): Promise<void>;
  /** Gives up a reservation of ours that did not lead to a message. */
  release(channel: ChannelRef, kind: MessageRefKind, key: string, options?: OperationOptions): Promise<void>;
}
