import { z } from "zod";
import { runTrafficChange, trafficChangeKind } from "../changes/traffic-change.js";
import { dryRunFlag, workspaceFlag, yesFlag } from "../common-flags.js";
import { endpointName } from "../domain/names.js";
import { MAX_MIRROR_PERCENT, checkMirrorTraffic, describeSplit, withoutZeros } from "../domain/traffic-rules.js";
import { assignmentSpellingsNote, parseAssignments, takeLeadingEndpoint } from "../parse/assignments.js";
import type { ParsedArgs } from "../parse/parse-args.js";
import { refuse } from "../parse/refuse.js";
import { problemReply } from "../replies.js";
import { resolveEndpoint } from "../target-resolver.js";
import { defineVerb } from "../verb-spec.js";

const OFF = new Set(["off", "none", "stop"]);

const args = z.custom<ParsedArgs>().transform((input, ctx) => {
  const words = [...input.positionals];
  const last = words.at(-1)?.toLowerCase();
  const off = last !== undefined && OFF.has(last);
  if (off) words.pop();
  const lead = takeLeadingEndpoint(words, (word) => endpointName.safeParse(word).success);
  if (!lead.ok) return refuse(ctx, lead.message);
  if (off === lead.pairs.length > 0) return refuse(ctx, "Give one `deployment=percent` pair (for example `green=10`), or `off`.");
  const { endpoint } = lead;
  const parsed = parseAssignments(lead.pairs);
  if (!parsed.ok) return refuse(ctx, parsed.message);
  return { endpoint, mirror: off ? {} : parsed.split, yes: input.flags.yes === true, dryRun: input.flags["dry-run"] === true };
});

export const mirrorVerb = defineVerb({
  name: "mirror",
  aliases: ["shadow"],
  summary: "Copy a share of live requests to a deployment (responses discarded), or stop",
  usage: "mirror [endpoint] <deployment>=<percent> | off [--yes] [--dry-run]",
  notes: [
    assignmentSpellingsNote("green", 10),
    `One pair, at most ${MAX_MIRROR_PERCENT} %, for a deployment without live traffic; \`off\` (or \`none\`, \`stop\`) stops mirroring.`,
  ],
  examples: ["mirror fraud-scorer green=10", "mirror green=20 --yes", "mirror fraud-scorer off"],
  role: "operator",
  slow: true,
  flags: { yes: yesFlag, "dry-run": dryRunFlag, workspace: workspaceFlag },
  args,
  ackText: (a) => `⏳ Changing mirror traffic on ${a.endpoint ?? "the endpoint"}…`,
  async run(ctx, a) {
    const target = await resolveEndpoint(ctx, a.endpoint, Object.keys(a.mirror));
    if (!target.ok) return { reply: target.reply, audit: { outcome: "invalid", detail: target.reply.summary } };
    const { endpoint, deployments } = target.value;
    const names = deployments.map((d) => d.name);
    const audit = { endpoint: endpoint.name, before: describeSplit(endpoint.mirrorTraffic) };
    const problems = checkMirrorTraffic(a.mirror, endpoint.traffic, names);
    if (problems.length > 0) {
      const reply = problemReply(`Mirror not changed on ${endpoint.name}`, problems, "Nothing was changed.");
      return { reply, audit: { ...audit, outcome: "invalid", detail: problems.join(" ") } };
    }
    const mirror = withoutZeros(a.mirror);
    if (describeSplit(mirror) === describeSplit(withoutZeros(endpoint.mirrorTraffic))) {
      const state = Object.keys(mirror).length ? describeSplit(mirror) : "off";
      const reply = problemReply(`Nothing to change on ${endpoint.name}`, [`Mirror traffic is already ${state}.`]);
      return { reply: { ...reply, tone: "info" }, audit: { ...audit, outcome: "ok", detail: "no change" } };
    }
    return runTrafficChange(ctx, {
      verb: "mirror",
      endpoint,
      deployments,
      change: { mirrorTraffic: mirror },
      notes: [],
      yes: a.yes,
      dryRun: a.dryRun,
    });
  },
  change: trafficChangeKind,
});
