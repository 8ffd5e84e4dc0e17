/**
 * ARM's permissions API at a workspace, `GET {workspace}/providers/Microsoft.Authorization/permissions`
 * (Permissions - List For Resource, api-version 2022-04-01): what the calling identity may do there, as
 * `{ value: [{ actions, notActions, dataActions, notDataActions }] }`, one entry per role it holds. Served from the
 * scenario's `permissions` grants for the token's client id; without any, every identity holds exactly what the bot
 * needs (commands/doctor/needed-access.ts), so `aml doctor` is green on the default stack and a scenario that
 * withholds one action makes it name that action (and, enforced by rbac-enforcement.ts, makes the verbs that need it
 * meet ARM's 403).
 */
import { NEEDED_ARM_ACTIONS, PERMISSIONS_READ } from "../../commands/doctor/needed-access.js";
import { WORKSPACE_PATTERN } from "./arm-ids.js";
import { json, type HttpResult } from "./http-kit.js";
import type { Route, RouteContext } from "./router.js";
import type { EmulatorScenario } from "./scenario.js";
import { workspaceOf, type EmulatorServices } from "./services.js";

export type PermissionGrantSeed = NonNullable<EmulatorScenario["permissions"]>[number];

/** The grant every identity has when the scenario names none: what deploy/'s roles grant, the bot's needed actions and the read of its permissions. */
export const DEFAULT_GRANTS: readonly PermissionGrantSeed[] = [{ clientId: "*", actions: [...NEEDED_ARM_ACTIONS.map((a) => a.action), PERMISSIONS_READ] }];

export function permissionsRoutes(services: EmulatorServices, grants: () => readonly PermissionGrantSeed[]): Route[] {
  function list(ctx: RouteContext): HttpResult {
    const ws = workspaceOf(services, ctx);
    const clientId = (ctx.principal?.clientId ?? "").toLowerCase();
    const value = grants()
      .filter((g) => g.clientId === "*" || g.clientId.toLowerCase() === clientId)
      .filter((g) => g.workspaces === undefined || g.workspaces.some((name) => name.toLowerCase() === ws.name.toLowerCase()))
      .map((g) => ({ actions: [...g.actions], notActions: [...(g.notActions ?? [])], dataActions: [], notDataActions: [] }));
    return json(200, { value });
  }
  return [{ name: "permissions.list", methods: ["GET"], pattern: `${WORKSPACE_PATTERN}/providers/Microsoft.Authorization/permissions`, access: "arm", handle: list }];
}
