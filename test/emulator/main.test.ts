import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultScenario } from "../../tools/emulator/scenario.js";
import { HttpsTestClient } from "./helpers/arm-http.js";

const TSX = fileURLToPath(new URL("../../node_modules/.bin/tsx", import.meta.url));
const MAIN = fileURLToPath(new URL("../../tools/emulator/main.ts", import.meta.url));

let dir: string;
beforeAll(async () => {
  // The runner writes .data/emulator/ under its working directory; keep that out of the repository.
  dir = await mkdtemp(join(tmpdir(), "aml-main-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("npm run emulator (tools/emulator/main.ts)", () => {
  it("prints its URL, CA path and seeded ids, writes the CA, serves, and exits cleanly on SIGTERM", async () => {
    const scenario = defaultScenario();
    scenario.workspaces[0]!.endpoints[1]!.name = "churn-v2";
    const scenarioPath = join(dir, "scenario.json");
    await writeFile(scenarioPath, JSON.stringify(scenario));
    const child = spawn(TSX, [MAIN], {
      cwd: dir,
      env: { ...process.env, AML_EMULATOR_PORT: "0", AML_EMULATOR_SCENARIO: scenarioPath, AML_EMULATOR_LRO_DELAY_MS: "20" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      let output = "";
      child.stdout.on("data", (chunk: Buffer) => (output += chunk.toString()));
      child.stderr.on("data", (chunk: Buffer) => (output += chunk.toString()));
      const deadline = Date.now() + 15_000;
      while (!/onlineEndpoints\/churn-v2\/deployments\/main/.test(output)) {
        if (Date.now() > deadline || child.exitCode !== null) throw new Error(`emulator did not start:\n${output}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      const url = /listening on (https:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1];
      expect(url).toBeDefined();
      expect(output).toContain(join(dir, ".data", "emulator", "ca.pem"));
      expect(output).toContain("/onlineEndpoints/fraud-scorer/deployments/green");
      expect(output).toContain("lroDelayInMs 20");
      const ca = await readFile(join(dir, ".data", "emulator", "ca.pem"), "utf8");
      const health = await new HttpsTestClient(url!, ca).send("/__emulator/health");
      expect(health.json.status).toBe("ok");

      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null) child.kill("SIGKILL");
    }
  }, 30_000);
});
