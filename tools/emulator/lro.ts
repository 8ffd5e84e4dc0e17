/**
 * Long-running operations as Azure ML runs them: a write is accepted at once (201/202) and finishes after
 * `lroDelayInMs`, reporting through an operation-status resource (`Azure-AsyncOperation`,
 * `mfeOperationsStatus`) and an operation-result resource (`Location`, `mfeOperationResults`).
 *
 * The emulator sends no `Retry-After` on accepted writes: @azure/core-lro turns it into the poll interval
 * (seconds × 1000) and it would override a client's short `updateIntervalInMs`.
 */
import { randomUUID } from "node:crypto";
import { operationPath } from "./arm-ids.js";
import type { DeploymentFailureKind } from "./deployment-failures.js";

export type OperationStatus = "InProgress" | "Succeeded" | "Failed";
export type OperationAction = "create" | "update" | "delete" | "regenerateKeys";

export interface OperationError {
  code: string;
  message: string;
}

export interface OperationPlan {
  resourceType: "endpoint" | "deployment";
  action: OperationAction;
  /** Resource name, for matching operation faults. */
  name: string;
  subscriptionId: string;
  location: string;
  /** Decided when the operation starts (from injected faults), applied when it ends. */
  failure?: OperationError;
  onSucceeded(): void;
  onFailed(error: OperationError): void;
  /** What the operation-result URL answers with once the operation succeeded (200); none means 204. */
  resultView?: () => unknown;
  /** How long this operation runs (default: the registry's delay); a deployment's provisioning takes longer. */
  delayInMs?: number;
  /** For deployments: AML's own failure of a kind an operation fault asks for (see deployment-failures.ts). */
  describeFailure?: (kind: DeploymentFailureKind) => OperationError;
}

export interface Operation {
  readonly id: string;
  readonly plan: OperationPlan;
  status: OperationStatus;
  readonly startTime: string;
  endTime?: string;
  error?: OperationError;
}

const MAX_OPERATIONS = 10_000;

export class OperationRegistry {
  private readonly operations = new Map<string, Operation>();
  private readonly timers = new Set<NodeJS.Timeout>();

  constructor(private readonly delayInMs: number) {}

  start(plan: OperationPlan): Operation {
    // AML operation ids look like `oe:<guid>:<guid>` (endpoints) and `od:<guid>:<guid>` (deployments).
    const prefix = plan.resourceType === "endpoint" ? "oe" : "od";
    const operation: Operation = {
      id: `${prefix}:${randomUUID()}:${randomUUID()}`,
      plan,
      status: "InProgress",
      startTime: new Date().toISOString(),
    };
    this.operations.set(operation.id, operation);
    this.forgetOldest();
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      this.complete(operation);
    }, plan.delayInMs ?? this.delayInMs);
    // The server keeps the process alive; pending operations alone should not.
    timer.unref();
    this.timers.add(timer);
    return operation;
  }

  get(id: string): Operation | undefined {
    return this.operations.get(id);
  }

  /** Drops every operation without running its outcome (used by reset and close). */
  cancelAll(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    this.operations.clear();
  }

  /** Keeps a long-running emulator's memory bounded: the oldest finished operations go first. */
  private forgetOldest(): void {
    if (this.operations.size <= MAX_OPERATIONS) return;
    for (const [id, operation] of this.operations) {
      if (this.operations.size <= MAX_OPERATIONS) break;
      if (operation.status !== "InProgress") this.operations.delete(id);
    }
  }

  private complete(operation: Operation): void {
    const { plan } = operation;
    try {
      if (plan.failure !== undefined) {
        operation.error = plan.failure;
        plan.onFailed(plan.failure);
        operation.status = "Failed";
      } else {
        plan.onSucceeded();
        operation.status = "Succeeded";
      }
    } catch (error) {
      operation.status = "Failed";
      operation.error = { code: "InternalServerError", message: `The operation could not complete: ${(error as Error).message}` };
    }
    operation.endTime = new Date().toISOString();
  }
}

export function statusUrl(baseUrl: string, operation: Operation, apiVersion: string): string {
  const { subscriptionId, location } = operation.plan;
  return `${baseUrl}${operationPath(subscriptionId, location, "mfeOperationsStatus", operation.id)}?api-version=${encodeURIComponent(apiVersion)}`;
}

export function resultUrl(baseUrl: string, operation: Operation, apiVersion: string): string {
  const { subscriptionId, location } = operation.plan;
  return `${baseUrl}${operationPath(subscriptionId, location, "mfeOperationResults", operation.id)}?api-version=${encodeURIComponent(apiVersion)}`;
}

/** Body of the operation-status resource, in ARM's async-operation shape. */
export function operationStatusBody(operation: Operation): Record<string, unknown> {
  const { subscriptionId, location } = operation.plan;
  return {
    id: operationPath(subscriptionId, location, "mfeOperationsStatus", operation.id),
    name: operation.id,
    status: operation.status,
    startTime: operation.startTime,
    ...(operation.endTime === undefined ? {} : { endTime: operation.endTime }),
    ...(operation.error === undefined ? {} : { error: { ...operation.error, details: [], additionalInfo: [] } }),
  };
}

/**
 * Headers for an accepted write. PUT gets `Azure-AsyncOperation` (core-lro then does the final GET on the
 * resource itself); PATCH, DELETE and POST actions get `Location` as well, whose URL answers 202 until done.
 */
export function acceptedHeaders(
  baseUrl: string,
  operation: Operation,
  apiVersion: string,
  withLocation: boolean,
): Record<string, string> {
  const headers: Record<string, string> = { "Azure-AsyncOperation": statusUrl(baseUrl, operation, apiVersion) };
  if (withLocation) headers["Location"] = resultUrl(baseUrl, operation, apiVersion);
  return headers;
}
