import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { defaultScenario, type EmulatorScenario } from "../../tools/emulator/scenario.js";
import { FRAUD_BLUE_MODEL, FRAUD_GREEN_MODEL } from "../../tools/emulator/scoring-knobs.js";
import { NO_ROUTE_MESSAGE } from "../../tools/emulator/scoring.routes.js";
import { ArmTestClient, HttpsTestClient, startTestEmulator } from "./helpers/arm-http.js";
import { closeScoringAgent, countsOf, score, SKLEARN_SAMPLE } from "./helpers/scoring-http.js";

/** The default scenario plus an AADToken endpoint whose deployment times out after 300 ms. */
function scoringScenario(): EmulatorScenario {
  const scenario = defaultScenario();
  scenario.workspaces[0]!.endpoints.push({
    name: "doc-classifier",
    authMode: "AADToken",
    traffic: { "v1-base": 100 },
    deployments: [
      { name: "v1-base", model: "azureml:doc-model:1", instanceType: "Standard_DS3_v2", capacity: 1, requestSettings: { requestTimeout: "PT0.3S" }, scoring: { model: { weights: [1, 1], bias: 0 } } },
    ],
  });
  return scenario;
}

let emulator: RunningAmlEmulator;
let arm: ArmTestClient;
let key: string;

beforeAll(async () => {
  emulator = await startTestEmulator({ scenario: scoringScenario() });
  arm = new ArmTestClient(emulator);
});
afterAll(async () => {
  closeScoringAgent(emulator);
  await emulator.close();
});
beforeEach(async () => {
  emulator.reset();
  key = (await arm.post(`${arm.endpointPath("fraud-scorer")}/listKeys`)).json.primaryKey;
  // Routing tests count draws, not milliseconds.
  for (const deployment of ["blue", "green"]) emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment }, { latencyMs: 0 });
});

function setTraffic(traffic: Record<string, number>, mirrorTraffic: Record<string, number> = {}): void {
  const id = `/subscriptions/${emulator.scenario.subscriptionId}/resourceGroups/${emulator.scenario.resourceGroup}/providers/Microsoft.MachineLearningServices/workspaces/demo/onlineEndpoints/fraud-scorer`;
  emulator.faults.mutate(id, (spec) => {
    const properties = spec["properties"] as Record<string, unknown>;
    properties["traffic"] = traffic;
    properties["mirrorTraffic"] = mirrorTraffic;
  });
}

async function scoreMany(count: number, options: Parameters<typeof score>[2] = {}) {
  const answered: Record<string, number> = {};
  for (let i = 0; i < count; i++) {
    const response = await score(emulator, "fraud-scorer", { credential: key, ...options });
    expect(response.status).toBe(200);
    const deployment = String(response.headers["azureml-model-deployment"]);
    answered[deployment] = (answered[deployment] ?? 0) + 1;
  }
  return answered;
}

const linear = (model: { weights: number[]; bias: number }, row: number[]) => Math.round((row.reduce((s, x, i) => s + x * model.weights[i]!, model.bias)) * 1e6) / 1e6;

describe("the models", () => {
  it("each deployment runs its own linear model on the sklearn sample: blue and green differ slightly", async () => {
    const blue = await score(emulator, "fraud-scorer", { credential: key, deployment: "blue" });
    const green = await score(emulator, "fraud-scorer", { credential: key, deployment: "green" });
    expect(blue.json).toEqual(SKLEARN_SAMPLE.data.map((row) => linear(FRAUD_BLUE_MODEL, row)));
    expect(green.json).toEqual(SKLEARN_SAMPLE.data.map((row) => linear(FRAUD_GREEN_MODEL, row)));
    expect(green.json).not.toEqual(blue.json);
    expect(blue.headers["azureml-model-deployment"]).toBe("blue");
    expect(blue.headers["x-request-id"]).toEqual(expect.any(String));
  });

  it("a request the model cannot read is a 424 with the container's status and reason", async () => {
    const response = await score(emulator, "fraud-scorer", { credential: key, body: { data: [[1, 2, 3]] } });
    expect(response.status).toBe(424);
    expect(response.headers["ms-azureml-model-error-statuscode"]).toBe("500");
    expect(response.headers["ms-azureml-model-error-reason"]).toBe("model_error");
    expect(response.json).toEqual({ error: "Row 0 has 3 features; the model expects 10." });
  });

  it("an error-rate knob fails that share of requests with 424", async () => {
    emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment: "blue" }, { errorRate: 1 });
    const response = await score(emulator, "fraud-scorer", { credential: key });
    expect(response.status).toBe(424);
    expect(countsOf(emulator, "fraud-scorer", "blue").statuses).toEqual({ "424": 1 });
  });
});

