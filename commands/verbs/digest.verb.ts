import * as z from "zod";
import { tzFlag, workspaceFlag, workspaceOrEndpointArg } from "../common-flags.js";
import { digestReply } from "../digest/digest-reply.js";
import { defaultPeriodInMs, parseSchedule } from "../digest/digest-schedule.js";
import { listSubscriptions, subscribe, unsubscribe } from "../digest/digest-subscriptions.js";
import { MAX_WINDOW_MS, parseWindowLength } from "../digest/metric-window.js";
import type { FlagSpec } from "../parse/parse-args.js";
import { refuse } from "../parse/refuse.js";
import { problemReply } from "../replies.js";
import { workspaceOrEndpoint } from "../target-resolver.js";
import { defineVerb } from "../verb-spec.js";

const HOUR = 3_600_000;

const ONE_TARGET = "Name at most one workspace or endpoint.";
const WHICH_DIGEST = "Name the digest to stop, e.g. `aml digest unsubscribe dg-3f9a2c1b` (`aml digest list` shows the ids).";

const period = {
  type: "string",
  short: "p",
  description: "Length of the period (default 1d; a subscription's: its schedule's day, week or hour)",
  placeholder: "duration",
  schema: z.string().transform((word, ctx) => {
    const lengthInMs = parseWindowLength(word);
    if (lengthInMs === undefined || lengthInMs < HOUR || lengthInMs > MAX_WINDOW_MS || lengthInMs % HOUR !== 0) {
      return refuse(ctx, "`--period` is whole hours or days, from 1h to 30d, e.g. `1d` or `7d`.");
    }
    return lengthInMs;
  }),
} as const satisfies FlagSpec;

const every = {
  type: "string",
  short: "e",
  description: "When to post: `daily HH:MM`, `weekday HH:MM`, `monday HH:MM`, `hourly`",
  placeholder: "schedule",
  required: true,
  quoted: true,
  missing: 'Say when with `--every`, e.g. `--every "weekday 09:00"` or `--every "monday 08:30"`.',
  // `--every weekday 09:00` without quotes: the time arrives as a word of its own.
  continues: /^\d{1,2}[:h.]\d{2}$/,
  schema: z.string().transform((text, ctx) => {
    const parsed = parseSchedule(text);
    return parsed.ok ? parsed.schedule : refuse(ctx, parsed.message);
  }),
} as const satisfies FlagSpec;

const tz = { ...tzFlag, description: "IANA time zone of the schedule (default UTC), e.g. Europe/Paris" } as const satisfies FlagSpec;

const target = workspaceOrEndpointArg;

export const digestVerb = defineVerb({
  name: "digest",
  group: "look",
  aliases: [],
  summary: "The digest (traffic, requests, latency, errors, anomalies, hints, changes made outside the bot) now or on a schedule",
  examples: ["digest now", "digest now fraud-scorer --period 7d", 'digest subscribe fraud-scorer --every "weekday 09:00" --tz Europe/Paris', "digest list", "digest unsubscribe dg-3f9a2c1b"],
  // Reading is looking; subscribing and unsubscribing change what a channel receives (checked in `run`).
  role: "viewer",
  slow: true,
  flags: { workspace: workspaceFlag },
  actions: {
    now: { positionals: [target], flags: { period: { ...period, default: "1d" } }, tooMany: ONE_TARGET },
    subscribe: { aliases: ["schedule"], positionals: [target], flags: { every, tz, period }, tooMany: ONE_TARGET },
    list: { aliases: ["ls"], tooMany: "`aml digest list` takes no arguments: it lists this channel's scheduled digests." },
    unsubscribe: {
      aliases: ["cancel", "remove"],
      positionals: [
        {
          name: "id",
          description: "The digest's id, as `aml digest list` shows it",
          schema: z.string().transform((word, ctx) => (/^[a-z0-9-]{3,40}$/.test(word.toLowerCase()) ? word.toLowerCase() : refuse(ctx, WHICH_DIGEST))),
        },
      ],
      missing: WHICH_DIGEST,
      tooMany: WHICH_DIGEST,
    },
  },
  ackText: (a) =>
    a.action === "now" ? `⏳ Preparing the digest of ${a.target ?? "the workspace"}…` : a.action === "list" ? "⏳ Reading this channel's digests…" : "⏳ Updating this channel's digests…",
  async run(ctx, a) {
    if (a.action === "subscribe") {
      return subscribe(ctx, { target: a.target, schedule: a.every, timeZone: a.tz, lengthInMs: a.period ?? defaultPeriodInMs(a.every) });
    }
    if (a.action === "list") return listSubscriptions(ctx);
    if (a.action === "unsubscribe") return unsubscribe(ctx, a.id);
    const { workspace, endpoint } = workspaceOrEndpoint(ctx, a.target);
    const result = await digestReply(ctx.deps, { workspace, ...(endpoint !== undefined ? { endpoint } : {}) }, a.period, {
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
