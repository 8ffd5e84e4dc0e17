import { z } from "zod";
import { workspaceFlag } from "../common-flags.js";
import { buildDigest } from "../digest/digest.js";
import { gatherDigestData } from "../digest/digest-data.js";
import { MAX_WINDOW_MS, parseWindowLength } from "../digest/metric-window.js";
import { endpointName } from "../domain/names.js";
import type { ParsedArgs } from "../parse/parse-args.js";
import { refuse } from "../parse/refuse.js";
import { problemReply } from "../replies.js";
import { defineVerb } from "../verb-spec.js";

const HOUR = 3_600_000;

const args = z.custom<ParsedArgs>().transform((input, ctx) => {
  const [action, target, ...rest] = input.positionals;
  // `now` today; subscriptions (`digest daily`, `digest off`) come with the scheduler.
  if (action?.toLowerCase() !== "now") return refuse(ctx, "Say `aml digest now` to see the digest of the workspace, or `aml digest now <endpoint>`.");
  if (rest.length > 0) return refuse(ctx, "Name at most one workspace or endpoint.");
  if (target !== undefined && !endpointName.safeParse(target).success && !/^[a-z][a-z0-9-]{0,31}$/.test(target)) {
    return refuse(ctx, `\`${target}\` is neither a workspace alias nor an endpoint name.`);
  }
  const periodWord = typeof input.flags.period === "string" ? input.flags.period : "1d";
  const lengthInMs = parseWindowLength(periodWord);
  if (lengthInMs === undefined || lengthInMs < HOUR || lengthInMs > MAX_WINDOW_MS || lengthInMs % HOUR !== 0) {
    return refuse(ctx, "`--period` is whole hours or days, from 1h to 30d, e.g. `1d` or `7d`.");
  }
  return { target, lengthInMs };
});

export const digestVerb = defineVerb({
  name: "digest",
  aliases: [],
  summary: "The digest now: traffic, requests, latency and errors against the period before, anomalies, hints, changes made outside the bot",
  usage: "digest now [workspace|endpoint] [--period <duration>]",
  examples: ["digest now", "digest now fraud-scorer", "digest now prod --period 7d"],
  role: "viewer",
  slow: true,
  flags: { workspace: workspaceFlag, period: { type: "string", short: "p", description: "Length of the period (default 1d)", placeholder: "duration" } },
  args,
  ackText: (a) => `⏳ Preparing the digest of ${a.target ?? "the workspace"}…`,
  async run(ctx, a) {
    // A workspace alias names the workspace; anything else is an endpoint of the command's workspace.
    const named = a.target === undefined ? undefined : ctx.deps.workspaces.find((w) => w.alias.toLowerCase() === a.target!.toLowerCase());
    const workspace = named ?? ctx.workspace;
    const endpoint = named === undefined ? a.target : undefined;
    const gathered = await gatherDigestData(
      ctx.deps,
      { workspace, ...(endpoint !== undefined ? { endpoint } : {}) },
      { lengthInMs: a.lengthInMs, granularityInMs: HOUR },
      ctx.abortSignal ? { abortSignal: ctx.abortSignal } : {},
    );
    if (!gathered.ok) {
      const reply = problemReply("No digest", [gathered.message], "`aml endpoints` lists the endpoints of the workspace.");
      return { reply, audit: { outcome: "not-found", detail: gathered.message, ...(endpoint ? { endpoint } : {}) } };
    }
    return { reply: buildDigest(gathered.input), audit: { outcome: "ok", detail: `digest ${workspace.alias}${endpoint ? `/${endpoint}` : ""}`, ...(endpoint ? { endpoint } : {}) } };
  },
});
