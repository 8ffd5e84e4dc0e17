/**
 * Teams → core, inside the turn: what the bot does with each activity before the HTTP response goes back.
 *
 * Messages (personal chat, group chat, channel; with or without the bot's @mention): `core.plan()` (pure)
 * decides. Help, usage errors and refusals are answered inline. Slow verbs are acknowledged at once with a
 * "⏳ …" card (the plan's ack text), whose activity id goes into the job's address with the conversation
 * reference; the worker updates that card with progress and the result. A command too long for a queue message is
 * answered inline with the sizes and what to do, and nothing is queued.
 *
 * Buttons (`Action.Execute` → `invoke` `adaptiveCard/action`): answered within the invoke with the clicked card
 * disabled and marked "⏳ …" (only the clicker sees an invoke response card), and queued with the card's message
 * id (`replyToId`); the worker updates that message with the outcome for everyone. Older clients fall back to
 * `Action.Submit`: a message whose `value` is the same `{ verb, payloadId }`, queued alike. A button with a text box
 * (`Button.input`, a rejection's reason) sends what was typed in it: the card's inputs are added to the action's data
 * by their ids, and the button's own box is the one whose id `buttonInputId` derives from the button.
 *
 * Approve and Reject are answered with a short message instead, the card left as it is for the clicker: the core
 * updates every copy of a request's card itself, and the clicker gets the outcome privately.
 *
 * Conversation references are saved when the bot is installed (`conversationUpdate` with the bot among
 * `membersAdded`, `installationUpdate` add) and on the first message this process sees from a conversation.
 *
 * Groups: the ack path never waits for a directory (see `group.directory.ts`); with a cold cache a slow verb is
 * queued anyway and the worker decides with the real groups, as on Slack.
 */
import type { TurnContext } from "botbuilder";
import type { CommandCore } from "../../commands/command-core.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import type { Reply } from "../../commands/reply.js";
import { normaliseTeamsChannelMentions } from "../channel-mentions.js";
import { BUTTON_VERBS, buttonInputId, keepsItsCard, typedInput } from "../chat-buttons.js";
import { createChatEngine, handOff, runCommandTurn, type ChatEngineDeps } from "../chat-engine.js";
import { chatJob, type ChatJobSink } from "../chat-job.js";
import { RecentIds, correlationIdFor, type CoreRequest } from "../jobs.js";
import type { TurnLogic } from "./bot-framework.js";
import type { TeamsConversationStore } from "./conversation-store.js";
import type { GroupDirectory } from "./group.directory.js";
import {
  activityEnvelopeSchema,
  actorOf,
  buttonDataSchema,
  cardActionValueSchema,
  type ButtonData,
  channelKeyOf,
  channelRefOf,
  commandTextOf,
  referenceOf,
  scopeOf,
  teamsJobId,
  userIdOf,
  type ActivityEnvelope,
  type TeamsConversationReference,
} from "./teams-activity.js";
import type { TeamsConnector } from "./teams-connector.js";
import { deliverPrivately, recipientName } from "./teams-delivery.js";
import { parseTeamsJob, type TeamsAddress, type TeamsJob } from "./teams-jobs.js";
import {
  cardInvokeBody,
  cardMessage,
  stayingNote,
  errorInvokeBody,
  messageInvokeBody,
  notDeliveredPrivately,
  pressedReply,
  privateNotice,
  type AdaptiveCardInvokeBody,
} from "./teams-messages.js";

export interface TeamsBridgeOptions {
  readonly core: CommandCore;
  readonly jobs: ChatJobSink;
  readonly directory: GroupDirectory;
  readonly store: TeamsConversationStore;
  readonly connector: TeamsConnector;
  readonly logger: Logger;
  readonly recent?: RecentIds;
  /** How long a click waits for the stored card before answering with a generic one. Default 1 500. */
  readonly cardLookupTimeoutInMs?: number;
}

/** `recent`: job ids this process enqueued lately; `known`: conversations whose reference it saved lately. */
type Bridge = TeamsBridgeOptions & { readonly recent: RecentIds; readonly known: RecentIds; readonly engine: ChatEngineDeps };

