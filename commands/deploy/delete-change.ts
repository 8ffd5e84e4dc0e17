/**
 * Deleting a deployment as the apply machine drives it: its state is whether the deployment exists. Sending starts
 * the deletion; the status card follows it (`deploy-watch.ts`). `aml delete` proposes it, and so does the revert of
 * a deploy.
 */
import type { ChangeKind, Observed } from "../changes/change-kind.js";
import type { Deployment } from "../domain/endpoint.js";
import { channelReply } from "../replies.js";
import type { Section } from "../reply.js";
import { scheduleWatch, watchFor } from "./deploy-watch.js";

export interface DeletePayload extends Record<string, unknown> {
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
      sections: [{ kind: "text", text: `Azure ML is deleting \`${deployment}\`; its status card in the channel of the request says when it is gone.` }],
      context: [`Applied by ${ctx.invocation.actor.displayName ?? ctx.invocation.actor.userId}`],
      mode: "replace",
      summary: `Deleting ${deployment} on ${change.endpoint}`,
    });
  },
};

/** The preview of a deletion. */
export function deletePreview(payload: DeletePayload): Section[] {
  return [
    { kind: "fields", fields: [{ label: "Deployment", value: payload.deployment }, { label: "Model", value: payload.model }, { label: "Instances", value: `${payload.instances} × ${payload.instanceType}` }, { label: "Traffic", value: "0 % live, not mirrored" }] },
    { kind: "text", text: "Its instances are released; the endpoint and its other deployments are not touched." },
  ];
}

function observed(name: string, deployment: Deployment | undefined): Observed {
  if (!deployment) return { matches: "target", now: `no ${name}`, provisioningState: "Deleted", detail: undefined };
  if (deployment.provisioningState === "Deleting") return { matches: "target", now: `${name} deleting`, provisioningState: "Deleting", detail: undefined };
  return { matches: "before", now: name, provisioningState: deployment.provisioningState, ...(deployment.etag !== undefined ? { etag: deployment.etag } : {}), detail: deployment };
}
