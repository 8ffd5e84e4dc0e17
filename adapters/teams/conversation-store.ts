/**
 * What the Teams adapter remembers between turns, owned here and implemented in src/ over Azure Tables
 * (`TableConversationReferences`):
 *
 * - Conversation references, saved when the bot is installed in a conversation (`conversationUpdate` /
 *   `installationUpdate`) and on the first message this process sees from it: what a proactive post needs
 *   (serviceUrl, conversation, bot). A personal (1:1) conversation is also found by the user's AAD object id, so
 *   a requester-only reply from a channel goes to that chat instead of creating one.
 * - The Reply behind each card with buttons the bot posted, by message: a click answers with a disabled copy of
 *   that card at once, and when the click turns out to be for the clicker only (not allowed, expired, already
 *   handled) the worker puts the card back as it was.
 *
 * Every method may throw on an infrastructure failure; the adapter logs it and carries on (a reference or a card
 * that could not be saved costs a nicer answer later, never the command).
 */
import type { OperationOptions } from "../../commands/ports/operation-options.js";
import type { Reply } from "../../commands/reply.js";
import type { TeamsConversationReference } from "./teams-activity.js";

export interface TeamsConversationStore {
  /** Upserts by conversation id; a personal conversation is also indexed by `user.aadObjectId`. */
  saveReference(reference: TeamsConversationReference, options?: OperationOptions): Promise<void>;
  getReference(conversationId: string, options?: OperationOptions): Promise<TeamsConversationReference | undefined>;
  /** The bot's 1:1 conversation with this user, if one is known. */
  getPersonalReference(aadObjectId: string, options?: OperationOptions): Promise<TeamsConversationReference | undefined>;
  /** `channelKey`: the conversation id without its thread suffix; `activityId`: the message holding the card. */
  saveCard(channelKey: string, activityId: string, reply: Reply, options?: OperationOptions): Promise<void>;
  getCard(channelKey: string, activityId: string, options?: OperationOptions): Promise<Reply | undefined>;
}
