import { runTrafficChange, trafficChangeKind } from "../changes/traffic-change.js";
import { dryRunFlag, endpointBeforePairsArg, overrideFlag, workspaceFlag, yesFlag } from "../common-flags.js";
import { MAX_MIRROR_PERCENT, checkMirrorTraffic, describeSplit, withoutZeros } from "../domain/traffic-rules.js";
import { assignmentSpellingsNote } from "../parse/assignments.js";
import { problemReply } from "../replies.js";
import { runningPromotion } from "../deploy/endpoint-lock.js";
import { resolveEndpoint } from "../target-resolver.js";
import { defineVerb } from "../verb-spec.js";

export const mirrorVerb = defineVerb({
  name: "mirror",
  group: "change",
  aliases: ["shadow"],
  summary: "Copy a share of live requests to a deployment (responses discarded), or stop",
  notes: [
    assignmentSpellingsNote("green", 10),
    `One pair, at most ${MAX_MIRROR_PERCENT} %, for a deployment without live traffic; \`off\` (or \`none\`, \`stop\`) stops mirroring.`,
  ],
  examples: ["mirror fraud-scorer green=10", "mirror green=20 --yes", "mirror fraud-scorer off"],
  role: "operator",
  slow: true,
  positionals: [
    endpointBeforePairsArg,
    {
      name: "mirror",
      kind: "assignments",
      off: ["off", "none", "stop"],
      usage: "<deployment>=<percent> | off",
      description: "The deployment that gets a copy of that share of live requests, or `off`",
      missing: "Give one `deployment=percent` pair (for example `green=10`), or `off`.",
    },
  ],
  flags: { yes: yesFlag, "dry-run": dryRunFlag, override: overrideFlag, workspace: workspaceFlag },
  ackText: (a) => `⏳ Changing mirror traffic on ${a.endpoint ?? "the endpoint"}…`,
  async run(ctx, a) {
    const target = await resolveEndpoint(ctx, a.endpoint, Object.keys(a.mirror));
    if (!target.ok) return { reply: target.reply, audit: { outcome: "invalid", detail: target.reply.summary } };
    const { endpoint, deployments } = target.value;
    const names = deployments.map((d) => d.name);
    const audit = { endpoint: endpoint.name, before: describeSplit(endpoint.mirrorTraffic) };
    const problems = checkMirrorTraffic(a.mirror, endpoint.traffic, names);
    if (problems.length > 0) {
      // A running promotion is the likelier cause (its shadow stage mirrors to the candidate), and the answer to act on.
      const promoting = await runningPromotion(ctx, endpoint.name);
      if (promoting) return promoting;
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
      override: a.override,
    });
  },
  change: trafficChangeKind,
});
