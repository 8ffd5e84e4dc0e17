import type { ChannelRef } from "../invocation.js";
import type { Reply } from "../reply.js";
import type { OperationOptions } from "./operation-options.js";

export interface NotifyOptions extends OperationOptions {
  /**
   * Posts with the same thread key go into one thread (Slack `thread_ts`, a Teams reply chain): the first post
   * with a key starts the thread, later ones reply in it. E.g. `alerts:<endpoint>:<day>`.
   */
  readonly threadKey?: string;
  /**
   * A later post with the same update key replaces that message instead of adding one (a burst of events
   * collapses into one message that keeps changing). Scoped to the channel.
   */
  readonly updateKey?: string;
}

export type NotifyOutcome =
  | { readonly kind: "posted" | "updated" }
  /** The bot cannot post there (not installed, no stored conversation, channel gone). */
  | { readonly kind: "unreachable"; readonly message: string };

/** Posts to a channel without a user asking: scheduled digests, autoscale and alert notifications. */
export interface ChannelNotifier {
  post(channel: ChannelRef, reply: Reply, options?: NotifyOptions): Promise<NotifyOutcome>;
}
