import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { FRAUD_BLUE_MODEL, FRAUD_GREEN_MODEL } from "../../tools/emulator/scoring-knobs.js";
import { ArmTestClient } from "../emulator/helpers/arm-http.js";
import { OPERATOR, textOf, VIEWER } from "../helpers/core-harness.js";
import { JWT_PATTERN, SKLEARN_JSON, startScoringHarness, type ScoringHarness } from "../helpers/scoring-harness.js";

let h: ScoringHarness;
let arm: ArmTestClient;
const issuedKeys = new Set<string>();

beforeAll(async () => {
  h = await startScoringHarness();
  arm = new ArmTestClient(h.emulator);
});
afterAll(async () => {
  // Whatever ran above: no key the emulator ever issued, and no token, in any reply or log line.
  expect(h.logs.some((line) => line.includes("scored endpoint"))).toBe(true);
  const all = h.everything();
  for (const key of issuedKeys) expect(all).not.toContain(key);
  expect(all).not.toMatch(JWT_PATTERN);
  await h.close();
});
beforeEach(async () => {
  h.emulator.reset();
  const keys = (await arm.post(`${arm.endpointPath("fraud-scorer")}/listKeys`)).json;
  issuedKeys.add(keys.primaryKey).add(keys.secondaryKey);
});

const linear = (model: { weights: number[]; bias: number }, row: number[]) => Math.round(row.reduce((s, x, i) => s + x * model.weights[i]!, model.bias) * 1e6) / 1e6;
const ROWS = [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [10, 9, 8, 7, 6, 5, 4, 3, 2, 1]];
const scoringRequests = () => h.emulator.requests.filter((r) => r.path.endsWith("/score"));
const armActions = (action: string) => h.emulator.requests.filter((r) => r.path.endsWith(`/${action}`)).length;
const counts = (endpoint: string, deployment: string) => h.emulator.scoring.stats().find((s) => s.endpoint === endpoint && s.deployment === deployment);

describe("aml invoke: the bot gets the credential itself, per authMode", () => {
  it("Key: lists the keys through ARM, scores, and shows status, latency, the deployment and the answer", async () => {
    const reply = await h.run(`invoke fraud-scorer ${SKLEARN_JSON}`);
    expect(reply.title).toBe("fraud-scorer → blue: 200 OK");
    expect(reply.tone).toBe("success");
    expect(reply.sections[0]).toMatchObject({ kind: "fields", fields: expect.arrayContaining([{ label: "Answered by", value: "blue (live traffic)" }]) });
    const code = reply.sections.find((s) => s.kind === "code");
    expect(code).toMatchObject({ language: "json" });
    expect(JSON.parse((code as { text: string }).text)).toEqual(ROWS.map((r) => linear(FRAUD_BLUE_MODEL, r)));
    expect(textOf(reply)).toContain("with the bot's own credential (never shown)");

    await h.run(`invoke fraud-scorer ${SKLEARN_JSON}`);
    expect(armActions("listKeys")).toBe(2); // one by this test's beforeEach, one by the bot: the second invoke reused it
  });

  it("AMLToken: gets a token from the endpoint's token action", async () => {
    const reply = await h.run('invoke churn-model {"data": [[12, 70.5, 1]]}');
    expect(reply.title).toBe("churn-model → main: 200 OK");
    expect(armActions("churn-model/token")).toBe(1);
  });

  it("AADToken: an Entra token for https://ml.azure.com from the bot's own identity", async () => {
    const reply = await h.run('invoke doc-classifier {"data": [[1, 2]]}');
    expect(reply.title).toBe("doc-classifier → v1-base: 200 OK");
    expect(textOf(reply)).toContain("3");
    expect(h.emulator.requests.some((r) => r.path.endsWith("/oauth2/v2.0/token") && r.status === 200)).toBe(true);
  });

  it("Key: after regenerateKeys the cached key gets 401, the bot lists the keys again once and succeeds", async () => {
    await h.run(`invoke fraud-scorer ${SKLEARN_JSON}`);
    await arm.writeAndWait("POST", `${arm.endpointPath("fraud-scorer")}/regenerateKeys`, { keyType: "Primary" });
    issuedKeys.add((await arm.post(`${arm.endpointPath("fraud-scorer")}/listKeys`)).json.primaryKey);
    const before = armActions("listKeys");
    const reply = await h.run(`invoke fraud-scorer ${SKLEARN_JSON}`);
    expect(reply.title).toBe("fraud-scorer → blue: 200 OK");
    expect(armActions("listKeys")).toBe(before + 1);
    expect(scoringRequests().map((r) => r.status).slice(-2)).toEqual([401, 200]);
  });
});

