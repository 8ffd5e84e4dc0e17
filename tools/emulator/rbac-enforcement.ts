/**
 * Azure RBAC on the emulator's ARM routes, for scenarios that name `permissions`: a request whose action
 * (rbac-actions.ts) no grant of the caller allows is refused as ARM refuses it, 403 `AuthorizationFailed` naming the
 * client, the action and the scope. Without `permissions` nothing is enforced (every identity may do anything), so
 * only a scenario that withholds an action on purpose sees a 403.
 */
import { missingActions } from "../../commands/doctor/needed-access.js";
import { ArmError } from "./arm-errors.js";
import type { PermissionGrantSeed } from "./permissions.routes.js";
import { RbacActionMap } from "./rbac-actions.js";
import type { TokenPrincipal } from "./token-issuer.js";

/** Throws ARM's 403 when the scenario's grants do not allow the request; returns when they do, or name none. */
export type Authorizer = (method: string, path: string, principal: TokenPrincipal) => void;

export function rbacEnforcer(grants: () => readonly PermissionGrantSeed[] | undefined): Authorizer {
  const map = new RbacActionMap();
  return (method, path, principal) => {
    const given = grants();
    if (given === undefined) return;
    const match = map.match(method, path);
    if (match.kind !== "action") return;
    const scope = safeDecode(path);
    const workspace = /\/workspaces\/([^/]+)/i.exec(scope)?.[1]?.toLowerCase();
    const applicable = given
      .filter((g) => g.clientId === "*" || g.clientId.toLowerCase() === principal.clientId.toLowerCase())
      .filter((g) => g.workspaces === undefined || (workspace !== undefined && g.workspaces.some((w) => w.toLowerCase() === workspace)))
      .map((g) => ({ actions: g.actions, notActions: g.notActions ?? [] }));
    if (missingActions(applicable, [match.action]).length === 0) return;
    throw new ArmError(
      403,
      "AuthorizationFailed",
      `The client '${principal.clientId}' with object id '${principal.objectId}' does not have authorization to perform action '${match.action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    );
  };
}

function safeDecode(path: string): string {
  try {
    return decodeURIComponent(path);
  } catch {
    return path;
  }
}
