/**
 * The chat adapters' posting hooks as `ChannelPoster`s for the notifier: each adapter is obtained through the
 * runtime's lazy loader, so a Slack notification never loads botbuilder and a Teams one never loads Bolt.
 */
import type { SlackAdapter } from "../../adapters/slack/slack.adapter.js";
import type { TeamsAdapter } from "../../adapters/teams/teams.adapter.js";
import type { ChannelPoster } from "./chat.notifier.js";

export function slackPoster(adapter: () => Promise<SlackAdapter>): () => Promise<ChannelPoster> {
  return async () => {
    const slack = await adapter();
    return {
      post: (channelId, reply, target) =>
        slack.postToChannel(channelId, reply, { ...(target.replyTo ? { threadTs: target.replyTo } : {}), ...(target.update ? { updateTs: target.update } : {}) }),
    };
  };
}

export function teamsPoster(adapter: () => Promise<TeamsAdapter>): () => Promise<ChannelPoster> {
  return async () => {
    const teams = await adapter();
    return {
      post: (conversationId, reply, target) =>
        teams.postToConversation(conversationId, reply, { ...(target.replyTo ? { replyToId: target.replyTo } : {}), ...(target.update ? { updateId: target.update } : {}) }),
    };
  };
}
