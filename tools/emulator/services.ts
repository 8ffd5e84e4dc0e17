/**
 * What route modules share: the store, the operation registry, faults and the token issuer, plus helpers
 * every ARM route needs (resolve the workspace, stamp a change, refuse writes while one is in flight).
 */
import { armErrors } from "./arm-errors.js";
import type { Faults } from "./faults.js";
import { empty, json, type HttpResult } from "./http-kit.js";
import { acceptedHeaders, statusUrl, type Operation, type OperationError, type OperationPlan, type OperationRegistry } from "./lro.js";
import type { QuotaBook } from "./quota.js";
import type { RouteContext } from "./router.js";
import { newEtag, stampNow, touch, type ChangeStamp, type EmulatorState, type ResourceMeta, type ProvisioningState, type WorkspaceRecord } from "./state.js";
import type { TokenIssuer } from "./token-issuer.js";

export interface EmulatorServices {
  readonly state: EmulatorState;
  readonly operations: OperationRegistry;
  readonly faults: Faults;
  readonly issuer: TokenIssuer;
  readonly quota: QuotaBook;
  readonly tenantId: string;
  /** How long a new deployment stays Creating. */
  readonly provisionDelayInMs: number;
  baseUrl(): string;
}

export function workspaceOf(services: EmulatorServices, ctx: RouteContext): WorkspaceRecord {
  const { subscriptionId, resourceGroupName, workspaceName } = ctx.params;
  return services.state.requireWorkspace(subscriptionId ?? "", resourceGroupName ?? "", workspaceName ?? "");
}

/** Who made a change, for systemData: service principals show up as `Application`. */
export function changeStampOf(ctx: RouteContext): ChangeStamp {
  return stampNow(ctx.principal?.clientId ?? "unknown", "Application");
}

const BUSY: readonly ProvisioningState[] = ["Creating", "Updating", "Deleting"];

export function isBusy(meta: ResourceMeta): boolean {
  return meta.operationId !== undefined || BUSY.includes(meta.provisioningState);
}

/** A second write while one is in flight is a 409, as in AML. */
export function assertIdle(meta: ResourceMeta, verb: string, what: string): void {
  if (isBusy(meta)) {
    throw armErrors.conflict(
      `Cannot ${verb} ${what} because it is in ${meta.provisioningState} provisioning state. Wait for the current operation to finish, then retry.`,
    );
  }
}

/** Ends an operation on a resource: new ETag, final state, no operation in flight. */
export function settle(meta: ResourceMeta, provisioningState: ProvisioningState): void {
  meta.etag = newEtag();
  meta.provisioningState = provisioningState;
  delete meta.operationId;
}

/** Starts an operation, consulting injected faults for its outcome, and returns the response headers. */
export function beginOperation(
  services: EmulatorServices,
  ctx: RouteContext,
  plan: Omit<OperationPlan, "failure">,
  withLocation: boolean,
): { operation: Operation; headers: Record<string, string>; statusUri: string } {
  const failure = services.faults.takeOperationFailure(plan);
  const operation = services.operations.start(failure === undefined ? plan : { ...plan, failure });
  return {
    operation,
    headers: acceptedHeaders(ctx.baseUrl, operation, ctx.apiVersion, withLocation),
    statusUri: statusUrl(ctx.baseUrl, operation, ctx.apiVersion),
  };
}

/** An endpoint or deployment: what an update replaces, and where its operation is tracked. */
export interface UpdatableRecord<S> {
  spec: S;
  readonly name: string;
  meta: ResourceMeta;
  lastOperationUri?: string;
}

export interface SpecUpdate {
  readonly resourceType: OperationPlan["resourceType"];
  readonly subscriptionId: string;
  readonly location: string;
  /** The resource as ARM shows it, answered by a PUT and by the operation's result URL. */
  view(): unknown;
  /** See `OperationPlan.describeFailure`. */
  describeFailure?: OperationPlan["describeFailure"];
  /** Called once the operation ended, with its error when it failed. */
  onSettled?: (error?: OperationError) => void;
}

/**
 * PUT or PATCH on an existing resource, as AML does it: the new spec shows at once (Updating), and an operation
 * that ends Failed rolls it back to the previous one. PUT answers 201 with the resource, PATCH 202 with none.
 */
export function beginSpecUpdate<S>(
  services: EmulatorServices,
  ctx: RouteContext,
  record: UpdatableRecord<S>,
  spec: S,
  update: SpecUpdate,
  isPatch: boolean,
): HttpResult {
  const previous = record.spec;
  record.spec = spec;
  touch(record.meta, changeStampOf(ctx), "Updating");
  const { operation, headers, statusUri } = beginOperation(
    services,
    ctx,
    {
      resourceType: update.resourceType,
      action: "update",
      name: record.name,
      subscriptionId: update.subscriptionId,
      location: update.location,
      onSucceeded: () => {
        settle(record.meta, "Succeeded");
        update.onSettled?.();
      },
      onFailed: (error) => {
        record.spec = previous;
        settle(record.meta, "Failed");
        update.onSettled?.(error);
      },
      resultView: update.view,
      ...(update.describeFailure === undefined ? {} : { describeFailure: update.describeFailure }),
    },
    isPatch,
  );
  record.meta.operationId = operation.id;
  record.lastOperationUri = statusUri;
  const headersWithEtag = { ...headers, ETag: record.meta.etag };
  return isPatch ? empty(202, headersWithEtag) : json(201, update.view(), headersWithEtag);
}
