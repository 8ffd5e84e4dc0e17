/**
 * A new deployment as the apply machine drives it. Its state is whether the deployment exists: before the change it
 * does not, after it does (Creating at first). Sending it only starts the provisioning; a follow-up then checks on
 * the operation every little while (`deploy-watch.ts`), so no worker waits the minutes it takes.
 */
import type { ChangeKind, Observed } from "../changes/change-kind.js";
import type { Deployment } from "../domain/endpoint.js";
import type { DeploymentSpec } from "../ports/endpoint-lifecycle.port.js";
import type { PendingChange } from "../ports/pending-change.port.js";
import { channelReply } from "../replies.js";
import type { VerbContext } from "../verb-context.js";
import { modelLabel } from "./deploy-plan.js";
import { deletePreview, type DeletePayload } from "./delete-change.js";
import { scheduleWatch, watchFor, type WatchPayload } from "./deploy-watch.js";

export interface DeployPayload extends Record<string, unknown> {
  readonly spec: DeploymentSpec;
  /** The deployment it was copied from. */
  readonly source: string;
  /** `fraud-model:5`, for messages. */
  readonly modelLabel: string;
}

export const deployChangeKind: ChangeKind = {
  describe(change) {
    const { spec, modelLabel: model } = change.payload as DeployPayload;
    return { action: `Deploying ${spec.name} (${model}) on ${change.endpoint}`, before: `no ${spec.name}`, after: `${spec.name}: ${model}, ${spec.instances} × ${spec.instanceType}, 0 %` };
  },
  async observe(ctx, change) {
    const { spec } = change.payload as DeployPayload;
    // No settle wait: a deployment being created is the expected state, not one to wait out.
    const deployment = await ctx.deps.endpoints.getDeployment(ctx.workspace, change.endpoint, spec.name, { abortSignal: ctx.abortSignal });
    return observed(change, deployment);
  },
  async send(ctx, change, options) {
    const { spec } = change.payload as DeployPayload;
    const started = await ctx.deps.lifecycle.beginCreateDeployment(ctx.workspace, spec, { ...(options.abortSignal ? { abortSignal: options.abortSignal } : {}) });
    if (started.kind !== "ok") return started;
    await scheduleWatch(ctx.deps, watchOf(ctx, change, started.value.statusUrl, started.value.startedAt), 1, options.abortSignal);
    return { kind: "ok", value: observed(change, { name: spec.name, endpointName: change.endpoint, capacity: spec.instances, provisioningState: "Creating", model: spec.model }) };
  },
  doneReply(ctx, change, seen) {
    const { spec, modelLabel: model, source } = change.payload as DeployPayload;
    return channelReply({
      title: `Deploying ${spec.name} on ${change.endpoint}`,
      tone: "info",
      sections: [
        { kind: "text", text: `\`${spec.name}\` (${model}, ${spec.instances} × \`${spec.instanceType}\`, settings of \`${source}\`) is being created at 0 % traffic. Azure ML takes a few minutes, more when it builds an image.` },
        { kind: "text", text: "A status card in the channel of the request follows the provisioning and says when it is ready or why it failed." },
      ],
      context: [`Started by ${ctx.invocation.actor.displayName ?? ctx.invocation.actor.userId} · provisioning ${seen.provisioningState}`],
      mode: "replace",
      summary: `Deploying ${spec.name} (${model}) on ${change.endpoint}`,
    });
  },
  inverse(change) {
    // A new deployment is undone by deleting it (Azure ML refuses while it serves traffic, and says so).
    const { spec, modelLabel: model } = change.payload as DeployPayload;
    const payload: DeletePayload = { deployment: spec.name, model, instances: spec.instances, instanceType: spec.instanceType };
    return { verb: "delete", payload, sections: deletePreview(payload) };
  },
};

function watchOf(ctx: VerbContext, change: PendingChange, statusUrl: string, startedAt: Date): WatchPayload {
  const { spec, modelLabel: model } = change.payload as DeployPayload;
  const details = [{ label: "Model", value: model }, { label: "Instances", value: `${spec.instances} × ${spec.instanceType}` }];
  return watchFor(ctx, change, { action: "create", deployment: spec.name, details }, statusUrl, startedAt);
}


function observed(change: PendingChange, deployment: Deployment | undefined): Observed {
  const { spec } = change.payload as DeployPayload;
  if (!deployment) return { matches: "before", now: `no ${spec.name}`, provisioningState: "none", detail: undefined };
  const same = deployment.model !== undefined && modelLabel(deployment.model) === modelLabel(spec.model);
  return {
    matches: same ? "target" : "other",
    now: `${spec.name}: ${deployment.model ? modelLabel(deployment.model) : "another model"}`,
    provisioningState: deployment.provisioningState,
    ...(deployment.etag !== undefined ? { etag: deployment.etag } : {}),
    detail: deployment,
  };
}
