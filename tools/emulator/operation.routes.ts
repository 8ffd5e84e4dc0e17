/**
 * The async-operation resources that `Azure-AsyncOperation` and `Location` headers point to:
 * `mfeOperationsStatus` answers `{ status: InProgress|Succeeded|Failed, ... }`; `mfeOperationResults`
 * answers 202 while running, then the result (200 with a body, or 204) or the operation's error.
 */
import { ArmError, armErrors } from "./arm-errors.js";
import { LOCATION_PATTERN } from "./arm-ids.js";
import { empty, json, type HttpResult } from "./http-kit.js";
import { operationStatusBody, resultUrl, type Operation } from "./lro.js";
import type { Route, RouteContext } from "./router.js";
import { normalizeLocation } from "./state.js";
import type { EmulatorServices } from "./services.js";

export function operationRoutes(services: EmulatorServices): Route[] {
  function operationOf(ctx: RouteContext): Operation {
    services.state.requireSubscription(ctx.params["subscriptionId"] ?? "");
    const id = ctx.params["operationId"] ?? "";
    const operation = services.operations.get(id);
    if (
      operation === undefined ||
      normalizeLocation(operation.plan.location) !== normalizeLocation(ctx.params["location"] ?? "")
    ) {
      throw armErrors.operationNotFound(id);
    }
    return operation;
  }

  function status(ctx: RouteContext): HttpResult {
    return json(200, operationStatusBody(operationOf(ctx)));
  }

  function result(ctx: RouteContext): HttpResult {
    const operation = operationOf(ctx);
    switch (operation.status) {
      case "InProgress":
        return empty(202, { Location: resultUrl(ctx.baseUrl, operation, ctx.apiVersion) });
      case "Succeeded": {
        const view = operation.plan.resultView?.();
        return view === undefined ? empty(204) : json(200, view);
      }
      case "Failed": {
        const error = operation.error ?? { code: "InternalServerError", message: "The operation failed." };
        throw new ArmError(error.code === "InternalServerError" ? 500 : 400, error.code, error.message);
      }
    }
  }

  return [
    {
      name: "operations.status",
      methods: ["GET"],
      pattern: `${LOCATION_PATTERN}/mfeOperationsStatus/{operationId}`,
      access: "arm",
      handle: status,
    },
    {
      name: "operations.result",
      methods: ["GET"],
      pattern: `${LOCATION_PATTERN}/mfeOperationResults/{operationId}`,
      access: "arm",
      handle: result,
    },
  ];
}
