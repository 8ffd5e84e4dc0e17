import type { CoreDeps } from "./core-deps.js";
import type { Deployment, Endpoint, WorkspaceRef } from "./domain/endpoint.js";
import type { ChannelDefaults } from "./ports/channel-settings.port.js";
import { problemReply } from "./replies.js";
import type { CommandInvocation } from "./invocation.js";
import type { Reply } from "./reply.js";
import type { VerbResult } from "./verb-context.js";

/**
 * What resolving a target reads from a verb's context; a `VerbContext` is one. Declared here rather than
 * imported from verb-spec.ts, which imports the grammar, which imports these helpers: a cycle.
 */
export interface TargetContext {
  readonly deps: CoreDeps;
  readonly workspace: WorkspaceRef;
  readonly invocation: Pick<CommandInvocation, "channel">;
  readonly abortSignal?: AbortSignal;
}

export type Resolved<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reply: Reply };

export interface EndpointTarget {
  readonly endpoint: Endpoint;
  readonly deployments: readonly Deployment[];
}

/** `--workspace`, else the channel's default, else the configured default. */
export function resolveWorkspace(
  deps: CoreDeps,
  defaults: ChannelDefaults,
  requested: string | undefined,
): Resolved<WorkspaceRef> {
  const alias = requested ?? defaults.workspace ?? deps.defaultWorkspace;
  const workspace = deps.workspaces.find((w) => w.alias.toLowerCase() === alias.toLowerCase());
  if (workspace) return { ok: true, value: workspace };
  const known = deps.workspaces.map((w) => `\`${w.alias}\``).join(", ");
  return { ok: false, reply: problemReply("Unknown workspace", [`No workspace is configured as \`${alias}\`. Configured: ${known}.`]) };
}

/** A word that is a workspace alias names that workspace; anything else is an endpoint of the command's workspace. */
export function workspaceOrEndpoint(ctx: Pick<TargetContext, "deps" | "workspace">, word: string | undefined): { readonly workspace: WorkspaceRef; readonly endpoint?: string } {
  const named = word === undefined ? undefined : ctx.deps.workspaces.find((w) => w.alias.toLowerCase() === word.toLowerCase());
  if (named) return { workspace: named };
  return word === undefined ? { workspace: ctx.workspace } : { workspace: ctx.workspace, endpoint: word };
}

/**
 * Finds the endpoint a command means. People leave it out when it is obvious, so in order:
 * the name given; the channel's default (`aml use`); the only endpoint of the workspace; the only endpoint
 * that has every deployment the command names. Anything else asks the user to choose.
 */
export async function resolveEndpoint(
  ctx: TargetContext,
  explicitName: string | undefined,
  deploymentHints: readonly string[] = [],
): Promise<Resolved<EndpointTarget>> {
  const { endpoints } = ctx.deps;
  const options = { abortSignal: ctx.abortSignal };
  if (explicitName !== undefined) {
    const endpoint = await endpoints.getEndpoint(ctx.workspace, explicitName, options);
    if (endpoint) return { ok: true, value: await withDeployments(ctx, endpoint) };
    const all = await endpoints.listEndpoints(ctx.workspace, options);
    return { ok: false, reply: notFoundReply(ctx.workspace, explicitName, all) };
  }

  const defaults = await ctx.deps.channels.getDefaults(ctx.invocation.channel, options);
  if (defaults.endpoint && sameWorkspace(defaults, ctx.workspace)) {
    const endpoint = await endpoints.getEndpoint(ctx.workspace, defaults.endpoint, options);
    if (endpoint) {
      const target = await withDeployments(ctx, endpoint);
      if (hasAll(target.deployments, deploymentHints)) return { ok: true, value: target };
    }
  }

  const all = await endpoints.listEndpoints(ctx.workspace, options);
  if (all.length === 1) return { ok: true, value: await withDeployments(ctx, all[0]!) };
  if (all.length === 0) {
    return { ok: false, reply: problemReply("No endpoints", [`Workspace \`${ctx.workspace.alias}\` has no online endpoints.`]) };
  }
  if (deploymentHints.length > 0) {
    const targets = await Promise.all(all.map((endpoint) => withDeployments(ctx, endpoint)));
    const matching = targets.filter((t) => hasAll(t.deployments, deploymentHints));
    if (matching.length === 1) return { ok: true, value: matching[0]! };
    const names = deploymentHints.map((d) => `\`${d}\``).join(", ");
    if (matching.length === 0) {
      return {
        ok: false,
        reply: problemReply("No matching endpoint", [
          `No endpoint in \`${ctx.workspace.alias}\` has deployments ${names}.`,
          `Endpoints: ${describe(all)}.`,
        ]),
      };
    }
    return { ok: false, reply: ambiguousReply(ctx.workspace, matching.map((t) => t.endpoint), `have ${names}`) };
  }
  return { ok: false, reply: ambiguousReply(ctx.workspace, all, "exist") };
}