export function teamsTurnLogic(options: TeamsBridgeOptions): TurnLogic {
  const engine = createChatEngine(options, { platform: "teams", platformName: "Teams", parse: parseTeamsJob });
  const b: Bridge = { ...options, recent: engine.recent, known: new RecentIds(60 * 60_000, 5_000), engine };
  return async (context) => {
    const parsed = activityEnvelopeSchema.safeParse(context.activity);
    if (!parsed.success) {
      b.logger.warn("teams activity without the expected envelope ignored", { type: context.activity.type, fields: parsed.error.issues.map((i) => i.path.join(".")) });
      if (context.activity.type === "invoke") await respond(context, errorInvokeBody(400, "BadRequest", "The activity lacks from, recipient or conversation."));
      return;
    }
    const a = parsed.data;
    switch (a.type) {
      case "message":
        return withReference(b, a, () => onMessage(b, context, a));
      case "invoke":
        if (a.name === "adaptiveCard/action") return withReference(b, a, () => onCardAction(b, context, a));
        return; // Other invokes are not ours: botbuilder answers 501.
      case "conversationUpdate": {
        const added = Array.isArray(context.activity.membersAdded) ? context.activity.membersAdded : [];
        if (added.some((m) => m.id === a.recipient.id)) await remember(b, conversationReference(a));
        return;
      }
      case "installationUpdate":
        if (typeof context.activity.action === "string" && context.activity.action.startsWith("add")) await remember(b, conversationReference(a));
        return;
      default:
        return;
    }
  };
}

async function onMessage(b: Bridge, context: TurnContext, a: ActivityEnvelope): Promise<void> {
  const button = buttonDataSchema.safeParse(a.value);
  if (button.success && BUTTON_VERBS.has(button.data.verb) && !(a.text ?? "").trim()) {
    await onSubmit(b, context, a, button.data);
    return;
  }
  const jobId = teamsJobId(a, context.activity);
  if (b.recent.has(jobId)) {
    b.logger.info("teams message redelivered; already queued", { jobId });
    return;
  }
  const correlationId = correlationIdFor(jobId);
  const userId = userIdOf(a);
  const cachedGroups = b.directory.cachedGroupsOf(userId);
  if (cachedGroups === undefined) b.directory.warm?.(userId);
  // An @mentioned channel becomes the core's neutral reference before the bot's own mention is taken out.
  const text = commandTextOf({ ...a, text: normaliseTeamsChannelMentions(a.text ?? "", a.entities) });
  await runCommandTurn(b.engine, {
    invocation: { text, actor: actorOf(a, cachedGroups ?? []), channel: channelRefOf(a), correlationId },
    groupsKnown: cachedGroups !== undefined,
    jobId,
    // Checked first without the "⏳" card's id: it fits in the room `MAX_JOB_JSON_BYTES` keeps.
    address: (ackActivityId): TeamsAddress => ({ reference: referenceOf(a), scope: scopeOf(a), ...(ackActivityId ? { ackActivityId } : {}) }),
    answer: (reply) => answerInline(b, context, a, reply, correlationId),
    ack: async (ackText) => (await context.sendActivity(cardMessage({ sections: [{ kind: "text", text: ackText }], visibility: "channel", mode: "new", summary: ackText })))?.id,
    notQueued: (problem, ackActivityId) =>
      (ackActivityId ? context.updateActivity({ ...cardMessage(problem), id: ackActivityId }) : context.sendActivity(cardMessage(problem))).then(
        () => undefined,
        (error: unknown) => b.logger.warn("teams hand-off problem not shown", { correlationId, error }),
      ),
  });
}

async function onCardAction(b: Bridge, context: TurnContext, a: ActivityEnvelope): Promise<void> {
  const value = cardActionValueSchema.safeParse(a.value);
  if (!value.success || value.data.action.type !== "Action.Execute") {
    await respond(context, errorInvokeBody(400, "BadRequest", "Only Action.Execute is supported."));
    return;
  }
  const data = buttonDataSchema.safeParse(value.data.action.data);
  const verb = value.data.action.verb ?? (data.success ? data.data.verb : undefined);
  if (!data.success || !verb || !BUTTON_VERBS.has(verb)) {
    b.logger.info("teams card action not ours", { verb, trigger: value.data.trigger });
    await respond(context, messageInvokeBody(`aml-chatops does not know this button (${verb ?? "no verb"}). Nothing was done.`));
    return;
  }
  if (value.data.trigger === "automatic") {
    // A card refresh, not a click: our cards do not ask for refreshes, and nothing runs without a click.
    await respond(context, messageInvokeBody("Nothing to refresh."));
    return;
  }
  const id = teamsJobId(a, context.activity);
  const correlationId = correlationIdFor(id);
  const by = a.from.name ?? "you";
  const request = pressOf({ ...data.data, verb });
  const original = a.replyToId && !keepsItsCard(request) ? await lookupCard(b, channelKeyOf(a.conversation.id), a.replyToId, correlationId) : undefined;
  if (!b.recent.has(id)) {
    const problem = await handOff(b.engine, buttonJob(a, id, correlationId, request, "invoke"));
    if (problem) {
      // Only the clicker sees an invoke response card; the card in the conversation stays as it was.
      await respond(context, cardInvokeBody(problem));
      return;
    }
  }
  if (keepsItsCard(request)) await respond(context, messageInvokeBody(stayingNote(request)));
  else await respond(context, cardInvokeBody(pressedReply(original, { verb, by })));
}

