/**
 * Posts an Azure ML workspace event to the channels bound to its workspace (`aml alerts bind`), as the workspace's
 * rules say: a registered model version as a card proposing its deployment, drift as an alert, runs as lines.
 * Runs in the queue worker, once per event (the job ledger keys the job by the event's id); a post carries an
 * update key of the event's own, so a retried job updates its card instead of posting a second one. Only ports.
 */
import type { WorkspaceRef } from "../domain/endpoint.js";
import { modelLabel } from "../deploy/deploy-plan.js";
import type { AlertBindings } from "../ports/alert-bindings.port.js";
import type { ChannelNotifier } from "../ports/channel-notifier.port.js";
import type { Clock } from "../ports/clock.port.js";
import type { EndpointControl } from "../ports/endpoint-control.port.js";
import type { Logger } from "../ports/logger.port.js";
import type { OperationOptions } from "../ports/operation-options.js";
import type { Reply } from "../reply.js";
import { modelRuleFor, quietFor, wantsEvent, type WorkspaceEventRules } from "./event-rules.js";
import { deployTargets, driftReply, modelRegisteredReply, runReply, type RunningVersion } from "./model-card.js";
import type { ModelRegisteredEvent, WorkspaceEvent, WorkspaceResource } from "./workspace-event.js";

export interface WorkspaceEventDeps {
  readonly bindings: AlertBindings;
  readonly notifier: ChannelNotifier;
  /** What runs where, for a model card's earlier versions. */
  readonly endpoints: EndpointControl;
  readonly workspaces: readonly WorkspaceRef[];
  readonly rules: readonly WorkspaceEventRules[];
  readonly clock: Clock;
  readonly logger: Logger;
  /**
   * How long one read of a workspace's deployments serves model cards (default 30 s): a burst of registrations (a
   * training sweep, a flood of redeliveries) then costs a few ARM reads, not three per event, which ARM would
   * throttle. A card may be that much behind; the Deploy click reads the endpoint again.
   */
  readonly deploymentsCacheInMs?: number;
}

/** Every deployment of a workspace with the model it runs and its share of live traffic. */
interface ServingDeployment {
  readonly endpoint: string;
  readonly deployment: string;
  readonly model: string;
  readonly percent: number;
}

export type EventOutcome =
  | { readonly kind: "posted"; readonly channels: number; readonly unreachable: number }
  /** Nothing to do, and retrying would not change that: an unknown workspace, no channel bound, turned off. */
  | { readonly kind: "ignored"; readonly reason: string }
  /** Quiet hours: hand it back this much later. */
  | { readonly kind: "deferred"; readonly delayInMs: number };

const DEFAULT_DEPLOYMENTS_CACHE_IN_MS = 30_000;

export class WorkspaceEventDispatcher {
  /** Per workspace alias: the read in flight or done, and when it started. */
  private readonly serving = new Map<string, { readonly at: number; readonly read: Promise<ServingDeployment[]> }>();

  constructor(private readonly deps: WorkspaceEventDeps) {}

  /** Throws only for infrastructure failures (storage, chat, ARM): the job is retried and updates what it posted. */
  async dispatch(event: WorkspaceEvent, options: OperationOptions = {}): Promise<EventOutcome> {
    const { deps } = this;
    const workspace = workspaceOf(deps.workspaces, event.resource);
    if (!workspace) return { kind: "ignored", reason: `workspace ${event.resource.workspace} is not configured` };
    const rules = deps.rules.find((r) => r.workspace === workspace.alias);
    if (!wantsEvent(rules, event)) return { kind: "ignored", reason: `${event.kind} events of ${workspace.alias} are turned off or match no rule` };
    const bindings = await deps.bindings.list({ workspace: workspace.alias, ...options });
    if (bindings.length === 0) return { kind: "ignored", reason: `no channel is bound to workspace ${workspace.alias}` };
    const delayInMs = quietFor(rules?.quietHours, deps.clock.now());
    if (delayInMs > 0) return { kind: "deferred", delayInMs };

    const reply = await this.replyFor(workspace, rules, event, options);
    let unreachable = 0;
    for (const { channel } of bindings) {
      const outcome = await deps.notifier.post(channel, reply, { ...(reply.threadKey ? { threadKey: reply.threadKey } : {}), updateKey: `events:${event.id}`, ...options });
      if (outcome.kind === "unreachable") {
        unreachable++;
        deps.logger.warn("workspace event not delivered to a bound channel", { platform: channel.platform, channelId: channel.id, reason: outcome.message });
      }
    }
    return { kind: "posted", channels: bindings.length, unreachable };
  }

  private async replyFor(workspace: WorkspaceRef, rules: WorkspaceEventRules | undefined, event: WorkspaceEvent, options: OperationOptions): Promise<Reply> {
    switch (event.kind) {
      case "model-registered": {
        const running = await this.runningVersions(workspace, event, options);
        return modelRegisteredReply(workspace.alias, event, running, deployTargets(running, modelRuleFor(rules, event)?.endpoint));
      }
      case "dataset-drift":
        return driftReply(workspace.alias, event);
      case "run":
        return runReply(workspace.alias, event);
    }
  }

  /** Every deployment of the workspace that runs another version of the model, with its live share. */
  private async runningVersions(workspace: WorkspaceRef, event: ModelRegisteredEvent, options: OperationOptions): Promise<RunningVersion[]> {
    const running: RunningVersion[] = [];
    for (const d of await this.servingDeployments(workspace, options)) {
      const [name, version] = modelLabel(d.model).split(":");
      if (name?.toLowerCase() !== event.model.toLowerCase() || version === undefined || version === event.version) continue;
      running.push({ endpoint: d.endpoint, deployment: d.deployment, version, percent: d.percent });
    }
    return running;
  }

  /** One read of the workspace's endpoints and deployments, shared by the events of the next few seconds. */
  private servingDeployments(workspace: WorkspaceRef, options: OperationOptions): Promise<ServingDeployment[]> {
    const now = this.deps.clock.now().getTime();
    const cached = this.serving.get(workspace.alias);
    if (cached && now - cached.at < (this.deps.deploymentsCacheInMs ?? DEFAULT_DEPLOYMENTS_CACHE_IN_MS)) return cached.read;
    const read = (async () => {
      const serving: ServingDeployment[] = [];
      for (const endpoint of await this.deps.endpoints.listEndpoints(workspace, options)) {
        for (const d of await this.deps.endpoints.listDeployments(workspace, endpoint.name, options)) {
          if (d.model) serving.push({ endpoint: endpoint.name, deployment: d.name, model: d.model, percent: endpoint.traffic[d.name] ?? 0 });
        }
      }
      return serving;
    })();
    this.serving.set(workspace.alias, { at: now, read });
    // A failed read is not kept: the job's retry reads again.
    read.catch(() => {
      if (this.serving.get(workspace.alias)?.read === read) this.serving.delete(workspace.alias);
    });
    return read;
  }
}

export function workspaceOf(workspaces: readonly WorkspaceRef[], resource: WorkspaceResource): WorkspaceRef | undefined {
  const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
  return workspaces.find((w) => same(w.subscriptionId, resource.subscriptionId) && same(w.resourceGroup, resource.resourceGroup) && same(w.workspace, resource.workspace));
}
