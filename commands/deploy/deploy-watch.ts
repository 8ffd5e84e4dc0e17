/**
 * Follows a deployment's provisioning without holding a worker: each check reads the operation once, updates the
 * status card in place (state, elapsed time) and queues the next check; the last one says it is ready, with what
 * to try next, or why it failed, in Azure ML's code and plain words, with the fix and the container's last log
 * lines. Live traffic is never touched here: a new deployment starts at 0 % and a failed one never got any.
 */
import type { CoreDeps } from "../core-deps.js";
import { requesterName } from "../changes/change-people.js";
import type { ChannelRef } from "../invocation.js";
import type { PendingChange } from "../ports/pending-change.port.js";
import type { VerbContext } from "../verb-context.js";
import type { LogContainer, OperationStatus } from "../ports/endpoint-lifecycle.port.js";
import type { FollowUp } from "../ports/follow-ups.port.js";
import { redactUntrusted } from "../redact.js";
import { channelReply } from "../replies.js";
import type { Reply, Section } from "../reply.js";
import { nextStepButtons } from "./next-steps.js";

/** After this long a watch stops and says so (Azure ML's own limit for an image build plus start is below it). */
export const WATCH_LIMIT_IN_MS = 60 * 60_000;
const LOG_LINES = 50;

export interface WatchPayload extends Record<string, unknown> {
  /** What the operation does: create or delete a deployment, or create an endpoint. */
  readonly action: "create" | "delete" | "create-endpoint";
  readonly changeId: string;
  readonly workspace: string;
  readonly endpoint: string;
  /** The deployment the operation is about; the endpoint's name for `create-endpoint`. */
  readonly deployment: string;
  /** What the card shows of the resource besides its state (model, instances; auth mode). */
  readonly details: readonly { readonly label: string; readonly value: string }[];
  readonly statusUrl: string;
  /** ISO 8601. */
  readonly startedAt: string;
  readonly channel: ChannelRef;
  readonly requestedBy: string;
}

/** A watch of `change`'s operation; its card goes to the channel of the request (an approver may have clicked elsewhere). */
export function watchFor(
  ctx: VerbContext,
  change: PendingChange,
  what: Pick<WatchPayload, "action" | "deployment" | "details">,
  statusUrl: string,
  startedAt: Date,
): WatchPayload {
  const channel: ChannelRef = change.approval?.channels[0] ?? ctx.invocation.channel;
  return {
    ...what,
    changeId: change.id,
    workspace: change.workspace,
    endpoint: change.endpoint,
    statusUrl,
    startedAt: startedAt.toISOString(),
    channel,
    requestedBy: requesterName(change),
  };
}

/** The status card's update key: one card per deploy, updated in place. */
export function statusCardKey(changeId: string): string {
  return `deploy:${changeId}`;
}

/** Queues check number `check` (the first one posts the card). */
export async function scheduleWatch(deps: CoreDeps, watch: WatchPayload, check: number, abortSignal?: AbortSignal): Promise<void> {
  const followUp: FollowUp = { id: `${watch.changeId}:check:${check}`, kind: "watch-operation", payload: { ...watch, check } };
  await deps.followUps.schedule(followUp, { delayInMs: check === 1 ? 0 : deps.followUpIntervalInMs, ...(abortSignal ? { abortSignal } : {}) });
}

