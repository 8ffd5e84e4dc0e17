/**
 * The scoring port over real HTTPS to the emulator's scoring plane, with the real `@azure/identity` credential
 * and the real ARM SDK client for `listKeys` / `token`. Nothing is mocked; the clock is injected only where a
 * cached credential has to age.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Endpoint } from "../../commands/domain/endpoint.js";
import { createEmulatorCredential } from "../../src/azure/credentials.js";
import { ScoringClient, type ScoringClientOptions } from "../../src/azure/scoring.client.js";
import { startAmlEmulator, type RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { ArmTestClient } from "../emulator/helpers/arm-http.js";
import { capturingLogger, JWT_PATTERN, scoringScenario } from "../helpers/scoring-harness.js";
import { controlFor, workspaceOf } from "./emulator-harness.js";

let emulator: RunningAmlEmulator;
let arm: ArmTestClient;
const logs: string[] = [];

beforeAll(async () => {
  emulator = await startAmlEmulator({ scenario: scoringScenario(), lroDelayInMs: 20, tlsCacheDir: false });
  arm = new ArmTestClient(emulator);
});
afterAll(async () => {
  expect(logs.join("\n")).not.toMatch(JWT_PATTERN);
  await emulator.close();
});
beforeEach(() => emulator.reset());

function client(options: Partial<ScoringClientOptions> = {}): ScoringClient {
  const credential = createEmulatorCredential({ authorityHost: emulator.url, tenantId: emulator.scenario.tenantId, clientId: "bot", clientSecret: "bot-secret", ca: emulator.ca });
  return new ScoringClient({ credential, endpoint: emulator.url, tlsCa: emulator.ca, retryOptions: { maxRetries: 0 }, logger: capturingLogger(logs), ...options });
}

async function endpoint(name: string): Promise<Endpoint> {
  const found = await controlFor(emulator).getEndpoint(workspaceOf(emulator), name);
  if (!found) throw new Error(`no endpoint ${name}`);
  return found;
}

const BODY = { data: [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]] };
const count = (suffix: string) => emulator.requests.filter((r) => r.path.endsWith(suffix)).length;

describe("ScoringClient", () => {
  it("Key: lists the keys once, reuses them, and reports status, latency, deployment and request id", async () => {
    const scoring = client();
    const fraud = await endpoint("fraud-scorer");
    const first = await scoring.score(fraud, { body: BODY, timeoutInMs: 5_000 });
    const second = await scoring.score(fraud, { body: BODY, deployment: "green", timeoutInMs: 5_000 });
    expect(first).toMatchObject({ kind: "ok", value: { status: 200, deployment: "blue", body: [expect.any(Number)], requestId: expect.any(String) } });
    expect(second).toMatchObject({ kind: "ok", value: { status: 200, deployment: "green" } });
    expect(first.kind === "ok" && first.value.latencyInMs).toBeGreaterThan(0);
    expect(count("/listKeys")).toBe(1);
    const keys = (await arm.post(`${arm.endpointPath("fraud-scorer")}/listKeys`)).json;
    expect(JSON.stringify([first, second, logs])).not.toContain(keys.primaryKey);
  });

  it("Key: keys are listed again after their short TTL", async () => {
    let now = Date.now();
    const scoring = client({ now: () => now, keyTtlInMs: 60_000 });
    const fraud = await endpoint("fraud-scorer");
    await scoring.score(fraud, { body: BODY, timeoutInMs: 5_000 });
    now += 30_000;
    await scoring.score(fraud, { body: BODY, timeoutInMs: 5_000 });
    expect(count("/listKeys")).toBe(1);
    now += 31_000;
    await scoring.score(fraud, { body: BODY, timeoutInMs: 5_000 });
    expect(count("/listKeys")).toBe(2);
  });

  it("AMLToken: one token until its refresh time, then a new one", async () => {
    let now = Date.now();
    const scoring = client({ now: () => now });
    const churn = await endpoint("churn-model");
    const answer = await scoring.score(churn, { body: { data: [[24, 80, 0]] }, timeoutInMs: 5_000 });
    expect(answer).toMatchObject({ kind: "ok", value: { status: 200, deployment: "main" } });
    await scoring.score(churn, { body: { data: [[24, 80, 0]] }, timeoutInMs: 5_000 });
    expect(count("/churn-model/token")).toBe(1);
    now += 31 * 60_000; // the emulator, like AML, says refresh after half of the hour
    await scoring.score(churn, { body: { data: [[24, 80, 0]] }, timeoutInMs: 5_000 });
    expect(count("/churn-model/token")).toBe(2);
  });

  it("AADToken: asks the credential for https://ml.azure.com/.default", async () => {
    const answer = await client().score(await endpoint("doc-classifier"), { body: { data: [[2, 3]] }, timeoutInMs: 5_000 });
    expect(answer).toMatchObject({ kind: "ok", value: { status: 200, body: [5] } });
  });

  it("a 424 carries the model-error headers as the reason", async () => {
    emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment: "blue" }, { errorRate: 1 });
    const answer = await client().score(await endpoint("fraud-scorer"), { body: BODY, timeoutInMs: 5_000 });
    expect(answer).toMatchObject({ kind: "ok", value: { status: 424, reason: "container answered HTTP 500, model_error", body: { error: expect.any(String) } } });
  });

  it("takes the credential it sent out of whatever the endpoint echoes, before the core sees the answer", async () => {
    const scoring = client();
    const echo = (status: number) => ({ answer: { status, body: '{"you sent": "{{authorization}}"}', contentType: "application/json" } });
    emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment: "blue" }, echo(400)); // Key
    emulator.scoring.setKnobs({ endpoint: "churn-model", deployment: "main" }, echo(403)); // AMLToken
    const outcomes = [
      await scoring.score(await endpoint("fraud-scorer"), { body: BODY, timeoutInMs: 5_000 }),
      await scoring.score(await endpoint("churn-model"), { body: BODY, timeoutInMs: 5_000 }),
    ];
    for (const outcome of outcomes) expect(outcome).toMatchObject({ kind: "ok", value: { body: { "you sent": "Bearer [redacted]" } } });
    const keys = (await arm.post(`${arm.endpointPath("fraud-scorer")}/listKeys`)).json;
    expect(JSON.stringify(outcomes)).not.toContain(keys.primaryKey);
    expect(JSON.stringify(outcomes)).not.toMatch(JWT_PATTERN);
  });

  it("times out on its own deadline, and an abort from the caller stays an abort", async () => {
    emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment: "blue" }, { latencyMs: 2_000 });
    const scoring = client();
    const fraud = await endpoint("fraud-scorer");
    expect(await scoring.score(fraud, { body: BODY, timeoutInMs: 300 })).toEqual({ kind: "timeout", timeoutInMs: 300 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 100);
    await expect(scoring.score(fraud, { body: BODY, timeoutInMs: 5_000 }, { abortSignal: controller.signal })).rejects.toMatchObject({ name: "AbortError" });
  });

  it("no credential: an identity refused listKeys gets a message, not an exception", async () => {
    emulator.faults.failRequests({ path: "/listKeys$", status: 403, code: "AuthorizationFailed", message: "The client 'bot' does not have authorization to perform action 'listKeys'." });
    const answer = await client().score(await endpoint("fraud-scorer"), { body: BODY, timeoutInMs: 5_000 });
    expect(answer).toEqual({ kind: "no-credential", message: expect.stringContaining("may not call `listKeys` on the endpoint (HTTP 403") });
  });

  it("trusts the emulator's CA only when told, and never sends credentials over plain HTTP", async () => {
    const fraud = await endpoint("fraud-scorer");
    const untrusting = client({ tlsCa: undefined });
    // ARM is reached with the same (absent) CA, so the credential step is what fails first.
    await expect(untrusting.score(fraud, { body: BODY, timeoutInMs: 5_000 })).rejects.toThrow();
    const plain = { ...fraud, scoringUri: fraud.scoringUri!.replace("https:", "http:") };
    expect(await client().score(plain, { body: BODY, timeoutInMs: 5_000 })).toEqual({ kind: "unreachable", message: expect.stringContaining("not HTTPS") });
    const closed = { ...fraud, scoringUri: "https://127.0.0.1:9/inference/demo/fraud-scorer/score" };
    expect(await client().score(closed, { body: BODY, timeoutInMs: 5_000 })).toEqual({ kind: "unreachable", message: expect.stringContaining("ECONNREFUSED") });
  });
});
