/**
 * `aml delete [endpoint] <deployment>`: removes a deployment that serves nothing. Azure ML refuses to delete one with
 * live or mirror traffic, and so does the preview, saying how to move its traffic first. Previewed and applied like
 * any change (a rule may put it under approval); the status card follows the deletion.
 */
import { applyNow, proposeChange, type Proposal } from "../changes/propose-change.js";
import { deploymentArg, endpointArg, overrideFlag, workspaceFlag, yesFlag } from "../common-flags.js";
import { deleteChangeKind, deletePreview, type DeletePayload } from "../deploy/delete-change.js";
import { modelLabel } from "../deploy/deploy-plan.js";
import { problemReply } from "../replies.js";
import { resolveDeployment } from "../target-resolver.js";
import { defineVerb } from "../verb-spec.js";

export const deleteVerb = defineVerb({
  name: "delete",
  group: "change",
  aliases: ["remove"],
  summary: "Delete a deployment that has no live or mirror traffic",
  examples: ["delete fraud-scorer green2"],
  role: "operator",
  slow: true,
  positionals: [endpointArg, { ...deploymentArg, description: "The deployment to delete" }],
  flags: { yes: yesFlag, override: overrideFlag, workspace: workspaceFlag },
  ackText: (a) => `⏳ Checking ${a.deployment} before deleting it…`,
  async run(ctx, a) {
    const target = await resolveDeployment(ctx, a.endpoint, a.deployment);
    if (!target.ok) return target.refusal;
    const { endpoint, deployment } = target.value;
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
      sections: deletePreview(payload),
      summary: `Proposed: delete ${deployment.name} on ${endpoint.name}`,
      confirmText: `Delete ${deployment.name} from ${endpoint.name}? This cannot be undone.`,
      override: a.override,
    };
    if (a.yes) return applyNow(ctx, deleteChangeKind, proposal);
    return proposeChange(ctx, proposal, audit);
  },
  change: deleteChangeKind,
});
