/**
 * A candidate deployment's metrics follow its traffic over time (live and mirrored) and its scoring knobs, so a
 * promotion's gates can be made to pass or fail in the emulator. Read through the real metrics:getBatch route
 * after real ARM traffic PUTs and scoring-control calls. The clock is fixed (only `Date` is faked, timers run)
 * so that "minutes later" needs no waiting and the day's load curve is the same on every run.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import type { RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { defaultScenario } from "../../tools/emulator/scenario.js";
import { ArmTestClient, startTestEmulator } from "./helpers/arm-http.js";

const ENDPOINTS_NS = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints";
const MINUTE = 60_000;
/** 20 s into a minute near the day's peak: a change now applies from 14:00 on. */
const T0 = Date.parse("2026-11-25T14:00:20Z");

let emulator: RunningAmlEmulator;
let arm: ArmTestClient;
let metricsToken: string;

beforeAll(async () => {
  // 600 requests a minute at peak: 10 % mirrored is ~60 a minute, enough for shares within a few points.
  emulator = await startTestEmulator({ scenario: { ...defaultScenario(), metrics: { peakRequestsPerMinute: { "fraud-scorer": 600 } } } });
  arm = new ArmTestClient(emulator);
});
afterAll(() => emulator.close());
beforeEach(() => {
  vi.useFakeTimers({ toFake: ["Date"] });
  vi.setSystemTime(T0);
  emulator.reset();
  arm.useToken(emulator.issueToken());
  metricsToken = emulator.issueToken({ audience: "https://metrics.monitor.azure.com" });
});
afterEach(() => {
  vi.useRealTimers();
});

/** `aml traffic` as the bot does it: a PUT of the endpoint with the new live and mirror splits. */
async function setSplit(traffic: Record<string, number>, mirrorTraffic: Record<string, number> = {}): Promise<void> {
  const accepted = await arm.writeAndWait("PUT", arm.endpointPath("fraud-scorer"), { location: "westeurope", properties: { authMode: "Key", traffic, mirrorTraffic } });
  expect(accepted.status).toBe(201);
  expect((await arm.get(arm.endpointPath("fraud-scorer"))).json.properties).toMatchObject({ provisioningState: "Succeeded", traffic, mirrorTraffic });
}

async function setKnobs(deployment: string, knobs: { latencyMs?: number; errorRate?: number }): Promise<void> {
  const response = await arm.send("/__emulator/scoring", { method: "POST", body: { knobs: [{ endpoint: "fraud-scorer", deployment, ...knobs }] } });
  expect(response.status).toBe(200);
}

interface Series {
  metadatavalues: { name: { value: string }; value: string }[];
  data: { total?: number; average?: number }[];
}

/** One metric over [from, to) at PT1M, split as `filter` says: each series' dimension values and points. */
async function query(metric: string, aggregation: string, filter: string, from: number, to: number): Promise<{ dims: Record<string, string>; points: Series["data"] }[]> {
  const params = new URLSearchParams({
    "api-version": "2024-02-01",
    starttime: new Date(from).toISOString(),
    endtime: new Date(to).toISOString(),
    interval: "PT1M",
    metricnamespace: ENDPOINTS_NS,
    metricnames: metric,
    aggregation,
    filter,
    top: "100",
  });
  const response = await arm.send(`/subscriptions/${emulator.scenario.subscriptionId}/metrics:getBatch?${params.toString()}`, {
    method: "POST",
    body: { resourceids: [arm.endpointPath("fraud-scorer")] },
    headers: { authorization: `Bearer ${metricsToken}` },
  });
  expect(response.status).toBe(200);
  return (response.json.values[0].value[0].timeseries as Series[]).map((s) => ({
    dims: Object.fromEntries(s.metadatavalues.map((m) => [m.name.value, m.value])),
    points: s.data,
  }));
}

/** Requests per deployment over the window. */
async function requestsByDeployment(from: number, to: number): Promise<Record<string, number>> {
  const series = await query("RequestsPerMinute", "total", "deployment eq '*'", from, to);
  return Object.fromEntries(series.map((s) => [s.dims.deployment!, s.points.reduce((sum, p) => sum + (p.total ?? 0), 0)]));
}

/** The mean of the per-minute P99 of each deployment that had requests in the window. */
async function p99ByDeployment(from: number, to: number): Promise<Record<string, number>> {
  const series = await query("RequestLatency_P99", "average", "deployment eq '*'", from, to);
  const out: Record<string, number> = {};
  for (const s of series) {
    const values = s.points.flatMap((p) => (p.average === undefined ? [] : [p.average]));
    if (values.length > 0) out[s.dims.deployment!] = values.reduce((a, b) => a + b, 0) / values.length;
  }
  return out;
}

