/**
 * Which Azure RBAC action each emulator route stands for: what Azure checks before it answers the same request.
 * Names follow Azure's resource provider operations (Microsoft.MachineLearningServices, Microsoft.Insights) and the
 * Azure ML docs ("Manage access to Azure Machine Learning", "Authenticate clients for online endpoints").
 *
 * Used by the least-privilege test (test/deploy/aml-role.test.ts: every request the bot's ports send maps to an
 * action its role grants, and the role grants nothing else) and by the emulator's answer to
 * `Microsoft.Authorization/permissions` (what `aml doctor` reads). One table, so the two cannot disagree.
 *
 * `scope` is where a grant of the action must sit for Azure to allow the request:
 *   - `workspace`: the workspace or anything above it (the bot's role is assigned at each workspace);
 *   - `resourceGroup`: the status URL of a long-running operation lives under the subscription's location, and ARM
 *     authorizes tracking it against the resource group the operation started in ("Track asynchronous Azure
 *     operations": with resource-level permissions you can start an operation but not track it);
 *   - `subscription`: regional quota (`locations/{region}/usages`, `vmSizes`) belongs to the subscription.
 */
import { DEPLOYMENT_PATTERN, DEPLOYMENTS_PATTERN, ENDPOINT_PATTERN, ENDPOINTS_PATTERN, LOCATION_PATTERN, SCORING_PATTERN, WORKSPACE_PATTERN } from "./arm-ids.js";
import { Router, type Route } from "./router.js";

export type RbacScope = "workspace" | "resourceGroup" | "subscription";

export interface RbacRoute {
  readonly method: string;
  /** A route pattern of the emulator (router.ts syntax). */
  readonly pattern: string;
  readonly action: string;
  readonly scope: RbacScope;
}

const ML = "Microsoft.MachineLearningServices";
const WS = `${ML}/workspaces`;
const ENDPOINTS = `${WS}/onlineEndpoints`;
const DEPLOYMENTS = `${ENDPOINTS}/deployments`;
const LOCATIONS = `${ML}/locations`;
/** Azure Monitor's metrics, both the per-resource ARM route and the regional batch (`metrics:getBatch`) API. */
export const METRICS_READ = "Microsoft.Insights/metrics/read";
export const PERMISSIONS_READ = "Microsoft.Authorization/permissions/read";

