/**
 * Fault injection: latency, canned error answers for the next matching requests, operations that end
 * Failed, and out-of-band changes to a resource (another user's edit) to provoke ETag conflicts.
 * The same rules are reachable over HTTP through `POST /__emulator/faults`.
 */
import type { DeploymentFailureKind } from "./deployment-failures.js";
import type { OperationError, OperationPlan } from "./lro.js";

export interface RequestMatch {
  /** HTTP method, case-insensitive; any when omitted. */
  method?: string;
  /** Tested against the request path (without query); a string is compiled as a case-insensitive RegExp. */
  path?: RegExp | string;
}

export interface LatencyRule extends RequestMatch {
  ms: number;
  /** How many requests to delay; every matching request when omitted. */
  count?: number;
  /** Let this many matching requests through undelayed first (e.g. delay a client's second read, not its first). */
  after?: number;
}

export interface RequestFaultRule extends RequestMatch {
  /** e.g. 429, 500, 503. */
  status: number;
  /** How many matching requests to answer this way (default 1). */
  count?: number;
  /** Sent as the `Retry-After` header (whole seconds); defaults to 1 for 429 and 503. */
  retryAfterSeconds?: number;
  code?: string;
  message?: string;
}

export interface OperationFaultRule {
  /** How many upcoming matching operations end Failed (default 1). */
  count?: number;
  resourceType?: "endpoint" | "deployment";
  /** Resource name, case-insensitive. */
  name?: string;
  action?: OperationPlan["action"];
  /** AML-like failure; defaults to `ResourceNotReady` for deployments, `InternalServerError` for endpoints. */
  code?: string;
  message?: string;
  /**
   * One of AML's deployment failures, with its code, its own message and matching container logs
   * (deployment-failures.ts); matches deployment creates and updates only. `code` / `message` still override.
   */
  failure?: DeploymentFailureKind;
}

/**
 * An out-of-band change. An object is applied as a JSON merge patch (RFC 7396) to the resource's spec
 * (`{ tags, identity, sku, properties }`; `properties.provisioningState` sets the state); a function edits
 * the spec in place. Either way the ETag and lastModified change, without validation — like a direct edit.
 */
export type ResourceChange = Record<string, unknown> | ((spec: Record<string, unknown>) => void);

export interface FaultSnapshot {
  latency: (Omit<LatencyRule, "path"> & { path?: string })[];
  requests: (Omit<RequestFaultRule, "path"> & { path?: string })[];
  operations: OperationFaultRule[];
}

export interface FaultControl {
  addLatency(rule: LatencyRule): void;
  failRequests(rule: RequestFaultRule): void;
  failOperations(rule?: OperationFaultRule): void;
  /** Changes a resource as another user would; `resourceId` is its full ARM id (case-insensitive). */
  mutate(resourceId: string, change: ResourceChange, options?: { by?: string }): void;
  clear(): void;
  snapshot(): FaultSnapshot;
}

export type ResourceMutator = (resourceId: string, change: ResourceChange, by: string) => void;

interface Compiled<T> {
  rule: T;
  method?: string;
  path?: RegExp;
  remaining: number;
}

export class Faults implements FaultControl {
  private latency: (Compiled<LatencyRule> & { passed: number })[] = [];
  private requestFaults: Compiled<RequestFaultRule>[] = [];
  private operationFaults: { rule: OperationFaultRule; remaining: number }[] = [];

  constructor(private readonly mutator: ResourceMutator) {}

  addLatency(rule: LatencyRule): void {
    if (!(rule.ms >= 0)) throw new RangeError(`latency must be a non-negative number of ms, got ${rule.ms}`);
    this.latency.push({ ...compile(rule, rule.count ?? Number.POSITIVE_INFINITY), passed: 0 });
  }

  failRequests(rule: RequestFaultRule): void {
    if (!Number.isInteger(rule.status) || rule.status < 400 || rule.status > 599) {
      throw new RangeError(`fault status must be an HTTP error status (400-599), got ${rule.status}`);
    }
    this.requestFaults.push(compile(rule, rule.count ?? 1));
  }