async function withDeployments(ctx: TargetContext, endpoint: Endpoint): Promise<EndpointTarget> {
  const deployments = await ctx.deps.endpoints.listDeployments(ctx.workspace, endpoint.name, { abortSignal: ctx.abortSignal });
  return { endpoint, deployments };
}

function hasAll(deployments: readonly Deployment[], names: readonly string[]): boolean {
  return names.every((name) => deployments.some((d) => d.name === name));
}

function sameWorkspace(defaults: ChannelDefaults, workspace: WorkspaceRef): boolean {
  return defaults.workspace === undefined || defaults.workspace.toLowerCase() === workspace.alias.toLowerCase();
}

function describe(endpoints: readonly Endpoint[]): string {
  return [...endpoints].map((e) => `\`${e.name}\``).sort().join(", ") || "none";
}

function notFoundReply(workspace: WorkspaceRef, name: string, all: readonly Endpoint[]): Reply {
  return problemReply("Endpoint not found", [
    `There is no endpoint \`${name}\` in workspace \`${workspace.alias}\` (${workspace.workspace}).`,
    `Endpoints: ${describe(all)}.`,
  ]);
}

function ambiguousReply(workspace: WorkspaceRef, candidates: readonly Endpoint[], why: string): Reply {
  return problemReply(
    "Which endpoint?",
    [`${candidates.length} endpoints ${why} in \`${workspace.alias}\`: ${describe(candidates)}.`],
    "Name one in the command, or set this channel's default with `aml use <endpoint>`.",
  );
}

export interface DeploymentTarget extends EndpointTarget {
  readonly deployment: Deployment;
}

/**
 * The endpoint and the deployment a command names (`resolveEndpoint`, then the deployment among its own). Refused
 * with the reply and what the audit line says when either cannot be found.
 */
export async function resolveDeployment(
  ctx: TargetContext,
  endpointName: string | undefined,
  deploymentName: string,
): Promise<{ readonly ok: true; readonly value: DeploymentTarget } | { readonly ok: false; readonly refusal: VerbResult }> {
  const target = await resolveEndpoint(ctx, endpointName, [deploymentName]);
  if (!target.ok) return { ok: false, refusal: { reply: target.reply, audit: { outcome: "invalid", detail: target.reply.summary } } };
  const { endpoint, deployments } = target.value;
  const deployment = deployments.find((d) => d.name === deploymentName);
  if (deployment) return { ok: true, value: { ...target.value, deployment } };
  const known = deployments.map((d) => `\`${d.name}\``).join(", ") || "none";
  const reply = problemReply("Deployment not found", [`\`${endpoint.name}\` has no deployment \`${deploymentName}\`. Deployments: ${known}.`]);
  return { ok: false, refusal: { reply, audit: { outcome: "not-found", endpoint: endpoint.name } } };
}