describe("routing", () => {
  it("--deployment pins a deployment at 0 % live traffic, and pinned requests are never mirrored", async () => {
    h.setTraffic("fraud-scorer", { blue: 100, green: 0 }, { green: 50 });
    const reply = await h.run(`invoke fraud-scorer ${SKLEARN_JSON} --deployment green`);
    expect(reply.title).toBe("fraud-scorer → green: 200 OK");
    expect(textOf(reply)).toContain("green (pinned)");
    expect(counts("fraud-scorer", "green")).toMatchObject({ pinned: 1, live: 0, mirrored: 0 });
  });

  it("follows the live weights: 80/20 over 100 invokes", async () => {
    h.setTraffic("fraud-scorer", { blue: 80, green: 20 });
    const answered: Record<string, number> = {};
    for (let i = 0; i < 100; i++) {
      const title = (await h.run(`invoke fraud-scorer ${SKLEARN_JSON}`)).title ?? "";
      const deployment = /→ (\w+):/.exec(title)?.[1] ?? "?";
      answered[deployment] = (answered[deployment] ?? 0) + 1;
    }
    // sd = sqrt(100 x 0.8 x 0.2) = 4; ±12 is three of them.
    expect(answered["green"]).toBeGreaterThanOrEqual(8);
    expect(answered["green"]).toBeLessThanOrEqual(32);
    expect((answered["blue"] ?? 0) + (answered["green"] ?? 0)).toBe(100);
  });

  it("mirrored copies are counted by the service but their answers never come back", async () => {
    h.setTraffic("fraud-scorer", { blue: 100, green: 0 }, { green: 50 });
    for (let i = 0; i < 20; i++) expect((await h.run(`invoke fraud-scorer ${SKLEARN_JSON}`)).title).toBe("fraud-scorer → blue: 200 OK");
    expect(counts("fraud-scorer", "green")?.mirrored).toBeGreaterThan(0);
    expect(counts("fraud-scorer", "green")?.live).toBe(0);
  });

  it("--compare sends the same request to both, in parallel, and shows the differences with deltas", async () => {
    const reply = await h.run(`invoke fraud-scorer ${SKLEARN_JSON} --compare blue,green`);
    expect(reply.title).toBe("Compare on fraud-scorer: blue vs green");
    const fields = reply.sections[0] as { kind: "fields"; fields: { label: string; value: string }[] };
    expect(fields.fields.map((f) => f.label)).toEqual(["blue", "green"]);
    expect(fields.fields[0]!.value).toMatch(/^200 OK · \d+ ms$/);
    expect(reply.sections.some((s) => s.kind === "table")).toBe(false);
    const blue = ROWS.map((r) => linear(FRAUD_BLUE_MODEL, r));
    const green = ROWS.map((r) => linear(FRAUD_GREEN_MODEL, r));
    const differences = reply.sections.find((s) => s.kind === "text" && s.text.startsWith("*2 differences*"));
    const lines = differences?.kind === "text" ? differences.text.split("\n") : [];
    expect(lines[0]).toBe("*2 differences*, blue → green (Δ = green − blue):");
    expect(lines.slice(1).map((l) => l.replace(/ · Δ .*$/, ""))).toEqual([`\`$[0]\`: ${blue[0]} → ${green[0]}`, `\`$[1]\`: ${blue[1]} → ${green[1]}`]);
    expect(lines[1]).toMatch(/ · Δ [+−]\d/);
    expect(reply.sections.filter((s) => s.kind === "code")).toHaveLength(2);
    expect(counts("fraud-scorer", "blue")?.pinned).toBe(1);
    expect(counts("fraud-scorer", "green")?.pinned).toBe(1);
  });
});

