/**
 * `aml digest subscribe | list | unsubscribe`: a channel's scheduled digests. Subscribing and unsubscribing need
 * the operator role (they change what everyone in the channel receives); listing is for viewers. A digest is
 * posted in the channel it was subscribed from; the timer (`scheduled-digests.ts`) sends it.
 */
import { hasRole } from "../policy.js";
import type { DigestSubscription } from "../ports/digest-subscriptions.port.js";
import { channelReply, problemReply } from "../replies.js";
import type { Section } from "../reply.js";
import type { VerbContext, VerbResult } from "../verb-spec.js";
import { type DigestSchedule, describeLocal, describeSchedule, nextDueAt, parseSchedule } from "./digest-schedule.js";
import { describeLength, utcMinute } from "./metric-window.js";

export interface SubscribeArgs {
  /** A workspace alias or an endpoint of the command's workspace; the command's workspace when absent. */
  readonly target?: string;
  readonly schedule: DigestSchedule;
  /** Canonical IANA name. */
  readonly timeZone: string;
  readonly lengthInMs: number;
}

export async function subscribe(ctx: VerbContext, a: SubscribeArgs): Promise<VerbResult> {
  const denied = requireOperator(ctx, "schedule a digest");
  if (denied) return denied;
  const named = a.target === undefined ? undefined : ctx.deps.workspaces.find((w) => w.alias.toLowerCase() === a.target!.toLowerCase());
  const workspace = named ?? ctx.workspace;
  const endpoint = named === undefined ? a.target : undefined;
  const op = { abortSignal: ctx.abortSignal };
  if (endpoint !== undefined && (await ctx.deps.endpoints.getEndpoint(workspace, endpoint, op)) === undefined) {
    const reply = problemReply("Endpoint not found", [`There is no endpoint \`${endpoint}\` in workspace \`${workspace.alias}\`.`], "`aml endpoints` lists them.");
    return { reply, audit: { outcome: "not-found", endpoint } };
  }
  const now = ctx.deps.clock.now();
  const base = {
    channel: ctx.invocation.channel,
    workspace: workspace.alias,
    ...(endpoint !== undefined ? { endpoint } : {}),
    schedule: describeSchedule(a.schedule),
    timeZone: a.timeZone,
    periodInMs: a.lengthInMs,
    createdBy: ctx.invocation.actor.displayName ?? ctx.invocation.actor.userId,
    createdAt: now,
  };
  // Ids are short so people can type them; a clash within the channel just takes another one.
  let subscription: DigestSubscription | undefined;
  for (let attempt = 0; attempt < 3 && subscription === undefined; attempt++) {
    const candidate = { ...base, id: newSubscriptionId(ctx.deps.newId()) };
    if ((await ctx.deps.digestSubscriptions.create(candidate, op)) === "created") subscription = candidate;
  }
  if (subscription === undefined) throw new Error("No free digest subscription id after 3 attempts");
  const scope = endpoint !== undefined ? `${endpoint} · ${workspace.alias}` : `workspace ${workspace.alias}`;
  const next = nextDueAt(a.schedule, a.timeZone, now);
  const reply = channelReply({
    title: `Digest scheduled: ${scope}`,
    tone: "success",
    sections: [
      {
        kind: "fields",
        fields: [
          { label: "When", value: `${subscription.schedule} (${a.timeZone})` },
          { label: "Covers", value: `the last ${describeLength(a.lengthInMs)}` },
          { label: "Next", value: `${describeLocal(next, a.timeZone)} ${a.timeZone}${a.timeZone === "UTC" ? "" : ` (${utcMinute(next)} UTC)`}` },
          { label: "Id", value: `\`${subscription.id}\`` },
        ],
      },
      { kind: "text", text: "The digest is posted in this channel. Anomalies, hints and changes made outside the bot are called out as in `aml digest now`." },
    ],
    context: [`\`aml digest unsubscribe ${subscription.id}\` stops it · \`aml digest list\` shows this channel's digests`],
    summary: `Digest of ${scope} scheduled ${subscription.schedule} ${a.timeZone} (${subscription.id})`,
  });
  return { reply, audit: { outcome: "ok", ...(endpoint ? { endpoint } : {}), after: `${subscription.id}: ${subscription.schedule} ${a.timeZone}`, detail: `digest subscribe ${workspace.alias}${endpoint ? `/${endpoint}` : ""}` } };
}

export async function listSubscriptions(ctx: VerbContext): Promise<VerbResult> {
  const now = ctx.deps.clock.now();
  const subscriptions = await ctx.deps.digestSubscriptions.list({ channel: ctx.invocation.channel, abortSignal: ctx.abortSignal });
  // One short entry each, not a 5-column table: it fits a Teams card on a phone and Slack's column (issue 14 §3).
  const entries = subscriptions
    .sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    .map((s): Section => {
      const schedule = parseSchedule(s.schedule);
      const next = schedule.ok ? describeLocal(nextDueAt(schedule.schedule, s.timeZone, now), s.timeZone) : "–";
      const of = s.endpoint !== undefined ? `${s.endpoint} · ${s.workspace}` : s.workspace;
      return { kind: "text", text: `*${of}* · \`${s.id}\`\n${s.schedule} ${s.timeZone} · next ${next} · last sent ${s.lastDigestAt ? `${utcMinute(s.lastDigestAt)} UTC` : "never"}` };
    });
  const reply = channelReply({
    title: "Scheduled digests in this channel",
    tone: "info",
    sections: entries.length === 0 ? [{ kind: "text", text: 'None yet. `aml digest subscribe <workspace|endpoint> --every "weekday 09:00" --tz Europe/Paris` schedules one.' }] : entries,
    ...(entries.length === 0 ? {} : { context: ["`aml digest unsubscribe <id>` stops one (operator)"] }),
    summary: `${entries.length} scheduled digest(s) in this channel`,
  });
  return { reply, audit: { outcome: "ok", detail: `digest list: ${entries.length}` } };
}

export async function unsubscribe(ctx: VerbContext, id: string): Promise<VerbResult> {
  const denied = requireOperator(ctx, "stop a scheduled digest");
  if (denied) return denied;
  const removed = await ctx.deps.digestSubscriptions.delete(ctx.invocation.channel, id, { abortSignal: ctx.abortSignal });
  if (!removed) {
    const reply = problemReply("No such digest", [`This channel has no scheduled digest \`${id}\`.`], "`aml digest list` shows this channel's digests and their ids.");
    return { reply, audit: { outcome: "not-found", detail: `digest unsubscribe ${id}` } };
  }
  const reply = channelReply({
    title: "Digest unsubscribed",
    tone: "success",
    sections: [{ kind: "text", text: `\`${id}\` is stopped: no more digests from it in this channel.` }],
    summary: `Digest ${id} unsubscribed`,
  });
  return { reply, audit: { outcome: "ok", before: id, detail: `digest unsubscribe ${id}` } };
}

function requireOperator(ctx: VerbContext, what: string): VerbResult | undefined {
  if (hasRole(ctx.invocation.actor, "operator", ctx.deps.policy)) return undefined;
  const reply = problemReply("Not allowed", [`You need the *operator* role to ${what}.`], "Ask an aml-chatops admin to grant it. Nothing was changed.");
  return { reply, audit: { outcome: "denied" } };
}

/** `dg-` and 8 letters or digits of a fresh id (a UUID in production). */
export function newSubscriptionId(fresh: string): string {
  const letters = fresh.toLowerCase().replace(/[^a-z0-9]/g, "");
  return `dg-${letters.slice(-8).padStart(8, "0")}`;
}
