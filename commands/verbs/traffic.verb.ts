import { runTrafficChange, trafficChangeKind } from "../changes/traffic-change.js";
import { dryRunFlag, endpointBeforePairsArg, overrideFlag, workspaceFlag, yesFlag } from "../common-flags.js";
import { checkLiveTraffic, checkMirrorTraffic, describeSplit, sumOf } from "../domain/traffic-rules.js";
import { assignmentSpellingsNote } from "../parse/assignments.js";
import { problemReply } from "../replies.js";
import { runningPromotion } from "../deploy/endpoint-lock.js";
import { resolveEndpoint } from "../target-resolver.js";
import { defineVerb } from "../verb-spec.js";

export const trafficVerb = defineVerb({
  name: "traffic",
  group: "change",
  aliases: ["split"],
  summary: "Shift live traffic between deployments, with a before → after preview",
  notes: [
    assignmentSpellingsNote("blue", 80),
    "Live traffic adds up to 100 (or 0). Deployments left out keep their share, except that a single one left out takes the rest: `blue=80` on a blue/green endpoint sets green to 20.",
  ],
  examples: ["traffic fraud-scorer blue=80 green=20", "traffic blue=80% green=20%", "traffic fraud-scorer green=100 --yes"],
  role: "operator",
  slow: true,
  positionals: [
    endpointBeforePairsArg,
    {
      name: "split",
      kind: "assignments",
      description: "The live traffic of each deployment named, in percent",
      missing: "Say how to split the traffic, for example `blue=80 green=20`.",
    },
  ],
  flags: { yes: yesFlag, "dry-run": dryRunFlag, override: overrideFlag, workspace: workspaceFlag },
  ackText: (a) => `⏳ Shifting traffic on ${a.endpoint ?? "the endpoint"}…`,
  async run(ctx, a) {
    const target = await resolveEndpoint(ctx, a.endpoint, Object.keys(a.split));
    if (!target.ok) return { reply: target.reply, audit: { outcome: "invalid", detail: target.reply.summary } };
    const { endpoint, deployments } = target.value;
    const names = deployments.map((d) => d.name);

    // Deployments left out keep their share, except that a single one left out takes up the rest:
    // `blue=80` on a blue/green endpoint means green=20.
    const next: Record<string, number> = { ...Object.fromEntries(names.map((n) => [n, 0])), ...endpoint.traffic, ...a.split };
    const notes: string[] = [];
    const unspecified = names.filter((n) => !(n in a.split));
    const rest = 100 - sumOf(a.split);
    if (sumOf(next) !== 100 && unspecified.length === 1 && rest >= 0 && rest <= 100) {
      next[unspecified[0]!] = rest;
      notes.push(`\`${unspecified[0]}\` set to ${rest} % so the split adds up to 100 %.`);
    }
    const audit = { endpoint: endpoint.name, before: describeSplit(endpoint.traffic) };
    const problems = [...checkLiveTraffic(next, names), ...checkMirrorTraffic(endpoint.mirrorTraffic, next, names)];
    if (problems.length > 0) {
      // A running promotion is the likelier cause (its shadow stage mirrors to the candidate), and the answer to act on.
      const promoting = await runningPromotion(ctx, endpoint.name);
      if (promoting) return promoting;
      const reply = problemReply(`Traffic not changed on ${endpoint.name}`, problems, "Nothing was changed.");
      return { reply, audit: { ...audit, outcome: "invalid", detail: problems.join(" ") } };
    }
    if (describeSplit(next) === describeSplit({ ...Object.fromEntries(names.map((n) => [n, 0])), ...endpoint.traffic })) {
      const reply = problemReply(`Nothing to change on ${endpoint.name}`, [`Live traffic is already ${describeSplit(endpoint.traffic)}.`]);
      return { reply: { ...reply, tone: "info" }, audit: { ...audit, outcome: "ok", detail: "no change" } };
    }
    return runTrafficChange(ctx, {
      verb: "traffic",
      endpoint,
      deployments,
      change: { traffic: next },
      notes,
      yes: a.yes,
      dryRun: a.dryRun,
      override: a.override,
    });
  },
  change: trafficChangeKind,
});
