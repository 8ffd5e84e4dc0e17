/**
 * Runs a queued Slack job: the command or button click the bridge acknowledged, then the conversation update.
 *
 * Where replies go (all through the interaction's `response_url`, 5 posts at most):
 * - progress replaces the acknowledged message (a command's in-channel "⏳ …" ack, or the preview whose button
 *   was pressed), throttled to one update a second and two in all;
 * - a channel reply replaces the ack, the message progress already replaced, or the source when its mode is
 *   `replace`; otherwise it is a new in-channel message. A click on Approve or Reject never replaces its card:
 *   the core updates every copy of a request's card itself (and shows no progress there);
 * - a requester-only reply is a new ephemeral message. The in-channel ack it answers is deleted first (or, when
 *   progress had already shown in the channel, replaced by a one-line outcome), so the channel never keeps a
 *   stale "⏳" and never sees what was meant for one person.
 * - an overflow is uploaded as a file (to the channel, or to a DM for requester-only replies) before the reply,
 *   which then says where the full text is.
 * - charts drawn as PNG (`images` of the rendered message) are uploaded to the channel after a channel reply,
 *   so they follow the text they illustrate; a requester-only reply keeps its sparklines only (no DM clutter).
 * Nothing here throws once the core has run: a failed delivery is logged and re-running the job would repeat
 * the command. Messages in chat never carry error texts, tokens or URLs; the correlation id links to the logs.
 */
import type { CommandCore } from "../../commands/command-core.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import type { Reply } from "../../commands/reply.js";
import { renderBlockKit, type SlackImageUpload, type SlackOverflow } from "./block-kit.renderer.js";
import { ResponseUrlClient, responseBody, type FetchLike } from "./response-url.client.js";
import { keepsItsCard } from "../chat-buttons.js";
import { runChatJob } from "../chat-engine.js";
import { parseSlackJob, type QueuedJob, type SlackJob } from "./slack-jobs.js";
import type { SlackWebApi } from "./slack-web-api.js";
import type { UsergroupDirectory } from "./usergroup.directory.js";

export interface SlackWorkerDeps {
  readonly core: CommandCore;
  readonly directory: UsergroupDirectory;
  readonly web: SlackWebApi;
  readonly fetch: FetchLike;
  readonly logger: Logger;
  /** Default 1 000. */
  readonly progressIntervalInMs?: number;
  /** Default 2 (with up to 2 posts for the final reply, within Slack's 5 per response_url). */
  readonly maxProgressUpdates?: number;
}

export interface SlackJobOptions {
  readonly abortSignal?: AbortSignal;
}

interface Delivery {
  readonly job: SlackJob;
  readonly respond: ResponseUrlClient;
  readonly deps: SlackWorkerDeps;
}

/** Throws `InvalidJobError` for a job that fails validation (retrying cannot help); never otherwise. */
export async function handleSlackJob(queued: QueuedJob, deps: SlackWorkerDeps, options: SlackJobOptions = {}): Promise<void> {
  const job = parseSlackJob(queued);
  const respond = new ResponseUrlClient(job.payload.address.responseUrl, { fetch: deps.fetch });
  const groups = await deps.directory.groupsOf(job.payload.actor.userId);
  const delivery: Delivery = { job, respond, deps };
  await runChatJob(
    { core: deps.core, logger: deps.logger },
    job,
    groups,
    {
      progress: (reply) => respond.post(responseBody(renderBlockKit(reply), true)),
      deliver: (reply, progressShown) => deliverFinal(delivery, reply, progressShown),
    },
    {
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
      ...(deps.progressIntervalInMs !== undefined ? { progressIntervalInMs: deps.progressIntervalInMs } : {}),
      ...(deps.maxProgressUpdates !== undefined ? { maxProgressUpdates: deps.maxProgressUpdates } : {}),
    },
  );
}

