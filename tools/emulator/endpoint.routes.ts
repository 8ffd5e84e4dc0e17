/**
 * ARM routes for `Microsoft.MachineLearningServices/workspaces/onlineEndpoints`: list, get, PUT (create or
 * replace), PATCH (tags/identity) and DELETE, all writes being long-running operations.
 */
import { armErrors } from "./arm-errors.js";
import { endpointId, ENDPOINT_PATTERN, ENDPOINTS_PATTERN } from "./arm-ids.js";
import { endpointView } from "./arm-views.js";
import { checkPreconditions } from "./conditional.js";
import { parseEndpointPatch, parseEndpointPut, type EndpointBodyContext } from "./endpoint-body.js";
import { checkResourceName } from "./aml-rules.js";
import { empty, json, type HttpResult } from "./http-kit.js";
import { paginate, requestedPageSize } from "./paging.js";
import type { Route, RouteContext } from "./router.js";
import { assertIdle, beginOperation, beginSpecUpdate, changeStampOf, isBusy, settle, workspaceOf, type EmulatorServices } from "./services.js";
import { newEndpointKey, newEtag, touch, type EndpointRecord, type EndpointSpec, type WorkspaceRecord } from "./state.js";

const ORDER_BY = ["CreatedAtDesc", "CreatedAtAsc", "UpdatedAtDesc", "UpdatedAtAsc"] as const;

export function endpointRoutes(services: EmulatorServices): Route[] {
  const what = (name: string) => `online endpoint '${name}'`;

  function bodyContext(ws: WorkspaceRecord, name: string, existing: EndpointRecord | undefined): EndpointBodyContext {
    return {
      endpointName: existing?.name ?? name,
      resourceId: endpointId(ws, existing?.name ?? name),
      tenantId: services.tenantId,
      workspaceLocation: ws.location,
      deployments: existing === undefined ? [] : [...existing.deployments.values()].map((d) => d.name),
    };
  }

  function list(ctx: RouteContext): HttpResult {
    const ws = workspaceOf(services, ctx);
    let endpoints = [...ws.endpoints.values()];
    const name = ctx.query.get("name");
    if (name !== null) endpoints = endpoints.filter((e) => e.name.toLowerCase() === name.toLowerCase());
    const computeType = ctx.query.get("computeType");
    if (computeType !== null) endpoints = endpoints.filter((e) => e.spec.kind.toLowerCase() === computeType.toLowerCase());
    const orderBy = ctx.query.get("orderBy");
    if (orderBy !== null) endpoints = sortEndpoints(endpoints, orderBy);
    const pageSize = requestedPageSize(ctx, "count", services.state.limits.listPageSize);
    const page = paginate(endpoints, ctx, pageSize);
    return json(200, { ...page, value: page.value.map((e) => endpointView(e, ctx.baseUrl)) });
  }

  function get(ctx: RouteContext): HttpResult {
    const ws = workspaceOf(services, ctx);
    const endpoint = services.state.requireEndpoint(ws, ctx.params["endpointName"] ?? "");
    return json(200, endpointView(endpoint, ctx.baseUrl), { ETag: endpoint.meta.etag });
  }

  async function put(ctx: RouteContext): Promise<HttpResult> {
    const ws = workspaceOf(services, ctx);
    const name = ctx.params["endpointName"] ?? "";
    const existing = ws.endpoints.get(name.toLowerCase());
    const body = await ctx.jsonBody();
    checkPreconditions(ctx.req, existing?.meta.etag, what(name));
    if (existing === undefined) {
      const violation = checkResourceName("endpoint", name);
      if (violation !== undefined) throw armErrors.badArgument(violation, "name");
      const other = services.state.endpointNameTakenInRegion(ws.location, name, ws);
      if (other !== undefined) {
        throw armErrors.conflict(
          `There is already an endpoint with the name '${name}' in workspace '${other.name}'. Endpoint name needs to be unique within a region (${ws.location}).`,
        );
      }
    } else {
      assertIdle(existing.meta, "update", what(existing.name));
    }
    const spec = parseEndpointPut(body, bodyContext(ws, name, existing));
    if (existing !== undefined) assertRoutingTargetsIdle(existing, spec);
    return existing === undefined ? create(ctx, ws, name, spec) : update(ctx, existing, spec, "update");
  }

  function create(ctx: RouteContext, ws: WorkspaceRecord, name: string, spec: EndpointSpec): HttpResult {
    const stamp = changeStampOf(ctx);
    const record: EndpointRecord = {
      kind: "endpoint",
      workspace: ws,
      name,
      spec,
      meta: { etag: newEtag(), provisioningState: "Creating", created: stamp, modified: stamp },
      keys: { primaryKey: newEndpointKey(), secondaryKey: newEndpointKey() },
      deployments: new Map(),
    };
    ws.endpoints.set(name.toLowerCase(), record);
    const { operation, headers, statusUri } = beginOperation(
      services,
      ctx,
      {
        resourceType: "endpoint",
        action: "create",
        name,
        subscriptionId: ws.subscriptionId,
        location: ws.location,
        onSucceeded: () => settle(record.meta, "Succeeded"),
        onFailed: () => settle(record.meta, "Failed"),
      },
      false,
    );
    record.meta.operationId = operation.id;
    record.lastOperationUri = statusUri;
    return json(201, endpointView(record, ctx.baseUrl), { ...headers, ETag: record.meta.etag });
  }

  /** PUT and PATCH on an existing endpoint (see `beginSpecUpdate`). */
  function update(ctx: RouteContext, record: EndpointRecord, spec: EndpointSpec, action: "update" | "patch"): HttpResult {
    const { subscriptionId, location } = record.workspace;
    const view = (): unknown => endpointView(record, services.baseUrl());
    return beginSpecUpdate(services, ctx, record, spec, { resourceType: "endpoint", subscriptionId, location, view }, action === "patch");
  }

  async function patch(ctx: RouteContext): Promise<HttpResult> {
    const ws = workspaceOf(services, ctx);
    const name = ctx.params["endpointName"] ?? "";
    const existing = ws.endpoints.get(name.toLowerCase());
    const body = await ctx.jsonBody();
    checkPreconditions(ctx.req, existing?.meta.etag, what(name));
    const endpoint = existing ?? services.state.requireEndpoint(ws, name);
    assertIdle(endpoint.meta, "update", what(endpoint.name));
    const spec = parseEndpointPatch(body, endpoint.spec, bodyContext(ws, name, endpoint));
    return update(ctx, endpoint, spec, "patch");
  }

  function remove(ctx: RouteContext): HttpResult {
    const ws = workspaceOf(services, ctx);
    const name = ctx.params["endpointName"] ?? "";
    const endpoint = ws.endpoints.get(name.toLowerCase());
    checkPreconditions(ctx.req, endpoint?.meta.etag, what(name));
    // ARM deletes are idempotent: deleting what is not there is a success without content.
    if (endpoint === undefined) return empty(204);
    assertIdle(endpoint.meta, "delete", what(endpoint.name));
    const busy = [...endpoint.deployments.values()].find((d) => isBusy(d.meta));
    if (busy !== undefined) {
      throw armErrors.conflict(
        `Cannot delete ${what(endpoint.name)} because its deployment '${busy.name}' is in ${busy.meta.provisioningState} provisioning state. Wait for that operation to finish, then retry.`,
      );
    }
    const stamp = changeStampOf(ctx);
    const children = [...endpoint.deployments.values()].map((d) => ({ d, state: d.meta.provisioningState }));
    touch(endpoint.meta, stamp, "Deleting");
    for (const { d } of children) touch(d.meta, stamp, "Deleting");
    const { operation, headers, statusUri } = beginOperation(
      services,
      ctx,
      {
        resourceType: "endpoint",
        action: "delete",
        name: endpoint.name,
        subscriptionId: ws.subscriptionId,
        location: ws.location,
        onSucceeded: () => {
          if (ws.endpoints.get(endpoint.name.toLowerCase()) === endpoint) ws.endpoints.delete(endpoint.name.toLowerCase());
        },
        onFailed: () => {
          settle(endpoint.meta, "Failed");
          for (const { d, state } of children) settle(d.meta, state);
        },
      },
      true,
    );
    endpoint.meta.operationId = operation.id;
    endpoint.lastOperationUri = statusUri;
    return empty(202, headers);
  }

  return [
    { name: "endpoints.list", methods: ["GET"], pattern: ENDPOINTS_PATTERN, access: "arm", handle: list },
    { name: "endpoints.get", methods: ["GET"], pattern: ENDPOINT_PATTERN, access: "arm", handle: get },
    { name: "endpoints.put", methods: ["PUT"], pattern: ENDPOINT_PATTERN, access: "arm", handle: put },
    { name: "endpoints.patch", methods: ["PATCH"], pattern: ENDPOINT_PATTERN, access: "arm", handle: patch },
    { name: "endpoints.delete", methods: ["DELETE"], pattern: ENDPOINT_PATTERN, access: "arm", handle: remove },
  ];
}

