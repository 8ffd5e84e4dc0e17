/**
 * Posting into a Slack channel without a slash command to answer (scheduled digests, alerts): through the Web
 * API, since there is no `response_url`. A new message is `chat.postMessage` (with `thread_ts` to reply in a
 * thread), an update is `chat.update`. As in the worker, a reply too long for one message is cut and the full text
 * uploaded as a file, and charts drawn as PNG are uploaded after the message: into the same thread when it is a
 * reply, else into the channel. An update changes the text only: its charts went out with the first version.
 */
import type { Logger } from "../../commands/ports/logger.port.js";
import type { Reply } from "../../commands/reply.js";
import type { ChannelPostResult } from "../channel-post.js";
import { renderBlockKit, type SlackImageUpload } from "./block-kit.renderer.js";
import { SlackDeliveryError } from "./slack-errors.js";
import { slackPlatformError, type SlackWebApi } from "./slack-web-api.js";

export interface SlackChannelPostDeps {
  readonly web: SlackWebApi;
  readonly logger: Logger;
}

export interface SlackChannelPostOptions {
  /** Reply in the thread of this message. */
  readonly threadTs?: string;
  /** Replace this message (one the bot posted) instead of adding one. */
  readonly updateTs?: string;
}

/** Web API errors that mean the bot cannot post in that channel at all. */
const UNREACHABLE = new Set([
  "channel_not_found",
  "not_in_channel",
  "is_archived",
  "account_inactive",
  "token_revoked",
  "invalid_auth",
  "not_authed",
  "missing_scope",
  "restricted_action",
  "team_access_not_granted",
  "ekm_access_denied",
  "access_denied",
]);
/** Errors that mean the message to update or reply under is gone (deleted, or never the bot's). */
const GONE = new Set(["message_not_found", "cant_update_message", "thread_not_found"]);

export async function postToSlackChannel(deps: SlackChannelPostDeps, channel: string, reply: Reply, options: SlackChannelPostOptions = {}): Promise<ChannelPostResult> {
  try {
    const shown: Reply = { ...reply, visibility: "channel", mode: "new" };
    let message = renderBlockKit(shown);
    if (options.updateTs !== undefined) {
      await deps.web.updateMessage({ channel, ts: options.updateTs, text: message.text, blocks: message.blocks });
      return { kind: "posted", id: options.updateTs };
    }
    if (message.overflow) {
      const note = await uploadOverflow(deps, channel, shown, message.overflow, options.threadTs);
      message = renderBlockKit({ ...shown, context: [...(shown.context ?? []), note] });
    }
    const ts = await deps.web.postInChannel({ channel, text: message.text, blocks: message.blocks, ...(options.threadTs ? { threadTs: options.threadTs } : {}) });
    await uploadImages(deps, channel, message.images ?? [], options.threadTs);
    return { kind: "posted", id: ts };
  } catch (error) {
    const code = slackPlatformError(error);
    if (code !== undefined && UNREACHABLE.has(code)) return { kind: "unreachable", reason: `Slack answered ${code}` };
    if (code !== undefined && GONE.has(code) && (options.updateTs ?? options.threadTs) !== undefined) return { kind: "gone", reason: `Slack answered ${code}` };
    throw new SlackDeliveryError(`Posting to Slack channel ${channel} failed: ${code ?? (error instanceof Error ? error.name : "error")}`, { cause: error });
  }
}

async function uploadOverflow(deps: SlackChannelPostDeps, channel: string, reply: Reply, overflow: { filename: string; text: string }, threadTs: string | undefined): Promise<string> {
  try {
    await deps.web.uploadText({ channel, filename: overflow.filename, title: reply.title ?? overflow.filename, content: overflow.text });
    return `Too long for one message: the full text is attached to this channel as \`${overflow.filename}\`.`;
  } catch (error) {
    deps.logger.warn("slack overflow upload failed", { channel, threadTs, error });
    return "Too long for one message, and the full text could not be attached.";
  }
}

/** A failed chart upload is logged: the message already carries the same data as sparklines. */
async function uploadImages(deps: SlackChannelPostDeps, channel: string, images: readonly SlackImageUpload[], threadTs: string | undefined): Promise<void> {
  for (const image of images) {
    const data = Buffer.from(image.base64, "base64");
    await deps.web
      .uploadImage({ channel, filename: image.filename, title: image.title, altText: image.altText, data, ...(threadTs ? { threadTs } : {}) })
      .catch((error: unknown) => deps.logger.warn("slack chart upload failed", { channel, error }));
  }
}
