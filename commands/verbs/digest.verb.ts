import { z } from "zod";
import { workspaceFlag } from "../common-flags.js";
import { digestReply } from "../digest/digest-reply.js";
import { defaultPeriodInMs, parseSchedule } from "../digest/digest-schedule.js";
import { listSubscriptions, subscribe, unsubscribe, type SubscribeArgs } from "../digest/digest-subscriptions.js";
import { MAX_WINDOW_MS, parseWindowLength } from "../digest/metric-window.js";
import { canonicalTimeZone } from "../digest/zoned-time.js";
import { endpointName } from "../domain/names.js";
import type { ParsedArgs } from "../parse/parse-args.js";
import { refuse } from "../parse/refuse.js";
import { problemReply } from "../replies.js";
import { defineVerb } from "../verb-spec.js";

const HOUR = 3_600_000;

export type DigestArgs =
  | { readonly action: "now"; readonly target?: string; readonly lengthInMs: number }
  | ({ readonly action: "subscribe" } & SubscribeArgs)
  | { readonly action: "list" }
  | { readonly action: "unsubscribe"; readonly id: string };

const ACTIONS =
  'Say `aml digest now [workspace|endpoint]`, `aml digest subscribe <workspace|endpoint> --every "weekday 09:00" [--tz Europe/Paris]`, `aml digest list` or `aml digest unsubscribe <id>`.';
const ZONE_EXAMPLES = "`Europe/Paris`, `America/New_York`, `Asia/Kolkata` or `UTC`";

const args = z.custom<ParsedArgs>().transform((input, ctx): DigestArgs => {
  const [actionWord, ...words] = input.positionals;
  const action = actionWord?.toLowerCase();
  const period = (fallback: number): number => {
    if (typeof input.flags.period !== "string") return fallback;
    const lengthInMs = parseWindowLength(input.flags.period);
    if (lengthInMs === undefined || lengthInMs < HOUR || lengthInMs > MAX_WINDOW_MS || lengthInMs % HOUR !== 0) {
      return refuse(ctx, "`--period` is whole hours or days, from 1h to 30d, e.g. `1d` or `7d`.");
    }
    return lengthInMs;
  };
  const target = (word: string | undefined): string | undefined => {
    if (word !== undefined && !endpointName.safeParse(word).success && !/^[a-z][a-z0-9-]{0,31}$/.test(word)) {
      return refuse(ctx, `\`${word}\` is neither a workspace alias nor an endpoint name.`);
    }
    return word;
  };
  switch (action) {
    case "now":
      if (words.length > 1) return refuse(ctx, "Name at most one workspace or endpoint.");
      return { action, target: target(words[0]), lengthInMs: period(24 * HOUR) };
    case "subscribe":
    case "schedule": {
      let every = typeof input.flags.every === "string" ? input.flags.every : undefined;
      // `--every weekday 09:00` without quotes: the time arrives as a word of its own.
      const last = words.at(-1);
      if (every !== undefined && last !== undefined && /^\d{1,2}[:h.]\d{2}$/.test(last) && !/\d/.test(every)) every = `${every} ${words.pop()}`;
      if (every === undefined) return refuse(ctx, 'Say when with `--every`, e.g. `--every "weekday 09:00"` or `--every "monday 08:30"`.');
      if (words.length > 1) return refuse(ctx, "Name at most one workspace or endpoint.");
      const parsed = parseSchedule(every);
      if (!parsed.ok) return refuse(ctx, parsed.message);
      const zoneWord = typeof input.flags.tz === "string" ? input.flags.tz : "UTC";
      const timeZone = canonicalTimeZone(zoneWord);
      if (timeZone === undefined) return refuse(ctx, `\`${zoneWord}\` is not a time zone I know. Use an IANA name, e.g. ${ZONE_EXAMPLES}.`);
      return { action: "subscribe", target: target(words[0]), schedule: parsed.schedule, timeZone, lengthInMs: period(defaultPeriodInMs(parsed.schedule)) };
    }
    case "list":
    case "ls":
      if (words.length > 0) return refuse(ctx, "`aml digest list` takes no arguments: it lists this channel's scheduled digests.");
      return { action: "list" };
    case "unsubscribe":
    case "cancel":
    case "remove": {
      const id = words[0]?.toLowerCase();
      if (words.length !== 1 || !/^[a-z0-9-]{3,40}$/.test(id!)) return refuse(ctx, "Name the digest to stop, e.g. `aml digest unsubscribe dg-3f9a2c1b` (`aml digest list` shows the ids).");
      return { action: "unsubscribe", id: id! };
    }
    default:
      return refuse(ctx, action === undefined ? ACTIONS : `\`${actionWord}\` is not a digest action. ${ACTIONS}`);
  }
});

export const digestVerb = defineVerb({
  name: "digest",
  aliases: [],
  summary: "The digest (traffic, requests, latency, errors, anomalies, hints, changes made outside the bot) now or on a schedule",
  usage: 'digest now [workspace|endpoint] [--period <duration>] | digest subscribe [workspace|endpoint] --every "<schedule>" [--tz <zone>] | digest list | digest unsubscribe <id>',
  examples: ["digest now", "digest now fraud-scorer --period 7d", 'digest subscribe fraud-scorer --every "weekday 09:00" --tz Europe/Paris', "digest list", "digest unsubscribe dg-3f9a2c1b"],
  // Reading is looking; subscribing and unsubscribing change what a channel receives (checked in `run`).
  role: "viewer",
  slow: true,
  flags: {
    workspace: workspaceFlag,
    period: { type: "string", short: "p", description: "Length of the period (default 1d; a subscription's: its schedule's day, week or hour)", placeholder: "duration" },
    every: { type: "string", short: "e", description: "When to post: `daily HH:MM`, `weekday HH:MM`, `monday HH:MM`, `hourly`", placeholder: "schedule" },
    tz: { type: "string", description: "IANA time zone of the schedule (default UTC), e.g. Europe/Paris", placeholder: "zone" },
  },
  args,
  ackText: (a: DigestArgs) =>
    a.action === "now" ? `⏳ Preparing the digest of ${a.target ?? "the workspace"}…` : a.action === "list" ? "⏳ Reading this channel's digests…" : "⏳ Updating this channel's digests…",
  async run(ctx, a: DigestArgs) {
    if (a.action === "subscribe") return subscribe(ctx, a);
    if (a.action === "list") return listSubscriptions(ctx);
    if (a.action === "unsubscribe") return unsubscribe(ctx, a.id);
    // A workspace alias names the workspace; anything else is an endpoint of the command's workspace.
    const named = a.target === undefined ? undefined : ctx.deps.workspaces.find((w) => w.alias.toLowerCase() === a.target!.toLowerCase());
    const workspace = named ?? ctx.workspace;
    const endpoint = named === undefined ? a.target : undefined;
    const result = await digestReply(ctx.deps, { workspace, ...(endpoint !== undefined ? { endpoint } : {}) }, a.lengthInMs, {
      correlationId: ctx.invocation.correlationId,
      ...(ctx.abortSignal ? { abortSignal: ctx.abortSignal } : {}),
    });
    if (!result.ok) {
      const reply = problemReply("No digest", [result.message], "`aml endpoints` lists the endpoints of the workspace.");
      return { reply, audit: { outcome: "not-found", detail: result.message, ...(endpoint ? { endpoint } : {}) } };
    }
    return { reply: result.reply, audit: { outcome: "ok", detail: `digest ${workspace.alias}${endpoint ? `/${endpoint}` : ""}`, ...(endpoint ? { endpoint } : {}) } };
  },
});
