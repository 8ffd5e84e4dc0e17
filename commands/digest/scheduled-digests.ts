/**
 * The scheduled digests' run, called by the timer every minute (and by the local host every few seconds):
 * each subscription whose latest due time is later than the run it handled last is claimed for that due time,
 * gathered, built and posted to its channel. The claim (`<subscription>:<due time>`, a conditional insert in
 * Tables) makes two timers that fire at once post one digest; a claim whose poster died lapses after its lease
 * and the run is tried again. The post carries an update key of the same run, so a retry after a poster died
 * between posting and completing updates that message instead of adding a second one.
 */
import type { CoreDeps } from "../core-deps.js";
import type { ChannelRef } from "../invocation.js";
import type { ChannelNotifier } from "../ports/channel-notifier.port.js";
import type { DigestSubscription } from "../ports/digest-subscriptions.port.js";
import { channelReply } from "../replies.js";
import type { Reply } from "../reply.js";
import { digestReply } from "./digest-reply.js";
import { latestDueAt, parseSchedule } from "./digest-schedule.js";

export type ScheduledDigestDeps = Pick<CoreDeps, "endpoints" | "metrics" | "audit" | "clock" | "charts" | "logger" | "workspaces" | "digestSubscriptions"> & {
  readonly notifier: ChannelNotifier;
};

export type DigestRunOutcome =
  /** Sent (or, on a retried run, the message of the first attempt updated). */
  | "posted"
  /** The channel cannot be reached; the run is given up (the next due time tries again). */
  | "unreachable"
  /** Another timer holds this run, or handled it already. */
  | "skipped"
  /** Gathering or posting threw; the claim lapses after its lease and the run is tried again. */
  | "failed";

export interface DigestRunReport {
  readonly subscriptionId: string;
  readonly channel: ChannelRef;
  readonly dueAt: Date;
  readonly outcome: DigestRunOutcome;
}

export interface RunDueDigestsOptions {
  /** Digests gathered at once (default 4): each costs a few ARM and metrics calls. */
  readonly concurrency?: number;
  readonly abortSignal?: AbortSignal;
}

export async function runDueDigests(deps: ScheduledDigestDeps, now: Date, options: RunDueDigestsOptions = {}): Promise<DigestRunReport[]> {
  const op = options.abortSignal ? { abortSignal: options.abortSignal } : {};
  const due = (await deps.digestSubscriptions.list(op)).flatMap((subscription) => {
    const schedule = parseSchedule(subscription.schedule);
    if (!schedule.ok) {
      deps.logger.error("digest subscription has an unreadable schedule; skipped", { subscriptionId: subscription.id, schedule: subscription.schedule });
      return [];
    }
    const dueAt = latestDueAt(schedule.schedule, subscription.timeZone, now);
    // Strictly after the subscription was made: subscribing at 09:30 does not send the 09:00 digest.
    return dueAt.getTime() > (subscription.lastDueAt ?? subscription.createdAt).getTime() ? [{ subscription, dueAt }] : [];
  });
  const reports: DigestRunReport[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(options.concurrency ?? 4, due.length) }, async () => {
      while (next < due.length) {
        const { subscription, dueAt } = due[next++]!;
        reports.push({ subscriptionId: subscription.id, channel: subscription.channel, dueAt, outcome: await runOne(deps, subscription, dueAt, op) });
      }
    }),
  );
  return reports;
}

async function runOne(deps: ScheduledDigestDeps, subscription: DigestSubscription, dueAt: Date, op: { abortSignal?: AbortSignal }): Promise<DigestRunOutcome> {
  const log = { subscriptionId: subscription.id, dueAt: dueAt.toISOString(), platform: subscription.channel.platform };
  try {
    if ((await deps.digestSubscriptions.claimRun(subscription, dueAt, op)) !== "claimed") return "skipped";
    const reply = await scheduledReply(deps, subscription, dueAt, op);
    const outcome = await deps.notifier.post(subscription.channel, reply, { updateKey: `digest:${subscription.id}:${dueAt.toISOString()}`, ...op });
    const sent = outcome.kind !== "unreachable";
    await deps.digestSubscriptions.completeRun(subscription, dueAt, sent ? deps.clock.now() : undefined, op);
    if (!sent) {
      deps.logger.warn("scheduled digest not delivered: channel unreachable", { ...log, reason: outcome.message });
      return "unreachable";
    }
    deps.logger.info("scheduled digest sent", { ...log, kind: outcome.kind });
    return "posted";
  } catch (error) {
    deps.logger.error("scheduled digest failed; retried once its claim lapses", { ...log, error });
    return "failed";
  }
}

async function scheduledReply(deps: ScheduledDigestDeps, s: DigestSubscription, dueAt: Date, op: { abortSignal?: AbortSignal }): Promise<Reply> {
  const footer = `Scheduled digest \`${s.id}\`: ${s.schedule} ${s.timeZone} · \`aml digest unsubscribe ${s.id}\` stops it`;
  const workspace = deps.workspaces.find((w) => w.alias.toLowerCase() === s.workspace.toLowerCase());
  // Said in the channel rather than dropped silently: people there expect a digest and can unsubscribe.
  const problem = (text: string): Reply =>
    channelReply({ title: "Scheduled digest not available", tone: "warning", sections: [{ kind: "text", text }], context: [footer], summary: `Scheduled digest ${s.id}: ${text}` });
  if (workspace === undefined) return problem(`Workspace \`${s.workspace}\` is no longer configured.`);
  const result = await digestReply(deps, { workspace, ...(s.endpoint !== undefined ? { endpoint: s.endpoint } : {}) }, s.periodInMs, {
    end: dueAt,
    ...(s.lastDigestAt ? { lastDigestAt: s.lastDigestAt } : {}),
    correlationId: `digest:${s.id}:${dueAt.toISOString()}`,
    ...op,
  });
  if (!result.ok) return problem(result.message);
  return { ...result.reply, context: [...(result.reply.context ?? []), footer] };
}
