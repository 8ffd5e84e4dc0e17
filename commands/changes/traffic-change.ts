import type { Deployment, Endpoint, TrafficChange, TrafficSplit } from "../domain/endpoint.js";
import { describeSplit, sameSplit } from "../domain/traffic-rules.js";
import { channelReply, deploymentOrder, trafficBars } from "../replies.js";
import type { Section } from "../reply.js";
import type { VerbContext, VerbResult } from "../verb-context.js";
import type { ChangeKind, InverseChange, Observed } from "./change-kind.js";
import { failedChangeResult } from "./outcome-reply.js";
import { applyNow, proposeChange, type Proposal } from "./propose-change.js";

/** What a traffic or mirror change stores while it waits for Apply. */
interface TrafficPayload extends Record<string, unknown> {
  readonly change: TrafficChange;
  readonly before: { readonly traffic: TrafficSplit; readonly mirrorTraffic: TrafficSplit };
  readonly deployments: readonly string[];
}

export interface TrafficChangeRequest {
  readonly verb: string;
  readonly endpoint: Endpoint;
  readonly deployments: readonly Deployment[];
  readonly change: TrafficChange;
  readonly notes: readonly string[];
  readonly yes: boolean;
  readonly dryRun: boolean;
  /** `--override "<reason>"`: an admin changing a frozen endpoint. */
  readonly override?: string | undefined;
}

/** Previews, dry-runs or applies a validated live/mirror traffic change. */
export async function runTrafficChange(ctx: VerbContext, request: TrafficChangeRequest): Promise<VerbResult> {
  const { endpoint, change } = request;
  const before = { traffic: endpoint.traffic, mirrorTraffic: endpoint.mirrorTraffic };
  const payload: TrafficPayload = { change, before, deployments: request.deployments.map((d) => d.name) };
  const audit = { endpoint: endpoint.name, before: describeTraffic(before), after: describeTraffic(merged(before, change)) };
  const sections = [...previewSections(payload), ...request.notes.map((text): Section => ({ kind: "text", text }))];

  if (request.dryRun) {
    const preview = await ctx.deps.endpoints.previewTrafficUpdate(ctx.workspace, endpoint.name, change, { abortSignal: ctx.abortSignal });
    if (preview.kind !== "ok") return failedChangeResult(preview, endpoint.name, audit);
    const wire = `${preview.value.method} ${preview.value.url}\n${JSON.stringify(preview.value.body, null, 2)}`;
    const reply = channelReply({
      title: `Dry run: ${titleOf(change).toLowerCase()} on ${endpoint.name}`,
      tone: "info",
      sections: [...sections, { kind: "text", text: "This request would be sent (nothing was sent):" }, { kind: "code", text: wire, language: "json" }],
      visibility: "requester",
      summary: `Dry run for ${endpoint.name}: ${audit.before} → ${audit.after}`,
    });
    return { reply, audit: { ...audit, outcome: "previewed", detail: "dry run" } };
  }
  const proposal: Proposal = {
    verb: request.verb,
    endpoint: endpoint.name,
    payload,
    ...(endpoint.etag !== undefined ? { etag: endpoint.etag } : {}),
    title: `${titleOf(change)} on ${endpoint.name}`,
    sections,
    summary: `Proposed on ${endpoint.name}: ${audit.before} → ${audit.after}`,
    confirmText: `Set ${endpoint.name} to ${audit.after}?`,
    override: request.override,
  };
  if (request.yes) return applyNow(ctx, trafficChangeKind, proposal);
  return proposeChange(ctx, proposal, audit);
}

type TrafficState = TrafficPayload["before"];

