import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ArmTestClient } from "../emulator/helpers/arm-http.js";
import { OPERATOR, textOf, VIEWER } from "../helpers/core-harness.js";
import { JWT_PATTERN, SKLEARN_JSON, startScoringHarness, type ScoringHarness } from "../helpers/scoring-harness.js";

let h: ScoringHarness;
let arm: ArmTestClient;

beforeAll(async () => {
  h = await startScoringHarness();
  arm = new ArmTestClient(h.emulator);
});
afterAll(() => h.close());
beforeEach(() => h.emulator.reset());

const codeBlocks = (reply: { sections: readonly { kind: string; text?: string }[] }) => reply.sections.filter((s) => s.kind === "code").map((s) => s.text ?? "");

describe("aml curl", () => {
  it("Key: the scoring URI, the content type, a $AML_KEY placeholder and how to get a key; no secret", async () => {
    const reply = await h.run("curl fraud-scorer", VIEWER);
    expect(reply.title).toBe("curl for fraud-scorer");
    const [obtain, curl] = codeBlocks(reply);
    expect(obtain).toBe("AML_KEY=$(az ml online-endpoint get-credentials --name fraud-scorer --resource-group ml-rg --workspace-name demo -o tsv --query primaryKey)");
    expect(curl).toBe(
      [
        `curl -sS -X POST '${h.emulator.url}/inference/demo/fraud-scorer/score' \\`,
        "  -H 'Content-Type: application/json' \\",
        '  -H "Authorization: Bearer $AML_KEY" \\',
        "  -d @request.json",
      ].join("\n"),
    );
    // Showing a command needs no credential at all: the bot fetched none.
    expect(h.emulator.requests.filter((r) => /\/(listKeys|token)$/.test(r.path) && !r.path.includes("oauth2"))).toEqual([]);
    const keys = (await arm.post(`${arm.endpointPath("fraud-scorer")}/listKeys`)).json;
    expect(JSON.stringify(reply)).not.toContain(keys.primaryKey);
    expect(JSON.stringify(reply)).not.toContain(keys.secondaryKey);
  });

  it("pins a deployment with the header, and AADToken gets an Entra token for https://ml.azure.com", async () => {
    const pinned = codeBlocks(await h.run("curl fraud-scorer --deployment green", VIEWER))[1];
    expect(pinned).toContain("-H 'azureml-model-deployment: green' \\");
    const [obtain, curl] = codeBlocks(await h.run("curl doc-classifier", VIEWER));
    expect(obtain).toBe("AML_TOKEN=$(az account get-access-token --resource https://ml.azure.com --query accessToken -o tsv)");
    expect(curl).toContain('-H "Authorization: Bearer $AML_TOKEN"');
    const [token] = codeBlocks(await h.run("curl churn-model", VIEWER));
    expect(token).toContain("--query accessToken");
  });

  it("fills in a body, shell-quoted", async () => {
    const curl = codeBlocks(await h.run(`curl fraud-scorer {"note": "it's", "data": [[1]]}`, VIEWER))[1];
    expect(curl).toContain(`-d '{"note":"it'\\''s","data":[[1]]}'`);
  });
});

describe("aml sample", () => {
  it("save, list, show, and `@name` in invoke and --compare", async () => {
    const saved = await h.run(`sample save fraud-scorer small ${SKLEARN_JSON}`);
    expect(saved.title).toBe("Sample @small saved for fraud-scorer");
    expect((await h.run(`sample save fraud-scorer small ${SKLEARN_JSON}`)).title).toBe("Sample @small replaced for fraud-scorer");

    const list = await h.run("sample list", VIEWER);
    expect(list.sections).toEqual([{ kind: "text", text: expect.stringMatching(/^\*@small\* · fraud-scorer · 56 bytes · saved by ops, \d{4}-\d\d-\d\d \d\d:\d\d UTC$/) }]);
    const show = await h.run("sample show fraud-scorer small", VIEWER);
    expect(codeBlocks(show)[0]).toContain('"data": [\n    [1, 2, 3, 4, 5, 6, 7, 8, 9, 10],');

    const invoked = await h.run("invoke fraud-scorer @small --deployment green");
    expect(invoked.title).toBe("fraud-scorer → green: 200 OK");
    expect(textOf(invoked)).toContain("from sample `@small`");
    const compared = await h.run("invoke fraud-scorer @small --compare blue,green");
    expect(textOf(compared)).toMatch(/\*2 differences\*, blue → green[^\n]*\n`\$\[0\]`: [\d.]+ → [\d.]+ · Δ [+−][\d.]+[^\n]*\n`\$\[1\]`: /);
  });

  it("an unknown sample lists the saved ones; viewers may list but not save", async () => {
    await h.run('sample save fraud-scorer tiny {"data": [[0,0,0,0,0,0,0,0,0,1]]}');
    const missing = await h.run("invoke fraud-scorer @nope");
    expect(missing.title).toBe("Sample not found");
    expect(textOf(missing)).toContain("Saved for `fraud-scorer`:");
    expect(textOf(missing)).toContain("`@tiny`");
    const denied = await h.run('sample save fraud-scorer x {"data": [[1]]}', VIEWER);
    expect(denied.title).toBe("Not allowed");
    expect((await h.run("sample show fraud-scorer x", VIEWER)).title).toBe("Sample not found");
  });

  it("refuses invalid JSON and unknown endpoints before saving", async () => {
    expect(textOf(await h.run('sample save fraud-scorer bad {"data": [[1,]]}'))).toContain("Sample `@bad` is not valid JSON");
    expect((await h.run('sample save fraud-scorr x {"data": [[1]]}', OPERATOR)).title).toBe("Endpoint not found");
    expect(textOf(await h.run("sample frobnicate"))).toContain("`frobnicate` is not a sample action");
  });

  it("no reply or log line carries a key or a token", () => {
    expect(h.everything()).not.toMatch(JWT_PATTERN);
  });
});
