/**
 * Slack → core, inside Slack's 3 seconds: the Bolt listeners for the slash command and for button clicks.
 *
 * Slash command: `core.plan()` (pure) decides. Help, usage errors and refusals are answered inline with the
 * rendered reply (its own visibility: these are requester-only, so ephemeral). Slow verbs are acknowledged at
 * once and handed to the queue; the worker posts the result through the command's `response_url`. A command too
 * long for a queue message is answered at once with the sizes and what to do, and nothing is queued.
 *
 * Why the slow-verb ack is `in_channel`: the worker replaces the ack with the final message
 * (`replace_original: true`), and Slack keeps a replaced message's visibility, so an ephemeral ack could only ever
 * become an ephemeral result; most results (previews with Apply buttons, applied changes, status) are for the
 * channel. A requester-only result deletes the in-channel ack and is posted ephemerally instead.
 *
 * Usergroups: the ack path never waits for Slack. It plans with cached groups; with a cold cache, a slow verb
 * that `plan()` refused (perhaps only for want of the groups) is queued anyway and the worker decides with the
 * real groups, at the price of a queue round trip for a refusal. Fast verbs do not depend on roles.
 *
 * Buttons: acknowledged with an empty 200 (Slack ignores bodies there) and queued; the worker answers. A button
 * with a text box (`Button.input`, a rejection's reason) sends what was typed in it: the click's `block_actions`
 * payload carries the message's boxes in `state.values[block_id][action_id]`, and the button's own box is the one
 * whose ids `buttonInputId` derives from the button (its action_id and value).
 */
import type { AllMiddlewareArgs, App, BlockAction, ButtonAction, SlackActionMiddlewareArgs, SlackCommandMiddlewareArgs } from "@slack/bolt";
import type { CommandCore } from "../../commands/command-core.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import { problemReply } from "../../commands/replies.js";
import type { Reply } from "../../commands/reply.js";
import { normaliseSlackChannelMentions } from "../channel-mentions.js";
import { BUTTON_VERBS, buttonInputId, typedInput } from "../chat-buttons.js";
import { createChatEngine, handOff, runCommandTurn, type ChatEngineDeps } from "../chat-engine.js";
import { chatJob, type ChatJobSink } from "../chat-job.js";
import { renderBlockKit } from "./block-kit.renderer.js";
import type { AckAmendment } from "./raw-http.receiver.js";
import { ResponseUrlClient, type FetchLike, type ResponseUrlBody } from "./response-url.client.js";
import { correlationIdFor, parseSlackJob, slackJobId, type RecentIds, type SlackAddress } from "./slack-jobs.js";
import type { UsergroupDirectory } from "./usergroup.directory.js";

export interface SlackBridgeOptions {
  readonly core: CommandCore;
  readonly jobs: ChatJobSink;
  readonly directory: UsergroupDirectory;
  readonly logger: Logger;
  readonly fetch: FetchLike;
  /** Default `/aml`. */
  readonly commandName?: string;
  readonly recent?: RecentIds;
}

type CommandArgs = SlackCommandMiddlewareArgs & AllMiddlewareArgs<Partial<AckAmendment>>;
type ActionArgs = SlackActionMiddlewareArgs<BlockAction> & AllMiddlewareArgs<Partial<AckAmendment>>;

export function registerSlackListeners(app: App, options: SlackBridgeOptions): void {
  const commandName = options.commandName ?? "/aml";
  const engine = createChatEngine(options, { platform: "slack", platformName: "Slack", parse: parseSlackJob });
  const bridge: Bridge = { ...options, commandName, engine };
  app.command(/.*/, (args) => onCommand(bridge, args as CommandArgs));
  app.action({ type: "block_actions" }, (args) => onAction(bridge, args as ActionArgs));
}

type Bridge = SlackBridgeOptions & { readonly commandName: string; readonly engine: ChatEngineDeps };

