/**
 * Runs a queued Teams job (the command or button click the bridge acknowledged) and answers proactively through
 * the Bot Framework connector (`continueConversationAsync` with the job's conversation reference).
 *
 * Where replies go:
 * - progress updates the acknowledged message (a command's "⏳ …" card, or the card whose button was pressed),
 *   throttled to one update per `progressIntervalInMs`;
 * - a channel reply updates that message (`updateActivity`): everyone sees the result in place, and the clicker's
 *   own "⏳" view (an invoke response card) gives way to it. A reply with buttons is remembered by message, so a
 *   later click can answer with a disabled copy of it;
 * - a click on Approve or Reject never updates its card: the core updates every copy of a request's card itself;
 * - a requester-only reply: in a personal chat it updates the ack (a command) or follows the card (a click);
 *   in a group chat or channel it goes to the requester's 1:1 chat (see `teams-delivery.ts`), and the shared
 *   conversation keeps a one-line notice instead of the ack, or, for a click that changed nothing, the card as it
 *   was (put back from the store, which also ends the clicker's "⏳" view).
 * Nothing here throws once the core has run: a failed delivery is logged (re-running the job would repeat the
 * command). Chat never shows error texts; the correlation id links to the logs.
 */
import type { CommandCore } from "../../commands/command-core.js";
import type { Logger } from "../../commands/ports/logger.port.js";
import type { Reply } from "../../commands/reply.js";
import { keepsItsCard } from "../chat-buttons.js";
import { runChatJob } from "../chat-engine.js";
import type { QueuedJob } from "../jobs.js";
import type { TeamsConversationStore } from "./conversation-store.js";
import type { GroupDirectory } from "./group.directory.js";
import type { TeamsConnector } from "./teams-connector.js";
import { deliverPrivately, recipientName } from "./teams-delivery.js";
import { parseTeamsJob, type TeamsJob } from "./teams-jobs.js";
import { hostChartImages, type ChartImageHost } from "./chart-hosting.js";
import { cardMessage, notDeliveredPrivately, privateNotice } from "./teams-messages.js";

export interface TeamsWorkerDeps {
  readonly core: CommandCore;
  readonly directory: GroupDirectory;
  readonly store: TeamsConversationStore;
  readonly connector: TeamsConnector;
  readonly logger: Logger;
  /** Default 1 000. */
  readonly progressIntervalInMs?: number;
  /** Default 4. */
  readonly maxProgressUpdates?: number;
  /** Publishes chart pictures so the card links them (see `chart-hosting.ts`); none: inline or sparklines. */
  readonly imageHost?: ChartImageHost;
}

export interface TeamsJobOptions {
  readonly abortSignal?: AbortSignal;
}

interface Delivery {
  readonly job: TeamsJob;
  /** The message progress and the result update: the ack, or the clicked card. */
  readonly target: string | undefined;
  readonly deps: TeamsWorkerDeps;
}

/** Throws `InvalidJobError` for a job that fails validation (retrying cannot help); never otherwise. */
export async function handleTeamsJob(queued: QueuedJob, deps: TeamsWorkerDeps, options: TeamsJobOptions = {}): Promise<void> {
  const job = parseTeamsJob(queued);
  const { actor, request, address } = job.payload;
  const groups = await deps.directory.groupsOf(actor.userId, options.abortSignal ? { abortSignal: options.abortSignal } : {});
  const target = "text" in request ? address.ackActivityId : address.cardActivityId;
  const d: Delivery = { job, target, deps };
  await runChatJob(
    { core: deps.core, logger: deps.logger },
    job,
    groups,
    {
      progress: async (reply) => {
        if (target) await deps.connector.update(address.reference, target, cardMessage(reply));
      },
      prepare: (reply) => hostChartImages(reply, deps.imageHost, deps.logger),
      deliver: (reply, progressShown) => deliverFinal(d, reply, progressShown),
    },
    {
      ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}),
      progressIntervalInMs: deps.progressIntervalInMs ?? 1_000,
      maxProgressUpdates: deps.maxProgressUpdates ?? 4,
    },
  );
}

async function deliverFinal(d: Delivery, reply: Reply, progressShown: boolean): Promise<void> {
  const { address, channelId, correlationId, request } = d.job.payload;
  const fromCommand = "text" in request;
  if (reply.visibility === "channel") {
    // As on Slack: the ack, a message progress already replaced, or a `replace` reply takes the target's place;
    // anything else from a click is a new message, and the clicked card goes back to what it was.
    const replace = !keepsItsCard(request) && (fromCommand || progressShown || reply.mode === "replace");
    if (!replace) await restoreCard(d);
    const id = replace ? await show(d, reply) : await d.deps.connector.send(address.reference, cardMessage(reply));
    if (id && (reply.buttons?.length ?? 0) > 0) {
      await d.deps.store.saveCard(channelId, id, reply).catch((error: unknown) => warn(d, "card save", error));
    }
    return;
  }
  if (address.scope === "personal") {
    // The chat is private already: the ack becomes the answer; a click's answer follows its card.
    if (fromCommand || progressShown) {
      await show(d, reply);
      return;
    }
    await restoreCard(d);
    await d.deps.connector.send(address.reference, cardMessage(reply));
    return;
  }
  // A shared conversation: the answer goes to the requester's 1:1 chat.
  const replacesTarget = fromCommand || progressShown;
  if (!replacesTarget) await restoreCard(d);
  const name = recipientName(address.reference);
  const delivered = await deliverPrivately(d.deps, address.reference, reply, correlationId);
  const visible = delivered ? privateNotice(reply, name, correlationId) : notDeliveredPrivately(reply, name);
  if (replacesTarget) await show(d, visible);
  else if (!delivered) await d.deps.connector.send(address.reference, cardMessage(visible));
}

/** Updates the target message, or posts a new one when there is none. Resolves with the message's id. */
async function show(d: Delivery, reply: Reply): Promise<string | undefined> {
  const { reference } = d.job.payload.address;
  if (d.target) {
    await d.deps.connector.update(reference, d.target, cardMessage(reply));
    return d.target;
  }
  return d.deps.connector.send(reference, cardMessage(reply));
}

/**
 * A click that changed nothing: the card goes back to what it was, buttons and all, for everyone. Not a decision's
 * card: its clicker's view was never changed (see the bridge), and the core keeps every copy up to date.
 */
async function restoreCard(d: Delivery): Promise<void> {
  if (!d.target || keepsItsCard(d.job.payload.request)) return;
  const original = await d.deps.store.getCard(d.job.payload.channelId, d.target).catch((error: unknown) => warn(d, "card lookup", error));
  if (!original) {
    d.deps.logger.info("teams card to restore not found; left as it is", { correlationId: d.job.payload.correlationId, activityId: d.target });
    return;
  }
  await d.deps.connector.update(d.job.payload.address.reference, d.target, cardMessage(original)).catch((error: unknown) => warn(d, "card restore", error));
}

function warn(d: Delivery, what: string, error: unknown): undefined {
  d.deps.logger.warn(`teams ${what} failed`, { correlationId: d.job.payload.correlationId, jobId: d.job.id, error });
  return undefined;
}
