/**
 * Channel mentions, normalised by each chat adapter before the core sees a command: the platform's way of naming a
 * channel becomes the core's neutral reference `<channel:ID>` (commands/channel-reference.ts), so the core reads
 * one form and never branches on the platform. Pure functions; the rest of the text is left as it is.
 */
import { channelReference } from "../commands/channel-reference.js";

/** A channel Slack links in a command's text: `<#C123|name>`, `<#C123|>` or `<#C123>` (C public, G private). */
const SLACK_CHANNEL_LINK = /<#([CG][A-Z0-9]+)(?:\|[^>]*)?>/g;

/**
 * A slash command's text as Slack sends it (escaped: call it before turning `&lt;` `&gt;` `&amp;` back into
 * characters, so only Slack's own links are read, never what a user typed): each channel link becomes
 * `<channel:C123>`.
 */
export function normaliseSlackChannelMentions(text: string): string {
  return text.replace(SLACK_CHANNEL_LINK, (_link, id: string) => channelReference(id));
}

/** Teams conversation ids of channels (and group chats): `19:…@thread.tacv2`, `…@thread.skype`, `…@thread.v2`. */
const TEAMS_CHANNEL_ID = /^19:[^\s<>]+@thread\.[a-z0-9]+$/;

interface ChannelMention {
  /** The mention as it stands in the activity's text, e.g. `<at>ML Alerts</at>`. */
  readonly text: string;
  readonly id: string;
}

/**
 * A message's text as the activity carries it (before the bot's own @mention is removed and entities are decoded):
 * each @mention of a channel, which Teams writes as `<at>Name</at>` with a `mention` entity whose `mentioned.id` is
 * the channel's conversation id, becomes `<channel:19:…@thread.tacv2>`. Mentions of people, bots and tags stay.
 */
export function normaliseTeamsChannelMentions(text: string, entities: readonly unknown[] | undefined): string {
  let normalised = text;
  // One entity per mention in the text, in order: each replaces the first occurrence still there.
  for (const mention of (entities ?? []).map(channelMentionOf)) {
    if (mention) normalised = normalised.replace(mention.text, () => channelReference(mention.id));
  }
  return normalised;
}

function channelMentionOf(entity: unknown): ChannelMention | undefined {
  if (typeof entity !== "object" || entity === null) return undefined;
  const { type, text, mentioned } = entity as { type?: unknown; text?: unknown; mentioned?: { id?: unknown } | null };
  const id = mentioned?.id;
  if (type !== "mention" || typeof text !== "string" || text === "" || typeof id !== "string" || !TEAMS_CHANNEL_ID.test(id)) return undefined;
  return { text, id };
}