async function onCommand(b: Bridge, { command, ack, context }: CommandArgs): Promise<void> {
  if (command.command !== b.commandName) {
    await ack(ackBody(problemReply("Unknown command", [`This app answers \`${b.commandName}\` only, not \`${command.command}\`.`])));
    return;
  }
  const jobId = slackJobId(command.team_id, command.trigger_id, command);
  const correlationId = correlationIdFor(jobId);
  const cachedGroups = b.directory.cachedGroupsOf(command.user_id);
  // Channel links first, while the text is as Slack escaped it: only Slack's own links are read as channels.
  const text = unescapeSlack(normaliseSlackChannelMentions(command.text));
  const address: SlackAddress = { responseUrl: command.response_url, triggerId: command.trigger_id, teamId: command.team_id };
  try {
    await runCommandTurn(b.engine, {
      invocation: {
        text,
        actor: { platform: "slack", userId: command.user_id, displayName: command.user_name, groups: cachedGroups ?? [] },
        channel: { platform: "slack", id: command.channel_id },
        correlationId,
      },
      groupsKnown: cachedGroups !== undefined,
      jobId,
      address: () => address,
      answer: (reply) => ack(ackBody(reply)),
      ack: async (ackText) => void (await ack(ackBody({ sections: [{ kind: "text", text: ackText }], visibility: "channel", mode: "new", summary: ackText }))),
      // The ack can still be swapped for the problem if the response has not left; else the response_url replaces it.
      notQueued: async (reply) => {
        if (context.amendAck?.(ackBody(reply))) return;
        await respondNow(b, command.response_url, { ...ackBody(reply), replace_original: true }, correlationId);
      },
    });
  } finally {
    // A cold cache is filled for the next commands once this turn is over and its answer has left: started before,
    // the call (and, on a cold start, Node's loading of fetch) would delay an ack that does not wait for it.
    if (cachedGroups === undefined) setImmediate(() => b.directory.warm());
  }
}

async function onAction(b: Bridge, { body, action, ack }: ActionArgs): Promise<void> {
  await ack();
  const button = action.type === "button" ? (action as ButtonAction) : undefined;
  const channelId = body.channel?.id ?? body.container?.channel_id;
  const responseUrl = body.response_url;
  const id = slackJobId(body.team?.id, body.trigger_id, body);
  const correlationId = correlationIdFor(id);
  if (!responseUrl || !channelId) {
    // A button outside a conversation (modal, home tab): nothing of ours, and nowhere to answer.
    b.logger.warn("slack button without a channel or response_url ignored", { correlationId, actionId: action.action_id });
    return;
  }
  if (!button || !BUTTON_VERBS.has(button.action_id) || !button.value) {
    b.logger.info("slack button not ours", { correlationId, actionId: action.action_id, type: action.type });
    const reply = problemReply("Unknown button", [`aml-chatops does not know this button (\`${action.action_id}\`). Nothing was done.`]);
    await respondNow(b, responseUrl, { ...ackBody(reply), replace_original: false }, correlationId);
    return;
  }
  const messageTs = body.message?.ts ?? body.container?.message_ts;
  const displayName = body.user.username ?? body.user.name;
  const pressed = { verb: button.action_id, payloadId: button.value };
  const boxId = buttonInputId(pressed);
  const input = typedInput(body.state?.values?.[boxId]?.[boxId]?.value);
  const job = chatJob<SlackAddress>(id, {
    platform: "slack",
    correlationId,
    actor: { userId: body.user.id, ...(displayName ? { displayName } : {}) },
    channelId,
    request: { ...pressed, ...(input ? { input } : {}) },
    address: {
      responseUrl,
      triggerId: body.trigger_id,
      ...(body.team?.id ? { teamId: body.team.id } : {}),
      ...(typeof messageTs === "string" ? { messageTs } : {}),
      ...(button.action_ts ? { actionTs: button.action_ts } : {}),
    },
  });
  const problem = await handOff(b.engine, job);
  if (problem) await respondNow(b, responseUrl, { ...ackBody(problem), replace_original: false }, correlationId);
}

async function respondNow(b: Bridge, url: string, body: ResponseUrlBody, correlationId: string): Promise<void> {
  try {
    await new ResponseUrlClient(url, { fetch: b.fetch, timeoutInMs: 1_500 }).post(body);
  } catch (error) {
    b.logger.warn("slack response_url post failed", { correlationId, error });
  }
}

/** An immediate response body: the rendered reply without the non-Slack fields (no upload on this path). */
function ackBody(reply: Reply): { text: string; blocks: readonly unknown[]; response_type: "ephemeral" | "in_channel" } {
  const message = renderBlockKit(reply, { overflowFile: false });
  return { text: message.text, blocks: message.blocks, response_type: message.response_type };
}

/** Slack escapes `&`, `<` and `>` in a command's text; the core wants what the user typed. */
function unescapeSlack(text: string): string {
  return text.replace(/&lt;/g, "<").replace(/&gt;/g, ">").replace(/&amp;/g, "&");
}
