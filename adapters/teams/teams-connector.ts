/**
 * The Bot Framework connector calls the Teams worker and bridge make outside a turn's own reply, as a small
 * interface: `bot-framework.ts` implements it over botbuilder's CloudAdapter (`continueConversationAsync`,
 * `createConversationAsync`), so the worker never handles SDK objects and is tested through the same HTTP calls.
 * Every method throws when the connector refuses (the caller decides whether that matters).
 */
import type { TeamsConversationReference } from "./teams-activity.js";
import type { CardMessage } from "./teams-messages.js";

export interface TeamsConnector {
  /**
   * Posts a new message into the conversation of `reference` (a reply in its thread when it has an
   * `activityId`). Resolves with the new message's id when the connector gives one.
   */
  send(reference: TeamsConversationReference, message: CardMessage): Promise<string | undefined>;
  /** Replaces the message `activityId` (a card the bot posted) with `message`: `updateActivity`. */
  update(reference: TeamsConversationReference, activityId: string, message: CardMessage): Promise<void>;
  /**
   * Opens (or finds: Teams returns the existing one) the bot's 1:1 chat with `reference.user` in the same tenant,
   * posts `message` there and resolves with that chat's reference.
   */
  sendToUser(reference: TeamsConversationReference, message: CardMessage): Promise<TeamsConversationReference>;
  /** The display name of `userId` (a Teams user id or an AAD object id) in the conversation; undefined when not a member. */
  memberName(reference: TeamsConversationReference, userId: string): Promise<string | undefined>;
}