/** One check of a provisioning. */
export async function checkDeploy(deps: CoreDeps, payload: WatchPayload & { readonly check: number }, abortSignal?: AbortSignal): Promise<void> {
  const workspace = deps.workspaces.find((w) => w.alias === payload.workspace);
  if (!workspace) {
    deps.logger.warn("deploy watch for a workspace no longer configured; stopped", { changeId: payload.changeId, workspace: payload.workspace });
    return;
  }
  const options = abortSignal ? { abortSignal } : {};
  const elapsedInMs = deps.clock.now().getTime() - Date.parse(payload.startedAt);
  const status = await deps.lifecycle.getOperationStatus({ statusUrl: payload.statusUrl, startedAt: new Date(payload.startedAt) }, options);
  let card: Reply;
  if (status.state === "running") {
    if (elapsedInMs > WATCH_LIMIT_IN_MS) card = gaveUpCard(payload, elapsedInMs);
    else {
      await post(deps, payload, runningCard(payload, elapsedInMs, status.detail), abortSignal);
      await scheduleWatch(deps, payload, payload.check + 1, abortSignal);
      return;
    }
  } else if (status.state === "succeeded") {
    if (payload.action === "delete") card = deletedCard(payload, elapsedInMs);
    else if (payload.action === "create-endpoint") card = endpointReadyCard(payload, elapsedInMs, await deps.endpoints.getEndpoint(workspace, payload.endpoint, options).then((e) => e?.scoringUri));
    else card = readyCard(payload, elapsedInMs, await firstSample(deps, payload, options));
  }
  else {
    const container: LogContainer = status.code === "BadArgument" ? "StorageInitializer" : "InferenceServer";
    const logs = payload.action !== "create" ? "" : await deps.lifecycle
      .getDeploymentLogs(workspace, payload.endpoint, payload.deployment, container, LOG_LINES, options)
      .catch((error: unknown) => (deps.logger.warn("deployment logs could not be read", { changeId: payload.changeId, error }), ""));
    card = failedCard(payload, elapsedInMs, status, container, logs);
  }
  await post(deps, payload, card, abortSignal);
  await deps.audit
    .append({
      at: deps.clock.now(),
      correlationId: `deploy-${payload.changeId}`,
      platform: payload.channel.platform,
      userId: "aml-chatops",
      channelId: payload.channel.id,
      verb: { create: "deploy", delete: "delete", "create-endpoint": "endpoint" }[payload.action],
      text: `${payload.action === "delete" ? "deletion" : "provisioning"} of ${subjectOf(payload)}`,
      workspace: payload.workspace,
      endpoint: payload.endpoint,
      outcome: status.state === "succeeded" ? "ok" : "failed",
      detail: status.state === "failed" ? `${status.code}: ${status.message}` : status.state === "succeeded" ? `ready after ${minutes(elapsedInMs)}` : "still provisioning; watch stopped",
    })
    .catch((error: unknown) => deps.logger.error("audit append failed", { changeId: payload.changeId, error }));
}

async function post(deps: CoreDeps, payload: WatchPayload, card: Reply, abortSignal?: AbortSignal): Promise<void> {
  const posted = await deps.notifier.post(payload.channel, card, { updateKey: statusCardKey(payload.changeId), ...(abortSignal ? { abortSignal } : {}) });
  if (posted.kind === "unreachable") deps.logger.warn("deploy status card not posted", { changeId: payload.changeId, reason: posted.message });
}

function facts(payload: WatchPayload, elapsedInMs: number, state: string): Section {
  return { kind: "fields", fields: [...payload.details, { label: "State", value: state }, { label: "Elapsed", value: minutes(elapsedInMs) }] };
}

/** What the card is about, in its titles. */
function subjectOf(payload: WatchPayload): string {
  return payload.action === "create-endpoint" ? `endpoint ${payload.endpoint}` : `${payload.deployment} on ${payload.endpoint}`;
}

function card(payload: WatchPayload, title: string, tone: Reply["tone"], sections: Section[]): Reply {
  return channelReply({ title, tone, sections, context: [`Requested by ${payload.requestedBy} · \`${payload.changeId}\``], summary: title });
}

function runningCard(payload: WatchPayload, elapsedInMs: number, detail: string | undefined): Reply {
  const doing = payload.action === "delete" ? "Deleting" : "Creating";
  const note = payload.action === "create-endpoint" ? "This card updates until the endpoint is ready or fails." : "Live traffic is unchanged. This card updates until it is done or fails.";
  return card(payload, `⏳ ${doing} ${subjectOf(payload)}`, "info", [facts(payload, elapsedInMs, detail ?? doing), { kind: "text", text: note }]);
}

/** The endpoint's first saved sample, for the Ready card's invoke button; none when there is none or it cannot be read. */
async function firstSample(deps: CoreDeps, payload: WatchPayload, options: { abortSignal?: AbortSignal }): Promise<string | undefined> {
  const samples = await deps.samples.list(payload.workspace, payload.endpoint, options).catch((error: unknown) => {
    deps.logger.warn("samples could not be read for the ready card", { changeId: payload.changeId, error });
    return [];
  });
  return samples[0]?.name;
}

