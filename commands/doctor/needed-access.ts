import type { PermissionGrant } from "../ports/diagnostics.port.js";

/**
 * What the bot's identity must be allowed to do for each workspace the config names, as data: `aml doctor` checks it
 * against ARM's permissions API at the workspace (which counts grants inherited from the resource group and the
 * subscription), the emulator grants it by default, and deploy/'s roles hold exactly these (a test keeps them equal).
 * `usedBy` says which verbs need an action, `scope` where its grant must sit and so which template grants it.
 */
export interface NeededAction {
  readonly action: string;
  readonly usedBy: string;
  readonly scope: "workspace" | "resourceGroup" | "subscription";
}

const WS = "Microsoft.MachineLearningServices/workspaces";
const LOCATIONS = "Microsoft.MachineLearningServices/locations";

export const NEEDED_ARM_ACTIONS: readonly NeededAction[] = [
  { action: `${WS}/read`, usedBy: "deploy, endpoint create (the workspace's region)", scope: "workspace" },
  { action: `${WS}/models/versions/read`, usedBy: "models, deploy", scope: "workspace" },
  { action: `${WS}/onlineEndpoints/read`, usedBy: "endpoints, show and every change", scope: "workspace" },
  { action: `${WS}/onlineEndpoints/write`, usedBy: "traffic, mirror, promote, endpoint create", scope: "workspace" },
  { action: `${WS}/onlineEndpoints/listKeys/action`, usedBy: "invoke on key endpoints", scope: "workspace" },
  { action: `${WS}/onlineEndpoints/regenerateKeys/action`, usedBy: "keys rotate", scope: "workspace" },
  { action: `${WS}/onlineEndpoints/token/action`, usedBy: "invoke on AML-token endpoints", scope: "workspace" },
  { action: `${WS}/onlineEndpoints/score/action`, usedBy: "invoke on Entra-token endpoints", scope: "workspace" },
  { action: `${WS}/onlineEndpoints/deployments/read`, usedBy: "show, scale, deploy, promote", scope: "workspace" },
  { action: `${WS}/onlineEndpoints/deployments/write`, usedBy: "scale, deploy", scope: "workspace" },
  { action: `${WS}/onlineEndpoints/deployments/delete`, usedBy: "delete, promote's retire", scope: "workspace" },
  { action: `${WS}/onlineEndpoints/deployments/getLogs/action`, usedBy: "a failed deploy's logs", scope: "workspace" },
  { action: "Microsoft.Insights/metrics/read", usedBy: "metrics, digest, promotion gates", scope: "workspace" },
  { action: `${LOCATIONS}/mfeOperationsStatus/read`, usedBy: "following every change Azure ML runs", scope: "resourceGroup" },
  { action: `${LOCATIONS}/mfeOperationResults/read`, usedBy: "following every change Azure ML runs", scope: "resourceGroup" },
  { action: `${LOCATIONS}/usages/read`, usedBy: "deploy's quota check", scope: "subscription" },
  { action: `${LOCATIONS}/vmSizes/read`, usedBy: "deploy's quota check", scope: "subscription" },
];

/**
 * What doctor's own check is made with: reading the bot's permissions at the workspace. Not in the list above, as a
 * list of permissions cannot show it missing (ARM answers 403 instead); deploy/'s workspace role grants it too.
 */
export const PERMISSIONS_READ = "Microsoft.Authorization/permissions/read";

/** Where the grant of a missing action comes from: the template that assigns it, at its scope. */
export const GRANT_FIX: Readonly<Record<NeededAction["scope"], string>> = {
  workspace: "deploy deploy/workspace-access.bicep for this workspace (its role assigned at the workspace), or add the action to the role the bot's identity has there",
  resourceGroup: "deploy deploy/workspace-access.bicep for this workspace (its operations role, assigned at the workspace's resource group)",
  subscription: "deploy deploy/quota-access.bicep at the subscription (quota is read there)",
};

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
