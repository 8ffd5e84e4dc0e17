/**
 * `npm run emulator`: runs the AML emulator in the foreground until SIGINT/SIGTERM.
 *
 * Environment: AML_EMULATOR_PORT (default 7400), AML_EMULATOR_SCENARIO (JSON scenario file),
 * AML_EMULATOR_LRO_DELAY_MS (default 300), AML_EMULATOR_PROVISION_MS (how long a new deployment stays Creating;
 * default 5000, or the scenario's `provisioning.deploymentMs`). Writes the CA to .data/emulator/ca.pem.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { join, resolve } from "node:path";
import { endpointId, deploymentId } from "./arm-ids.js";
import { startAmlEmulator } from "./aml-emulator.js";
import { loadScenario, ScenarioError } from "./scenario.js";

const CA_PATH = join(".data", "emulator", "ca.pem");
/** A few seconds: long enough to watch a deployment being created, short enough to wait for. */
const DEFAULT_PROVISION_MS = 5000;

function intFromEnv(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 0) throw new Error(`${name} must be a non-negative integer, got '${raw}'.`);
  return value;
}

async function main(): Promise<void> {
  const port = intFromEnv("AML_EMULATOR_PORT", 7400);
  const lroDelayInMs = intFromEnv("AML_EMULATOR_LRO_DELAY_MS", 300);
  const scenarioPath = process.env["AML_EMULATOR_SCENARIO"];
  const scenario = scenarioPath === undefined || scenarioPath === "" ? undefined : await loadScenario(scenarioPath);
  const provisionDelayInMs = intFromEnv("AML_EMULATOR_PROVISION_MS", scenario?.provisioning?.deploymentMs ?? DEFAULT_PROVISION_MS);

  const emulator = await startAmlEmulator({ port, lroDelayInMs, provisionDelayInMs, ...(scenario === undefined ? {} : { scenario }) });
  await mkdir(join(".data", "emulator"), { recursive: true });
  await writeFile(CA_PATH, emulator.ca);

  const s = emulator.scenario;
  const lines = [
    `AML emulator listening on ${emulator.url}`,
    `  CA certificate:  ${resolve(CA_PATH)}   (export NODE_EXTRA_CA_CERTS=${resolve(CA_PATH)})`,
    `  token endpoint:  ${emulator.tokenUrl()}   (authorityHost ${emulator.url}, tenant ${s.tenantId})`,
    `  control surface: ${emulator.url}/__emulator/health | faults | reset | requests | state`,
    `  scenario:        ${scenarioPath ?? "(default)"}, lroDelayInMs ${lroDelayInMs}, provisionDelayInMs ${provisionDelayInMs}`,
    `  subscription ${s.subscriptionId}`,
  ];
  for (const ws of s.workspaces) {
    const ref = { subscriptionId: s.subscriptionId, resourceGroup: ws.resourceGroup ?? s.resourceGroup, name: ws.name };
    for (const model of ws.models ?? []) {
      lines.push(`  model ${ws.name}/${model.name}: versions ${model.versions.map((v) => (typeof v === "string" ? v : v.version)).join(", ")}`);
    }
    for (const endpoint of ws.endpoints) {
      const traffic = Object.entries(endpoint.traffic ?? {}).map(([d, pct]) => `${d}=${pct}%`).join(" ");
      lines.push(`  ${endpointId(ref, endpoint.name)}  [${endpoint.authMode}] ${traffic}`);
      for (const deployment of endpoint.deployments ?? []) {
        lines.push(`    ${deploymentId(ref, endpoint.name, deployment.name)}  ${deployment.model} ${deployment.instanceType} x${deployment.capacity}`);
      }
    }
  }
  console.log(lines.join("\n"));

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal} received, stopping the AML emulator...`);
    emulator.close().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error("AML emulator failed to stop cleanly:", error);
        process.exit(1);
      },
    );
  };
  process.once("SIGINT", () => stop("SIGINT"));
  process.once("SIGTERM", () => stop("SIGTERM"));
}

main().catch((error: unknown) => {
  console.error(error instanceof ScenarioError || error instanceof Error ? error.message : error);
  process.exit(1);
});