describe("what Azure ML answered, explained", () => {
  it("404 when no deployment has positive weight, with what to do", async () => {
    h.setTraffic("fraud-scorer", { blue: 0, green: 0 });
    const reply = await h.run(`invoke fraud-scorer ${SKLEARN_JSON}`);
    expect(reply.title).toBe("fraud-scorer: 404 Not found");
    expect(textOf(reply)).toContain("No deployment of `fraud-scorer` has positive live traffic");
    expect(textOf(reply)).toContain("No valid deployments to route to");
  });

  it("424 when the model fails, with the container's status and reason", async () => {
    h.emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment: "blue" }, { errorRate: 1 });
    const reply = await h.run(`invoke fraud-scorer ${SKLEARN_JSON}`);
    expect(reply.title).toBe("fraud-scorer → blue: 424 Model error");
    expect(textOf(reply)).toContain("The model container failed (container answered HTTP 500, model_error)");
  });

  it("408 when the model is slower than the deployment's request timeout", async () => {
    h.emulator.scoring.setKnobs({ endpoint: "doc-classifier", deployment: "v1-base" }, { latencyMs: 2_000 });
    const reply = await h.run('invoke doc-classifier {"data": [[1, 2]]}');
    expect(reply.title).toBe("doc-classifier → v1-base: 408 Request timeout");
    expect(textOf(reply)).toContain("request timeout");
  });

  it("the bot's own timeout: a clear message and how to allow longer", async () => {
    h.emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment: "blue" }, { latencyMs: 3_000 });
    const started = Date.now();
    const reply = await h.run(`invoke fraud-scorer ${SKLEARN_JSON} --timeout 1`);
    expect(Date.now() - started).toBeLessThan(2_500);
    expect(reply.title).toBe("No answer from fraud-scorer");
    expect(textOf(reply)).toContain("did not answer within 1 s");
    expect(textOf(reply)).toContain("--timeout 60");
  });
});

describe("a refusal's body is relayed without credentials, and cut", () => {
  const JWT = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJib3QiLCJhdWQiOiJodHRwczovL21sLmF6dXJlLmNvbSJ9.c2lnbmF0dXJlc2lnbmF0dXJlc2ln";
  const API_KEY = "k3yAbCdEf0123456789GhIjKlMnOpQrStUv";
  const SAS = "sv=2024-01-01&sr=b&sig=AbCdEf0123456789%2BsIgNaTuRe%3D&se=2030-01-01";
  const REQUEST_ID = "0b1c2d3e-4f50-4617-8293-a4b5c6d7e8f9";
  const secrets = [API_KEY, JWT, "AbCdEf0123456789%2BsIgNaTuRe%3D", "hunter2-not-a-real-password"];

  /** Every line of the reply, and the shown body (the code section). */
  const shown = (reply: Awaited<ReturnType<typeof h.run>>) => ({
    all: `${textOf(reply)}\n${JSON.stringify(reply)}`,
    code: (reply.sections.find((s) => s.kind === "code") as { text: string } | undefined)?.text ?? "",
  });

  it("401 whose JSON echoes the Authorization header and holds a key, a token and a SAS URL", async () => {
    const body = JSON.stringify({
      error: { code: "Unauthorized", message: "Credential rejected: Authorization: {{authorization}}", requestId: REQUEST_ID },
      key: API_KEY,
      token: JWT,
      model: `https://acct.blob.core.windows.net/models/m.pkl?${SAS}`,
      config: { password: "hunter2-not-a-real-password", retries: 3 },
      trace: "x".repeat(2_000),
    });
    h.emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment: "blue" }, { answer: { status: 401, body, contentType: "application/json" } });
    const reply = await h.run(`invoke fraud-scorer ${SKLEARN_JSON}`);
    expect(reply.title).toBe("fraud-scorer → blue: 401 Unauthorized");
    const { all, code } = shown(reply);
    for (const secret of [...secrets, ...issuedKeys]) expect(all).not.toContain(secret);
    expect(all).not.toMatch(/Bearer (?!\[redacted\])/);
    // Still readable: what was refused, and the id support asks for.
    expect(code).toContain('"code": "Unauthorized"');
    expect(code).toContain(REQUEST_ID);
    expect(code).toContain("[redacted]");
    expect(code.length).toBeLessThanOrEqual(502); // 500 and the "…" line
    expect(textOf(reply)).toMatch(/_Truncated: showing \d+ of \d+ lines \([\d,]+ of [\d,]+ characters\)\._/);
    expect(code).toContain("Credential rejected: Authorization: Bearer [redacted]");
  });

  it("a plain-text 403 with Bearer, api_key= and sig= values", async () => {
    const body = `Forbidden. Request had Authorization: {{authorization}}; retry with api_key=${API_KEY} or ${SAS}; token ${JWT}`;
    h.emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment: "blue" }, { answer: { status: 403, body } });
    const reply = await h.run(`invoke fraud-scorer ${SKLEARN_JSON}`);
    expect(reply.title).toBe("fraud-scorer → blue: 403 Forbidden");
    const { all, code } = shown(reply);
    for (const secret of [...secrets, ...issuedKeys]) expect(all).not.toContain(secret);
    expect(code).toMatch(/^Forbidden\. Request had Authorization: Bearer \[redacted\]; retry with api_key=\[redacted\] or sv=2024-01-01&sr=b&sig=\[redacted\]/);
  });

  it("--compare: neither side's refusal, nor the difference between them, shows a credential", async () => {
    for (const deployment of ["blue", "green"]) {
      const body = JSON.stringify({ error: "no", key: `${API_KEY}${deployment}`, echo: "{{authorization}}" });
      h.emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment }, { answer: { status: 400, body, contentType: "application/json" } });
    }
    const reply = await h.run(`invoke fraud-scorer ${SKLEARN_JSON} --compare blue,green`);
    const { all } = shown(reply);
    for (const secret of [API_KEY, ...issuedKeys]) expect(all).not.toContain(secret);
    expect(all).toContain("400 Bad request");
  });

  it("a successful answer is the model's output, shown as it is", async () => {
    h.emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment: "blue" }, { answer: { status: 400, body: "unused" } });
    h.emulator.scoring.setKnobs({ endpoint: "fraud-scorer", deployment: "green" }, {});
    const reply = await h.run(`invoke fraud-scorer ${SKLEARN_JSON} --deployment green`);
    expect(reply.title).toBe("fraud-scorer → green: 200 OK");
    expect(shown(reply).code).not.toContain("[redacted]");
  });
});

