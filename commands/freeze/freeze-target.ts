/** What `aml freeze` and `aml unfreeze` act on: a configured workspace, or an endpoint that exists in it. */
import { workspaceOrEndpointArg } from "../common-flags.js";
import type { WorkspaceRef } from "../domain/endpoint.js";
import { problemReply } from "../replies.js";
import { workspaceOrEndpoint, type TargetContext } from "../target-resolver.js";
import type { AuditDetails, VerbResult } from "../verb-context.js";

export const freezeTargetArg = {
  ...workspaceOrEndpointArg,
  optional: false,
  description: "A workspace alias (every endpoint in it), or one endpoint of the command's workspace",
  missing: "Name the workspace (by its alias) or the endpoint.",
} as const;

export interface FreezeTarget {
  readonly workspace: WorkspaceRef;
  readonly endpoint?: string;
  /** `workspace demo`, `fraud-scorer (demo)`. */
  readonly scope: string;
  /** What the audit line names. */
  readonly audited: Pick<AuditDetails, "endpoint">;
}

/** An endpoint is read from Azure ML first, so a typo is refused instead of freezing nothing. */
export async function resolveFreezeTarget(ctx: TargetContext, word: string): Promise<{ readonly ok: true; readonly value: FreezeTarget } | { readonly ok: false; readonly result: VerbResult }> {
  const { workspace, endpoint } = workspaceOrEndpoint(ctx, word);
  if (endpoint === undefined) return { ok: true, value: { workspace, scope: `workspace ${workspace.alias}`, audited: {} } };
  const found = await ctx.deps.endpoints.getEndpoint(workspace, endpoint, { abortSignal: ctx.abortSignal });
  if (found) return { ok: true, value: { workspace, endpoint: found.name, scope: `${found.name} (${workspace.alias})`, audited: { endpoint: found.name } } };
  const all = await ctx.deps.endpoints.listEndpoints(workspace, { abortSignal: ctx.abortSignal });
  const aliases = ctx.deps.workspaces.map((w) => `\`${w.alias}\``).join(", ");
  const names = all.map((e) => `\`${e.name}\``).sort().join(", ") || "none";
  const problem = `\`${word}\` is neither a workspace alias (${aliases}) nor an endpoint of \`${workspace.alias}\` (${names}).`;
  return { ok: false, result: { reply: problemReply("Nothing to freeze by that name", [problem]), audit: { outcome: "invalid", detail: problem } } };
}