async function deliverFinal(d: Delivery, reply: Reply, progressShown: boolean): Promise<void> {
  const fromAck = "text" in d.job.payload.request;
  let message = renderBlockKit(reply);
  if (message.overflow) {
    const note = await attachOverflow(d, reply, message.overflow);
    message = renderBlockKit({ ...reply, context: [...(reply.context ?? []), note] });
  }
  if (reply.visibility === "channel") {
    // A decision's card (Approve, Reject) is the core's: it updates every copy itself, and never gets replaced here.
    const replace = !keepsItsCard(d.job.payload.request) && (fromAck || progressShown || reply.mode === "replace");
    await post(d, responseBody(message, replace), () => d.deps.web.postMessage({ channel: d.job.payload.channelId, text: message.text, blocks: message.blocks }));
    await uploadImages(d, message.images ?? []);
    return;
  }
  if (progressShown) {
    await post(d, responseBody(renderBlockKit(outcomeNotice(reply, d)), true)).catch((error: unknown) => warn(d, "outcome notice", error));
  } else if (fromAck) {
    await d.respond.post({ delete_original: true }).catch((error: unknown) => warn(d, "ack deletion", error));
  }
  const { channelId: channel, actor: { userId: user } } = d.job.payload;
  await post(d, responseBody(message, false), () => d.deps.web.postEphemeral({ channel, user, text: message.text, blocks: message.blocks }));
}

/** Posts through the response_url; when that is spent or expired, falls back to the Web API if one is given. */
async function post(d: Delivery, body: Parameters<ResponseUrlClient["post"]>[0], fallback?: () => Promise<void>): Promise<void> {
  try {
    await d.respond.post(body);
  } catch (error) {
    if (!fallback) throw error;
    warn(d, "response_url post (falling back to the Web API)", error);
    await fallback();
  }
}

async function attachOverflow(d: Delivery, reply: Reply, overflow: SlackOverflow): Promise<string> {
  const p = d.job.payload;
  try {
    const toChannel = reply.visibility === "channel";
    const channel = toChannel ? p.channelId : await d.deps.web.openDirectMessage(p.actor.userId);
    await d.deps.web.uploadText({ channel, filename: overflow.filename, title: reply.title ?? overflow.filename, content: overflow.text });
    d.deps.logger.info("slack reply too long; full text uploaded as a file", { correlationId: p.correlationId, cuts: overflow.cuts });
    return toChannel
      ? `Too long for one message: the full output is attached to this channel as \`${overflow.filename}\`.`
      : `Too long for one message: the full output was sent to you in a direct message as \`${overflow.filename}\`.`;
  } catch (error) {
    warn(d, "overflow upload", error);
    return `Too long for one message, and the full output could not be attached. Reference: \`${p.correlationId}\`.`;
  }
}

/** A failed chart upload is logged: the reply already carries the same data as sparklines. */
async function uploadImages(d: Delivery, images: readonly SlackImageUpload[]): Promise<void> {
  for (const image of images) {
    const data = Buffer.from(image.base64, "base64");
    await d.deps.web
      .uploadImage({ channel: d.job.payload.channelId, filename: image.filename, title: image.title, altText: image.altText, data })
      .catch((error: unknown) => warn(d, "chart upload", error));
  }
}

/** What the channel keeps when it saw progress and the outcome is for the requester only. */
function outcomeNotice(reply: Reply, d: Delivery): Reply {
  const { actor } = d.job.payload;
  const who = actor.displayName ?? `<@${actor.userId}>`;
  const what = reply.title ?? "The command did not complete";
  const text = `${what}. The details were sent to ${who}.`;
  return { tone: reply.tone ?? "warning", sections: [{ kind: "text", text }], context: [`Reference: \`${d.job.payload.correlationId}\``], visibility: "channel", mode: "replace", summary: text };
}

function warn(d: Delivery, what: string, error: unknown): void {
  d.deps.logger.warn(`slack ${what} failed`, { correlationId: d.job.payload.correlationId, jobId: d.job.id, error });
}