export const RBAC_ROUTES: readonly RbacRoute[] = [
  { method: "GET", pattern: WORKSPACE_PATTERN, action: `${WS}/read`, scope: "workspace" },
  { method: "GET", pattern: ENDPOINTS_PATTERN, action: `${ENDPOINTS}/read`, scope: "workspace" },
  { method: "GET", pattern: ENDPOINT_PATTERN, action: `${ENDPOINTS}/read`, scope: "workspace" },
  { method: "PUT", pattern: ENDPOINT_PATTERN, action: `${ENDPOINTS}/write`, scope: "workspace" },
  { method: "PATCH", pattern: ENDPOINT_PATTERN, action: `${ENDPOINTS}/write`, scope: "workspace" },
  { method: "DELETE", pattern: ENDPOINT_PATTERN, action: `${ENDPOINTS}/delete`, scope: "workspace" },
  { method: "POST", pattern: `${ENDPOINT_PATTERN}/listKeys`, action: `${ENDPOINTS}/listKeys/action`, scope: "workspace" },
  { method: "POST", pattern: `${ENDPOINT_PATTERN}/regenerateKeys`, action: `${ENDPOINTS}/regenerateKeys/action`, scope: "workspace" },
  { method: "POST", pattern: `${ENDPOINT_PATTERN}/token`, action: `${ENDPOINTS}/token/action`, scope: "workspace" },
  { method: "GET", pattern: DEPLOYMENTS_PATTERN, action: `${DEPLOYMENTS}/read`, scope: "workspace" },
  { method: "GET", pattern: DEPLOYMENT_PATTERN, action: `${DEPLOYMENTS}/read`, scope: "workspace" },
  { method: "PUT", pattern: DEPLOYMENT_PATTERN, action: `${DEPLOYMENTS}/write`, scope: "workspace" },
  { method: "PATCH", pattern: DEPLOYMENT_PATTERN, action: `${DEPLOYMENTS}/write`, scope: "workspace" },
  { method: "DELETE", pattern: DEPLOYMENT_PATTERN, action: `${DEPLOYMENTS}/delete`, scope: "workspace" },
  { method: "POST", pattern: `${DEPLOYMENT_PATTERN}/getLogs`, action: `${DEPLOYMENTS}/getLogs/action`, scope: "workspace" },
  { method: "GET", pattern: `${DEPLOYMENT_PATTERN}/skus`, action: `${DEPLOYMENTS}/skus/read`, scope: "workspace" },
  { method: "GET", pattern: `${WORKSPACE_PATTERN}/models/{modelName}/versions`, action: `${WS}/models/versions/read`, scope: "workspace" },
  { method: "GET", pattern: `${WORKSPACE_PATTERN}/models/{modelName}/versions/{version}`, action: `${WS}/models/versions/read`, scope: "workspace" },
  // Scoring with an Entra token (auth mode aad_token) is authorized as an action on the endpoint; with a key or an
  // aml_token Azure checks nothing in RBAC, but the bot cannot know the mode before it reads the endpoint.
  { method: "POST", pattern: SCORING_PATTERN, action: `${ENDPOINTS}/score/action`, scope: "workspace" },
  { method: "GET", pattern: `${ENDPOINT_PATTERN}/providers/Microsoft.Insights/metrics`, action: METRICS_READ, scope: "workspace" },
  { method: "GET", pattern: `${DEPLOYMENT_PATTERN}/providers/Microsoft.Insights/metrics`, action: METRICS_READ, scope: "workspace" },
  // The batch API names its resources in the body; Azure checks the action on each of them (all in workspaces).
  { method: "POST", pattern: "/subscriptions/{subscriptionId}/metrics:getBatch", action: METRICS_READ, scope: "workspace" },
  // `aml doctor` reads the bot's own permissions at each workspace; Azure lists that read as an operation of its own
  // ("Lists all the permissions the caller has at a given scope"), which roles without `*/read` lack.
  { method: "GET", pattern: `${WORKSPACE_PATTERN}/providers/Microsoft.Authorization/permissions`, action: PERMISSIONS_READ, scope: "workspace" },
  { method: "GET", pattern: `${LOCATION_PATTERN}/mfeOperationsStatus/{operationId}`, action: `${LOCATIONS}/mfeOperationsStatus/read`, scope: "resourceGroup" },
  { method: "GET", pattern: `${LOCATION_PATTERN}/mfeOperationResults/{operationId}`, action: `${LOCATIONS}/mfeOperationResults/read`, scope: "resourceGroup" },
  { method: "GET", pattern: `${LOCATION_PATTERN}/usages`, action: `${LOCATIONS}/usages/read`, scope: "subscription" },
  { method: "GET", pattern: `${LOCATION_PATTERN}/vmSizes`, action: `${LOCATIONS}/vmSizes/read`, scope: "subscription" },
];

/**
 * Emulator routes that Azure authorizes without an RBAC action of the bot's: the identity platform (tokens, keys,
 * discovery) and Microsoft Graph (an app permission, not an Azure role).
 */
export const NO_ACTION_PATTERNS: readonly string[] = [
  "/{tenantId}/oauth2/v2.0/token",
  "/{tenantId}/oauth2/token",
  "/{tenantId}/v2.0/.well-known/openid-configuration",
  "/{tenantId}/.well-known/openid-configuration",
  "/{tenantId}/discovery/v2.0/keys",
  "/common/discovery/instance",
  "/v1.0/users/{userId}/transitiveMemberOf/microsoft.graph.group",
  "/inference/{workspaceName}/{endpointName}/swagger.json",
];

export type RbacMatch = { readonly kind: "action"; readonly action: string; readonly scope: RbacScope } | { readonly kind: "none-needed" } | { readonly kind: "unknown" };

/** Matches method + path (the raw path, no query) as the emulator's router does: literals case-insensitive. */
export class RbacActionMap {
  private readonly router = new Router();
  private readonly routes: readonly RbacRoute[];

  constructor(routes: readonly RbacRoute[] = RBAC_ROUTES, free: readonly string[] = NO_ACTION_PATTERNS) {
    const unused = (): never => {
      throw new Error("RbacActionMap routes only match");
    };
    for (const [i, route] of routes.entries()) {
      this.router.add({ name: String(i), methods: [route.method], pattern: route.pattern, access: "public", handle: unused } satisfies Route);
    }
    for (const pattern of free) this.router.add({ name: "free", methods: ["GET", "POST"], pattern, access: "public", handle: unused });
    this.routes = routes;
  }

  match(method: string, path: string): RbacMatch {
    const found = this.router.match(method.toUpperCase(), path.split("?")[0]!);
    if (found.kind !== "found") return { kind: "unknown" };
    if (found.route.name === "free") return { kind: "none-needed" };
    const route = this.routes[Number(found.route.name)]!;
    return { kind: "action", action: route.action, scope: route.scope };
  }
}

/** Every distinct action of the table, sorted. */
export function allRbacActions(routes: readonly RbacRoute[] = RBAC_ROUTES): string[] {
  return [...new Set(routes.map((r) => r.action))].sort();
}
