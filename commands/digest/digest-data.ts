/**
 * Everything a digest says, gathered once: endpoints and deployments (ARM), their metrics over the period and
 * the period before (Azure Monitor, batched: a 500-endpoint workspace is a few dozen calls), and the audit
 * records that tell what the bot changed. `buildDigest` is then pure. A timer calls this with the same deps as
 * `aml digest now`, passing when the previous digest was sent.
 */
import type { CoreDeps } from "../core-deps.js";
import type { Deployment, Endpoint, WorkspaceRef } from "../domain/endpoint.js";
import type { AuditRecord } from "../ports/audit-log.port.js";
import type { EndpointMetrics, TimeWindow } from "../ports/metrics.port.js";
import type { OperationOptions } from "../ports/operation-options.js";
import { metricsQuery } from "./metric-window.js";

export type DigestDeps = Pick<CoreDeps, "endpoints" | "metrics" | "audit" | "clock">;

/** A workspace, or one endpoint of it. */
export interface DigestTarget {
  readonly workspace: WorkspaceRef;
  readonly endpoint?: string;
}

export interface DigestPeriod {
  /** Default: the clock, aligned down to `granularityInMs`. */
  readonly end?: Date;
  /** e.g. one day for a daily digest. */
  readonly lengthInMs: number;
  /** Default one hour. */
  readonly granularityInMs?: number;
}

export interface DigestEndpoint {
  readonly endpoint: Endpoint;
  readonly deployments: readonly Deployment[];
  readonly metrics?: EndpointMetrics;
}

export interface DigestInput {
  readonly target: DigestTarget;
  readonly period: TimeWindow;
  readonly generatedAt: Date;
  readonly endpoints: readonly DigestEndpoint[];
  /** Audit records of the target, newest first: what the bot changed, to tell out-of-band changes apart. */
  readonly audit: readonly AuditRecord[];
  /** Changes after this are reported as out of band; default: the start of the period. */
  readonly since: Date;
}

export interface GatherOptions extends OperationOptions {
  /** When the previous digest of this target went out. */
  readonly lastDigestAt?: Date;
  /** ARM reads in flight at once (default 8). */
  readonly concurrency?: number;
  /** Also return each metric's points over the period, for the digest's chart (same metrics calls). */
  readonly series?: boolean;
}

export type GatherResult = { readonly ok: true; readonly input: DigestInput } | { readonly ok: false; readonly message: string };

const AUDIT_LIMIT = 500;

export async function gatherDigestData(deps: DigestDeps, target: DigestTarget, period: DigestPeriod, options: GatherOptions = {}): Promise<GatherResult> {
  const op = options.abortSignal ? { abortSignal: options.abortSignal } : {};
  const generatedAt = deps.clock.now();
  const query = metricsQuery(period.end ?? generatedAt, period.lengthInMs, { resources: true, ...(options.series ? { series: true } : {}) }, period.granularityInMs ?? 3_600_000);
  let endpoints: Endpoint[];
  if (target.endpoint !== undefined) {
    const one = await deps.endpoints.getEndpoint(target.workspace, target.endpoint, op);
    if (one === undefined) return { ok: false, message: `There is no endpoint \`${target.endpoint}\` in workspace \`${target.workspace.alias}\`.` };
    endpoints = [one];
  } else {
    endpoints = await deps.endpoints.listEndpoints(target.workspace, op);
  }
  endpoints.sort((a, b) => a.name.localeCompare(b.name));
  const deployments = await mapLimited(endpoints, options.concurrency ?? 8, (e) => deps.endpoints.listDeployments(target.workspace, e.name, op));
  const targets = endpoints.map((e, i) => ({
    endpoint: e.name,
    deployments: deployments[i]!.map((d) => d.name).sort(),
    ...(e.location ? { location: e.location } : {}),
  }));
  const [metrics, audit] = await Promise.all([
    targets.length === 0 ? Promise.resolve([]) : deps.metrics.getEndpointMetrics(target.workspace, targets, query, op),
    deps.audit.list({ workspace: target.workspace.alias, ...(target.endpoint ? { endpoint: target.endpoint } : {}), limit: AUDIT_LIMIT, ...op }),
  ]);
  return {
    ok: true,
    input: {
      target,
      period: query.window,
      generatedAt,
      endpoints: endpoints.map((endpoint, i) => ({ endpoint, deployments: deployments[i]!, ...(metrics[i] ? { metrics: metrics[i] } : {}) })),
      audit,
      since: options.lastDigestAt ?? query.window.start,
    },
  };
}

async function mapLimited<T, R>(items: readonly T[], limit: number, run: (item: T) => Promise<R>): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await run(items[i]!);
      }
    }),
  );
  return out;
}
