/** Who is asking and where, in platform-neutral form. Adapters build these from chat payloads. */

export type Platform = "slack" | "teams" | "terminal";

export interface Actor {
  readonly platform: Platform;
  /** The platform's own user id (Slack `U…`, Teams AAD object id). */
  readonly userId: string;
  readonly displayName?: string;
  /** Platform group ids the user belongs to (Slack usergroups, AAD groups). */
  readonly groups: readonly string[];
}

export interface ChannelRef {
  readonly platform: Platform;
  /** Slack channel id, Teams conversation id, or `terminal`. */
  readonly id: string;
}

/** A typed command: the text after `aml` (or `/aml`). */
export interface CommandInvocation {
  readonly text: string;
  readonly actor: Actor;
  readonly channel: ChannelRef;
  readonly correlationId: string;
}

/** A button click: the button's verb and the payload it carries. */
export interface ActionInvocation {
  readonly verb: string;
  readonly payloadId: string;
  /** Text the user typed into the box that goes with the button (a rejection's reason), trimmed. */
  readonly input?: string;
  readonly actor: Actor;
  readonly channel: ChannelRef;
  readonly correlationId: string;
}
