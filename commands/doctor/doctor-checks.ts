import type { CoreDeps } from "../core-deps.js";
import type { WorkspaceRef } from "../domain/endpoint.js";
import { InfrastructureError } from "../errors.js";
import { ROLES } from "../policy.js";
import type { Finding } from "../ports/diagnostics.port.js";
import type { OperationOptions } from "../ports/operation-options.js";
import { GRANT_FIX, missingActions, NEEDED_ARM_ACTIONS, NEEDED_SLACK_SCOPES } from "./needed-access.js";

/** One line of the checklist: what was checked, under which heading. */
export interface Check extends Finding {
  readonly group: string;
  readonly name: string;
}

const PLATFORMS = ["slack", "teams", "terminal"];
const METRICS_WINDOW_IN_MS = 15 * 60_000;

/**
 * Every check of `aml doctor`, in the checklist's order. ARM checks wait for the token check: without a token each
 * would fail the same way, so they are skipped and the token's fix is the one shown. Nothing here throws for a failed
 * check; a port that throws anyway (a bug, an outage) is reported as that check's failure.
 */
export async function runDoctor(deps: CoreDeps, options: OperationOptions = {}): Promise<Check[]> {
  const d = deps.diagnostics;
  const others = Promise.all([
    probe(() => d.checkStorage(options)).then((f) => ({ group: "Storage", name: "Tables and queues", ...f })),
    slackChecks(deps, options),
    probe(() => d.checkTeamsSettings(options)).then((f) => ({ group: "Teams", name: "Bot identity settings", ...f })),
    probe(() => d.checkAlertsSecret(options)).then((f) => ({ group: "Alerts", name: "Webhook secret", ...f })),
  ]);
  const token = await probe(() => d.checkToken(options));
  const workspaces = await Promise.all(deps.workspaces.map((ws) => workspaceChecks(deps, ws, token.status !== "fail", options)));
  const [storage, slack, teams, alerts] = await others;
  return [...configChecks(deps), { group: "Identity", name: "Token for Azure", ...token }, ...workspaces.flat(), storage, ...slack, teams, alerts];
}

function configChecks(deps: CoreDeps): Check[] {
  const aliases = deps.workspaces.map((w) => w.alias);
  const workspaces: Check = aliases.includes(deps.defaultWorkspace)
    ? { group: "Config", name: "Workspaces", status: "ok", detail: `${aliases.length} configured (${aliases.join(", ")}), default ${deps.defaultWorkspace}` }
    : { group: "Config", name: "Workspaces", status: "fail", detail: `the default workspace ${deps.defaultWorkspace} is not one of ${aliases.join(", ")}`, fix: "mark one workspace `default: true` in AML_CONFIG_JSON" };
  const { bindings, defaultRole } = deps.policy;
  const ids = bindings.flatMap((b) => [...(b.users ?? []), ...(b.groups ?? [])]);
  const unqualified = ids.filter((id) => !PLATFORMS.includes(id.split(":")[0]!.toLowerCase()));
  const admins = bindings.filter((b) => b.role === "admin").flatMap((b) => [...(b.users ?? []), ...(b.groups ?? [])]).length;
  const roles: Check =
    unqualified.length > 0
      ? { group: "Config", name: "Roles", status: "fail", detail: `ids without a platform, which match nobody: ${unqualified.join(", ")}`, fix: "write role members as `slack:U…`, `teams:<Entra object id>` or `terminal:<name>` in AML_CONFIG_JSON" }
      : admins === 0 && defaultRole !== "admin"
        ? { group: "Config", name: "Roles", status: "warn", detail: "no one holds the admin role", fix: "bind an admin in AML_CONFIG_JSON's policy" }
        : { group: "Config", name: "Roles", status: "ok", detail: `${bindings.length} bindings, ${admins} admin ${admins === 1 ? "entry" : "entries"}, unknown users ${defaultRole && ROLES.includes(defaultRole) ? `are ${defaultRole}s` : "may do nothing"}` };
  return [workspaces, roles];
}

async function workspaceChecks(deps: CoreDeps, ws: WorkspaceRef, haveToken: boolean, options: OperationOptions): Promise<Check[]> {
  const group = `Workspace ${ws.alias}`;
  if (!haveToken) {
    const skipped = { status: "skip" as const, detail: "needs a token first" };
    return [{ group, name: "Resolves", ...skipped }, { group, name: "Permissions", ...skipped }, { group, name: "Metrics", ...skipped }];
  }
  const [endpoints, permissions] = await Promise.all([
    deps.endpoints.listEndpoints(ws, options).then(
      (list) => ({ ok: true as const, list }),
      (error: unknown) => ({ ok: false as const, error }),
    ),
    permissionsCheck(deps, ws, options),
  ]);
  const resolves: Check = endpoints.ok
    ? { group, name: "Resolves", status: "ok", detail: `${ws.workspace} in ${ws.resourceGroup}: ${endpoints.list.length} online endpoints` }
    : isForbidden(endpoints.error)
      ? { group, name: "Resolves", status: "fail", detail: "Azure refused to list its online endpoints (HTTP 403)", fix: "grant the actions the Permissions check names" }
      : { group, name: "Resolves", status: "fail", detail: messageOf(endpoints.error), fix: "check subscriptionId, resourceGroup and workspace of this workspace in AML_CONFIG_JSON" };
  const metrics: Check = endpoints.ok ? { group, name: "Metrics", ...(await metricsCheck(deps, ws, endpoints.list[0]?.name, options)) } : { group, name: "Metrics", status: "skip", detail: "needs the workspace first" };
  return [resolves, { group, name: "Permissions", ...permissions }, metrics];
}

