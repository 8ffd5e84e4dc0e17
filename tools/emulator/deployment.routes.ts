/**
 * ARM routes for `.../onlineEndpoints/{endpoint}/deployments`: list, get, PUT, PATCH (tags, sku.capacity),
 * DELETE, plus the `getLogs` and `skus` actions. Writes are long-running operations; a create stays Creating for
 * the provisioning time. A PUT's model must be registered (model-registry.ts) and its instances must fit in the
 * VM family's quota (quota.ts), as must a scale-up.
 */
import { armErrors } from "./arm-errors.js";
import { deploymentId, DEPLOYMENT_PATTERN, DEPLOYMENTS_PATTERN, DEPLOYMENT_TYPE } from "./arm-ids.js";
import { describeDeploymentFailure } from "./deployment-failures.js";
import { assertModelResolves } from "./model-registry.js";
import type { OperationError } from "./lro.js";
import { deploymentView } from "./arm-views.js";
import { checkResourceName } from "./aml-rules.js";
import { optionalInteger, requireEnum, requireObject } from "./body-fields.js";
import { checkPreconditions } from "./conditional.js";
import { parseDeploymentPatch, parseDeploymentPut } from "./deployment-body.js";
import { fakeContainerLog, LOG_CONTAINER_TYPES } from "./fake-logs.js";
import { empty, json, type HttpResult } from "./http-kit.js";
import { paginate, requestedPageSize } from "./paging.js";
import type { Route, RouteContext } from "./router.js";
import { assertIdle, beginOperation, beginSpecUpdate, changeStampOf, isBusy, settle, workspaceOf, type EmulatorServices } from "./services.js";
import { newEtag, touch, type DeploymentRecord, type DeploymentSpec, type EndpointRecord } from "./state.js";

