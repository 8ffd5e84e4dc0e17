/**
 * Routes autoscale and alert events to the channels bound to their workspace (`aml alerts bind`), through the
 * ChannelNotifier: a thread per endpoint per day, a burst of scale steps as one updated message, each event once
 * however often Azure Monitor delivers it. Only ports: no SDK, no clock (events carry their own times).
 */
import type { WorkspaceRef } from "../domain/endpoint.js";
import { InfrastructureError } from "../errors.js";
import type { AlertBindings } from "../ports/alert-bindings.port.js";
import type { AlertLedger, VersionedBurst } from "../ports/alert-ledger.port.js";
import type { ChannelNotifier } from "../ports/channel-notifier.port.js";
import type { Logger } from "../ports/logger.port.js";
import type { OperationOptions } from "../ports/operation-options.js";
import type { Reply } from "../reply.js";
import { alertReply, scaleBurstReply } from "./alert-replies.js";
import type { AutoscaleEvent, EndpointResource, MonitorEvent } from "./monitor-event.js";
import { addToBurst, burstUpdateKey } from "./scale-burst.js";

export interface AlertDispatcherDeps {
  readonly bindings: AlertBindings;
  readonly ledger: AlertLedger;
  readonly notifier: ChannelNotifier;
  readonly workspaces: readonly WorkspaceRef[];
  readonly logger: Logger;
  /** Scale steps of one endpoint closer together than this are one message. */
  readonly burstWindowInMs: number;
}

export type DispatchOutcome =
  | { readonly kind: "posted"; readonly channels: number; readonly unreachable: number }
  | { readonly kind: "duplicate" }
  /** Nothing to do, and retrying would not change that: not an AML resource we know, or no channel bound. */
  | { readonly kind: "ignored"; readonly reason: string };

const MAX_WRITE_ROUNDS = 5;
/** A concurrent step may land between our write and our post; re-posting the newest state settles it. */
const MAX_REFRESH_ROUNDS = 3;

export class AlertDispatcher {
  constructor(private readonly deps: AlertDispatcherDeps) {}

  /** Throws only for infrastructure failures, after releasing the event so that the sender's retry can post it. */
  async dispatch(event: MonitorEvent, options: OperationOptions = {}): Promise<DispatchOutcome> {
    const { deps } = this;
    const workspace = this.workspaceOf(event.resource);
    if (!workspace) return { kind: "ignored", reason: `workspace ${event.resource.workspace} is not configured` };
    const bindings = await deps.bindings.list({ workspace: workspace.alias, ...options });
    if (bindings.length === 0) return { kind: "ignored", reason: `no channel is bound to workspace ${workspace.alias}` };
    if ((await deps.ledger.claim(event.dedupeKey, options)) === "duplicate") return { kind: "duplicate" };
    try {
      const channels = bindings.map((b) => b.channel);
      let unreachable = 0;
      const post = async (reply: Reply, updateKey: string): Promise<void> => {
        for (const channel of channels) {
          const outcome = await deps.notifier.post(channel, reply, { threadKey: reply.threadKey, updateKey, ...options });
          if (outcome.kind === "unreachable") {
            unreachable++;
            deps.logger.warn("alert not delivered to a bound channel", { platform: channel.platform, channelId: channel.id, reason: outcome.message });
          }
        }
      };
      if (event.kind === "autoscale") await this.postBurst(workspace.alias, event, post, options);
      else await post(alertReply(workspace.alias, event), `alerts:event:${event.dedupeKey}`);
      await deps.ledger.complete(event.dedupeKey, options);
      return { kind: "posted", channels: channels.length, unreachable };
    } catch (error) {
      await deps.ledger.release(event.dedupeKey).catch(() => undefined);
      throw error;
    }
  }

  private async postBurst(
    workspace: string,
    event: AutoscaleEvent,
    post: (reply: Reply, updateKey: string) => Promise<void>,
    options: OperationOptions,
  ): Promise<void> {
    let current = await this.recordStep(workspace, event, options);
    for (let round = 1; ; round++) {
      await post(scaleBurstReply(current.burst), burstUpdateKey(current.burst));
      const latest = await this.deps.ledger.getBurst(workspace, event.resource.endpoint, options);
      const overtaken = latest && latest.version !== current.version && latest.burst.id === current.burst.id;
      if (!overtaken || round >= MAX_REFRESH_ROUNDS) return;
      current = latest;
    }
  }

  /** Read-modify-write of the endpoint's burst, against its version: concurrent steps both land. */
  private async recordStep(workspace: string, event: AutoscaleEvent, options: OperationOptions): Promise<VersionedBurst> {
    const { ledger, burstWindowInMs } = this.deps;
    for (let round = 0; round < MAX_WRITE_ROUNDS; round++) {
      const stored = await ledger.getBurst(workspace, event.resource.endpoint, options);
      const burst = addToBurst(stored?.burst, workspace, event, burstWindowInMs);
      if (stored && burst === stored.burst) return stored; // a redelivered step: already in the burst
      const version = await ledger.saveBurst(burst, stored?.version, options);
      if (version !== undefined) return { burst, version };
    }
    throw new InfrastructureError(`Scale burst of ${workspace}/${event.resource.endpoint}: write kept conflicting after ${MAX_WRITE_ROUNDS} rounds`);
  }

  private workspaceOf(resource: EndpointResource): WorkspaceRef | undefined {
    const same = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
    return this.deps.workspaces.find(
      (w) => same(w.subscriptionId, resource.subscriptionId) && same(w.resourceGroup, resource.resourceGroup) && same(w.workspace, resource.workspace),
    );
  }
}
