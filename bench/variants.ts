/** The processes under test, each started fresh by the cold-start runs and once for the warm runs. */
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";

export type VariantId = "bundled" | "compiled" | "tsx" | "bolt" | "bare";

export interface Variant {
  readonly id: VariantId;
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
  /** Added to the host environment. */
  readonly env: Readonly<Record<string, string>>;
}

/** tsx's CLI, as `npm start` runs it (it starts the script in a second node process with its loader). */
function tsxCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("tsx/package.json")), "dist", "cli.mjs");
}

/** The Bolt the hello world is built on: the same package, so the same version, as the bot's. */
export function boltVersion(): string {
  const require = createRequire(import.meta.url);
  return (require("@slack/bolt/package.json") as { version: string }).version;
}

/** tsc's output of the app and the bench (bench/tsconfig.json), with a package.json for the worker stand-in. */
export const COMPILED_DIR = "dist-bench";
/**
 * The deployment package's files (what `npm run package` zips), outside the repository so that nothing resolves
 * from its node_modules: the bundle must hold everything.
 */
export const BUNDLED_APP_DIR = join(tmpdir(), "aml-chatops-bench", "app");

const worker = (appDir: string): Pick<Variant, "command" | "args" | "env"> => ({
  command: process.execPath,
  args: [join(COMPILED_DIR, "bench", "functions-worker.js")],
  env: { BENCH_APP_DIR: appDir },
});

export function variant(id: VariantId, entry: "function-host" | "cold-probe" = "function-host"): Variant {
  switch (id) {
    case "bundled":
      return { id, label: "bot, bundled (npm run package)", ...worker(BUNDLED_APP_DIR) };
    case "compiled":
      return { id, label: "bot, tsc output (not bundled)", ...(entry === "cold-probe" ? { command: process.execPath, args: [join(COMPILED_DIR, "bench", "cold-probe.js")], env: {} } : worker(COMPILED_DIR)) };
    case "tsx":
      return { id, label: "bot, tsx (as npm start)", command: process.execPath, args: [tsxCli(), join("bench", `${entry}.ts`)], env: {} };
    case "bolt":
      return { id, label: `hello-world Bolt ${boltVersion()}`, command: process.execPath, args: [join(COMPILED_DIR, "bench", "hello-bolt.js")], env: {} };
    case "bare":
      return { id, label: "bare node:http", command: process.execPath, args: [join(COMPILED_DIR, "bench", "bare-server.js")], env: {} };
  }
}