describe("a scripted answer", () => {
  it("answers accepted requests with the given status, body and type, echoing the Authorization header where asked", async () => {
    emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment: "blue" }, { answer: { status: 403, body: '{"error": "refused {{authorization}}"}', contentType: "application/json" } });
    const response = await score(emulator, "fraud-scorer", { credential: key, deployment: "blue" });
    expect(response.status).toBe(403);
    expect(response.headers["content-type"]).toBe("application/json");
    expect(response.json).toEqual({ error: `refused Bearer ${key}` });
    expect((await score(emulator, "fraud-scorer", {})).status).toBe(401); // the credential is still checked first
    expect(countsOf(emulator, "fraud-scorer", "blue").statuses).toEqual({ "403": 1 });
  });
});

describe("authentication per authMode", () => {
  it("Key: the primary or secondary key; anything else, or nothing, is 401", async () => {
    const keys = (await arm.post(`${arm.endpointPath("fraud-scorer")}/listKeys`)).json;
    expect((await score(emulator, "fraud-scorer", { credential: keys.secondaryKey })).status).toBe(200);
    expect((await score(emulator, "fraud-scorer", {})).status).toBe(401);
    const wrong = await score(emulator, "fraud-scorer", { credential: `${key}x` });
    expect(wrong.status).toBe(401);
    expect(wrong.text).not.toContain(key);
    // Even a valid ARM token is no key.
    expect((await score(emulator, "fraud-scorer", { credential: emulator.issueToken() })).status).toBe(401);
  });

  it("Key: regenerateKeys invalidates the old key", async () => {
    await arm.writeAndWait("POST", `${arm.endpointPath("fraud-scorer")}/regenerateKeys`, { keyType: "Primary" });
    expect((await score(emulator, "fraud-scorer", { credential: key })).status).toBe(401);
    const fresh = (await arm.post(`${arm.endpointPath("fraud-scorer")}/listKeys`)).json.primaryKey;
    expect((await score(emulator, "fraud-scorer", { credential: fresh })).status).toBe(200);
  });

  it("AMLToken: the endpoint's token action; an ARM token or an expired token is 401", async () => {
    const token = (await arm.post(`${arm.endpointPath("churn-model")}/token`)).json.accessToken;
    expect((await score(emulator, "churn-model", { credential: token, body: { data: [[12, 70.5, 1]] } })).status).toBe(200);
    expect((await score(emulator, "churn-model", { credential: emulator.issueToken() })).status).toBe(401);
    const expired = emulator.issueToken({ audience: "https://ml.azure.com", expiresInSeconds: -60 });
    const refused = await score(emulator, "churn-model", { credential: expired });
    expect(refused.status).toBe(401);
    expect(refused.text).toContain("expired");
  });

  it("AADToken: an Entra token for https://ml.azure.com from the token endpoint", async () => {
    const http = new HttpsTestClient(emulator.url, emulator.ca);
    const form = new URLSearchParams({ grant_type: "client_credentials", client_id: "bot", client_secret: "s", scope: "https://ml.azure.com/.default" });
    const issued = await http.send(emulator.tokenUrl(), { method: "POST", headers: { "content-type": "application/x-www-form-urlencoded" }, body: form.toString() });
    const response = await score(emulator, "doc-classifier", { credential: issued.json.access_token, body: { data: [[1, 2]] } });
    expect(response.status).toBe(200);
    expect(response.json).toEqual([3]);
    expect((await score(emulator, "doc-classifier", { credential: key })).status).toBe(401);
  });
});