/** Changing live or mirror traffic of a deployment that is itself being written is refused, as in AML. */
function assertRoutingTargetsIdle(endpoint: EndpointRecord, spec: EndpointSpec): void {
  const before = endpoint.spec.properties;
  const after = spec.properties;
  for (const deployment of endpoint.deployments.values()) {
    const changed =
      (before.traffic[deployment.name] ?? 0) !== (after.traffic[deployment.name] ?? 0) ||
      (before.mirrorTraffic[deployment.name] ?? 0) !== (after.mirrorTraffic[deployment.name] ?? 0);
    if (changed && isBusy(deployment.meta)) {
      throw armErrors.conflict(
        `Cannot change the traffic of online endpoint '${endpoint.name}' for deployment '${deployment.name}' because the deployment is in ${deployment.meta.provisioningState} provisioning state. Wait for that operation to finish, then retry.`,
      );
    }
  }
}

function sortEndpoints(endpoints: EndpointRecord[], orderBy: string): EndpointRecord[] {
  const order = ORDER_BY.find((o) => o.toLowerCase() === orderBy.toLowerCase());
  if (order === undefined) {
    throw armErrors.badArgument(`orderBy must be one of ${ORDER_BY.join(", ")}, but was '${orderBy}'.`, "orderBy");
  }
  const key = (e: EndpointRecord) => (order.startsWith("Created") ? e.meta.created.at : e.meta.modified.at);
  const sorted = [...endpoints].sort((a, b) => key(a).localeCompare(key(b)));
  return order.endsWith("Desc") ? sorted.reverse() : sorted;
}
