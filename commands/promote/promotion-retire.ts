/**
 * `--retire`: once the candidate has served 100 % for the soak time, the deployments it replaced are deleted, each
 * as a change of its own in the requester's name, so the policy applies as if they had typed `aml delete --yes`: a
 * rule naming `delete` turns it into a request for approval, a freeze refuses it, and its status card follows the
 * deletion. `--scale-down` instead scales each to its minimum (its autoscale profile's, else one instance) as
 * `aml scale --yes` would, keeping a warm way back at a fraction of the cost. A deployment that serves traffic again
 * (someone shifted some back) is left alone.
 */
import { applyNow, immediateChangeId } from "../changes/propose-change.js";
import type { CoreDeps } from "../core-deps.js";
import { deleteChangeKind, deletePreview, type DeletePayload } from "../deploy/delete-change.js";
import { modelLabel } from "../deploy/deploy-plan.js";
import type { WorkspaceRef } from "../domain/endpoint.js";
import type { Platform } from "../invocation.js";
import type { Promotion } from "../ports/promotions.port.js";
import type { VerbContext } from "../verb-context.js";
import { scaleChangeKind, scalePreview, type ScalePayload } from "../verbs/scale.verb.js";
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
    const scale = promotion.plan.retire?.mode === "scale";
    const minimum = Math.max(1, deployment.scale?.minInstances ?? 1);
    if (scale && deployment.capacity <= minimum) {
      said.push(`\`${name}\` already runs its minimum (${deployment.capacity} instance(s)).`);
      continue;
    }
    const ctx = requesterContext(deps, workspace, promotion, name, scale ? `scale ${promotion.endpoint} ${name} ${minimum} --yes` : `delete ${promotion.endpoint} ${name} --yes`, abortSignal);
    if (await deps.pending.get(immediateChangeId(ctx.invocation.correlationId), { abortSignal })) {
      said.push(`\`${name}\`: its ${scale ? "scale-down" : "deletion"} was already started.`); // a redelivered retirement
      continue;
    }
    if (scale) {
      const payload: ScalePayload = { deployment: name, capacity: minimum, before: deployment.capacity };
      const result = await applyNow(ctx, scaleChangeKind, {
        verb: "scale",
        endpoint: promotion.endpoint,
        payload,
        ...(deployment.etag !== undefined ? { etag: deployment.etag } : {}),
        title: `Scale down ${name} on ${promotion.endpoint}`,
        sections: scalePreview(promotion.endpoint, payload, deployment.scale),
        summary: `Scale ${name} on ${promotion.endpoint} down to ${minimum} after the promotion of ${promotion.candidate}`,
        confirmText: `Run ${minimum} instance(s) of ${name}?`,
        reason: `scaled down by the promotion of ${promotion.candidate} (\`${promotion.id}\`)`,
      });
      // "blue on fraud-scorer now runs 1 instance(s) (was 3)", or what the policy made of it (an approval request).
      said.push(`${result.reply.summary ?? result.reply.title}.`);
      continue;
    }
    const payload: DeletePayload = { deployment: name, model: deployment.model ? modelLabel(deployment.model) : "unknown model", instances: deployment.capacity, instanceType: deployment.instanceType ?? "unknown size" };
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
  const what = promotion.plan.retire?.mode === "scale" ? "Scaling down the old deployments" : "Retiring the old deployments";
  return said.length > 0 ? `${what}: ${said.join(" ")}` : "No old deployment to retire.";
}

/** The requester, as the retirement's actor: their name is on the change, their policy applies. */
function requesterContext(deps: CoreDeps, workspace: WorkspaceRef, promotion: Promotion, name: string, text: string, abortSignal?: AbortSignal): VerbContext {
  const [platform, ...rest] = promotion.requestedBy.split(":");
  return {
    deps,
    workspace,
    invocation: {
      text,
      actor: { platform: (platform ?? promotion.channel.platform) as Platform, userId: rest.join(":"), ...(promotion.requestedByName ? { displayName: promotion.requestedByName } : {}), groups: [] },
      channel: promotion.channel,
      // Derived from the promotion and the deployment, so a redelivered retirement finds the change it started.
      correlationId: `${promotion.id}-retire-${name}`,
    },
    ...(abortSignal ? { abortSignal } : {}),
  };
}