describe("routing", () => {
  it("splits live traffic by weight: 80/20 over 1000 calls, within tolerance", async () => {
    setTraffic({ blue: 80, green: 20 });
    const answered = await scoreMany(1000);
    // Binomial: sd = sqrt(1000 x 0.8 x 0.2) ≈ 12.6; ±50 is four of them.
    expect(answered["green"]).toBeGreaterThan(150);
    expect(answered["green"]).toBeLessThan(250);
    expect(answered["blue"]! + answered["green"]!).toBe(1000);
    expect(countsOf(emulator, "fraud-scorer", "green").live).toBe(answered["green"]);
  });

  it("replays the same routing after reset (seeded)", async () => {
    const sequence = async () => {
      for (const deployment of ["blue", "green"]) emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment }, { latencyMs: 0 });
      setTraffic({ blue: 50, green: 50 });
      const order: string[] = [];
      for (let i = 0; i < 20; i++) order.push(String((await score(emulator, "fraud-scorer", { credential: key })).headers["azureml-model-deployment"]));
      return order;
    };
    const first = await sequence();
    emulator.reset();
    expect(await sequence()).toEqual(first);
    expect(new Set(first).size).toBe(2);
  });

  it("mirrors a share of live requests to the shadow deployment, counted, never returned", async () => {
    setTraffic({ blue: 100, green: 0 }, { green: 30 });
    const answered = await scoreMany(1000);
    expect(answered).toEqual({ blue: 1000 });
    const green = countsOf(emulator, "fraud-scorer", "green");
    expect(green.live).toBe(0);
    expect(green.mirrored).toBeGreaterThan(250);
    expect(green.mirrored).toBeLessThan(350);
  });

  it("a pinned deployment answers at 0 % live traffic and is never mirrored", async () => {
    setTraffic({ blue: 100, green: 0 }, { green: 50 });
    await scoreMany(20, { deployment: "green" });
    await scoreMany(20, { deployment: "blue" });
    expect(countsOf(emulator, "fraud-scorer", "green")).toMatchObject({ live: 0, pinned: 20, mirrored: 0 });
    expect(countsOf(emulator, "fraud-scorer", "blue")).toMatchObject({ live: 0, pinned: 20, mirrored: 0 });
  });

  it("404 when no deployment has positive weight, while a pinned request still works", async () => {
    setTraffic({ blue: 0, green: 0 });
    const response = await score(emulator, "fraud-scorer", { credential: key });
    expect(response.status).toBe(404);
    expect(response.text).toBe(NO_ROUTE_MESSAGE);
    expect((await score(emulator, "fraud-scorer", { credential: key, deployment: "green" })).status).toBe(200);
    expect((await score(emulator, "fraud-scorer", { credential: key, deployment: "purple" })).status).toBe(404);
  });
});

describe("limits", () => {
  it("408 when the model takes longer than the deployment's request timeout", async () => {
    emulator.scoring.setKnobs({ endpoint: "doc-classifier", deployment: "v1-base" }, { latencyMs: 5_000 });
    const token = emulator.issueToken({ audience: "https://ml.azure.com" });
    const started = Date.now();
    const response = await score(emulator, "doc-classifier", { credential: token, body: { data: [[1, 2]] } });
    expect(response.status).toBe(408);
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(response.headers["azureml-model-deployment"]).toBe("v1-base");
  });

  it("429 beyond 2 x maxConcurrentRequestsPerInstance x instances in flight", async () => {
    emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment: "blue" }, { latencyMs: 200 });
    const answers = await Promise.all([1, 2, 3].map(() => score(emulator, "fraud-scorer", { credential: key, deployment: "blue" })));
    expect(answers.map((a) => a.status).sort()).toEqual([200, 200, 429]);
    const throttled = answers.find((a) => a.status === 429)!;
    expect(throttled.headers["ms-azureml-model-error-reason"]).toBe("too_many_pending_request");
    expect(throttled.headers["retry-after"]).toBe("1");
  });
});

describe("control surface", () => {
  it("sets knobs and reads counts and time-stamped events over HTTP", async () => {
    const http = new HttpsTestClient(emulator.url, emulator.ca);
    const since = Date.now();
    const set = await http.send("/__emulator/scoring", { method: "POST", body: { knobs: [{ endpoint: "fraud-scorer", deployment: "blue", errorRate: 1 }] } });
    expect(set.status).toBe(200);
    expect((await score(emulator, "fraud-scorer", { credential: key })).status).toBe(424);
    const stats = await http.send(`/__emulator/scoring?since=${since}`);
    expect(stats.json.deployments).toEqual([expect.objectContaining({ endpoint: "fraud-scorer", deployment: "blue", live: 1, statuses: { "424": 1 } })]);
    expect(stats.json.events).toEqual([expect.objectContaining({ deployment: "blue", route: "live", status: 424, modelStatus: 500, at: expect.any(String) })]);
    expect((await http.send("/__emulator/scoring", { method: "DELETE" })).status).toBe(204);
    expect((await http.send("/__emulator/scoring")).json.deployments).toEqual([]);
    expect((await http.send("/__emulator/scoring", { method: "POST", body: { knobs: [{ endpoint: "fraud-scorer", deployment: "blue", errorRate: 2 }] } })).status).toBe(400);
  });
});