describe("a shadow candidate's metrics", () => {
  it("serve about 10 % of the endpoint's requests as mirrored copies from the minute the mirror was set, none before", async () => {
    await setSplit({ blue: 100, green: 0 }, { green: 10 });
    vi.setSystemTime(T0 + 10 * MINUTE);
    const during = await requestsByDeployment(T0 + 1_000, Date.now());
    expect(during.green! / during.blue!).toBeGreaterThan(0.07);
    expect(during.green! / during.blue!).toBeLessThan(0.13);
    const before = await requestsByDeployment(T0 - 30 * MINUTE, T0 - 20_000);
    expect(before.blue).toBeGreaterThan(0);
    expect(before.green).toBe(0);
  });

  it("show a p99 well above the baseline's when the candidate's latencyMs is high", async () => {
    await setKnobs("green", { latencyMs: 400 });
    await setSplit({ blue: 100, green: 0 }, { green: 10 });
    vi.setSystemTime(T0 + 15 * MINUTE);
    const p99 = await p99ByDeployment(T0 + 1_000, Date.now());
    // The model's 400 ms come on top of the candidate's own serving latency (seeded, 40-300 ms at p99 here).
    expect(p99.green).toBeGreaterThan(400);
    expect(p99.green! / p99.blue!).toBeGreaterThan(1.2);
  });

  it("count errorRate failures as Azure ML does: 424, class 4xx, model status 500, about 20 % of the candidate's requests", async () => {
    await setKnobs("green", { errorRate: 0.2 });
    await setSplit({ blue: 100, green: 0 }, { green: 10 });
    vi.setSystemTime(T0 + 20 * MINUTE);
    const window = [T0 + 1_000, Date.now()] as const;
    const total = (series: { points: Series["data"] }[]) => series.reduce((sum, s) => sum + s.points.reduce((a, p) => a + (p.total ?? 0), 0), 0);
    const byCode = await query("RequestsPerMinute", "total", "deployment eq 'green' and statusCode eq '*'", ...window);
    const all = total(byCode);
    const modelErrors = total(byCode.filter((s) => s.dims.statusCode === "424"));
    expect(all).toBeGreaterThan(500);
    expect(modelErrors / all).toBeGreaterThan(0.17);
    expect(modelErrors / all).toBeLessThan(0.23);
    // What the container said is in ModelStatusCode; the response class is 4xx, so a 5xx-by-class gate misses it.
    const modelFailed = total(await query("RequestsPerMinute", "total", "deployment eq 'green' and modelStatusCode eq '500'", ...window));
    expect(modelFailed / all).toBeGreaterThan(0.17);
    expect(modelFailed / all).toBeLessThan(0.25);
    const fourXx = total(await query("RequestsPerMinute", "total", "deployment eq 'green' and statusCodeClass eq '4xx'", ...window));
    expect(fourXx / all).toBeGreaterThan(0.17);
    // The baseline keeps its own small error shares.
    const blue = await query("RequestsPerMinute", "total", "deployment eq 'blue' and statusCode eq '*'", ...window);
    expect(total(blue.filter((s) => s.dims.statusCode === "424"))).toBe(0);
  });

  it("follow a shift to 50 % live in the minutes after it, while the shadow stage before keeps its mirrored share", async () => {
    await setSplit({ blue: 100, green: 0 }, { green: 10 });
    const shiftAt = T0 + 15 * MINUTE + 40_000;
    vi.setSystemTime(shiftAt);
    await setSplit({ blue: 50, green: 50 });
    vi.setSystemTime(shiftAt + 10 * MINUTE);
    // A gate's window that starts a second after the shift, at per-minute granularity.
    const after = await requestsByDeployment(shiftAt + 1_000, Date.now());
    const share = after.green! / (after.green! + after.blue!);
    expect(share).toBeGreaterThan(0.42);
    expect(share).toBeLessThan(0.58);
    const shadow = await requestsByDeployment(T0 + 1_000, shiftAt - 60_000);
    expect(shadow.green! / (shadow.green! + shadow.blue!)).toBeLessThan(0.12);
  });

  it("are empty for a deployment with neither live nor mirror traffic, whatever its knobs", async () => {
    await setKnobs("green", { latencyMs: 400, errorRate: 0.5 });
    vi.setSystemTime(T0 + 10 * MINUTE);
    const requests = await requestsByDeployment(T0 - 60 * MINUTE, Date.now());
    expect(requests.blue).toBeGreaterThan(0);
    expect(requests.green).toBe(0);
    expect(Object.keys(await p99ByDeployment(T0 - 60 * MINUTE, Date.now()))).toEqual(["blue"]);
  });

  it("stop when the mirror is cleared: the window after has no requests for the candidate", async () => {
    await setSplit({ blue: 100, green: 0 }, { green: 10 });
    vi.setSystemTime(T0 + 5 * MINUTE);
    await setSplit({ blue: 100, green: 0 }, {});
    vi.setSystemTime(T0 + 15 * MINUTE);
    expect((await requestsByDeployment(T0 + 5 * MINUTE + 1_000, Date.now())).green).toBe(0);
    expect((await requestsByDeployment(T0 + 1_000, T0 + 5 * MINUTE - 1_000)).green).toBeGreaterThan(0);
  });
});
