/**
 * `aml freeze <workspace|endpoint> --until <time> --reason "…"`: no change to it until then (admin). Every change
 * verb checks freezes before it proposes or applies anything (`freeze/freeze-guard.ts`).
 */
import * as z from "zod";
import { tzFlag, workspaceFlag } from "../common-flags.js";
import { describeAt } from "../freeze/freeze-windows.js";
import { freezeTargetArg, resolveFreezeTarget } from "../freeze/freeze-target.js";
import { parseFreezeTime, TIME_EXAMPLES } from "../freeze/freeze-time.js";
import type { FlagSpec } from "../parse/parse-args.js";
import { channelReply, problemReply } from "../replies.js";
import { defineVerb, type VerbResult } from "../verb-spec.js";

/** Longer is a typo (a year for a day) more often than a plan: the config file's weekly freezes are for the rest. */
const MAX_FREEZE_DAYS = 90;

const time = {
  type: "string",
  placeholder: "time",
  quoted: true,
  // `--until tomorrow 08:00` and `--until 2026-12-24 18:00` without quotes: the time arrives as a word of its own.
  continues: /^\d{1,2}[:h.]\d{2}$/,
} as const;

const until = { ...time, description: `When the freeze ends: ${TIME_EXAMPLES}`, required: true, missing: "Say until when with `--until`, e.g. `--until 18:00` or `--until \"tomorrow 08:00\"`." } as const satisfies FlagSpec;
const from = { ...time, description: "When it starts (default now), in the same forms" } as const satisfies FlagSpec;
const reason = {
  type: "string",
  placeholder: "reason",
  quoted: true,
  required: true,
  description: "Why: shown to everyone whose change it refuses",
  missing: 'Say why with `--reason "…"`: everyone whose change is refused reads it.',
  schema: z.string().trim().min(1, "The reason cannot be empty."),
} as const satisfies FlagSpec;

export const freezeVerb = defineVerb({
  name: "freeze",
  group: "approvals",
  aliases: [],
  summary: "Refuse every change to a workspace or an endpoint until a time, saying why",
  notes: [
    `Times are read in \`--tz\` (an IANA zone, default UTC): ${TIME_EXAMPLES}.`,
    'While frozen, traffic, mirror, scale, revert and approvals\' Apply are refused with who froze it, why and until when; an admin may pass `--override "<reason>"` to a change (audited).',
  ],
  examples: ['freeze demo --until "tomorrow 08:00" --tz Europe/Paris --reason "release week"', 'freeze fraud-scorer --until 18:00 --reason "incident 4711"'],
  role: "admin",
  slow: true,
  positionals: [freezeTargetArg],
  flags: { until, from, tz: tzFlag, reason, workspace: workspaceFlag },
  tooMany: "Name one workspace or endpoint; put the reason in quotes.",
  ackText: (a) => `⏳ Freezing ${a.target}…`,
  async run(ctx, a) {
    const now = ctx.deps.clock.now();
    const target = await resolveFreezeTarget(ctx, a.target);
    if (!target.ok) return target.result;
    const { workspace, endpoint, scope, audited } = target.value;
    const notFrozen = (problem: string): VerbResult => ({ reply: problemReply("Not frozen", [problem], "Nothing was changed."), audit: { ...audited, outcome: "invalid", detail: problem } });
    const start = a.from === undefined ? { ok: true as const, at: now } : parseFreezeTime(a.from, a.tz, now);
    if (!start.ok) return notFrozen(`\`--from\`: ${start.message}`);
    const end = parseFreezeTime(a.until, a.tz, now);
    if (!end.ok) return notFrozen(`\`--until\`: ${end.message}`);
    const from = start.at < now ? now : start.at;
    const wrong = windowProblem(now, from, end.at, a.tz);
    if (wrong) return notFrozen(wrong);

    const by = ctx.invocation.actor.displayName ?? ctx.invocation.actor.userId;
    // The id comes from the command's correlation id: a redelivered job stores the same freeze, not a second one.
    const id = `fz-${ctx.invocation.correlationId}`;
    await ctx.deps.freezes.add(
      { id, workspace: workspace.alias, ...(endpoint !== undefined ? { endpoint } : {}), from, until: end.at, reason: a.reason, by, timeZone: a.tz, createdAt: now },
      { abortSignal: ctx.abortSignal },
    );
    const reply = channelReply({
      title: `❄️ Frozen: ${scope}`,
      tone: "warning",
      sections: [
        {
          kind: "fields",
          fields: [
            { label: "Scope", value: endpoint === undefined ? `every endpoint of ${workspace.alias}` : scope },
            { label: "From", value: from > now ? describeAt(from, a.tz) : "now" },
            { label: "Until", value: describeAt(end.at, a.tz) },
            { label: "Reason", value: a.reason },
            { label: "By", value: by },
          ],
        },
        { kind: "text", text: `Changes are refused until then. An admin may pass \`--override "<reason>"\` to a change (audited); \`aml unfreeze ${a.target}\` ends it early.` },
      ],
      summary: `${scope} frozen until ${describeAt(end.at, a.tz)}: ${a.reason}`,
    });
    return { reply, audit: { ...audited, outcome: "ok", detail: `frozen from ${from.toISOString()} until ${end.at.toISOString()}: ${a.reason}` } };
  },
});

function windowProblem(now: Date, from: Date, until: Date, timeZone: string): string | undefined {
  if (until <= now) return `It would end at ${describeAt(until, timeZone)}, which has passed.`;
  if (until <= from) return `It would end (${describeAt(until, timeZone)}) before it starts (${describeAt(from, timeZone)}).`;
  if (until.getTime() - now.getTime() > MAX_FREEZE_DAYS * 86_400_000) {
    return `A freeze lasts at most ${MAX_FREEZE_DAYS} days; ${describeAt(until, timeZone)} is further. Weekly freezes belong in the config file (\`policy.freezes\`).`;
  }
  return undefined;
}
