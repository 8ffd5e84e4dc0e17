/**
 * `--retire`: once the candidate has served 100 % for the soak time, the deployments it replaced are deleted, each
 * as a change of its own in the requester's name, so the policy applies as if they had typed `aml delete --yes`: a
 * rule naming `delete` turns it into a request for approval, a freeze refuses it, and its status card follows the
 * deletion. A deployment that serves traffic again (someone shifted some back) is left alone.
 */
import { applyNow, immediateChangeId } from "../changes/propose-change.js";
import type { CoreDeps } from "../core-deps.js";
import { deleteChangeKind, deletePreview, type DeletePayload } from "../deploy/delete-change.js";
import { modelLabel } from "../deploy/deploy-plan.js";
import type { WorkspaceRef } from "../domain/endpoint.js";
import type { Platform } from "../invocation.js";
import type { Promotion } from "../ports/promotions.port.js";
import type { VerbContext } from "../verb-context.js";
import { baselineDeployments } from "./promotion-split.js";

/** Starts the retirement of each old deployment; returns what happened, in words for the card. */
export async function retireOld(deps: CoreDeps, workspace: WorkspaceRef, promotion: Promotion, abortSignal?: AbortSignal): Promise<string> {
  const endpoint = await deps.endpoints.getEndpoint(workspace, promotion.endpoint, { abortSignal });
  const said: string[] = [];
  for (const name of baselineDeployments(promotion.baseline, promotion.candidate)) {
    if ((endpoint?.traffic[name] ?? 0) > 0 || (endpoint?.mirrorTraffic[name] ?? 0) > 0) {
      said.push(`\`${name}\` serves traffic again, so it was kept.`);
      continue;
    }
    const deployment = await deps.endpoints.getDeployment(workspace, promotion.endpoint, name, { abortSignal });
    if (!deployment) {
      said.push(`\`${name}\` is already gone.`);
      continue;
    }
    const payload: DeletePayload = { deployment: name, model: deployment.model ? modelLabel(deployment.model) : "unknown model", instances: deployment.capacity, instanceType: deployment.instanceType ?? "unknown size" };
    const ctx = requesterContext(deps, workspace, promotion, name, abortSignal);
    if (await deps.pending.get(immediateChangeId(ctx.invocation.correlationId), { abortSignal })) {
      said.push(`\`${name}\`: its deletion was already started.`); // a redelivered retirement
      continue;
    }
    const result = await applyNow(ctx, deleteChangeKind, {
      verb: "delete",
      endpoint: promotion.endpoint,
      payload,
      title: `Retire ${name} on ${promotion.endpoint}`,
      sections: deletePreview(payload),
      summary: `Retire ${name} on ${promotion.endpoint} after the promotion of ${promotion.candidate}`,
      confirmText: `Delete ${name} on ${promotion.endpoint}?`,
      reason: `retired by the promotion of ${promotion.candidate} (\`${promotion.id}\`)`,
    });
    said.push(`\`${name}\`: ${result.reply.title ?? result.reply.summary}.`);
  }
  return said.length > 0 ? `Retiring the old deployments: ${said.join(" ")}` : "No old deployment to retire.";
}

/** The requester, as the retirement's actor: their name is on the change, their policy applies. */
function requesterContext(deps: CoreDeps, workspace: WorkspaceRef, promotion: Promotion, name: string, abortSignal?: AbortSignal): VerbContext {
  const [platform, ...rest] = promotion.requestedBy.split(":");
  return {
    deps,
    workspace,
    invocation: {
      text: `delete ${promotion.endpoint} ${name} --yes`,
      actor: { platform: (platform ?? promotion.channel.platform) as Platform, userId: rest.join(":"), ...(promotion.requestedByName ? { displayName: promotion.requestedByName } : {}), groups: [] },
      channel: promotion.channel,
      // Derived from the promotion and the deployment, so a redelivered retirement finds the change it started.
      correlationId: `${promotion.id}-retire-${name}`,
    },
    ...(abortSignal ? { abortSignal } : {}),
  };
}
