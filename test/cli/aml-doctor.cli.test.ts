/**
 * `npm run aml -- doctor` as a new user would type it: the terminal CLI in its own process, against an AML emulator
 * (nothing else running), prints the checklist and exits 0 when nothing fails; with a scenario that withholds one
 * action it names the action and the fix and exits 1.
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startAmlEmulator, type RunningAmlEmulator } from "../../tools/emulator/aml-emulator.js";
import { defaultScenario } from "../../tools/emulator/scenario.js";

const CLI = resolve("tools/cli/aml.ts");
/** tsx as this project has it: the CLI runs from an empty directory, where `--import tsx` would not resolve. */
const TSX = import.meta.resolve("tsx");
const DENIED = "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/regenerateKeys/action";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "aml-doctor-cli-"));
});
afterAll(() => rm(dir, { recursive: true, force: true }));

/** Runs the CLI in an empty directory (no .env, no live `npm start` note), with only the emulator's settings. */
async function amlDoctor(emulator: RunningAmlEmulator): Promise<{ code: number; stdout: string; stderr: string }> {
  const ca = join(dir, `ca-${emulator.url.split(":").at(-1)}.pem`);
  await writeFile(ca, emulator.ca);
  const env = { PATH: process.env["PATH"] ?? "", HOME: process.env["HOME"] ?? dir, AML_EMULATOR_URL: emulator.url, AML_EMULATOR_CA_FILE: ca, NO_COLOR: "1" };
  return new Promise((done, fail) => {
    execFile(process.execPath, ["--import", TSX, CLI, "doctor"], { cwd: dir, env, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== "number") return fail(error);
      done({ code: typeof error?.code === "number" ? error.code : 0, stdout, stderr });
    });
  });
}

describe("npm run aml -- doctor", () => {
  it("prints the checklist, all green against the emulator, and exits 0", async () => {
    const emulator = await startAmlEmulator({ tlsCacheDir: false });
    try {
      const { code, stdout, stderr } = await amlDoctor(emulator);
      expect(stderr).toBe("");
      expect(stdout).toContain("aml doctor: all green");
      expect(stdout).toMatch(/✅ Permissions: all \d+ actions the bot needs are granted/);
      expect(stdout).not.toContain("❌");
      expect(code).toBe(0);
    } finally {
      await emulator.close();
    }
  }, 90_000);

  it("names the one action a scenario withholds with its fix, and exits 1", async () => {
    const scenario = defaultScenario();
    scenario.permissions = [{ clientId: "*", actions: ["Microsoft.MachineLearningServices/*", "Microsoft.Insights/metrics/read", "Microsoft.Authorization/permissions/read"], notActions: [DENIED] }];
    const emulator = await startAmlEmulator({ scenario, tlsCacheDir: false });
    try {
      const { code, stdout } = await amlDoctor(emulator);
      expect(stdout).toContain("aml doctor: 1 problem");
      expect(stdout).toContain(`❌ Permissions: the bot's identity lacks \`${DENIED}\` (keys rotate)`);
      expect(stdout).toContain("Fix: deploy deploy/workspace-access.bicep for this workspace (its role assigned at the workspace)");
      expect(code).toBe(1);
    } finally {
      await emulator.close();
    }
  }, 90_000);
});