  failOperations(rule: OperationFaultRule = {}): void {
    this.operationFaults.push({ rule, remaining: rule.count ?? 1 });
  }

  mutate(resourceId: string, change: ResourceChange, options: { by?: string } = {}): void {
    this.mutator(resourceId, change, options.by ?? "another-user@contoso.com");
  }

  clear(): void {
    this.latency = [];
    this.requestFaults = [];
    this.operationFaults = [];
  }

  snapshot(): FaultSnapshot {
    const plain = <T extends RequestMatch>(c: Compiled<T>) => ({
      ...c.rule,
      path: c.path?.source,
      count: Number.isFinite(c.remaining) ? c.remaining : undefined,
    });
    return {
      latency: this.latency.map(plain),
      requests: this.requestFaults.map(plain),
      operations: this.operationFaults.map((f) => ({ ...f.rule, count: f.remaining })),
    };
  }

  /** Total delay for this request; consumes counted latency rules. */
  takeLatency(method: string, path: string): number {
    let total = 0;
    for (const entry of this.latency) {
      if (matches(entry, method, path)) {
        if (entry.passed < (entry.rule.after ?? 0)) {
          entry.passed += 1;
          continue;
        }
        total += entry.rule.ms;
        entry.remaining -= 1;
      }
    }
    this.latency = this.latency.filter((entry) => entry.remaining > 0);
    return total;
  }

  /** The canned error for this request, if a rule matches; consumes one use of that rule. */
  takeRequestFault(method: string, path: string): RequestFaultRule | undefined {
    const entry = this.requestFaults.find((candidate) => matches(candidate, method, path));
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    this.requestFaults = this.requestFaults.filter((candidate) => candidate.remaining > 0);
    return entry.rule;
  }

  /** Whether the operation about to start must fail, and how. */
  takeOperationFailure(plan: Pick<OperationPlan, "resourceType" | "name" | "action" | "describeFailure">): OperationError | undefined {
    const entry = this.operationFaults.find(
      ({ rule }) =>
        (rule.resourceType === undefined || rule.resourceType === plan.resourceType) &&
        (rule.name === undefined || rule.name.toLowerCase() === plan.name.toLowerCase()) &&
        (rule.action === undefined || rule.action === plan.action) &&
        (rule.failure === undefined || (plan.describeFailure !== undefined && (plan.action === "create" || plan.action === "update"))),
    );
    if (entry === undefined) return undefined;
    entry.remaining -= 1;
    this.operationFaults = this.operationFaults.filter((candidate) => candidate.remaining > 0);
    if (entry.rule.failure !== undefined && plan.describeFailure !== undefined) {
      const preset = plan.describeFailure(entry.rule.failure);
      return { code: entry.rule.code ?? preset.code, message: entry.rule.message ?? preset.message };
    }
    return {
      code: entry.rule.code ?? (plan.resourceType === "deployment" ? "ResourceNotReady" : "InternalServerError"),
      message: entry.rule.message ?? defaultFailureMessage(plan.resourceType, plan.name),
    };
  }
}

function defaultFailureMessage(resourceType: "endpoint" | "deployment", name: string): string {
  return resourceType === "deployment"
    ? `User container has crashed or terminated: deployment '${name}' failed its readiness probe. Check the container logs (getLogs) for details.`
    : `An internal server error occurred while provisioning online endpoint '${name}'.`;
}

function compile<T extends RequestMatch>(rule: T, remaining: number): Compiled<T> {
  const compiled: Compiled<T> = { rule, remaining };
  if (rule.method !== undefined) compiled.method = rule.method.toUpperCase();
  if (rule.path !== undefined) compiled.path = typeof rule.path === "string" ? new RegExp(rule.path, "i") : rule.path;
  return compiled;
}

function matches(entry: Compiled<RequestMatch>, method: string, path: string): boolean {
  if (entry.method !== undefined && entry.method !== method.toUpperCase()) return false;
  if (entry.path !== undefined) {
    entry.path.lastIndex = 0;
    if (!entry.path.test(path)) return false;
  }
  return true;
}
