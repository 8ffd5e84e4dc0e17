/**
 * The emulator's Azure Monitor metrics plane over raw HTTPS: the batch API's shapes, limits and errors, the
 * ARM single-resource API, filters and aggregations, auth audiences, degradations and injected failures.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { defaultScenario } from "../../tools/emulator/scenario.js";
import { ArmTestClient, HttpsTestClient, startTestEmulator } from "./helpers/arm-http.js";

let emulator: RunningAmlEmulator;
let http: HttpsTestClient;
let arm: ArmTestClient;
let metricsToken: string;

const START = "2026-11-25T08:00:00Z";
const END = "2026-11-25T09:00:00Z";
const ENDPOINTS_NS = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
const DEPLOYMENTS_NS = `${ENDPOINTS_NS}/deployments`;

beforeAll(async () => {
  emulator = await startTestEmulator({ scenario: defaultScenario() });
  http = new HttpsTestClient(emulator.url, emulator.ca);
  arm = new ArmTestClient(emulator);
  metricsToken = emulator.issueToken({ audience: "https://metrics.monitor.azure.com" });
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

function batchPath(params: Record<string, string>): string {
  const query = new URLSearchParams({ "api-version": "2024-02-01", starttime: START, endtime: END, ...params });
  return `/subscriptions/${emulator.scenario.subscriptionId}/metrics:getBatch?${query.toString()}`;
}

function batch(params: Record<string, string>, resourceids: string[], token = metricsToken) {
  return http.send(batchPath(params), { method: "POST", body: { resourceids }, headers: { authorization: `Bearer ${token}` } });
}

const endpointId = (name: string) => arm.endpointPath(name);
const deploymentId = (endpoint: string, deployment: string) => arm.deploymentPath(endpoint, deployment);
const dims = (series: { metadatavalues: { name: { value: string }; value: string }[] }) =>
  Object.fromEntries(series.metadatavalues.map((m) => [m.name.value, m.value]));

describe("metrics:getBatch", () => {
  it("answers per resource, per metric, in the published shape", async () => {
    const response = await batch({ metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute,RequestLatency_P99", interval: "PT5M" }, [endpointId("fraud-scorer"), endpointId("churn-model")]);
    expect(response.status).toBe(200);
    expect(response.json.values).toHaveLength(2);
    const [fraud] = response.json.values;
    expect(fraud).toMatchObject({
      starttime: "2026-11-25T08:00:00Z",
      endtime: "2026-11-25T09:00:00Z",
      interval: "PT5M",
      namespace: ENDPOINTS_NS.toLowerCase(),
      resourceregion: "westeurope",
      resourceid: endpointId("fraud-scorer"),
    });
    const [requests, latency] = fraud.value;
    expect(requests).toMatchObject({
      id: `${endpointId("fraud-scorer")}/providers/Microsoft.Insights/metrics/RequestsPerMinute`,
      type: "Microsoft.Insights/metrics",
      name: { value: "RequestsPerMinute", localizedValue: "Requests Per Minute" },
      unit: "Count",
      errorCode: "Success",
    });
    expect(requests.timeseries).toHaveLength(1);
    expect(requests.timeseries[0].metadatavalues).toEqual([]);
    expect(requests.timeseries[0].data.map((p: { timeStamp: string }) => p.timeStamp)).toEqual(
      Array.from({ length: 12 }, (_, i) => new Date(Date.parse(START) + i * 300_000).toISOString().replace(".000", "")),
    );
    expect(requests.timeseries[0].data[0].average).toBeGreaterThan(0);
    expect(latency.unit).toBe("Milliseconds");
  });

  it("is deterministic: the same query gives the same numbers", async () => {
    const ask = () => batch({ metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute", aggregation: "total" }, [endpointId("fraud-scorer")]);
    expect((await ask()).json).toEqual((await ask()).json);
  });

  it("splits by deployment and status code class with '*', and filters on values", async () => {
    const split = await batch(
      { metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute", aggregation: "total", interval: "PT1H", filter: "deployment eq '*' and statusCodeClass eq '*'" },
      [endpointId("fraud-scorer")],
    );
    const series = split.json.values[0].value[0].timeseries;
    const combos = series.map(dims);
    expect(combos).toContainEqual({ deployment: "blue", statusCodeClass: "2xx" });
    // green has 0 % of live traffic: it served nothing, so no status class was emitted for it.
    expect(combos.some((c: Record<string, string>) => c.deployment === "green")).toBe(false);

    const onlyBlue = await batch({ metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute", aggregation: "total", interval: "PT1H", filter: "deployment eq 'blue'" }, [endpointId("fraud-scorer")]);
    const total = (r: typeof split) => r.json.values[0].value[0].timeseries.reduce((sum: number, s: { data: { total: number }[] }) => sum + s.data[0]!.total, 0);
    expect(total(onlyBlue)).toBe(total(split));
    expect(onlyBlue.json.values[0].value[0].timeseries.map(dims)).toEqual([{ deployment: "blue" }]);

    const errors = await batch({ metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute", aggregation: "total", interval: "PT1H", filter: "statusCodeClass eq '5xx'" }, [endpointId("fraud-scorer")]);
    expect(errors.json.values[0].value[0].timeseries.map(dims)).toEqual([{ statusCodeClass: "5xx" }]);
    expect(errors.json.values[0].value[0].timeseries[0].data[0].total).toBeLessThan(total(split) / 10);
  });

  it("rolls a filtered dimension up with rollupby", async () => {
    const rolled = await batch(
      { metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute", aggregation: "total", interval: "PT1H", filter: "statusCodeClass eq '4xx' or statusCodeClass eq '5xx'", rollupby: "statusCodeClass" },
      [endpointId("fraud-scorer")],
    );
    expect(rolled.json.values[0].value[0].timeseries).toHaveLength(1);
    expect(rolled.json.values[0].value[0].timeseries[0].metadatavalues).toEqual([]);
  });

  it("computes the asked aggregations over the raw values of each interval", async () => {
    const response = await batch({ metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute", aggregation: "average,minimum,maximum,total,count", interval: "PT1H" }, [endpointId("fraud-scorer")]);
    const point = response.json.values[0].value[0].timeseries[0].data[0];
    expect(point.count).toBe(60);
    expect(point.average).toBeCloseTo(point.total / 60, 6);
    expect(point.minimum).toBeLessThanOrEqual(point.average);
    expect(point.maximum).toBeGreaterThanOrEqual(point.average);
    const full = await batch({ metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute", aggregation: "total", interval: "FULL" }, [endpointId("fraud-scorer")]);
    expect(full.json.values[0].interval).toBe("FULL");
    expect(full.json.values[0].value[0].timeseries[0].data).toHaveLength(1);
    expect(full.json.values[0].value[0].timeseries[0].data[0].total).toBe(point.total);
  });

  it("reads deployment metrics: CPU per instance, capacity from deployment state", async () => {
    const response = await batch(
      { metricnamespace: DEPLOYMENTS_NS, metricnames: "CpuUtilizationPercentage,DeploymentCapacity,GpuUtilizationPercentage", aggregation: "average,maximum", interval: "PT1H" },
      [deploymentId("churn-model", "main")],
    );
    const [cpu, capacity, gpu] = response.json.values[0].value;
    expect(cpu.timeseries[0].data[0].average).toBeGreaterThan(0);
    expect(capacity.timeseries[0].data[0]).toMatchObject({ average: 2, maximum: 2 });
    expect(gpu.timeseries).toEqual([]); // a CPU SKU emits no GPU metrics
    const perInstance = await batch({ metricnamespace: DEPLOYMENTS_NS, metricnames: "CpuUtilizationPercentage", interval: "PT1H", filter: "instanceId eq '*'" }, [deploymentId("churn-model", "main")]);
    expect(perInstance.json.values[0].value[0].timeseries).toHaveLength(2);
  });

  it("refuses more than 50 resources, with the service's error shape", async () => {
    const ids = Array.from({ length: 51 }, (_, i) => endpointId(`endpoint-${i}`));
    const response = await batch({ metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute" }, ids);
    expect(response.status).toBe(400);
    expect(response.headers["x-ms-error-code"]).toBe("BadRequest");
    expect(response.json.error).toMatchObject({ code: "BadRequest", message: expect.stringContaining("at most 50") });
    expect(response.json.error.additionalInfo).toEqual([
      { type: "string", info: expect.stringMatching(/^TraceId=[0-9a-f]{32}$/) },
      { type: "string", info: "ExceptionType=Microsoft.Online.Metrics.MetricsMP.Utilities.RPRequestFormatException" },
    ]);
  });

  it("answers a `timespan` the way the published example does", async () => {
    const response = await batch({ metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute", timespan: `${START}/${END}` }, [endpointId("fraud-scorer")]);
    expect(response.status).toBe(400);
    expect(response.json.error.message).toBe("Detected invalid time range parameters for API version 2024-02-01. Please use only starttime and endtime to specify a time range.");
  });

  it.each([
    ["an unknown metric", { metricnames: "Nope" }, /Failed to find metric configuration.*metric: Nope/],
    ["a dimension one metric lacks", { metricnames: "RequestsPerMinute,RequestLatency_P99", filter: "statusCodeClass eq '*'" }, /Metric: RequestLatency_P99 does not support requested dimension combination: statusCodeClass/],
    ["`or` between two dimensions", { metricnames: "RequestsPerMinute", filter: "deployment eq 'blue' or statusCodeClass eq '5xx'" }, /cannot separate two different metadata names/],
    ["an interval the service does not offer", { metricnames: "RequestsPerMinute", interval: "PT7M" }, /Invalid interval 'PT7M'/],
    ["an unknown aggregation", { metricnames: "RequestsPerMinute", aggregation: "median" }, /Invalid aggregation 'median'/],
  ])("refuses %s", async (_what, params, message) => {
    const response = await batch({ metricnamespace: ENDPOINTS_NS, ...params }, [endpointId("fraud-scorer")]);
    expect(response.status).toBe(400);
    expect(response.json.error.message).toMatch(message);
  });

  it("refuses resources of another type than the namespace", async () => {
    const response = await batch({ metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute" }, [deploymentId("fraud-scorer", "blue")]);
    expect(response.status).toBe(400);
    expect(response.json.error.message).toMatch(/not of type/);
  });

  it("reports a resource that does not exist per metric, and still answers the others", async () => {
    const response = await batch({ metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute" }, [endpointId("fraud-scorer"), endpointId("gone-away")]);
    expect(response.status).toBe(200);
    expect(response.json.values[1].value[0]).toMatchObject({ errorCode: "ResourceNotFound", timeseries: [] });
    expect(response.json.values[0].value[0].errorCode).toBe("Success");
  });

  it("takes tokens for the metrics audience or ARM's, and refuses others", async () => {
    const ask = (token: string) => batch({ metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute" }, [endpointId("fraud-scorer")], token);
    expect((await ask(emulator.issueToken())).status).toBe(200);
    const storage = await ask(emulator.issueToken({ audience: "https://storage.azure.com" }));
    expect(storage.status).toBe(401);
    expect(storage.json.error.code).toBe("InvalidAuthenticationTokenAudience");
    const expired = await ask(emulator.issueToken({ audience: "https://metrics.monitor.azure.com", expiresInSeconds: -60 }));
    expect(expired.json.error.code).toBe("ExpiredAuthenticationToken");
    expect((await http.send(batchPath({ metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute" }), { method: "POST", body: { resourceids: [] } })).status).toBe(401);
  });

  it("counts the calls it served", async () => {
    await batch({ metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute" }, [endpointId("fraud-scorer")]);
    await batch({ metricnamespace: ENDPOINTS_NS, metricnames: "Nope" }, [endpointId("fraud-scorer")]);
    expect(emulator.metrics.calls).toEqual({ batch: 2, resource: 0 });
    expect(emulator.requests.filter((r) => r.path.endsWith("metrics:getBatch")).map((r) => r.status)).toEqual([200, 400]);
  });
});

describe("ARM single-resource metrics", () => {
  const path = (resource: string, params: Record<string, string>) =>
    `${resource}/providers/Microsoft.Insights/metrics?${new URLSearchParams({ "api-version": "2023-10-01", timespan: `${START}/${END}`, ...params }).toString()}`;

  it("answers one resource with `timespan` and `$filter`", async () => {
    const response = await arm.get(path(endpointId("fraud-scorer"), { metricnames: "RequestLatency_P50", interval: "PT15M", $filter: "deployment eq '*'" }));
    expect(response.status).toBe(200);
    expect(response.json).toMatchObject({ timespan: "2026-11-25T08:00:00Z/2026-11-25T09:00:00Z", interval: "PT15M", namespace: ENDPOINTS_NS, resourceregion: "westeurope" });
    expect(response.json.value[0].timeseries.map(dims)).toEqual([{ deployment: "blue" }, { deployment: "green" }]);
    expect(response.json.value[0].timeseries[1].data[0].average).toBeUndefined(); // green served nothing: no latency
    expect(emulator.metrics.calls.resource).toBe(1);
  });

  it("answers query errors in the flat error shape of that API", async () => {
    const response = await arm.get(path(endpointId("fraud-scorer"), { metricnames: "Nope" }));
    expect(response.status).toBe(400);
    expect(response.json).toEqual({ code: "BadRequest", message: expect.stringMatching(/Failed to find metric configuration.*TraceId: \{[0-9a-f]{32}\}$/) });
  });

  it("wants an ARM token", async () => {
    const client = new ArmTestClient(emulator, metricsToken);
    expect((await client.get(path(endpointId("fraud-scorer"), { metricnames: "RequestsPerMinute" }))).status).toBe(401);
  });
});

describe("degradations and failures", () => {
  const latency = async (endpoint = "fraud-scorer") => {
    const response = await batch({ metricnamespace: ENDPOINTS_NS, metricnames: "RequestLatency_P99", interval: "PT30M" }, [endpointId(endpoint)]);
    return response.json.values[0].value[0].timeseries[0].data.map((p: { average: number }) => p.average);
  };

  it("raises latency and 5xx from the given time on", async () => {
    const [before, after] = await latency();
    emulator.metrics.degrade({ endpoint: "fraud-scorer", deployment: "blue", since: "2026-11-25T08:30:00Z", latencyFactor: 3, serverErrorShare: 0.2 });
    const [before2, after2] = await latency();
    expect(before2).toBeCloseTo(before, 6);
    expect(after2 / after).toBeGreaterThan(2.5);
    const errors = await batch({ metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute", aggregation: "total", interval: "PT30M", filter: "statusCodeClass eq '*'" }, [endpointId("fraud-scorer")]);
    const fiveXx = errors.json.values[0].value[0].timeseries.find((s: never) => dims(s).statusCodeClass === "5xx");
    const all = errors.json.values[0].value[0].timeseries.reduce((sum: number, s: { data: { total: number }[] }) => sum + s.data[1]!.total, 0);
    expect(fiveXx.data[1].total / all).toBeGreaterThan(0.15);
  });

  it("takes degradations and per-metric failures over HTTP too", async () => {
    const control = await http.send("/__emulator/metrics", {
      method: "POST",
      body: { degrade: [{ endpoint: "churn-model", requestFactor: 0 }], failMetrics: [{ metric: "RequestLatency_P99", errorCode: "InternalServerError" }] },
    });
    expect(control.status).toBe(200);
    const response = await batch({ metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute,RequestLatency_P99", aggregation: "total" }, [endpointId("churn-model")]);
    expect(response.json.values[0].value[0].timeseries[0].data.every((p: { total: number }) => p.total === 0)).toBe(true);
    expect(response.json.values[0].value[1]).toMatchObject({ errorCode: "InternalServerError", errorMessage: expect.any(String), timeseries: [] });
    await http.send("/__emulator/metrics", { method: "DELETE" });
    expect((await latency("churn-model"))[0]).toBeGreaterThan(0);
  });

  it("reads scenario knobs: seed, peaks and degradations", async () => {
    const scenario = { ...defaultScenario(), metrics: { seed: 7, peakRequestsPerMinute: { "churn-model": 1000 }, degradations: [{ endpoint: "fraud-scorer", latencyFactor: 10 }] } };
    const other = await startTestEmulator({ scenario });
    try {
      const client = new HttpsTestClient(other.url, other.ca);
      const ask = (id: string, metric: string) =>
        client.send(`/subscriptions/${other.scenario.subscriptionId}/metrics:getBatch?${new URLSearchParams({ "api-version": "2024-02-01", starttime: START, endtime: END, interval: "PT1H", metricnamespace: ENDPOINTS_NS, metricnames: metric }).toString()}`, {
          method: "POST",
          body: { resourceids: [id] },
          headers: { authorization: `Bearer ${other.issueToken()}` },
        });
      const rate = (await ask(endpointId("churn-model"), "RequestsPerMinute")).json.values[0].value[0].timeseries[0].data[0].average;
      expect(rate).toBeGreaterThan(300);
      const slow = (await ask(endpointId("fraud-scorer"), "RequestLatency_P99")).json.values[0].value[0].timeseries[0].data[0].average;
      expect(slow).toBeGreaterThan(400); // at least 10 × the lowest seeded P99 (15 ms × 2.8)
    } finally {
      await other.close();
    }
  });
});