function readyCard(payload: WatchPayload, elapsedInMs: number, sample: string | undefined): Reply {
  const { endpoint, deployment } = payload;
  const ready = card(payload, `Ready: ${deployment} on ${endpoint}`, "success", [
    facts(payload, elapsedInMs, "Succeeded · 0 % live traffic"),
    {
      kind: "text",
      text: [
        "Try it before it takes traffic (the buttons run these as you; changes show their preview first):",
        `• \`aml invoke ${endpoint} --deployment ${deployment} @${sample ?? "<sample>"}\`: a request pinned to it`,
        `• \`aml mirror ${endpoint} ${deployment}=10\`: shadow 10 % of live requests to it`,
        `• \`aml traffic ${endpoint} ${deployment}=10\`: give it 10 % of live traffic`,
        `• \`aml promote ${endpoint} ${deployment}\`: roll it out in gated steps (shadow, then live shares), reverted if a gate fails`,
        `• \`aml delete ${endpoint} ${deployment}\`: remove it again while it has no traffic`,
      ].join("\n"),
    },
  ]);
  return { ...ready, buttons: nextStepButtons(payload.changeId, sample) };
}

function endpointReadyCard(payload: WatchPayload, elapsedInMs: number, scoringUri: string | undefined): Reply {
  const { endpoint } = payload;
  return card(payload, `Ready: endpoint ${endpoint}`, "success", [
    facts(payload, elapsedInMs, "Succeeded · no deployments yet"),
    ...(scoringUri ? [{ kind: "text" as const, text: `Scoring URI: \`${scoringUri}\`` }] : []),
    { kind: "text", text: `Give it a deployment: \`aml deploy ${endpoint} <deployment> --model <name>:<version> --from <endpoint>/<deployment>\` copies a serving deployment's settings from another endpoint.` },
  ]);
}

function deletedCard(payload: WatchPayload, elapsedInMs: number): Reply {
  return card(payload, `Deleted: ${payload.deployment} on ${payload.endpoint}`, "success", [
    facts(payload, elapsedInMs, "Deleted"),
    { kind: "text", text: `\`${payload.deployment}\` is gone and its cores are free again. Live traffic was not touched.` },
  ]);
}

function gaveUpCard(payload: WatchPayload, elapsedInMs: number): Reply {
  const doing = payload.action === "delete" ? "Deleting" : "Creating";
  return card(payload, `Still ${doing.toLowerCase()} ${subjectOf(payload)}`, "warning", [
    facts(payload, elapsedInMs, doing),
    { kind: "text", text: `No result after ${minutes(elapsedInMs)}: this card stops following it. Azure ML may still finish; \`aml show ${payload.endpoint}\` tells where it is.` },
  ]);
}

function failedCard(payload: WatchPayload, elapsedInMs: number, status: Extract<OperationStatus, { state: "failed" }>, container: LogContainer, logs: string): Reply {
  if (payload.action !== "create") {
    return card(payload, `${payload.action === "delete" ? "Not deleted" : "Not created"}: ${subjectOf(payload)}`, "error", [
      facts(payload, elapsedInMs, `Failed (${status.code})`),
      { kind: "text", text: `Azure ML says: ${redactUntrusted(status.message)}` },
    ]);
  }
  const sections: Section[] = [
    facts(payload, elapsedInMs, `Failed (${status.code})`),
    { kind: "text", text: `*${status.code}*: ${EXPLANATIONS[status.code] ?? "Azure ML could not create the deployment."}` },
    { kind: "text", text: `Azure ML says: ${redactUntrusted(status.message)}` },
    { kind: "text", text: `Live traffic was never touched. Remove the failed deployment with \`aml delete ${payload.endpoint} ${payload.deployment}\` before you try the same name again.` },
  ];
  const tail = redactUntrusted(logs).trimEnd().split("\n").slice(-LOG_LINES).join("\n");
  if (tail) sections.push({ kind: "text", text: `Last lines of the ${container} log:` }, { kind: "code", text: tail });
  return card(payload, `Failed: ${payload.deployment} on ${payload.endpoint}`, "error", sections);
}

/** What each of Azure ML's deployment failure codes means, and what fixes it. */
const EXPLANATIONS: Readonly<Record<string, string>> = {
  OutOfQuota: "Azure ML could not get the cores for this VM size (subscription quota or the region's capacity). Fix: fewer instances, another `--instance-type`, another region, or a quota increase for the VM family.",
  ImageBuildFailure: "the environment's container image did not build (often a package that does not install). Fix the environment's conda or pip file; the build log is where Azure ML says.",
  BadArgument: "a setting of the deployment could not be used, often the model: it must be registered in this workspace and readable by the endpoint's identity.",
  ResourceNotReady: "the container started but never passed its readiness probe, usually an error in the scoring script's init() or a model that loads too slowly. Fix the script, or give the probe a longer initial delay.",
};

function minutes(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`;
}
