/**
 * Pure builders of what the Teams adapter sends: message activities carrying a rendered card, the three
 * `adaptiveCard/action` invoke response bodies, and the neutral Replies the bridge derives from others
 * (a pressed card, a channel's one-line notice for a private answer). No I/O, no clock, no botbuilder.
 *
 * Invoke responses (Universal Actions; response format of the `adaptiveCard/action` invoke): the HTTP status is
 * 200 whenever the bot handled the invoke, and the body says what the client shows:
 * - `{ statusCode: 200, type: "application/vnd.microsoft.card.adaptive", value: <card> }`: the card replaces the
 *   one clicked, for the clicking user only (Teams sends an invoke response card to the client that asked);
 * - `{ statusCode: 200, type: "application/vnd.microsoft.activity.message", value: "<text>" }`: a short message,
 *   the card stays as it is;
 * - `{ statusCode: 4xx|5xx, type: "application/vnd.microsoft.error", value: { code, message } }`.
 * (One table of the Adaptive Cards docs spells the card type `application/vnd.microsoft.adaptive.card`; botbuilder's
 * `CardFactory.contentTypes.adaptiveCard` and the Teams docs' Node.js sample use `…card.adaptive`, as here.)
 */
import { REVERT_VERB } from "../../commands/changes/change-verbs.js";
import { TRY_INVOKE_VERB, TRY_MIRROR_VERB, TRY_PROMOTE_VERB, TRY_TRAFFIC_VERB } from "../../commands/deploy/next-steps.js";
import { MODEL_DEPLOY_VERB, MODEL_IGNORE_VERB } from "../../commands/events/model-card.js";
import { ABORT_VERB, PAUSE_VERB, PROMOTE_NOW_VERB, PROMOTION_CONTROL_VERBS, RESUME_VERB } from "../../commands/promote/promotion-card.js";
import type { Reply } from "../../commands/reply.js";
import { isDecision } from "../chat-buttons.js";
import type { CoreRequest } from "../jobs.js";
import { ADAPTIVE_CARD_CONTENT_TYPE, renderAdaptiveCard, type AdaptiveCard, type CardMention } from "./adaptive-card.renderer.js";

export const INVOKE_CARD_TYPE = ADAPTIVE_CARD_CONTENT_TYPE;
export const INVOKE_MESSAGE_TYPE = "application/vnd.microsoft.activity.message";
export const INVOKE_ERROR_TYPE = "application/vnd.microsoft.error";

/** A message activity as the connector takes it (the subset we send). */
export interface CardMessage {
  readonly type: "message";
  /** Shown in notifications and where the card cannot be rendered. */
  readonly summary: string;
  // Mutable, as botbuilder's Activity type declares it, so a CardMessage can be sent as it is.
  readonly attachments: { contentType: typeof ADAPTIVE_CARD_CONTENT_TYPE; content: AdaptiveCard }[];
}

export function cardMessage(reply: Reply, mentions: readonly CardMention[] = []): CardMessage {
  return { type: "message", summary: reply.summary, attachments: [{ contentType: ADAPTIVE_CARD_CONTENT_TYPE, content: renderAdaptiveCard(reply, mentions) }] };
}

export type AdaptiveCardInvokeBody =
  | { readonly statusCode: 200; readonly type: typeof INVOKE_CARD_TYPE; readonly value: AdaptiveCard }
  | { readonly statusCode: 200; readonly type: typeof INVOKE_MESSAGE_TYPE; readonly value: string }
  | { readonly statusCode: number; readonly type: typeof INVOKE_ERROR_TYPE; readonly value: { readonly code: string; readonly message: string } };

export function cardInvokeBody(reply: Reply): AdaptiveCardInvokeBody {
  return { statusCode: 200, type: INVOKE_CARD_TYPE, value: renderAdaptiveCard(reply) };
}

export function messageInvokeBody(text: string): AdaptiveCardInvokeBody {
  return { statusCode: 200, type: INVOKE_MESSAGE_TYPE, value: text };
}

export function errorInvokeBody(statusCode: number, code: string, message: string): AdaptiveCardInvokeBody {
  return { statusCode, type: INVOKE_ERROR_TYPE, value: { code, message } };
}

/** What a button press is doing, in words. */
export function pressLabel(verb: string): string {
  switch (verb) {
    case "cancel":
      return "Cancelling";
    case "approve":
      return "Approving";
    case "reject":
      return "Rejecting";
    case REVERT_VERB:
      return "Preparing the revert";
    case TRY_INVOKE_VERB:
      return "Invoking the new deployment";
    case TRY_MIRROR_VERB:
    case TRY_TRAFFIC_VERB:
    case TRY_PROMOTE_VERB:
    case MODEL_DEPLOY_VERB:
      return "Preparing the preview";
    case MODEL_IGNORE_VERB:
      return "Ignoring the model version";
    case PAUSE_VERB:
      return "Pausing the promotion";
    case RESUME_VERB:
      return "Resuming the promotion";
    case ABORT_VERB:
      return "Aborting the promotion";
    case PROMOTE_NOW_VERB:
      return "Starting the next step";
    default:
      return "Applying the change";
  }
}

/**
 * The short answer to a click that leaves its card as it is: an Approve or Reject (the core updates every copy of
 * the request's card, and the clicker hears how it went in a private answer), or a Ready card's next step (its
 * answer is a new message).
 */
export function stayingNote(request: CoreRequest): string {
  const verb = "verb" in request ? request.verb : "";
  if (PROMOTION_CONTROL_VERBS.includes(verb)) return `⏳ ${pressLabel(verb)}… The promotion's card updates for everyone; your answer comes privately.`;
  if (isDecision(request)) return `⏳ ${pressLabel(verb)}… The request's card updates for everyone once it is decided; your answer comes privately.`;
  return `⏳ ${pressLabel(verb)}… The answer comes as a new message; this card stays as it is.`;
}

/**
 * The card a click answers with at once (only the clicker sees it): the card that was clicked, disabled (its
 * buttons gone, so it cannot be pressed twice) with an "⏳ …" line on top of its small print; or, when that card is
 * not known, a short "⏳ …" card. The worker replaces the message with the outcome for everyone.
 */
export function pressedReply(original: Reply | undefined, press: { readonly verb: string; readonly by: string }): Reply {
  const line = `⏳ ${pressLabel(press.verb)}… (${press.by})`;
  if (!original) {
    return {
      title: `⏳ ${pressLabel(press.verb)}…`,
      sections: [{ kind: "text", text: `Requested by ${press.by}. This card shows the result when aml-chatops is done.` }],
      visibility: "channel",
      mode: "replace",
      summary: line,
    };
  }
  return { ...original, buttons: [], context: [line, ...(original.context ?? [])], mode: "replace", summary: line };
}

/** What a shared conversation keeps when the answer went to one person privately. */
export function privateNotice(reply: Reply, recipient: string, correlationId: string): Reply {
  const what = reply.title ?? reply.summary;
  const text = `Answered ${recipient} in a private chat with aml-chatops: ${what}`;
  return { tone: reply.tone ?? "warning", sections: [{ kind: "text", text }], context: [`Reference: \`${correlationId}\``], visibility: "channel", mode: "replace", summary: text };
}

/** A requester-only reply shown in a shared conversation because the private chat could not be reached. */
export function notDeliveredPrivately(reply: Reply, recipient: string): Reply {
  const note = `Meant for ${recipient} only: Teams has no private replies in shared conversations, and the private chat could not be reached.`;
  return { ...reply, visibility: "channel", context: [...(reply.context ?? []), note] };
}
