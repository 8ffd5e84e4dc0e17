/**
 * Bot Framework activities as the Teams adapter reads them: zod schemas for the fields it relies on (everything
 * else passes through untouched), and pure helpers that turn an activity into the core's neutral terms.
 * No botbuilder import: these are plain JSON shapes, tested on the published fixtures.
 *
 * - Who: `from.aadObjectId` (the user's Entra object id, what role bindings name as `teams:<id>`). Teams always
 *   sends it for people; without one the Bot Framework id (`29:…`) stands in, which no binding names, so such a
 *   sender only ever gets the default role.
 * - Where: the conversation id without Teams' `;messageid=…` thread suffix, so `aml use` applies to a whole
 *   channel, not to one thread of it.
 * - What: `text` without the bot's own @mention (`<at>Name</at>`, found through the activity's `mention` entities,
 *   as botbuilder's `TurnContext.removeRecipientMention` does, but every occurrence), HTML entities decoded.
 */
import * as z from "zod";
import type { Actor, ChannelRef } from "../../commands/invocation.js";
import { sha256 } from "../jobs.js";

const account = z.looseObject({ id: z.string().min(1), name: z.string().optional(), aadObjectId: z.string().optional() });

/** The envelope every activity the bridge acts on must carry. */
export const activityEnvelopeSchema = z.looseObject({
  type: z.string().min(1),
  /** Invokes: `adaptiveCard/action`, … */
  name: z.string().optional(),
  id: z.string().optional(),
  channelId: z.string().min(1),
  serviceUrl: z.string().min(1),
  from: account,
  recipient: account,
  conversation: z.looseObject({
    id: z.string().min(1),
    conversationType: z.string().optional(),
    tenantId: z.string().optional(),
    isGroup: z.boolean().optional(),
  }),
  channelData: z.looseObject({ tenant: z.looseObject({ id: z.string() }).optional() }).optional(),
  replyToId: z.string().optional(),
  text: z.string().optional(),
  value: z.unknown().optional(),
  entities: z.array(z.looseObject({ type: z.string().optional() })).optional(),
});

export type ActivityEnvelope = z.infer<typeof activityEnvelopeSchema>;

/** What a proactive post needs (botbuilder's `ConversationReference`, the JSON part of it). */
export const conversationReferenceSchema = z.object({
  channelId: z.string().min(1).max(64),
  serviceUrl: z.url({ protocol: /^https?$/ }),
  conversation: z.object({
    id: z.string().min(1).max(1024),
    conversationType: z.string().max(64).optional(),
    tenantId: z.string().max(64).optional(),
    isGroup: z.boolean().optional(),
  }),
  bot: z.object({ id: z.string().min(1).max(256), name: z.string().max(256).optional() }),
  user: z.object({ id: z.string().min(1).max(256), name: z.string().max(256).optional(), aadObjectId: z.string().max(64).optional() }).optional(),
  /** The activity to thread replies under (the command's message); absent for a conversation-wide reference. */
  activityId: z.string().max(256).optional(),
  locale: z.string().max(32).optional(),
});

export type TeamsConversationReference = z.infer<typeof conversationReferenceSchema>;

export type TeamsScope = "personal" | "groupChat" | "channel";

/** What Teams reports; anything unknown is treated as a shared conversation (never as a private one). */
export function scopeOf(activity: Pick<ActivityEnvelope, "conversation">): TeamsScope {
  const type = activity.conversation.conversationType;
  if (type === "personal") return "personal";
  return type === "channel" ? "channel" : "groupChat";
}

export function tenantOf(activity: Pick<ActivityEnvelope, "conversation" | "channelData">): string | undefined {
  return activity.conversation.tenantId ?? activity.channelData?.tenant?.id;
}

