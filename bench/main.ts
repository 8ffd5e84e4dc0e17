/**
 * `npm run bench`: the Slack ack path of the bot against hello-world Bolt and a bare `node:http` server doing the
 * same signature check, side by side. Cold start (spawn → first acked slash command; the bot bundled as
 * `npm run package` ships it, and not bundled), a Teams message right after a cold start, and warm ack latency
 * under concurrent load. Prints the results and writes docs/benchmarks.md. Settings: bench/options.ts (BENCH_*).
 *
 * The dependencies (Azurite, AML emulator, Slack stand-in) run in this process for the whole bench; every
 * measured server is a child process. Children are killed on every path out (errors, SIGINT, exit).
 */
import { execFileSync } from "node:child_process";
import { existsSync, rmSync } from "node:fs";
import { mkdir, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { bundleFunctions } from "../scripts/functions-bundle.js";
import { appPackageFiles, writeAppFolder } from "../scripts/package-files.js";
import { measureBreakdown, measureColdStarts, measureTeamsCold } from "./cold-suite.js";
import { measureDigest, renderDigestConsole, renderDigestMarkdown } from "./digest.bench.js";
import { loadAverage, machineFacts } from "./machine.js";
import { readOptions } from "./options.js";
import { measurePromotions } from "./promotions.bench.js";
import { renderPromotionsConsole, renderPromotionsMarkdown } from "./report-promotions.js";
import { killAllChildren } from "./processes.js";
import { renderConsole, renderMarkdown } from "./report.js";
import { startServices, type BenchServices } from "./services.js";
import { BUNDLED_APP_DIR, COMPILED_DIR } from "./variants.js";
import { measureWarm } from "./warm-suite.js";

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const log = (line: string): void => console.log(line);

let services: BenchServices | undefined;
/** Set on SIGINT/SIGTERM: what fails after that is the shutdown itself, not worth a report. */
let stopping = false;

/**
 * Before anything is measured: compiles the app and the bench's entry points to dist-bench/ (tsc, with a
 * package.json whose `main` names the compiled Functions entries, for the worker stand-in), and writes the
 * deployment package's files (`npm run package`'s bundle) to BUNDLED_APP_DIR.
 */
async function build(): Promise<number> {
  const started = performance.now();
  rmSync(COMPILED_DIR, { recursive: true, force: true });
  const tsc = createRequire(import.meta.url).resolve("typescript/bin/tsc");
  try {
    execFileSync(process.execPath, [tsc, "-p", join("bench", "tsconfig.json")], { stdio: "inherit" });
  } catch {
    // tsc still emits on type errors (noEmitOnError is off). Work in progress elsewhere in the tree should
    // not stop a measurement, but say so.
    log("  ! tsc reported errors (above); measuring what it emitted");
  }
  for (const entry of ["function-host", "functions-worker", "hello-bolt", "bare-server", "cold-probe"]) {
    if (!existsSync(join(COMPILED_DIR, "bench", `${entry}.js`))) throw new Error(`build did not produce ${COMPILED_DIR}/bench/${entry}.js`);
  }
  await mkdir(COMPILED_DIR, { recursive: true });
  await writeFile(join(COMPILED_DIR, "package.json"), `${JSON.stringify({ type: "module", main: "src/functions/*.function.js" })}\n`);
  const bundle = await bundleFunctions({ outdir: join(dirname(BUNDLED_APP_DIR), "stage") });
  await writeAppFolder(BUNDLED_APP_DIR, await appPackageFiles(ROOT, bundle));
  return performance.now() - started;
}

async function main(): Promise<void> {
  process.chdir(ROOT);
  const options = readOptions();
  const facts = machineFacts();
  log(`aml-chatops bench · ${facts.cpuModel} × ${facts.cpuCount} · Node ${facts.node} · load ${facts.loadAverage}`);
  log(`Compiling to ${COMPILED_DIR}/ and bundling to ${BUNDLED_APP_DIR} (not measured)…`);
  const buildMs = await build();
  log(`  done in ${(buildMs / 1000).toFixed(1)} s`);

  log("Starting Azurite, the AML emulator and the Slack and Teams stand-ins (kept up, not measured)…");
  services = await startServices();

  log(`Cold start: ${options.runs} runs per variant…`);
  const cold = await measureColdStarts(services, options.runs, log);
  log(`A Teams message right after a cold start: ${options.runs} runs per variant…`);
  const teamsCold = await measureTeamsCold(services, options.runs, log);
  log(`Cold-start breakdown: ${options.probeRuns} runs per bot variant…`);
  const breakdown = await measureBreakdown(services, options.probeRuns, log);
  log(`Warm ack latency: ${options.requests} requests per level (≤ ${options.maxSecondsPerLevel} s), concurrency ${options.concurrency.join(", ")}, queue worker ${options.worker}…`);
  const warm = await measureWarm(services, options, log);

  let digest: { result: Awaited<ReturnType<typeof measureDigest>>; loadAtStart: string; loadAtEnd: string } | undefined;
  if (options.digest === "on") {
    log("Digest of a large workspace: batched metrics calls against one call per resource…");
    const loadAtStart = loadAverage();
    const result = await measureDigest({ log });
    digest = { result, loadAtStart, loadAtEnd: loadAverage() };
  }

  let promotions: Awaited<ReturnType<typeof measurePromotions>> | undefined;
  if (options.promotions !== "off") {
    log(`Promotions at scale: ${options.promotions} at once, one-second steps…`);
    promotions = await measurePromotions(services, options.promotions, log);
  }

  const results = { facts, options, buildMs, cold, teamsCold, breakdown, warm, loadAtEnd: loadAverage() };
  log("");
  log(renderConsole(results));
  if (digest) log(renderDigestConsole(digest.result));
  if (promotions) log(renderPromotionsConsole(promotions));
  if (options.docsFile) {
    const digestSection = digest
      ? `\n## Digests: Azure Monitor calls\n\nThe digest of a workspace with many endpoints, each metrics call delayed by the emulator, batched (50 resources a call, as the port does) against one call per resource, side by side. Goal: at most 10 calls per query and 2 s. Load average (1, 5, 15 min): ${digest.loadAtStart} before, ${digest.loadAtEnd} after.\n\n${renderDigestMarkdown(digest.result)}`
      : "";
    await writeFile(options.docsFile, `${renderMarkdown(results)}${digestSection}${promotions ? `\n${renderPromotionsMarkdown(promotions)}` : ""}`);
    log(`\nWrote ${options.docsFile}`);
  }
}

async function shutdown(code: number): Promise<never> {
  killAllChildren();
  await services?.close();
  process.exit(code);
}

process.on("exit", killAllChildren);
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    stopping = true;
    log(`\n${signal}: stopping every child process…`);
    void shutdown(130);
  });
}

main().then(
  () => shutdown(0),
  (error: unknown) => {
    if (stopping) return;
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    void shutdown(1);
  },
);
