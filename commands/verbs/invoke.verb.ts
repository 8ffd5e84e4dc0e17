import * as z from "zod";
import { deploymentFlag, endpointArg, workspaceFlag } from "../common-flags.js";
import type { Endpoint } from "../domain/endpoint.js";
import { deploymentName } from "../domain/names.js";
import { refuse } from "../parse/refuse.js";
import type { ScoringRequest } from "../ports/endpoint-scoring.port.js";
import { problemReply } from "../replies.js";
import { compareResult } from "../scoring/compare-reply.js";
import { resolvePayload } from "../scoring/payload.js";
import { failedCallResult, invokeResult } from "../scoring/scoring-reply.js";
import { resolveEndpoint } from "../target-resolver.js";
import { defineVerb, type VerbContext } from "../verb-spec.js";

export const DEFAULT_TIMEOUT_SECONDS = 10;
/** Chat waits for the answer; a minute is the most a preview should hold a job worker. */
export const MAX_TIMEOUT_SECONDS = 60;

/** `--compare blue,green`: two different deployments. */
const deploymentPair = z.string().transform((word, ctx): [string, string] => {
  const names = word.split(",").map((n) => n.trim());
  for (const name of names) {
    const check = deploymentName.safeParse(name);
    if (!check.success) return refuse(ctx, `\`${name}\` is not a valid deployment name. ${check.error.issues[0]?.message ?? ""}`.trim());
  }
  if (names.length !== 2 || names[0]!.toLowerCase() === names[1]!.toLowerCase()) return refuse(ctx, "`--compare` takes two different deployments, for example `--compare blue,green`.");
  return [names[0]!, names[1]!];
});

/** `--timeout 30` or `30s`: whole seconds. */
const timeoutSeconds = z.string().transform((word, ctx) => {
  const seconds = Number(word.replace(/s$/i, ""));
  if (!Number.isInteger(seconds) || seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
    return refuse(ctx, `\`--timeout\` is a whole number of seconds from 1 to ${MAX_TIMEOUT_SECONDS}, not \`${word}\`.`);
  }
  return seconds;
});

export const invokeVerb = defineVerb({
  name: "invoke",
  group: "try",
  aliases: ["score"],
  summary: "Send a request to an endpoint's scoring URI and show the answer; the bot supplies the key or token",
  examples: [
    'invoke fraud-scorer {"data": [[1,2,3,4,5,6,7,8,9,10]]}',
    "invoke fraud-scorer @small --deployment green",
    "invoke fraud-scorer @small --compare blue,green",
  ],
  // Running a model costs compute and may act on real data: more than looking, so operators only.
  role: "operator",
  slow: true,
  positionals: [
    endpointArg,
    {
      name: "payload",
      kind: "payload",
      description: "The request body: JSON (no quoting needed), or `@name` for a saved sample",
      missing: 'Give the request body: JSON such as `{"data": [[1, 2, 3]]}`, or a saved sample as `@name`.',
    },
  ],
  tooMany: (_extra, words) => `Expected \`[endpoint] <json | @sample>\`, got ${words.length} words. Keep the JSON in one piece (or quote it: \`'{…}'\`).`,
  flags: {
    deployment: { ...deploymentFlag, description: "Pin one deployment (`azureml-model-deployment`); works at 0 % traffic, never mirrored", excludes: "compare" },
    compare: { type: "string", description: "Send the same request to two deployments and show the differences", placeholder: "a,b", schema: deploymentPair },
    timeout: {
      type: "string",
      description: `Seconds to wait for the answer (default ${DEFAULT_TIMEOUT_SECONDS}, at most ${MAX_TIMEOUT_SECONDS})`,
      placeholder: "seconds",
      default: String(DEFAULT_TIMEOUT_SECONDS),
      schema: timeoutSeconds,
    },
    workspace: workspaceFlag,
  },
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
      const [x, y] = await Promise.all([score(ctx, a.timeout, endpoint, payload.value.body, first), score(ctx, a.timeout, endpoint, payload.value.body, second)]);
      return compareResult(ctx, endpoint, payload.value, [{ deployment: first, outcome: x }, { deployment: second, outcome: y }]);
    }
    const outcome = await score(ctx, a.timeout, endpoint, payload.value.body, a.deployment);
    if (outcome.kind !== "ok") return failedCallResult(outcome, endpoint, MAX_TIMEOUT_SECONDS);
    return invokeResult(ctx, endpoint, payload.value, outcome.value, a.deployment);
  },
});

function score(ctx: VerbContext, timeoutSeconds: number, endpoint: Endpoint, body: unknown, deployment?: string) {
  const request: ScoringRequest = { body, timeoutInMs: timeoutSeconds * 1000, ...(deployment !== undefined ? { deployment } : {}) };
  return ctx.deps.scoring.score(endpoint, request, { abortSignal: ctx.abortSignal });
}