/** The reference of the conversation an activity came from, threaded under that activity. */
export function referenceOf(activity: ActivityEnvelope): TeamsConversationReference {
  const tenantId = tenantOf(activity);
  const { id, conversationType, isGroup } = activity.conversation;
  return {
    channelId: activity.channelId,
    serviceUrl: activity.serviceUrl,
    conversation: { id, ...(conversationType ? { conversationType } : {}), ...(tenantId ? { tenantId } : {}), ...(isGroup !== undefined ? { isGroup } : {}) },
    bot: { id: activity.recipient.id, ...(activity.recipient.name ? { name: activity.recipient.name } : {}) },
    user: {
      id: activity.from.id,
      ...(activity.from.name ? { name: activity.from.name } : {}),
      ...(activity.from.aadObjectId ? { aadObjectId: activity.from.aadObjectId } : {}),
    },
    ...(activity.id ? { activityId: activity.id } : {}),
    ...(typeof activity["locale"] === "string" ? { locale: activity["locale"] } : {}),
  };
}

/** A channel thread's conversation id carries `;messageid=<root>`; the channel itself is what comes before. */
export function channelKeyOf(conversationId: string): string {
  return conversationId.split(";")[0] ?? conversationId;
}

export function channelRefOf(activity: Pick<ActivityEnvelope, "conversation">): ChannelRef {
  return { platform: "teams", id: channelKeyOf(activity.conversation.id) };
}

export function userIdOf(activity: Pick<ActivityEnvelope, "from">): string {
  return activity.from.aadObjectId ?? activity.from.id;
}

export function actorOf(activity: Pick<ActivityEnvelope, "from">, groups: readonly string[]): Actor {
  return { platform: "teams", userId: userIdOf(activity), ...(activity.from.name ? { displayName: activity.from.name } : {}), groups };
}

const mentionSchema = z.looseObject({ type: z.literal("mention"), text: z.string().optional(), mentioned: z.looseObject({ id: z.string() }) });

/** The command the user typed: the bot's @mention removed, Teams' HTML entities decoded, whitespace tidied. */
export function commandTextOf(activity: Pick<ActivityEnvelope, "text" | "entities" | "recipient">): string {
  let text = activity.text ?? "";
  for (const entity of activity.entities ?? []) {
    const mention = mentionSchema.safeParse(entity);
    if (mention.success && mention.data.mentioned.id === activity.recipient.id && mention.data.text) text = text.split(mention.data.text).join(" ");
  }
  // Without the entity (older clients, copied text), a leading <at>…</at> is still addressed to the bot.
  text = text.replace(/^\s*(?:<at>[^<]*<\/at>\s*)+/i, "");
  return decodeEntities(text).replace(/\s+/g, " ").trim();
}

function decodeEntities(text: string): string {
  const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: " " };
  return text.replace(/&(#x[0-9a-f]+|#\d+|[a-z]+);/gi, (whole, code: string) => {
    if (!code.startsWith("#")) return named[code.toLowerCase()] ?? whole;
    const codePoint = code[1] === "x" || code[1] === "X" ? parseInt(code.slice(2), 16) : parseInt(code.slice(1), 10);
    // Beyond Unicode (`&#99999999;`) is not a character: kept as typed rather than thrown as a RangeError.
    return codePoint <= 0x10ffff ? String.fromCodePoint(codePoint) : whole;
  });
}

/**
 * What our buttons carry: `Action.Execute` data (invoke `value.action.data`), or the same object as a message's
 * `value` when an older client falls back to `Action.Submit`.
 */
export const buttonDataSchema = z.looseObject({ verb: z.string().min(1).max(64), payloadId: z.string().min(1).max(256) });

/** A button's data as it comes back: its verb and payload, and the card's inputs by id (`Input.Text` values). */
export type ButtonData = z.infer<typeof buttonDataSchema>;

/** The `value` of an `adaptiveCard/action` invoke. */
export const cardActionValueSchema = z.looseObject({
  action: z.looseObject({ type: z.string(), verb: z.string().optional(), data: z.unknown().optional() }),
  trigger: z.string().optional(),
});

/**
 * The idempotency key of one interaction: Teams redelivers an activity with the same id, and activity ids are
 * unique within a conversation. Hashed, because Teams conversation ids can be long.
 */
export function teamsJobId(activity: Pick<ActivityEnvelope, "id" | "conversation">, raw: unknown): string {
  const key = activity.id ? `${activity.conversation.id}:${activity.id}` : `body:${JSON.stringify(raw)}`;
  return `teams:${sha256(key).slice(0, 48)}`;
}
