import type { ChangeKind, Observed } from "../changes/change-kind.js";
import { applyNow, proposeChange, type Proposal } from "../changes/propose-change.js";
import { deploymentArg, dryRunFlag, endpointArg, overrideFlag, workspaceFlag, yesFlag } from "../common-flags.js";
import type { Deployment } from "../domain/endpoint.js";
import { channelReply, problemReply } from "../replies.js";
import type { Section } from "../reply.js";
import { resolveDeployment } from "../target-resolver.js";
import { defineVerb } from "../verb-spec.js";
import { wholeNumber } from "../parse/word-schemas.js";

/** Azure ML's default per-deployment instance limit; larger needs a quota raise, so we stop typos here. */
export const MAX_INSTANCES = 20;
const USAGE_PROBLEM = "Name the deployment and the instance count, for example `scale fraud-scorer green 3`.";

export interface ScalePayload extends Record<string, unknown> {
  readonly deployment: string;
  readonly capacity: number;
  readonly before: number;
}

/** Scale changes as the apply machine drives them: the deployment's instance count is the whole state. */
export const scaleChangeKind: ChangeKind = {
  describe: (change) => scaleWords(change.endpoint, change.payload as ScalePayload),
  async observe(ctx, change, options) {
    const payload = change.payload as ScalePayload;
    const deployment = await ctx.deps.endpoints.getDeployment(ctx.workspace, change.endpoint, payload.deployment, { ...options, abortSignal: ctx.abortSignal });
    return deployment && observed(payload, deployment);
  },
  async send(ctx, change, options) {
    const payload = change.payload as ScalePayload;
    const outcome = await ctx.deps.endpoints.updateCapacity(ctx.workspace, change.endpoint, payload.deployment, payload.capacity, options);
    return outcome.kind === "ok" ? { kind: "ok", value: observed(payload, outcome.value) } : outcome;
  },
  doneReply(ctx, change, seen) {
    const payload = change.payload as ScalePayload;
    const capacity = seen.detail as number;
    return channelReply({
      title: `${payload.deployment} on ${change.endpoint} scaled: done`,
      tone: "success",
      sections: scalePreview(change.endpoint, { ...payload, capacity }),
      context: [`Applied by ${ctx.invocation.actor.displayName ?? ctx.invocation.actor.userId} · provisioning ${seen.provisioningState}`],
      mode: "replace",
      summary: `${payload.deployment} on ${change.endpoint} now runs ${capacity} instance(s) (was ${payload.before})`,
    });
  },
  inverse(change) {
    const payload = change.payload as ScalePayload;
    const back: ScalePayload = { deployment: payload.deployment, capacity: payload.before, before: payload.capacity };
    return { verb: change.verb, payload: back, sections: scalePreview(change.endpoint, back) };
  },
};

export const scaleVerb = defineVerb({
  name: "scale",
  group: "change",
  aliases: ["capacity"],
  summary: "Set a deployment's instance count",
  examples: ["scale fraud-scorer green 3", "scale green 2 --yes"],
  role: "operator",
  slow: true,
  positionals: [
    endpointArg,
    { ...deploymentArg, description: "The deployment to scale" },
    {
      name: "count",
      placeholder: "instances",
      description: `How many instances it runs, 1 to ${MAX_INSTANCES}`,
      schema: wholeNumber(1, MAX_INSTANCES, (word) => `Instance count must be a whole number from 1 to ${MAX_INSTANCES}, not \`${word}\`.`),
    },
  ],
  flags: { yes: yesFlag, "dry-run": dryRunFlag, override: overrideFlag, workspace: workspaceFlag },
  missing: USAGE_PROBLEM,
  tooMany: USAGE_PROBLEM,
  ackText: (a) => `⏳ Scaling ${a.deployment} to ${a.count}…`,
  async run(ctx, a) {
    const target = await resolveDeployment(ctx, a.endpoint, a.deployment);
    if (!target.ok) return target.refusal;
    const { endpoint, deployment } = target.value;
    const payload: ScalePayload = { deployment: deployment.name, capacity: a.count, before: deployment.capacity };
    const audit = { endpoint: endpoint.name, before: `${deployment.name}=${deployment.capacity}`, after: `${deployment.name}=${a.count}` };
    if (deployment.capacity === a.count) {
      const reply = problemReply(`Nothing to change on ${endpoint.name}`, [`\`${deployment.name}\` already runs ${a.count} instance(s).`]);
      return { reply: { ...reply, tone: "info" }, audit: { ...audit, outcome: "ok", detail: "no change" } };
    }
    const sections = scalePreview(endpoint.name, payload, deployment.scale);
    if (a.dryRun) {
      const body = JSON.stringify({ sku: { capacity: a.count } }, null, 2);
      const reply = channelReply({
        title: `Dry run: scale ${deployment.name} on ${endpoint.name}`,
        tone: "info",
        sections: [...sections, { kind: "text", text: "This PATCH body would be sent to the deployment (nothing was sent):" }, { kind: "code", text: body, language: "json" }],
        visibility: "requester",
        summary: `Dry run: ${audit.before} → ${audit.after}`,
      });
      return { reply, audit: { ...audit, outcome: "previewed", detail: "dry run" } };
    }
    const proposal: Proposal = {
      verb: "scale",
      endpoint: endpoint.name,
      payload,
      ...(deployment.etag !== undefined ? { etag: deployment.etag } : {}),
      title: `Scale ${deployment.name} on ${endpoint.name}`,
      sections,
      summary: `Proposed: ${audit.before} → ${audit.after} instances`,
      confirmText: `Run ${a.count} instance(s) of ${deployment.name}?`,
      override: a.override,
    };
    if (a.yes) return applyNow(ctx, scaleChangeKind, proposal);
    return proposeChange(ctx, proposal, audit);
  },
  change: scaleChangeKind,
});


function scaleWords(endpointName: string, payload: ScalePayload): { action: string; before: string; after: string } {
  return { action: `Scaling ${payload.deployment} on ${endpointName}`, before: `${payload.deployment}=${payload.before}`, after: `${payload.deployment}=${payload.capacity}` };
}

function observed(payload: ScalePayload, deployment: Deployment): Observed {
  const matches = deployment.capacity === payload.capacity ? "target" : deployment.capacity === payload.before ? "before" : "other";
  return {
    matches,
    now: `${payload.deployment}=${deployment.capacity}`,
    provisioningState: deployment.provisioningState,
    detail: deployment.capacity,
    ...(deployment.etag !== undefined ? { etag: deployment.etag } : {}),
  };
}

export function scalePreview(endpointName: string, payload: ScalePayload, scale?: { type: string; minInstances?: number; maxInstances?: number }): Section[] {
  const sections: Section[] = [
    {
      kind: "fields",
      fields: [
        { label: "Endpoint", value: endpointName },
        { label: "Deployment", value: payload.deployment },
        { label: "Instances", value: `${payload.before} → ${payload.capacity}` },
      ],
    },
  ];
  if (scale?.type === "TargetUtilization") {
    sections.push({
      kind: "text",
      text: `⚠️ \`${payload.deployment}\` autoscales (${scale.minInstances ?? "?"}–${scale.maxInstances ?? "?"} instances); autoscale may change this count again.`,
    });
  }
  return sections;
}