export function deploymentRoutes(services: EmulatorServices): Route[] {
  const what = (name: string) => `online deployment '${name}'`;

  function endpointOf(ctx: RouteContext): EndpointRecord {
    return services.state.requireEndpoint(workspaceOf(services, ctx), ctx.params["endpointName"] ?? "");
  }

  function deploymentOf(ctx: RouteContext): DeploymentRecord {
    return services.state.requireDeployment(endpointOf(ctx), ctx.params["deploymentName"] ?? "");
  }

  /** AML refuses deployment writes while the endpoint itself is being created, updated or deleted. */
  function assertEndpointIdle(endpoint: EndpointRecord, verb: string): void {
    if (isBusy(endpoint.meta)) {
      throw armErrors.conflict(
        `Cannot ${verb} a deployment in endpoint ${endpoint.name} because it is in ${endpoint.meta.provisioningState} provisioning state.`,
      );
    }
  }

  function list(ctx: RouteContext): HttpResult {
    const deployments = [...endpointOf(ctx).deployments.values()];
    const pageSize = requestedPageSize(ctx, "$top", services.state.limits.listPageSize);
    const page = paginate(deployments, ctx, pageSize);
    return json(200, { ...page, value: page.value.map(deploymentView) });
  }

  function get(ctx: RouteContext): HttpResult {
    const deployment = deploymentOf(ctx);
    return json(200, deploymentView(deployment), { ETag: deployment.meta.etag });
  }

  async function put(ctx: RouteContext): Promise<HttpResult> {
    const endpoint = endpointOf(ctx);
    const name = ctx.params["deploymentName"] ?? "";
    const existing = endpoint.deployments.get(name.toLowerCase());
    const body = await ctx.jsonBody();
    checkPreconditions(ctx.req, existing?.meta.etag, what(name));
    assertEndpointIdle(endpoint, existing === undefined ? "create" : "update");
    if (existing === undefined) {
      const violation = checkResourceName("deployment", name);
      if (violation !== undefined) throw armErrors.badArgument(violation, "name");
    } else {
      assertIdle(existing.meta, "update", what(existing.name));
    }
    const spec = parseDeploymentPut(body, {
      resourceId: deploymentId(endpoint.workspace, endpoint.name, existing?.name ?? name),
      tenantId: services.tenantId,
      workspaceLocation: endpoint.workspace.location,
      maxInstances: services.state.limits.maxInstancesPerDeployment,
    });
    if (spec.properties.model !== undefined) assertModelResolves(services.state, endpoint.workspace, spec.properties.model);
    const { subscriptionId, location } = endpoint.workspace;
    services.quota.assertFits(subscriptionId, location, spec.properties.instanceType, spec.sku.capacity, existing);
    if (existing !== undefined) return update(ctx, existing, spec, false);

    const stamp = changeStampOf(ctx);
    const record: DeploymentRecord = {
      kind: "deployment",
      endpoint,
      name,
      spec,
      meta: { etag: newEtag(), provisioningState: "Creating", created: stamp, modified: stamp },
    };
    endpoint.deployments.set(name.toLowerCase(), record);
    const { operation, headers, statusUri } = beginOperation(
      services,
      ctx,
      {
        resourceType: "deployment",
        action: "create",
        name,
        subscriptionId,
        location,
        delayInMs: services.provisionDelayInMs,
        describeFailure: (kind) => describeDeploymentFailure(kind, record),
        onSucceeded: () => {
          settle(record.meta, "Succeeded");
          recordOutcome(record);
        },
        onFailed: (error) => {
          settle(record.meta, "Failed");
          recordOutcome(record, error);
        },
      },
      false,
    );
    record.meta.operationId = operation.id;
    record.lastOperationUri = statusUri;
    return json(201, deploymentView(record), { ...headers, ETag: record.meta.etag });
  }

  function update(ctx: RouteContext, record: DeploymentRecord, spec: DeploymentSpec, isPatch: boolean): HttpResult {
    const { subscriptionId, location } = record.endpoint.workspace;
    return beginSpecUpdate(services, ctx, record, spec, {
      resourceType: "deployment",
      subscriptionId,
      location,
      view: () => deploymentView(record),
      describeFailure: (kind) => describeDeploymentFailure(kind, record),
      onSettled: (error) => recordOutcome(record, error),
    }, isPatch);
  }

  async function patch(ctx: RouteContext): Promise<HttpResult> {
    const endpoint = endpointOf(ctx);
    const name = ctx.params["deploymentName"] ?? "";
    const existing = endpoint.deployments.get(name.toLowerCase());
    const body = await ctx.jsonBody();
    checkPreconditions(ctx.req, existing?.meta.etag, what(name));
    const deployment = existing ?? services.state.requireDeployment(endpoint, name);
    assertEndpointIdle(endpoint, "update");
    assertIdle(deployment.meta, "update", what(deployment.name));
    const spec = parseDeploymentPatch(body, deployment.spec, services.state.limits.maxInstancesPerDeployment);
    const { subscriptionId, location } = endpoint.workspace;
    services.quota.assertFits(subscriptionId, location, spec.properties.instanceType, spec.sku.capacity, deployment);
    return update(ctx, deployment, spec, true);
  }

  function remove(ctx: RouteContext): HttpResult {
    const endpoint = endpointOf(ctx);
    const name = ctx.params["deploymentName"] ?? "";
    const deployment = endpoint.deployments.get(name.toLowerCase());
    checkPreconditions(ctx.req, deployment?.meta.etag, what(name));
    if (deployment === undefined) return empty(204);
    assertEndpointIdle(endpoint, "delete");
    assertIdle(deployment.meta, "delete", what(deployment.name));
    const live = endpoint.spec.properties.traffic[deployment.name] ?? 0;
    const mirror = endpoint.spec.properties.mirrorTraffic[deployment.name] ?? 0;
    if (live > 0 || mirror > 0) {
      const share = live > 0 ? `${live}% of the live traffic` : `${mirror}% mirror traffic`;
      throw armErrors.badArgument(
        `Cannot delete deployment '${deployment.name}' because it takes ${share} of endpoint '${endpoint.name}'. Set its traffic to 0 with a PUT of the endpoint first.`,
        "traffic",
      );
    }
    touch(deployment.meta, changeStampOf(ctx), "Deleting");
    const { operation, headers, statusUri } = beginOperation(
      services,
      ctx,
      {
        resourceType: "deployment",
        action: "delete",
        name: deployment.name,
        subscriptionId: endpoint.workspace.subscriptionId,
        location: endpoint.workspace.location,
        onSucceeded: () => {
          endpoint.deployments.delete(deployment.name.toLowerCase());
          // The endpoint forgets its 0 % entries for the deployment, which changes the endpoint too.
          const props = endpoint.spec.properties;
          if (deployment.name in props.traffic || deployment.name in props.mirrorTraffic) {
            const traffic = { ...props.traffic };
            const mirrorTraffic = { ...props.mirrorTraffic };
            delete traffic[deployment.name];
            delete mirrorTraffic[deployment.name];
            endpoint.spec = { ...endpoint.spec, properties: { ...props, traffic, mirrorTraffic } };
            endpoint.meta.etag = newEtag();
          }
        },
        onFailed: () => settle(deployment.meta, "Failed"),
      },
      true,
    );
    deployment.meta.operationId = operation.id;
    deployment.lastOperationUri = statusUri;
    return empty(202, headers);
  }

  async function getLogs(ctx: RouteContext): Promise<HttpResult> {
    const deployment = deploymentOf(ctx);
    const body = requireObject((await ctx.jsonBody()) ?? {}, "The request body");
    const containerType = requireEnum(body["containerType"] ?? "InferenceServer", LOG_CONTAINER_TYPES, "containerType");
    const tail = optionalInteger(body["tail"], "tail", 0);
    return json(200, { content: fakeContainerLog(deployment, containerType, tail) });
  }

  function skus(ctx: RouteContext): HttpResult {
    deploymentOf(ctx);
    const max = services.state.limits.maxInstancesPerDeployment;
    return json(200, {
      value: [
        {
          resourceType: DEPLOYMENT_TYPE,
          sku: { name: "Default", tier: "Standard" },
          capacity: { minimum: 1, maximum: max, default: 1, scaleType: "Manual" },
        },
      ],
    });
  }

  return [
    { name: "deployments.list", methods: ["GET"], pattern: DEPLOYMENTS_PATTERN, access: "arm", handle: list },
    { name: "deployments.get", methods: ["GET"], pattern: DEPLOYMENT_PATTERN, access: "arm", handle: get },
    { name: "deployments.put", methods: ["PUT"], pattern: DEPLOYMENT_PATTERN, access: "arm", handle: put },
    { name: "deployments.patch", methods: ["PATCH"], pattern: DEPLOYMENT_PATTERN, access: "arm", handle: patch },
    { name: "deployments.delete", methods: ["DELETE"], pattern: DEPLOYMENT_PATTERN, access: "arm", handle: remove },
    { name: "deployments.getLogs", methods: ["POST"], pattern: `${DEPLOYMENT_PATTERN}/getLogs`, access: "arm", handle: getLogs },
    { name: "deployments.skus", methods: ["GET"], pattern: `${DEPLOYMENT_PATTERN}/skus`, access: "arm", handle: skus },
  ];
}

/** What `getLogs` shows follows the last operation: a failure's own log, or the running container's. */
function recordOutcome(record: DeploymentRecord, error?: OperationError): void {
  if (error === undefined) delete record.failure;
  else record.failure = { code: error.code, message: error.message };
}
