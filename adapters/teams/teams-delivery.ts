/**
 * Requester-only replies on Teams. Teams has no ephemeral messages in shared conversations, so:
 * - in a personal (1:1) chat the reply is simply posted there: only the requester sees that chat;
 * - in a group chat or a channel it goes to the requester's 1:1 chat with the bot (a known personal conversation
 *   from the reference store, else one opened with `createConversation`, which Teams answers with the existing chat
 *   when there is one); the shared conversation gets a one-line notice at most;
 * - if the private chat cannot be reached (the app is not installed for that user, the tenant forbids it), the
 *   reply is shown in the shared conversation, marked as meant for that person. Replies never carry secrets (the
 *   core's rule), so this fallback trades privacy of a usage hint or a refusal for an answer that arrives.
 */
import type { Logger } from "../../commands/ports/logger.port.js";
import type { Reply } from "../../commands/reply.js";
import type { TeamsConversationStore } from "./conversation-store.js";
import type { TeamsConversationReference } from "./teams-activity.js";
import type { TeamsConnector } from "./teams-connector.js";
import { cardMessage } from "./teams-messages.js";

export interface DeliveryDeps {
  readonly connector: TeamsConnector;
  readonly store: TeamsConversationStore;
  readonly logger: Logger;
}

/** Posts `reply` in the requester's 1:1 chat with the bot. Resolves whether it got there; never throws. */
export async function deliverPrivately(deps: DeliveryDeps, reference: TeamsConversationReference, reply: Reply, correlationId: string): Promise<boolean> {
  const message = cardMessage(reply);
  const aad = reference.user?.aadObjectId;
  const known = aad ? await deps.store.getPersonalReference(aad).catch((error: unknown) => warn(deps, "personal conversation lookup", correlationId, error)) : undefined;
  if (known) {
    try {
      await deps.connector.send({ ...known, user: reference.user ?? known.user }, message);
      return true;
    } catch (error) {
      warn(deps, "post to the known personal conversation (opening it again)", correlationId, error);
    }
  }
  try {
    const personal = await deps.connector.sendToUser(reference, message);
    await deps.store.saveReference(personal).catch((error: unknown) => warn(deps, "personal conversation save", correlationId, error));
    return true;
  } catch (error) {
    warn(deps, "private reply", correlationId, error);
    return false;
  }
}

export function recipientName(reference: TeamsConversationReference): string {
  return reference.user?.name ?? "the requester";
}

function warn(deps: DeliveryDeps, what: string, correlationId: string, error: unknown): undefined {
  deps.logger.warn(`teams ${what} failed`, { correlationId, error });
  return undefined;
}
