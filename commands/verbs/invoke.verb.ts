import { z } from "zod";
import { workspaceFlag } from "../common-flags.js";
import type { Endpoint } from "../domain/endpoint.js";
import { deploymentName, endpointName } from "../domain/names.js";
import type { ParsedArgs } from "../parse/parse-args.js";
import { refuse } from "../parse/refuse.js";
import type { ScoringRequest } from "../ports/endpoint-scoring.port.js";
import { problemReply } from "../replies.js";
import { compareResult } from "../scoring/compare-reply.js";
import { parsePayloadWord, resolvePayload } from "../scoring/payload.js";
import { failedCallResult, invokeResult } from "../scoring/scoring-reply.js";
import { resolveEndpoint } from "../target-resolver.js";
import { defineVerb, type VerbContext } from "../verb-spec.js";

export const DEFAULT_TIMEOUT_SECONDS = 10;
/** Chat waits for the answer; a minute is the most a preview should hold a job worker. */
export const MAX_TIMEOUT_SECONDS = 60;

const args = z.custom<ParsedArgs>().transform((input, ctx) => {
  const words = input.positionals;
  if (words.length === 0) return refuse(ctx, 'Give the request body: JSON such as `{"data": [[1, 2, 3]]}`, or a saved sample as `@name`.');
  if (words.length > 2) return refuse(ctx, `Expected \`[endpoint] <json | @sample>\`, got ${words.length} words. Keep the JSON in one piece (or quote it: \`'{…}'\`).`);
  const endpoint = words.length === 2 ? words[0] : undefined;
  if (endpoint !== undefined && !endpointName.safeParse(endpoint).success) return refuse(ctx, `\`${endpoint}\` is not a valid endpoint name.`);
  const payload = parsePayloadWord(words[words.length - 1]!);
  if (!payload.ok) return refuse(ctx, payload.problem);

  const deployment = input.flags.deployment as string | undefined;
  const compareWord = input.flags.compare as string | undefined;
  if (deployment !== undefined && compareWord !== undefined) return refuse(ctx, "Use `--deployment` or `--compare`, not both.");
  for (const name of [deployment, ...(compareWord?.split(",") ?? [])]) {
    if (name !== undefined && !deploymentName.safeParse(name.trim()).success) return refuse(ctx, `\`${name}\` is not a valid deployment name.`);
  }
  const compare = compareWord?.split(",").map((n) => n.trim());
  if (compare !== undefined && (compare.length !== 2 || compare[0]!.toLowerCase() === compare[1]!.toLowerCase())) {
    return refuse(ctx, "`--compare` takes two different deployments, for example `--compare blue,green`.");
  }

  const timeoutWord = input.flags.timeout as string | undefined;
  const timeout = timeoutWord === undefined ? DEFAULT_TIMEOUT_SECONDS : Number(timeoutWord.replace(/s$/i, ""));
  if (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_TIMEOUT_SECONDS) {
    return refuse(ctx, `\`--timeout\` is a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}, not \`${timeoutWord}\`.`);
  }
  return { endpoint, payload: payload.payload, deployment, compare: compare as [string, string] | undefined, timeoutInMs: timeout * 1000 };
});

type InvokeArgs = z.output<typeof args>;

export const invokeVerb = defineVerb({
  name: "invoke",
  aliases: ["score"],
  summary: "Send a request to an endpoint's scoring URI and show the answer; the bot supplies the key or token",
  usage: "invoke [endpoint] <json | @sample> [--deployment <name> | --compare <a,b>] [--timeout <seconds>]",
  examples: [
    'invoke fraud-scorer {"data": [[1,2,3,4,5,6,7,8,9,10]]}',
    "invoke fraud-scorer @small --deployment green",
    "invoke fraud-scorer @small --compare blue,green",
  ],
  // Running a model costs compute and may act on real data: more than looking, so operators only.
  role: "operator",
  slow: true,
  flags: {
    deployment: { type: "string", short: "d", description: "Pin one deployment (`azureml-model-deployment`); works at 0 % traffic, never mirrored", placeholder: "name" },
    compare: { type: "string", description: "Send the same request to two deployments and show the differences", placeholder: "a,b" },
    timeout: { type: "string", description: `Seconds to wait for the answer (default ${DEFAULT_TIMEOUT_SECONDS}, at most ${MAX_TIMEOUT_SECONDS})`, placeholder: "seconds" },
    workspace: workspaceFlag,
  },
  args,
  ackText: (a) => (a.compare ? `⏳ Comparing ${a.compare[0]} and ${a.compare[1]}…` : `⏳ Invoking ${a.endpoint ?? "the endpoint"}${a.deployment ? ` (${a.deployment})` : ""}…`),
  async run(ctx, a) {
    const pinned = a.compare ?? (a.deployment !== undefined ? [a.deployment] : []);
    const target = await resolveEndpoint(ctx, a.endpoint, pinned);
    if (!target.ok) return { reply: target.reply, audit: { outcome: "invalid", detail: target.reply.summary } };
    const { endpoint, deployments } = target.value;
    const missing = pinned.filter((name) => !deployments.some((d) => d.name.toLowerCase() === name.toLowerCase()));
    if (missing.length > 0) {
      const known = deployments.map((d) => `\`${d.name}\``).join(", ") || "none";
      const reply = problemReply("Deployment not found", [`\`${endpoint.name}\` has no deployment ${missing.map((m) => `\`${m}\``).join(", ")}. Deployments: ${known}.`]);
      return { reply, audit: { outcome: "not-found", endpoint: endpoint.name } };
    }
    const payload = await resolvePayload(ctx, endpoint.name, a.payload);
    if (!payload.ok) return { reply: payload.reply, audit: { outcome: "not-found", endpoint: endpoint.name, detail: payload.reply.summary } };
    if (a.compare) {
      const [first, second] = a.compare;
      const [x, y] = await Promise.all([score(ctx, a, endpoint, payload.value.body, first), score(ctx, a, endpoint, payload.value.body, second)]);
      return compareResult(ctx, endpoint, payload.value, [{ deployment: first, outcome: x }, { deployment: second, outcome: y }]);
    }
    const outcome = await score(ctx, a, endpoint, payload.value.body, a.deployment);
    if (outcome.kind !== "ok") return failedCallResult(outcome, endpoint, MAX_TIMEOUT_SECONDS);
    return invokeResult(ctx, endpoint, payload.value, outcome.value, a.deployment);
  },
});

function score(ctx: VerbContext, a: InvokeArgs, endpoint: Endpoint, body: unknown, deployment?: string) {
  const request: ScoringRequest = { body, timeoutInMs: a.timeoutInMs, ...(deployment !== undefined ? { deployment } : {}) };
  return ctx.deps.scoring.score(endpoint, request, { abortSignal: ctx.abortSignal });
}
