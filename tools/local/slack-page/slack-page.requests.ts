/**
 * What Slack's servers do when a person types a slash command or clicks a button, for the Slack-like page: mint a
 * response URL on the stand-in, build the request Slack would send (a slash-command form, or a `block_actions`
 * payload with the message's text boxes in `state.values`), sign it with the signing secret, and POST it to the
 * bot's real route. The secret stays in this process: the browser only names the user and what they did.
 */
import { randomBytes } from "node:crypto";
import type { RecordedSlackMessage, SlackApiStandIn } from "../slack-api.stand-in.js";
import { signedSlackHeaders, slashCommandForm } from "../slack-signer.js";

export interface SlackSender {
  readonly slack: SlackApiStandIn;
  /** The bot's host: requests go to `${hostUrl}/api/slack/events`. */
  readonly hostUrl: string;
  readonly signingSecret: string;
}

export interface BotAnswer {
  readonly status: number;
  readonly body: string;
}

let sequence = 0;
const nextId = (kind: string): string => `page-${kind}-${Date.now().toString(36)}-${++sequence}`;
const triggerId = (): string => `${Date.now()}.${randomBytes(6).toString("hex")}`;

async function postSigned(sender: SlackSender, body: string): Promise<BotAnswer> {
  const res = await fetch(`${sender.hostUrl}/api/slack/events`, { method: "POST", headers: signedSlackHeaders(body, sender.signingSecret), body });
  return { status: res.status, body: await res.text() };
}

/**
 * `/aml show x` as Slack sends it; the ack (the HTTP answer) is recorded on the stand-in as Slack would show it, and
 * returned with the message it became.
 */
export async function sendSlashCommand(
  sender: SlackSender,
  command: { readonly command: string; readonly text: string; readonly userId: string; readonly userName: string; readonly channelId: string },
): Promise<BotAnswer & { readonly ack?: RecordedSlackMessage }> {
  const responseUrl = sender.slack.responseUrl(nextId("cmd"), { channel: command.channelId, user: command.userId });
  const body = slashCommandForm({ ...command, responseUrl });
  const answer = await postSigned(sender, body);
  const ack = answer.status === 200 && answer.body !== "" ? sender.slack.recordAck(responseUrl, answer.body) : undefined;
  return { ...answer, ...(ack ? { ack } : {}) };
}

export interface ButtonClick {
  readonly message: RecordedSlackMessage;
  readonly actionId: string;
  readonly value: string;
  readonly userId: string;
  readonly userName: string;
  /** What is typed in the message's boxes, by block_id. */
  readonly typed?: Readonly<Record<string, string>>;
}

/** A button click as the `block_actions` payload Slack posts (docs.slack.dev, "block_actions payload"). */
export function blockActionsPayload(click: ButtonClick, responseUrl: string): Record<string, unknown> {
  const { message } = click;
  const button = findButton(message.blocks, click.actionId, click.value);
  const ephemeral = message.visibility === "ephemeral";
  const now = (Date.now() / 1000).toFixed(6);
  return {
    type: "block_actions",
    team: { id: "T0LOCAL", domain: "local" },
    user: { id: click.userId, username: click.userName, name: click.userName, team_id: "T0LOCAL" },
    api_app_id: "A0LOCAL",
    token: "local-verification-token",
    container: { type: "message", message_ts: message.ts, channel_id: message.channel, is_ephemeral: ephemeral },
    trigger_id: triggerId(),
    channel: { id: message.channel, name: message.channel.toLowerCase() },
    // Slack leaves the message out of the payload for an ephemeral one (the app never saw it as a message).
    ...(ephemeral ? {} : { message: { type: "message", ts: message.ts, text: message.text, blocks: message.blocks } }),
    state: { values: stateValues(message.blocks, click.typed ?? {}) },
    response_url: responseUrl,
    actions: [
      {
        type: "button",
        action_id: click.actionId,
        block_id: button?.blockId ?? "actions",
        text: { type: "plain_text", text: button?.label ?? click.actionId, emoji: true },
        value: click.value,
        ...(button?.style ? { style: button.style } : {}),
        action_ts: now,
      },
    ],
  };
}

/** Clicks a button of a recorded message: answers 400 without sending anything when the message has no such button. */
export async function sendButtonClick(sender: SlackSender, click: ButtonClick): Promise<BotAnswer> {
  if (!findButton(click.message.blocks, click.actionId, click.value)) return { status: 400, body: "That message has no such button." };
  const responseUrl = sender.slack.responseUrl(nextId("click"), { channel: click.message.channel, user: click.userId, original: click.message.ts });
  const payload = blockActionsPayload(click, responseUrl);
  return postSigned(sender, `payload=${encodeURIComponent(JSON.stringify(payload))}`);
}

type Json = Record<string, unknown>;

function findButton(blocks: readonly unknown[], actionId: string, value: string): { blockId?: string; label: string; style?: string } | undefined {
  for (const block of blocks as Json[]) {
    if (block?.["type"] !== "actions" || !Array.isArray(block["elements"])) continue;
    for (const element of block["elements"] as Json[]) {
      if (element?.["type"] === "button" && element["action_id"] === actionId && (element["value"] ?? "") === value) {
        const blockId = typeof block["block_id"] === "string" ? block["block_id"] : undefined;
        const style = typeof element["style"] === "string" ? element["style"] : undefined;
        return { ...(blockId ? { blockId } : {}), label: String((element["text"] as Json | undefined)?.["text"] ?? actionId), ...(style ? { style } : {}) };
      }
    }
  }
  return undefined;
}

/** Every `plain_text_input` of the message, with what was typed or `null` (Slack's shape for an empty box). */
function stateValues(blocks: readonly unknown[], typed: Readonly<Record<string, string>>): Record<string, Record<string, { type: string; value: string | null }>> {
  const values: Record<string, Record<string, { type: string; value: string | null }>> = {};
  for (const block of blocks as Json[]) {
    const element = block?.["element"] as Json | undefined;
    if (block?.["type"] !== "input" || element?.["type"] !== "plain_text_input") continue;
    const blockId = String(block["block_id"]);
    const value = typed[blockId];
    values[blockId] = { [String(element["action_id"])]: { type: "plain_text_input", value: value === undefined || value === "" ? null : value } };
  }
  return values;
}