/** Live and mirror traffic changes, as the apply machine drives them: the endpoint's split is the whole state. */
export const trafficChangeKind: ChangeKind = {
  describe(change) {
    const payload = change.payload as TrafficPayload;
    return { action: `${titleOf(payload.change)} on ${change.endpoint}`, before: describeTraffic(payload.before), after: describeTraffic(merged(payload.before, payload.change)) };
  },
  async observe(ctx, change, options) {
    const endpoint = await ctx.deps.endpoints.getEndpoint(ctx.workspace, change.endpoint, { ...options, abortSignal: ctx.abortSignal });
    return endpoint && observed(change.payload as TrafficPayload, endpoint);
  },
  async send(ctx, change, options) {
    const payload = change.payload as TrafficPayload;
    const outcome = await ctx.deps.endpoints.updateTraffic(ctx.workspace, change.endpoint, payload.change, options);
    return outcome.kind === "ok" ? { kind: "ok", value: observed(payload, outcome.value) } : outcome;
  },
  doneReply(ctx, change, seen) {
    const payload = change.payload as TrafficPayload;
    const now = seen.detail as TrafficState;
    return channelReply({
      title: `${titleOf(payload.change)} on ${change.endpoint}: done`,
      tone: "success",
      sections: previewSections(payload, now),
      context: [`Applied by ${ctx.invocation.actor.displayName ?? ctx.invocation.actor.userId} · provisioning ${seen.provisioningState}`],
      mode: "replace",
      summary: `${change.endpoint} now ${describeTraffic(now)} (was ${describeTraffic(payload.before)})`,
    });
  },
  inverse(change) {
    // Back to the split (and mirror) it replaced, only for what it changed, starting from the state it left.
    const { change: applied, before, deployments } = change.payload as TrafficPayload;
    const back: TrafficChange = {
      ...(applied.traffic ? { traffic: before.traffic } : {}),
      ...(applied.mirrorTraffic ? { mirrorTraffic: before.mirrorTraffic } : {}),
    };
    const payload: TrafficPayload = { change: back, before: merged(before, applied), deployments };
    return { verb: change.verb, payload, sections: previewSections(payload) };
  },
};

/**
 * A traffic change from one split to another, as another kind's inverse states it (a promotion's undo is the
 * split from before it): applied by the traffic kind, so it is previewed, guarded and audited like `aml traffic`.
 */
export function trafficChangeBetween(from: TrafficState, to: TrafficState, deployments: readonly string[]): InverseChange {
  const payload: TrafficPayload = { change: { traffic: to.traffic, mirrorTraffic: to.mirrorTraffic }, before: from, deployments };
  return { verb: "traffic", payload, sections: previewSections(payload) };
}

function observed(payload: TrafficPayload, endpoint: Endpoint): Observed {
  const now: TrafficState = { traffic: endpoint.traffic, mirrorTraffic: endpoint.mirrorTraffic };
  const same = (a: TrafficState, b: TrafficState): boolean => sameSplit(a.traffic, b.traffic) && sameSplit(a.mirrorTraffic, b.mirrorTraffic);
  const matches = same(now, merged(payload.before, payload.change)) ? "target" : same(now, payload.before) ? "before" : "other";
  return { matches, now: describeTraffic(now), provisioningState: endpoint.provisioningState, detail: now, ...(endpoint.etag !== undefined ? { etag: endpoint.etag } : {}) };
}

function previewSections(payload: TrafficPayload, actual?: TrafficPayload["before"]): Section[] {
  const after = actual ?? merged(payload.before, payload.change);
  const names = deploymentOrder(payload.deployments, payload.before.traffic, after.traffic);
  const sections: Section[] = [{ kind: "traffic", label: "Live traffic", bars: trafficBars(names, after.traffic, payload.before.traffic) }];
  const mirrorChanged = describeSplit(after.mirrorTraffic) !== describeSplit(payload.before.mirrorTraffic);
  if (mirrorChanged || Object.keys(after.mirrorTraffic).length > 0) {
    const mirrorNames = deploymentOrder([], payload.before.mirrorTraffic, after.mirrorTraffic);
    sections.push({
      kind: "traffic",
      label: mirrorChanged ? "Mirror (shadow) traffic" : "Mirror (shadow) traffic, unchanged",
      bars: trafficBars(mirrorNames, after.mirrorTraffic, payload.before.mirrorTraffic),
    });
  }
  return sections;
}

function merged(before: TrafficPayload["before"], change: TrafficChange): TrafficPayload["before"] {
  return { traffic: change.traffic ?? before.traffic, mirrorTraffic: change.mirrorTraffic ?? before.mirrorTraffic };
}

function titleOf(change: TrafficChange): string {
  if (change.traffic && change.mirrorTraffic) return "Traffic and mirror change";
  return change.mirrorTraffic ? "Mirror change" : "Traffic change";
}

export function describeTraffic(state: TrafficPayload["before"]): string {
  const mirror = Object.keys(state.mirrorTraffic).length ? `; mirror ${describeSplit(state.mirrorTraffic)}` : "";
  return `${describeSplit(state.traffic)}${mirror}`;
}