describe("bad input is answered at once, before anything is sent", () => {
  it("invalid JSON: says where and what was expected", async () => {
    const reply = await h.run('invoke fraud-scorer {"data": [[1, 2,]]}');
    expect(reply.title).toBe("Could not run `aml invoke`");
    expect(textOf(reply)).toContain("The request body is not valid JSON: at character 17, a trailing comma is not allowed before ']'.");
    expect(textOf(reply)).toContain('`{"data": [[1, 2,` ◀ here ▶ `]]}`');
    expect(scoringRequests()).toEqual([]);
  });

  it("an oversize body: the size and the limit", async () => {
    const big = JSON.stringify({ data: [Array.from({ length: 12_000 }, (_, i) => i + 0.5)] });
    const reply = await h.run(`invoke fraud-scorer ${big}`);
    expect(textOf(reply)).toMatch(/The request body is \d+\.\d KiB; at most 64\.0 KiB can be sent through the bot/);
    expect(scoringRequests()).toEqual([]);
  });

  it("curly quotes typed by a chat client are straightened", async () => {
    const reply = await h.run("invoke fraud-scorer {\u201cdata\u201d: [[1,2,3,4,5,6,7,8,9,10]]}");
    expect(reply.title).toBe("fraud-scorer → blue: 200 OK");
  });

  it("viewers may not run models", async () => {
    const reply = await h.run(`invoke fraud-scorer ${SKLEARN_JSON}`, VIEWER);
    expect(reply.title).toBe("Not allowed");
    expect(scoringRequests()).toEqual([]);
  });

  it("--compare needs two different deployments that exist", async () => {
    expect(textOf(await h.run(`invoke fraud-scorer ${SKLEARN_JSON} --compare blue`))).toContain("`--compare` takes two different deployments");
    expect(textOf(await h.run(`invoke fraud-scorer ${SKLEARN_JSON} --compare blue,purple`))).toContain("`fraud-scorer` has no deployment `purple`");
  });
});

describe("the operator's identity is never exposed", () => {
  it("a credential failure says what the bot's identity lacks, without any secret", async () => {
    // The cached key is refused once; the fresh listKeys is refused too.
    h.emulator.faults.failRequests({ path: "/score$", status: 401, count: 1 });
    h.emulator.faults.failRequests({ path: "/listKeys$", status: 403, code: "AuthorizationFailed", message: "The client does not have authorization to perform action 'listKeys'." });
    const reply = await h.run(`invoke fraud-scorer ${SKLEARN_JSON}`, OPERATOR);
    expect(reply.title).toBe("No credential for fraud-scorer");
    expect(textOf(reply)).toContain("may not call `listKeys` on the endpoint (HTTP 403");
  });
});
