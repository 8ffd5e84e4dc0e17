/**
 * The metrics plane reports what really happened (scoring calls the emulator served) and stays fast on a
 * 500-endpoint scenario.
 */
import { describe, expect, it } from "vitest";
import { defaultScenario } from "../../tools/emulator/scenario.js";
import { HttpsTestClient, startTestEmulator } from "./helpers/arm-http.js";

const ENDPOINTS_NS = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
const dims = (series: { metadatavalues: { name: { value: string }; value: string }[] }) =>
  Object.fromEntries(series.metadatavalues.map((m) => [m.name.value, m.value]));

describe("what really happened", () => {
  it("reports the scoring calls the emulator served, live and pinned, under the deployment that answered", async () => {
    const other = await startTestEmulator({ scenario: { ...defaultScenario(), metrics: { synthetic: false } } });
    try {
      const client = new HttpsTestClient(other.url, other.ca);
      const key = other.scenario.workspaces[0]!.endpoints.find((e) => e.name === "fraud-scorer")!.keys!.primaryKey;
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) {
        const scored = await client.send("/inference/demo/fraud-scorer/score", { method: "POST", body: { data: [[1, 2, 3]] }, headers: { authorization: `Bearer ${key}`, ...(i === 3 ? { "azureml-model-deployment": "green" } : {}) } });
        statuses.push(scored.status);
      }
      const now = Date.now();
      const query = new URLSearchParams({
        "api-version": "2024-02-01",
        starttime: new Date(now - 5 * 60_000).toISOString(),
        endtime: new Date(now + 60_000).toISOString(),
        interval: "FULL",
        metricnamespace: ENDPOINTS_NS,
        metricnames: "RequestsPerMinute",
        aggregation: "total",
        filter: "deployment eq '*'",
      });
      const response = await client.send(`/subscriptions/${other.scenario.subscriptionId}/metrics:getBatch?${query.toString()}`, {
        method: "POST",
        body: { resourceids: [`/subscriptions/${other.scenario.subscriptionId}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/fraud-scorer`] },
        headers: { authorization: `Bearer ${other.issueToken()}` },
      });
      const totals = Object.fromEntries(response.json.values[0].value[0].timeseries.map((s: never) => [dims(s).deployment, (s as { data: { total: number }[] }).data[0]!.total]));
      expect(statuses.every((s) => s < 500 || s === 503 || s === 424)).toBe(true);
      expect(totals).toEqual({ blue: 3, green: 1 });
    } finally {
      await other.close();
    }
  });

  it("counts mirrored copies under the shadow deployment, as Azure ML records their metrics", async () => {
    const scenario = defaultScenario();
    scenario.workspaces[0]!.endpoints.find((e) => e.name === "fraud-scorer")!.mirrorTraffic = { green: 50 };
    const other = await startTestEmulator({ scenario: { ...scenario, metrics: { synthetic: false } } });
    try {
      const client = new HttpsTestClient(other.url, other.ca);
      const key = other.scenario.workspaces[0]!.endpoints.find((e) => e.name === "fraud-scorer")!.keys!.primaryKey;
      for (let i = 0; i < 20; i++) {
        await client.send("/inference/demo/fraud-scorer/score", { method: "POST", body: { data: [[1, 2, 3]] }, headers: { authorization: `Bearer ${key}` } });
      }
      // A mirrored copy finishes after the live answer: wait until every dispatched copy is in the log.
      const mirrored = () => other.scoring.stats().find((s) => s.deployment === "green")?.mirrored ?? 0;
      const finished = () => other.scoring.events().filter((e) => e.deployment === "green").length;
      for (let tries = 0; finished() < mirrored() && tries < 100; tries++) await new Promise((resolve) => setTimeout(resolve, 20));
      expect(mirrored()).toBeGreaterThan(0);
      const now = Date.now();
      const query = new URLSearchParams({
        "api-version": "2024-02-01",
        starttime: new Date(now - 5 * 60_000).toISOString(),
        endtime: new Date(now + 60_000).toISOString(),
        interval: "FULL",
        metricnamespace: ENDPOINTS_NS,
        metricnames: "RequestsPerMinute",
        aggregation: "total",
        filter: "deployment eq '*'",
      });
      const response = await client.send(`/subscriptions/${other.scenario.subscriptionId}/metrics:getBatch?${query.toString()}`, {
        method: "POST",
        body: { resourceids: [`/subscriptions/${other.scenario.subscriptionId}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/fraud-scorer`] },
        headers: { authorization: `Bearer ${other.issueToken()}` },
      });
      const totals = Object.fromEntries(response.json.values[0].value[0].timeseries.map((s: never) => [dims(s).deployment, (s as { data: { total: number }[] }).data[0]!.total]));
      expect(totals).toEqual({ blue: 20, green: mirrored() });
    } finally {
      await other.close();
    }
  });

  it("answers a 50-endpoint batch of a 500-endpoint scenario quickly", async () => {
    const scenario = defaultScenario();
    const template = scenario.workspaces[0]!.endpoints[0]!;
    scenario.workspaces[0]!.endpoints = Array.from({ length: 500 }, (_, i) => ({ ...structuredClone(template), name: `scorer-${String(i).padStart(3, "0")}` }));
    const big = await startTestEmulator({ scenario });
    try {
      const client = new HttpsTestClient(big.url, big.ca);
      const ids = Array.from({ length: 50 }, (_, i) => `/subscriptions/${big.scenario.subscriptionId}/resourceGroups/ml-rg/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/scorer-${String(i * 10).padStart(3, "0")}`);
      const query = new URLSearchParams({ "api-version": "2024-02-01", starttime: "2026-11-23T09:00:00Z", endtime: "2026-11-25T09:00:00Z", interval: "PT1H", metricnamespace: ENDPOINTS_NS, metricnames: "RequestsPerMinute", aggregation: "total", filter: "deployment eq '*' and statusCodeClass eq '*'", top: "100" });
      const started = performance.now();
      const response = await client.send(`/subscriptions/${big.scenario.subscriptionId}/metrics:getBatch?${query.toString()}`, { method: "POST", body: { resourceids: ids }, headers: { authorization: `Bearer ${big.issueToken()}` } });
      const elapsed = performance.now() - started;
      expect(response.status).toBe(200);
      expect(response.json.values).toHaveLength(50);
      expect(elapsed).toBeLessThan(1500);
    } finally {
      await big.close();
    }
  });
});