/** `Action.Submit` fallback of clients without Universal Actions: the button's data as a message `value`. */
async function onSubmit(b: Bridge, context: TurnContext, a: ActivityEnvelope, button: ButtonData): Promise<void> {
  const id = teamsJobId(a, context.activity);
  if (b.recent.has(id)) return;
  const correlationId = correlationIdFor(id);
  const problem = await handOff(b.engine, buttonJob(a, id, correlationId, pressOf(button), "submit"));
  if (problem) await answerInline(b, context, a, problem, correlationId);
}

/** A click's request: the button's verb and payload, and what was typed in the button's own box, if anything. */
function pressOf(data: ButtonData): CoreRequest {
  const input = typedInput(data[buttonInputId(data)]);
  return { verb: data.verb, payloadId: data.payloadId, ...(input ? { input } : {}) };
}

function buttonJob(a: ActivityEnvelope, id: string, correlationId: string, request: CoreRequest, via: "invoke" | "submit"): TeamsJob {
  // New posts about this click go under the card, not under the invoke.
  const reference = { ...referenceOf(a), ...(a.replyToId ? { activityId: a.replyToId } : {}) };
  return chatJob(id, {
    platform: "teams",
    correlationId,
    actor: { userId: userIdOf(a), ...(a.from.name ? { displayName: a.from.name } : {}) },
    channelId: channelKeyOf(a.conversation.id),
    request,
    address: { reference, scope: scopeOf(a), via, ...(a.replyToId ? { cardActivityId: a.replyToId } : {}) },
  });
}

/** A reply decided inside the turn. Requester-only ones in shared conversations go to the 1:1 chat. */
async function answerInline(b: Bridge, context: TurnContext, a: ActivityEnvelope, reply: Reply, correlationId: string): Promise<void> {
  if (reply.visibility === "channel" || scopeOf(a) === "personal") {
    await context.sendActivity(cardMessage(reply));
    return;
  }
  const reference = referenceOf(a);
  const name = recipientName(reference);
  const delivered = await deliverPrivately(b, reference, reply, correlationId);
  await context.sendActivity(cardMessage(delivered ? privateNotice(reply, name, correlationId) : notDeliveredPrivately(reply, name)));
}

async function respond(context: TurnContext, body: AdaptiveCardInvokeBody): Promise<void> {
  // botbuilder keeps an `invokeResponse` activity on the turn and returns it as the HTTP response.
  await context.sendActivity({ type: "invokeResponse", value: { status: 200, body } });
}

async function lookupCard(b: Bridge, channelKey: string, activityId: string, correlationId: string): Promise<Reply | undefined> {
  const timeoutInMs = b.cardLookupTimeoutInMs ?? 1_500;
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<undefined>((resolve) => (timer = setTimeout(() => resolve(undefined), timeoutInMs)));
  const controller = new AbortController();
  try {
    const found = await Promise.race([b.store.getCard(channelKey, activityId, { abortSignal: controller.signal }), timeout]);
    if (found === undefined) controller.abort();
    return found;
  } catch (error) {
    b.logger.warn("teams card lookup failed; answering with a generic card", { correlationId, error });
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

/** The conversation itself, not threaded under one activity: what install-time references are. */
function conversationReference(a: ActivityEnvelope): TeamsConversationReference {
  const { activityId: _activityId, ...reference } = referenceOf(a);
  return reference;
}

async function withReference(b: Bridge, a: ActivityEnvelope, turn: () => Promise<void>): Promise<void> {
  const remembering = remember(b, conversationReference(a));
  try {
    await turn();
  } finally {
    await remembering;
  }
}

/** Saves a conversation's reference the first time this process sees it. Never throws. */
async function remember(b: Bridge, reference: TeamsConversationReference): Promise<void> {
  const key = reference.conversation.id;
  if (b.known.has(key)) return;
  try {
    await b.store.saveReference(reference);
    b.known.add(key);
  } catch (error) {
    b.logger.warn("teams conversation reference not saved", { error });
  }
}
