/**
 * The few Slack Web API calls the worker makes, as a small interface over Bolt's `WebClient` (the App's own
 * client: same token, same `slackApiUrl`). The worker depends on the interface, so it can be driven by the
 * local stand-in or by anything else that answers like Slack.
 */
import type { webApi } from "@slack/bolt";
import type { KnownBlock } from "@slack/types";
import type { UsergroupEntry } from "./usergroup.directory.js";

export interface SlackWebApi {
  /** `usergroups.list` with `include_users: true` (scope `usergroups:read`). */
  listUsergroups(): Promise<readonly UsergroupEntry[]>;
  /** `chat.postMessage` (scope `chat:write`). */
  postMessage(args: { readonly channel: string; readonly text: string; readonly blocks: readonly KnownBlock[] }): Promise<void>;
  /** `chat.postEphemeral` (scope `chat:write`). */
  postEphemeral(args: { readonly channel: string; readonly user: string; readonly text: string; readonly blocks: readonly KnownBlock[] }): Promise<void>;
  /** `conversations.open` with the user (scope `im:write`): the id of the app's DM with them. */
  openDirectMessage(user: string): Promise<string>;
  /** `files.uploadV2`: getUploadURLExternal, the upload, completeUploadExternal (scope `files:write`). */
  uploadText(args: { readonly channel: string; readonly filename: string; readonly title: string; readonly content: string }): Promise<void>;
  /** `files.uploadV2` of bytes (a chart PNG), with alt text for screen readers (scope `files:write`). */
  uploadImage(args: { readonly channel: string; readonly filename: string; readonly title: string; readonly altText: string; readonly data: Uint8Array; readonly threadTs?: string }): Promise<void>;
  /** `chat.postMessage` into a channel or, with `threadTs`, a thread of it: the new message's `ts`. */
  postInChannel(args: { readonly channel: string; readonly text: string; readonly blocks: readonly KnownBlock[]; readonly threadTs?: string }): Promise<string>;
  /** `chat.update` of a message the bot posted (scope `chat:write`). */
  updateMessage(args: { readonly channel: string; readonly ts: string; readonly text: string; readonly blocks: readonly KnownBlock[] }): Promise<void>;
}

/** The `error` of a Web API answer `{ ok: false, error }` (e.g. `channel_not_found`) from the WebClient's error. */
export function slackPlatformError(error: unknown): string | undefined {
  const e = error as { code?: unknown; data?: { error?: unknown } } | undefined;
  return e?.code === "slack_webapi_platform_error" && typeof e.data?.error === "string" ? e.data.error : undefined;
}

export function webClientApi(client: webApi.WebClient): SlackWebApi {
  return {
    async listUsergroups() {
      const result = await client.usergroups.list({ include_users: true });
      return (result.usergroups ?? []).flatMap((g) => (g.id ? [{ id: g.id, users: g.users ?? [] }] : []));
    },
    async postMessage({ channel, text, blocks }) {
      await client.chat.postMessage({ channel, text, blocks: [...blocks] });
    },
    async postEphemeral({ channel, user, text, blocks }) {
      await client.chat.postEphemeral({ channel, user, text, blocks: [...blocks] });
    },
    async openDirectMessage(user) {
      const result = await client.conversations.open({ users: user });
      const id = result.channel?.id;
      if (!id) throw new Error("conversations.open returned no channel id");
      return id;
    },
    async uploadText({ channel, filename, title, content }) {
      await client.filesUploadV2({ channel_id: channel, content, filename, title });
    },
    async uploadImage({ channel, filename, title, altText, data, threadTs }) {
      const where = threadTs ? { channel_id: channel, thread_ts: threadTs } : { channel_id: channel };
      await client.filesUploadV2({ ...where, file: Buffer.from(data), filename, title, alt_text: altText });
    },
    async postInChannel({ channel, text, blocks, threadTs }) {
      const result = await client.chat.postMessage({ channel, text, blocks: [...blocks], ...(threadTs ? { thread_ts: threadTs } : {}) });
      if (!result.ts) throw new Error("chat.postMessage returned no ts");
      return result.ts;
    },
    async updateMessage({ channel, ts, text, blocks }) {
      await client.chat.update({ channel, ts, text, blocks: [...blocks] });
    },
  };
}
