/**
 * `aml delete [endpoint] <deployment>`: removes a deployment that serves nothing. Azure ML refuses to delete one with
 * live or mirror traffic, and so does the preview, saying how to move its traffic first. Previewed and applied like
 * any change (a rule may put it under approval); the status card follows the deletion.
 */
import type { ChangeKind, Observed } from "../changes/change-kind.js";
import { applyNow, proposeChange, type Proposal } from "../changes/propose-change.js";
import { deploymentArg, endpointArg, workspaceFlag, yesFlag } from "../common-flags.js";
import { scheduleWatch } from "../deploy/deploy-watch.js";
import { watchFor } from "../deploy/deploy-change.js";
import { modelLabel } from "../deploy/deploy-plan.js";
import type { Deployment } from "../domain/endpoint.js";
import { channelReply, problemReply } from "../replies.js";
import { resolveEndpoint } from "../target-resolver.js";
import { defineVerb } from "../verb-spec.js";

interface DeletePayload extends Record<string, unknown> {
  readonly deployment: string;
  readonly model: string;
  readonly instances: number;
  readonly instanceType: string;
}

export const deleteChangeKind: ChangeKind = {
  describe(change) {
    const { deployment } = change.payload as DeletePayload;
    return { action: `Deleting ${deployment} on ${change.endpoint}`, before: deployment, after: `no ${deployment}` };
  },
  async observe(ctx, change) {
    const { deployment } = change.payload as DeletePayload;
    const found = await ctx.deps.endpoints.getDeployment(ctx.workspace, change.endpoint, deployment, { abortSignal: ctx.abortSignal });
    return observed(deployment, found);
  },
  async send(ctx, change, options) {
    const payload = change.payload as DeletePayload;
    const started = await ctx.deps.lifecycle.beginDeleteDeployment(ctx.workspace, change.endpoint, payload.deployment, { ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) });
    if (started.kind !== "ok") return started;
    const details = [{ label: "Model", value: payload.model }, { label: "Instances", value: `${payload.instances} × ${payload.instanceType}` }];
    const watch = watchFor(ctx, change, { action: "delete", deployment: payload.deployment, details }, started.value.statusUrl, started.value.startedAt);
    await scheduleWatch(ctx.deps, watch, 1, options.abortSignal);
    return { kind: "ok", value: { matches: "target", now: `${payload.deployment} deleting`, provisioningState: "Deleting", detail: undefined } };
  },
  doneReply(ctx, change) {
    const { deployment } = change.payload as DeletePayload;
    return channelReply({
      title: `Deleting ${deployment} on ${change.endpoint}`,
      tone: "info",
      sections: [{ kind: "text", text: `Azure ML is deleting \`${deployment}\`; its status card below says when it is gone.` }],
      context: [`Applied by ${ctx.invocation.actor.displayName ?? ctx.invocation.actor.userId}`],
      mode: "replace",
      summary: `Deleting ${deployment} on ${change.endpoint}`,
    });
  },
};

export const deleteVerb = defineVerb({
  name: "delete",
  aliases: ["remove"],
  summary: "Delete a deployment that has no live or mirror traffic",
  examples: ["delete fraud-scorer green2"],
  role: "operator",
  slow: true,
  positionals: [endpointArg, { ...deploymentArg, description: "The deployment to delete" }],
  flags: { yes: yesFlag, workspace: workspaceFlag },
  ackText: (a) => `⏳ Checking ${a.deployment} before deleting it…`,
  async run(ctx, a) {
    const target = await resolveEndpoint(ctx, a.endpoint, [a.deployment]);
    if (!target.ok) return { reply: target.reply, audit: { outcome: "invalid", detail: target.reply.summary } };
    const { endpoint, deployments } = target.value;
    const deployment = deployments.find((d) => d.name === a.deployment);
    if (!deployment) {
      const known = deployments.map((d) => `\`${d.name}\``).join(", ") || "none";
      return { reply: problemReply("Deployment not found", [`\`${endpoint.name}\` has no deployment \`${a.deployment}\`. Deployments: ${known}.`]), audit: { outcome: "not-found", endpoint: endpoint.name } };
    }
    const live = endpoint.traffic[deployment.name] ?? 0;
    const mirror = endpoint.mirrorTraffic[deployment.name] ?? 0;
    if (live > 0 || mirror > 0) {
      const serving = [live > 0 ? `${live} % of live traffic` : "", mirror > 0 ? `${mirror} % mirrored traffic` : ""].filter(Boolean).join(" and ");
      const moves = [live > 0 ? `\`aml traffic ${endpoint.name} ${deployment.name}=0 …\`` : "", mirror > 0 ? `\`aml mirror ${endpoint.name} off\`` : ""].filter(Boolean).join(", then ");
      const reply = problemReply("Still serving", [`\`${deployment.name}\` takes ${serving}: Azure ML deletes only a deployment that serves nothing.`], `Move it first with ${moves}. Nothing was changed.`);
      return { reply, audit: { outcome: "invalid", endpoint: endpoint.name, detail: `serving: ${serving}` } };
    }
    const payload: DeletePayload = { deployment: deployment.name, model: deployment.model ? modelLabel(deployment.model) : "unknown model", instances: deployment.capacity, instanceType: deployment.instanceType ?? "unknown size" };
    const audit = { endpoint: endpoint.name, before: deployment.name, after: `no ${deployment.name}` };
    const proposal: Proposal = {
      verb: "delete",
      endpoint: endpoint.name,
      payload,
      ...(deployment.etag !== undefined ? { etag: deployment.etag } : {}),
      title: `Delete ${deployment.name} on ${endpoint.name}`,
      sections: [
        { kind: "fields", fields: [{ label: "Deployment", value: deployment.name }, { label: "Model", value: payload.model }, { label: "Instances", value: `${payload.instances} × ${payload.instanceType}` }, { label: "Traffic", value: "0 % live, not mirrored" }] },
        { kind: "text", text: "Its instances are released; the endpoint and its other deployments are not touched." },
      ],
      summary: `Proposed: delete ${deployment.name} on ${endpoint.name}`,
      confirmText: `Delete ${deployment.name} from ${endpoint.name}? This cannot be undone.`,
    };
    if (a.yes) return applyNow(ctx, deleteChangeKind, proposal);
    return proposeChange(ctx, proposal, audit);
  },
  change: deleteChangeKind,
});

function observed(name: string, deployment: Deployment | undefined): Observed {
  if (!deployment) return { matches: "target", now: `no ${name}`, provisioningState: "Deleted", detail: undefined };
  if (deployment.provisioningState === "Deleting") return { matches: "target", now: `${name} deleting`, provisioningState: "Deleting", detail: undefined };
  return { matches: "before", now: name, provisioningState: deployment.provisioningState, ...(deployment.etag !== undefined ? { etag: deployment.etag } : {}), detail: deployment };
}
