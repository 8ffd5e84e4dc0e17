/**
 * `GET .../workspaces/{workspace}`: the workspace itself, as far as clients need it (its region, for the endpoints
 * they create in it). Shaped as ARM's `Workspace` (id, name, type, location, kind, sku, systemData, properties).
 */
import { createHash } from "node:crypto";
import { WORKSPACE_PATTERN, WORKSPACE_TYPE, workspaceId } from "./arm-ids.js";
import { json, type HttpResult } from "./http-kit.js";
import type { Route, RouteContext } from "./router.js";
import { workspaceOf, type EmulatorServices } from "./services.js";

export function workspaceRoutes(services: EmulatorServices): Route[] {
  function get(ctx: RouteContext): HttpResult {
    const ws = workspaceOf(services, ctx);
    const id = workspaceId(ws);
    const guid = createHash("sha256").update(id.toLowerCase()).digest("hex");
    return json(200, {
      id,
      name: ws.name,
      type: WORKSPACE_TYPE,
      location: ws.location,
      kind: "Default",
      sku: { name: "Basic", tier: "Basic" },
      identity: { type: "SystemAssigned" },
      properties: {
        friendlyName: ws.name,
        provisioningState: "Succeeded",
        workspaceId: `${guid.slice(0, 8)}-${guid.slice(8, 12)}-${guid.slice(12, 16)}-${guid.slice(16, 20)}-${guid.slice(20, 32)}`,
        publicNetworkAccess: "Enabled",
        discoveryUrl: `${ctx.baseUrl}/discovery`,
      },
    });
  }

  return [{ name: "workspaces.get", methods: ["GET"], pattern: WORKSPACE_PATTERN, access: "arm", handle: get }];
}
