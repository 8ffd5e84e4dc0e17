/**
 * The metrics port through the real `MetricsClient` (@azure/monitor-query-metrics) against the emulator: what
 * it reads, how few calls it makes (counted at the emulator), and how partial failures come back as values.
 */
import type { AccessToken, GetTokenOptions, TokenCredential } from "@azure/core-auth";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { WorkspaceRef } from "../../commands/domain/endpoint.js";
import type { MetricsQuery, MetricsTarget } from "../../commands/ports/metrics.port.js";
import { createEmulatorCredential } from "../../src/azure/credentials.js";
import { BatchMetricsFetcher, METRICS_SCOPE, ResourceMetricsFetcher } from "../../src/azure/monitor.fetchers.js";
import { metricsEndpointResolver, MonitorEndpointMetrics } from "../../src/azure/monitor.metrics.js";
import { startAmlEmulator, type RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { defaultScenario, type EmulatorScenario } from "../../tools/emulator/scenario.js";

const END = new Date("2026-11-25T09:00:00Z");
const HOUR_QUERY: MetricsQuery = { window: { start: new Date(END.getTime() - 3_600_000), end: END }, granularityInMs: 300_000, resources: true, series: true };
const DEFAULT_TARGETS: MetricsTarget[] = [
  { endpoint: "fraud-scorer", deployments: ["blue", "green"], location: "westeurope" },
  { endpoint: "churn-model", deployments: ["main"], location: "westeurope" },
];

let emulator: RunningAmlEmulator;
const scopes: string[] = [];

function recording(inner: TokenCredential): TokenCredential {
  return {
    getToken: (scope: string | string[], options?: GetTokenOptions): Promise<AccessToken | null> => {
      scopes.push(...(Array.isArray(scope) ? scope : [scope]));
      return inner.getToken(scope, options);
    },
  };
}

function credentialFor(target: RunningAmlEmulator): TokenCredential {
  return recording(createEmulatorCredential({ authorityHost: target.url, tenantId: target.scenario.tenantId, clientId: "aml-chatops-test", clientSecret: "s", ca: target.ca }));
}

function portFor(target: RunningAmlEmulator): MonitorEndpointMetrics {
  const fetcher = new BatchMetricsFetcher({ credential: credentialFor(target), tlsCa: target.ca, endpointFor: () => target.url, retryOptions: { maxRetries: 0 } });
  return new MonitorEndpointMetrics({ fetcher });
}

function workspaceOf(target: RunningAmlEmulator): WorkspaceRef {
  return { alias: "demo", subscriptionId: target.scenario.subscriptionId, resourceGroup: target.scenario.resourceGroup, workspace: "demo" };
}

function manyEndpoints(count: number): EmulatorScenario {
  const scenario = defaultScenario();
  const template = scenario.workspaces[0]!.endpoints[0]!;
  scenario.workspaces[0]!.endpoints = Array.from({ length: count }, (_, i) => ({ ...structuredClone(template), name: `scorer-${String(i).padStart(3, "0")}` }));
  return scenario;
}

beforeAll(async () => {
  emulator = await startAmlEmulator({ tlsCacheDir: false });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

describe("MonitorEndpointMetrics over the SDK", () => {
  it("reads traffic, latency, errors and resources per endpoint and deployment, with the previous window", async () => {
    const [fraud, churn] = await portFor(emulator).getEndpointMetrics(workspaceOf(emulator), DEFAULT_TARGETS, HOUR_QUERY);
    expect(fraud!.problems).toEqual([]);
    expect(fraud!.traffic.requests.current).toBeGreaterThan(0);
    expect(fraud!.traffic.requests.previous).toBeGreaterThan(0);
    expect(fraud!.traffic.requestsPerMinute.current).toBeCloseTo(fraud!.traffic.requests.current! / 60, 6);
    expect(fraud!.traffic.latencyP99InMs.current).toBeGreaterThan(fraud!.traffic.latencyP50InMs.current!);
    const [blue, green] = fraud!.deployments;
    expect(blue!.traffic.requests.current).toBe(fraud!.traffic.requests.current);
    expect(green!.traffic.requests.current ?? 0).toBe(0); // 0 % live traffic
    expect(green!.traffic.latencyP99InMs.current).toBeUndefined();
    expect(blue!.resources).toMatchObject({ instances: { current: 1, previous: 1 }, instancesMax: { current: 1 } });
    expect(blue!.resources!.cpuPercent.current).toBeGreaterThan(0);
    expect(blue!.series!.requestsPerMinute).toHaveLength(12);
    expect(churn!.deployments[0]!.resources!.instances.current).toBe(2);
    expect(new Set(scopes)).toContain(METRICS_SCOPE);
  });

  it("costs ceil(N / 50) batch calls per query for N endpoints, never one per resource", async () => {
    const big = await startAmlEmulator({ scenario: manyEndpoints(120), tlsCacheDir: false });
    try {
      const targets = Array.from({ length: 120 }, (_, i) => ({ endpoint: `scorer-${String(i).padStart(3, "0")}`, deployments: ["blue", "green"], location: "westeurope" }));
      const results = await portFor(big).getEndpointMetrics(workspaceOf(big), targets, HOUR_QUERY);
      expect(results).toHaveLength(120);
      expect(results.every((r) => r.problems.length === 0 && (r.traffic.requests.current ?? 0) > 0)).toBe(true);
      // 120 endpoints: 3 calls for requests, 3 for latency; 240 deployments: 5 for CPU, memory and instances.
      expect(big.metrics.calls).toEqual({ batch: 11, resource: 0 });
      const bodies = big.requests.filter((r) => r.path.endsWith("/metrics:getBatch"));
      expect(bodies).toHaveLength(11);
      expect(bodies.every((r) => r.query["api-version"] === "2024-02-01" && r.query.interval === "PT5M")).toBe(true);
    } finally {
      await big.close();
    }
  });

  it("returns what worked and says what did not when a metric fails", async () => {
    emulator.metrics.failMetrics({ resourceId: "churn-model$", metric: "RequestLatency_P99", errorCode: "InternalServerError" });
    const [fraud, churn] = await portFor(emulator).getEndpointMetrics(workspaceOf(emulator), DEFAULT_TARGETS, HOUR_QUERY);
    expect(fraud!.problems).toEqual([]);
    expect(churn!.problems).toEqual([{ endpoint: "churn-model", metric: "RequestLatency_P99", message: "RequestLatency_P99: InternalServerError" }]);
    expect(churn!.traffic.latencyP99InMs.current).toBeUndefined();
    expect(churn!.traffic.latencyP50InMs.current).toBeGreaterThan(0);
    expect(churn!.traffic.requests.current).toBeGreaterThan(0);
  });

  it("turns a failed call into problems of its resources only", async () => {
    emulator.faults.failRequests({ status: 503, path: "metrics:getBatch", count: 1 });
    const results = await portFor(emulator).getEndpointMetrics(workspaceOf(emulator), DEFAULT_TARGETS, { ...HOUR_QUERY, resources: false });
    const messages = results.flatMap((r) => r.problems.map((p) => `${p.endpoint}: ${p.message}`));
    // The first call (requests of both endpoints) failed; latency still came back.
    expect(messages).toEqual(["fraud-scorer: requests and errors: Azure Monitor answered 503 (ServiceUnavailable)", "churn-model: requests and errors: Azure Monitor answered 503 (ServiceUnavailable)"]);
    expect(results[0]!.traffic.requests.current).toBeUndefined();
    expect(results[0]!.traffic.latencyP50InMs.current).toBeGreaterThan(0);
  });

  it("shows a degradation as a change against the previous window", async () => {
    emulator.metrics.degrade({ endpoint: "fraud-scorer", deployment: "blue", since: HOUR_QUERY.window.start, latencyFactor: 2, serverErrorShare: 0.1 });
    const [fraud] = await portFor(emulator).getEndpointMetrics(workspaceOf(emulator), DEFAULT_TARGETS.slice(0, 1), HOUR_QUERY);
    const p99 = fraud!.deployments[0]!.traffic.latencyP99InMs;
    expect(p99.current! / p99.previous!).toBeGreaterThan(1.8);
    expect(fraud!.traffic.serverErrorShare.current).toBeGreaterThan(0.07);
  });

  it("the naive way, for comparison: one ARM call per resource", async () => {
    const fetcher = new ResourceMetricsFetcher({ credential: credentialFor(emulator), tlsCa: emulator.ca, armEndpoint: emulator.url, retryOptions: { maxRetries: 0 } });
    const [fraud] = await new MonitorEndpointMetrics({ fetcher }).getEndpointMetrics(workspaceOf(emulator), DEFAULT_TARGETS, HOUR_QUERY);
    expect(fraud!.problems).toEqual([]);
    expect(fraud!.traffic.requests.current).toBeGreaterThan(0);
    expect(emulator.metrics.calls).toEqual({ batch: 0, resource: 2 + 2 + 3 });
  });

  it("uses the region's metrics endpoint in Azure and one fixed endpoint when told", () => {
    expect(metricsEndpointResolver(undefined)("West Europe")).toBe("https://westeurope.metrics.monitor.azure.com");
    expect(metricsEndpointResolver("https://127.0.0.1:7400")("eastus")).toBe("https://127.0.0.1:7400");
    expect(() => metricsEndpointResolver(undefined)(undefined)).toThrow(/AML_METRICS_ENDPOINT/);
  });
});
