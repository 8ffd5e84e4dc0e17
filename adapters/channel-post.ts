/**
 * What a chat adapter answers when asked to post into a channel unprompted (scheduled digests, alerts): the
 * message id (Slack `ts`, Teams activity id), or why it could not. Expected outcomes are values; only an
 * outage or a bug around the call throws.
 */
export type ChannelPostResult =
  | { readonly kind: "posted"; readonly id: string }
  /** The bot cannot post there: not installed, not a member, no stored conversation, the channel is gone. */
  | { readonly kind: "unreachable"; readonly reason: string }
  /** The message to update or to reply under no longer exists (deleted); the channel itself is fine. */
  | { readonly kind: "gone"; readonly reason: string };

/** Where in the channel: a reply under `replyTo`, or a new version of the message `update`; else a new message. */
export interface ChannelPostTarget {
  readonly replyTo?: string;
  readonly update?: string;
}
