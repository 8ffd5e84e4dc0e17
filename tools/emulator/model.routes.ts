/**
 * ARM routes of the workspace model registry, read only: `GET .../workspaces/{ws}/models/{name}/versions`
 * (newest first, `$top` / `$skipToken` paging, `version` and `$orderBy` as in api-version 2024-10-01) and
 * `GET .../models/{name}/versions/{version}`. A name nobody registered is AML's `UserError` / `ModelNotFound`.
 */
import { ArmError } from "./arm-errors.js";
import { WORKSPACE_PATTERN } from "./arm-ids.js";
import { json, type HttpResult } from "./http-kit.js";
import { findContainer, modelVersionView, newestFirst } from "./model-registry.js";
import { paginate, requestedPageSize } from "./paging.js";
import type { Route, RouteContext } from "./router.js";
import { workspaceOf, type EmulatorServices } from "./services.js";
import type { ModelContainerRecord, ModelVersionRecord, WorkspaceRecord } from "./state.js";
import { armErrors } from "./arm-errors.js";

const VERSIONS_PATTERN = `${WORKSPACE_PATTERN}/models/{modelName}/versions`;
const ORDERS = ["createdtime desc", "createdtime asc"] as const;

export function modelRoutes(services: EmulatorServices): Route[] {
  function containerOf(ctx: RouteContext): { ws: WorkspaceRecord; container: ModelContainerRecord } {
    const ws = workspaceOf(services, ctx);
    const name = ctx.params["modelName"] ?? "";
    const container = findContainer(ws, name);
    if (container === undefined) throw notFound(`Model container with name: ${name} not found.`, { modelName: name, workspaceName: ws.name });
    return { ws, container };
  }

  function list(ctx: RouteContext): HttpResult {
    const { ws, container } = containerOf(ctx);
    let versions: ModelVersionRecord[] = newestFirst(container);
    const orderBy = ctx.query.get("$orderBy");
    if (orderBy !== null) {
      const order = ORDERS.find((o) => o === orderBy.trim().toLowerCase().replace(/\s+/g, " "));
      if (order === undefined) throw armErrors.badArgument(`$orderBy must be one of ${ORDERS.map((o) => `'${o}'`).join(", ")}, but was '${orderBy}'.`, "$orderBy");
      if (order === "createdtime asc") versions = versions.reverse();
    }
    const version = ctx.query.get("version");
    if (version !== null) versions = versions.filter((v) => v.version === version);
    const page = paginate(versions, ctx, requestedPageSize(ctx, "$top", services.state.limits.listPageSize));
    return json(200, { ...page, value: page.value.map((v) => modelVersionView(ws, v)) });
  }

  function get(ctx: RouteContext): HttpResult {
    const { ws, container } = containerOf(ctx);
    const version = ctx.params["version"] ?? "";
    const record = container.versions.get(version);
    if (record === undefined) {
      throw notFound(`Model version ${container.name}:${version} not found in workspace ${ws.name}.`, {
        modelName: container.name,
        modelVersion: version,
        workspaceName: ws.name,
      });
    }
    return json(200, modelVersionView(ws, record));
  }

  return [
    { name: "models.versions.list", methods: ["GET"], pattern: VERSIONS_PATTERN, access: "arm", handle: list },
    { name: "models.versions.get", methods: ["GET"], pattern: `${VERSIONS_PATTERN}/{version}`, access: "arm", handle: get },
  ];
}

/** A read of something unregistered: 404 `UserError`, the specific `ModelNotFound` inside. */
function notFound(detail: string, parameters: Record<string, string>): ArmError {
  return new ArmError(404, "UserError", `The specified resource was not found. ${detail}`, {
    details: [{ code: "ModelNotFound", message: detail }],
    additionalInfo: [{ type: "MessageParameters", info: { value: parameters } }],
  });
}