async function permissionsCheck(deps: CoreDeps, ws: WorkspaceRef, options: OperationOptions): Promise<Finding> {
  const answer = await probe(async () => deps.diagnostics.getPermissions(ws, options)).then((a) => ("status" in a ? { ok: false as const, finding: a } : a));
  if (!answer.ok) return answer.finding;
  const missing = missingActions(answer.grants);
  if (missing.length === 0) return { status: "ok", detail: `all ${NEEDED_ARM_ACTIONS.length} actions the bot needs are granted` };
  const needed = missing.map((action) => NEEDED_ARM_ACTIONS.find((n) => n.action === action)!);
  const lines = needed.map((n) => `\`${n.action}\` (${n.usedBy})`);
  // One fix per template that grants what is missing, in the order of the actions.
  const fixes = [...new Set(needed.map((n) => GRANT_FIX[n.scope]))];
  return { status: "fail", detail: `the bot's identity lacks ${missing.length === 1 ? "" : `${missing.length} actions: `}${lines.join(", ")}`, fix: fixes.join("; ") };
}

async function metricsCheck(deps: CoreDeps, ws: WorkspaceRef, endpoint: string | undefined, options: OperationOptions): Promise<Finding> {
  if (endpoint === undefined) return { status: "skip", detail: "no online endpoint to read metrics of yet" };
  const end = deps.clock.now();
  const query = { window: { start: new Date(end.getTime() - METRICS_WINDOW_IN_MS), end }, granularityInMs: 5 * 60_000 };
  return probe(async () => {
    const [metrics] = await deps.metrics.getEndpointMetrics(ws, [{ endpoint, deployments: [] }], query, options);
    const problem = metrics?.problems[0];
    if (problem) return { status: "fail", detail: `${endpoint}: ${problem.message}`, fix: "give the bot's identity `Microsoft.Insights/metrics/read` at this workspace (deploy/workspace-access.bicep's role has it)" };
    return { status: "ok", detail: `read ${endpoint}'s requests over the last 15 minutes` };
  });
}

async function slackChecks(deps: CoreDeps, options: OperationOptions): Promise<Check[]> {
  const group = "Slack";
  const answer = await probe(async () => deps.diagnostics.getSlackIdentity(options)).then((a) => ("status" in a ? { ok: false as const, finding: a } : a));
  if (!answer.ok) return [{ group, name: "Bot token", ...answer.finding }];
  const mismatched = [
    answer.botId !== undefined && answer.botId !== answer.configured.botId ? `SLACK_BOT_ID is ${answer.configured.botId}, the token's bot is ${answer.botId}` : undefined,
    answer.userId !== undefined && answer.userId !== answer.configured.userId ? `SLACK_BOT_USER_ID is ${answer.configured.userId}, the token's bot user is ${answer.userId}` : undefined,
  ].filter((m) => m !== undefined);
  const token: Check =
    mismatched.length > 0
      ? { group, name: "Bot token", status: "fail", detail: `valid for ${answer.team}, but ${mismatched.join("; ")}`, fix: "set SLACK_BOT_ID and SLACK_BOT_USER_ID to the bot_id and user_id auth.test answers" }
      : { group, name: "Bot token", status: "ok", detail: `valid for ${answer.team} (bot ${answer.botId ?? "?"})` };
  if (answer.scopes === undefined) return [token, { group, name: "Scopes", status: "warn", detail: "Slack sent no x-oauth-scopes header", fix: "check the app's bot scopes against deploy/slack-app-manifest.yaml" }];
  const granted = new Set(answer.scopes.map((s) => s.toLowerCase()));
  const slackGroups = deps.policy.bindings.some((b) => b.groups?.some((g) => g.toLowerCase().startsWith("slack:")));
  const missing = NEEDED_SLACK_SCOPES.filter((s) => !granted.has(s.scope));
  const failing = missing.filter((s) => !s.onlyWithSlackGroups || slackGroups);
  const fix = "add the scopes in the Slack app's OAuth & Permissions (deploy/slack-app-manifest.yaml lists them) and reinstall the app";
  const named = (list: typeof missing) => list.map((s) => `\`${s.scope}\` (${s.usedBy})`).join(", ");
  const scopes: Check =
    failing.length > 0
      ? { group, name: "Scopes", status: "fail", detail: `missing ${named(failing)}`, fix }
      : missing.length > 0
        ? { group, name: "Scopes", status: "warn", detail: `missing ${named(missing)}, needed once a role is bound to a Slack user group`, fix }
        : { group, name: "Scopes", status: "ok", detail: NEEDED_SLACK_SCOPES.map((s) => s.scope).join(", ") };
  return [token, scopes];
}

/** A port call that threw (an outage, a bug) is that check failing, with the error's message (already scrubbed by the port). */
async function probe<T>(call: () => Promise<T>): Promise<T | Finding> {
  try {
    return await call();
  } catch (error) {
    return { status: "fail", detail: messageOf(error) };
  }
}

function isForbidden(error: unknown): boolean {
  return error instanceof InfrastructureError && error.setupProblem?.kind === "forbidden";
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message.slice(0, 300) : String(error).slice(0, 300);
}
