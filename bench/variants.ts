/** The processes under test, each started fresh by the cold-start runs and once for the warm runs. */
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

export type VariantId = "compiled" | "tsx" | "bare";

export interface Variant {
  readonly id: VariantId;
  readonly label: string;
  readonly command: string;
  readonly args: readonly string[];
}

/** tsx's CLI, as `npm start` runs it (it starts the script in a second node process with its loader). */
function tsxCli(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve("tsx/package.json")), "dist", "cli.mjs");
}

export const COMPILED_DIR = "dist-bench";

export function variant(id: VariantId, entry: "function-host" | "cold-probe" = "function-host"): Variant {
  switch (id) {
    case "compiled":
      return { id, label: "bot, compiled JS (node, as Azure)", command: process.execPath, args: [join(COMPILED_DIR, "bench", `${entry}.js`)] };
    case "tsx":
      return { id, label: "bot, tsx (as npm start)", command: process.execPath, args: [tsxCli(), join("bench", `${entry}.ts`)] };
    case "bare":
      return { id, label: "bare node:http (baseline)", command: process.execPath, args: [join(COMPILED_DIR, "bench", "bare-server.js")] };
  }
}
