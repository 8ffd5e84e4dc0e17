/**
 * Posting into a Teams conversation without a message to answer (scheduled digests, alerts): proactively, with the
 * conversation reference stored when the bot was installed there or first messaged (`continueConversationAsync`).
 * A new message goes to the conversation itself (a channel post starts a new thread), a reply goes under
 * `replyToId` (the channel's reply chain), an update is `updateActivity`. No stored reference means the bot was
 * never installed or spoken to there: that is an outcome, not an error. A card too large for Teams (a big chart)
 * is sent again with the chart as sparklines; with an `imageHost`, a chart is linked rather than inlined, so it fits.
 * A card with buttons is remembered by message, as the worker does for its replies, and so is each update of one.
 */
import type { Logger } from "../../commands/ports/logger.port.js";
import type { Reply } from "../../commands/reply.js";
import type { ChannelPostResult } from "../channel-post.js";
import type { TeamsConversationStore } from "./conversation-store.js";
import { channelKeyOf, type TeamsConversationReference } from "./teams-activity.js";
import type { TeamsConnector } from "./teams-connector.js";
import { hostChartImages, type ChartImageHost } from "./chart-hosting.js";
import { cardMessage } from "./teams-messages.js";
import type { CardMention } from "./adaptive-card.renderer.js";

export interface TeamsChannelPostDeps {
  readonly connector: TeamsConnector;
  readonly store: TeamsConversationStore;
  readonly logger: Logger;
  /** Publishes chart pictures so the card links them (see `chart-hosting.ts`). */
  readonly imageHost?: ChartImageHost;
}

export interface TeamsChannelPostOptions {
  /** Reply under this message (its thread in a channel). */
  readonly replyToId?: string;
  /** Replace this message (one the bot posted) instead of adding one. */
  readonly updateId?: string;
}

export async function postToTeamsConversation(deps: TeamsChannelPostDeps, conversationId: string, reply: Reply, options: TeamsChannelPostOptions = {}): Promise<ChannelPostResult> {
  const stored = await deps.store.getReference(conversationId);
  if (stored === undefined) return { kind: "unreachable", reason: "No conversation reference is stored: the bot was never installed in or messaged from this conversation." };
  // The conversation itself, not threaded under the message it was stored from.
  const { activityId: _activityId, ...conversation } = stored;
  const shown: Reply = await hostChartImages({ ...reply, visibility: "channel", mode: "new" }, deps.imageHost, deps.logger);
  try {
    return await send(deps, conversation, shown, options);
  } catch (error) {
    if (statusOf(error) === 413 && hasChartImage(shown)) {
      deps.logger.info("teams card too large with its chart picture; sending sparklines instead", { conversationId });
      return send(deps, conversation, withoutChartImages(shown), options).catch((retry: unknown) => classify(retry, options));
    }
    return classify(error, options);
  }
}

async function send(deps: TeamsChannelPostDeps, conversation: TeamsConversationReference, reply: Reply, options: TeamsChannelPostOptions): Promise<ChannelPostResult> {
  const message = cardMessage(reply, await mentionsOf(deps, conversation, reply.notify));
  if (options.updateId !== undefined) {
    await deps.connector.update(conversation, options.updateId, message);
    await remember(deps, conversation, options.updateId, reply, true);
    return { kind: "posted", id: options.updateId };
  }
  const target = options.replyToId !== undefined ? { ...conversation, activityId: options.replyToId } : conversation;
  const id = await deps.connector.send(target, message);
  if (id) await remember(deps, conversation, id, reply, false);
  return { kind: "posted", id: id ?? "" };
}

/**
 * The Teams users of `notify` who are members of the conversation, with the names Teams knows them by (a mention
 * needs one). Groups are not mentioned: an AAD group is no Teams tag. Someone the lookup does not find is left out of
 * the cc line (the card still names every approver); a lookup that fails costs the mention, never the post.
 */
async function mentionsOf(deps: TeamsChannelPostDeps, conversation: TeamsConversationReference, notify: Reply["notify"]): Promise<CardMention[]> {
  const ids = (notify?.users ?? []).filter((id) => id.startsWith("teams:")).map((id) => id.slice("teams:".length));
  const found = await Promise.all(
    ids.map(async (id) => {
      const name = await deps.connector.memberName(conversation, id).catch((error: unknown) => {
        deps.logger.warn("teams member lookup for a mention failed", { conversationId: conversation.conversation.id, error });
        return undefined;
      });
      return name === undefined ? undefined : { id, name };
    }),
  );
  return found.filter((m): m is CardMention => m !== undefined);
}

/**
 * Keeps the Reply behind a card with buttons (a request for approval), and each update of a card kept so (its last
 * version may have none), so a click on it answers with a disabled copy of what it shows now and a click that changed
 * nothing puts that back. Failures are logged: they cost a plainer answer to a click, never the post.
 */
async function remember(deps: TeamsChannelPostDeps, conversation: TeamsConversationReference, activityId: string, reply: Reply, update: boolean): Promise<void> {
  const channelKey = channelKeyOf(conversation.conversation.id);
  try {
    const kept = (reply.buttons?.length ?? 0) > 0 || (update && (await deps.store.getCard(channelKey, activityId)) !== undefined);
    if (kept) await deps.store.saveCard(channelKey, activityId, reply);
  } catch (error) {
    deps.logger.warn("teams card not remembered", { conversationId: conversation.conversation.id, activityId, error });
  }
}

/** 403: the bot was removed or blocked; 404: the conversation, or the message to update or reply under, is gone. */
function classify(error: unknown, options: TeamsChannelPostOptions): ChannelPostResult {
  const status = statusOf(error);
  if (status === 404 && (options.updateId ?? options.replyToId) !== undefined) return { kind: "gone", reason: "The connector answered 404 for the message" };
  if (status === 403 || status === 404) return { kind: "unreachable", reason: `The connector answered ${status}` };
  throw error;
}

function statusOf(error: unknown): number | undefined {
  const e = error as { statusCode?: unknown; response?: { status?: unknown } } | undefined;
  const status = e?.statusCode ?? e?.response?.status;
  return typeof status === "number" ? status : undefined;
}

function hasChartImage(reply: Reply): boolean {
  return reply.sections.some((s) => s.kind === "chart" && s.image !== undefined);
}

function withoutChartImages(reply: Reply): Reply {
  return { ...reply, sections: reply.sections.map((s) => (s.kind === "chart" ? { kind: "chart", chart: s.chart, altText: s.altText } : s)) };
}
