import type { PermissionGrant } from "../ports/diagnostics.port.js";

/**
 * What the bot's identity must be allowed to do at each workspace the config names, as data: `aml doctor` checks it
 * against ARM's permissions API, the emulator grants it by default, and the custom role (deploy/) should hold exactly
 * these. `usedBy` says which verbs need it, so a missing action's consequence can be told.
 */
export interface NeededAction {
  readonly action: string;
  readonly usedBy: string;
}

const WS = "Microsoft.MachineLearningServices/workspaces";

export const NEEDED_ARM_ACTIONS: readonly NeededAction[] = [
  { action: `${WS}/read`, usedBy: "deploy, metrics (the workspace's region)" },
  { action: `${WS}/onlineEndpoints/read`, usedBy: "endpoints, show and every change" },
  { action: `${WS}/onlineEndpoints/write`, usedBy: "traffic, mirror, promote, deploy of a new endpoint" },
  { action: `${WS}/onlineEndpoints/delete`, usedBy: "delete of an endpoint" },
  { action: `${WS}/onlineEndpoints/listKeys/action`, usedBy: "invoke and curl on key endpoints" },
  { action: `${WS}/onlineEndpoints/regenerateKeys/action`, usedBy: "keys rotate" },
  { action: `${WS}/onlineEndpoints/token/action`, usedBy: "invoke on AML-token endpoints" },
  { action: `${WS}/onlineEndpoints/score/action`, usedBy: "invoke on Entra-token endpoints" },
  { action: `${WS}/onlineEndpoints/deployments/read`, usedBy: "show, scale, deploy, promote" },
  { action: `${WS}/onlineEndpoints/deployments/write`, usedBy: "scale, deploy" },
  { action: `${WS}/onlineEndpoints/deployments/delete`, usedBy: "delete of a deployment, promote's retire" },
  { action: `${WS}/onlineEndpoints/deployments/getLogs/action`, usedBy: "a failed deploy's logs" },
  { action: `${WS}/models/versions/read`, usedBy: "models, deploy" },
  { action: "Microsoft.Insights/metrics/read", usedBy: "metrics, digest, promotion gates" },
];

/**
 * Slack bot scopes (deploy/slack-app-manifest.yaml): `usergroups:read` only matters when a role is bound to a Slack
 * user group, so its absence is a warning otherwise.
 */
export const NEEDED_SLACK_SCOPES: readonly { readonly scope: string; readonly usedBy: string; readonly onlyWithSlackGroups?: boolean }[] = [
  { scope: "commands", usedBy: "the /aml command" },
  { scope: "chat:write", usedBy: "cards, notices and follow-ups" },
  { scope: "files:write", usedBy: "charts and long replies" },
  { scope: "im:write", usedBy: "long requester-only replies by direct message" },
  { scope: "usergroups:read", usedBy: "roles bound to Slack user groups", onlyWithSlackGroups: true },
];

/**
 * The needed actions no grant allows, in the order given. As Azure RBAC evaluates them: an action is allowed when
 * some grant has a matching action and none of that grant's `notActions` matches; `*` matches any characters and
 * case is ignored.
 */
export function missingActions(grants: readonly PermissionGrant[], needed: readonly string[] = NEEDED_ARM_ACTIONS.map((a) => a.action)): string[] {
  return needed.filter((action) => !grants.some((g) => g.actions.some((p) => matchesAction(p, action)) && !g.notActions.some((p) => matchesAction(p, action))));
}

/** Whether an RBAC action pattern (`Microsoft.MachineLearningServices/workspaces/*`, `*\/read`) matches an action. */
export function matchesAction(pattern: string, action: string): boolean {
  const source = pattern
    .split("*")
    .map((part) => part.replace(/[.+?^${}()|[\]\\]/g, "\\$&"))
    .join(".*");
  return new RegExp(`^${source}$`, "i").test(action);
}
