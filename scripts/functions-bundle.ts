/**
 * The function app as the Functions host loads it: one esbuild bundle per Functions entry
 * (`src/functions/*.function.ts`), ESM with code splitting, so what is imported with `import()` (the runtime, the
 * Slack and Teams adapters, ARM, Azure Monitor, identity, the chart renderer) becomes a chunk of its own, loaded
 * only when first used. The Slack ack path then never reads botbuilder or the ARM, identity and Monitor SDKs.
 *
 * Everything is bundled except `@azure/functions-core`, which is not a package: the Node worker answers
 * `require("@azure/functions-core")` itself (it wraps `Module.prototype.require`). ESM has no `require`, so each
 * file gets one from `createRequire`; the CommonJS parts of the bundle (`@azure/functions` among them) call it, and
 * the worker's hook still sees the call.
 *
 * Files the code reads beside itself at run time (`require.resolve("<package>/<file>")`: the chart renderer's
 * WebAssembly and font) are copied, with their package.json, into `<outdir>/node_modules/`, where Node's lookup from
 * the chunks finds them in the deployed zip too.
 *
 * Used by `npm run build` (scripts/build.ts), `npm run package`, the bench and the build test.
 */
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { build, type BuildOptions, type Metafile } from "esbuild";

/** Where the bundle goes, relative to the project root; package.json `main` points at its entries. */
export const BUNDLE_DIR = "dist";
/** The glob the Functions host loads (package.json `main`). */
export const FUNCTIONS_MAIN = `${BUNDLE_DIR}/functions/*.function.js`;
/** esbuild's record of what went into each output; kept beside the bundle, never deployed. */
export const METAFILE_NAME = "metafile.json";
const FUNCTIONS_SOURCE_DIR = "src/functions";

export interface BundleOptions {
  /** The project root (default: the current directory). */
  readonly root?: string;
  /** Output directory, absolute or relative to root (default `dist`); what an earlier bundle put there is removed first. */
  readonly outdir?: string;
  /** Entry files relative to root (default: every `src/functions/*.function.ts`). */
  readonly entries?: readonly string[];
  /** Where entry outputs go inside outdir (default `functions`). */
  readonly entryDir?: string;
}

export interface BundleResult {
  readonly outdir: string;
  readonly metafile: Metafile;
  /** Runtime files copied beside the bundle (relative to outdir). */
  readonly assets: readonly string[];
  readonly ms: number;
}

/** The settings both the function app and the bench's bundled probe are built with. */
export function bundleSettings(root: string, entries: readonly string[], outdir: string, entryDir: string): BuildOptions {
  return {
    absWorkingDir: root,
    entryPoints: [...entries],
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    entryNames: `${entryDir}/[name]`,
    chunkNames: "chunks/[name]-[hash]",
    // The Node worker provides it (see the header); everything else ships inside the bundle.
    external: ["@azure/functions-core"],
    banner: { js: 'import { createRequire as __bundleRequire } from "node:module"; const require = __bundleRequire(import.meta.url);' },
    metafile: true,
    // Maps stay in dist/ for reading a stack trace; the deployed zip leaves them out (scripts/package.ts).
    sourcemap: "external",
    sourcesContent: false,
    legalComments: "external",
    logLevel: "warning",
    // CommonJS packages that `require` an optional native helper in a try/catch (ws: bufferutil) are fine.
    logOverride: { "require-resolve-not-external": "silent" },
  };
}

export async function functionEntries(root: string): Promise<string[]> {
  const names = await readdir(join(root, FUNCTIONS_SOURCE_DIR));
  return names.filter((name) => name.endsWith(".function.ts")).sort().map((name) => `${FUNCTIONS_SOURCE_DIR}/${name}`);
}

export async function bundleFunctions(options: BundleOptions = {}): Promise<BundleResult> {
  const started = performance.now();
  const root = options.root ?? process.cwd();
  const outdir = resolve(root, options.outdir ?? BUNDLE_DIR);
  const entries = options.entries ?? (await functionEntries(root));
  if (entries.length === 0) throw new Error(`No Functions entries (${FUNCTIONS_SOURCE_DIR}/*.function.ts) under ${root}`);
  const entryDir = options.entryDir ?? "functions";
  // Only what a bundle writes: dist/ also holds other artefacts (npm run package:teams writes its zip there).
  for (const owned of [entryDir, "chunks", "node_modules", METAFILE_NAME]) await rm(join(outdir, owned), { recursive: true, force: true });
  const result = await build(bundleSettings(root, entries, outdir, entryDir));
  const metafile = result.metafile!;
  await writeFile(join(outdir, METAFILE_NAME), JSON.stringify(metafile));
  const assets = await copyRuntimeFiles(root, outdir, metafile);
  return { outdir, metafile, assets, ms: performance.now() - started };
}

/** `require.resolve("<package>/<path>")` with a literal package subpath: a file the code reads at run time. */
const RESOLVED_FILE = /\.resolve\(\s*"((?:@[a-z0-9._-]+\/)?[a-z0-9._-]+)\/([^"]+)"\s*\)/g;

async function copyRuntimeFiles(root: string, outdir: string, metafile: Metafile): Promise<string[]> {
  const fromRoot = createRequire(join(root, "package.json"));
  const wanted = new Map<string, string>();
  for (const output of Object.keys(metafile.outputs).filter((file) => file.endsWith(".js"))) {
    const code = await readFile(join(root, output), "utf8");
    for (const [, name, subpath] of code.matchAll(RESOLVED_FILE)) wanted.set(`${name}/${subpath}`, name!);
  }
  const copied: string[] = [];
  for (const [specifier, name] of [...wanted].sort()) {
    const source = fromRoot.resolve(specifier);
    const packageDir = packageRoot(source, name);
    for (const file of [source, join(packageDir, "package.json")]) {
      const target = join(outdir, "node_modules", name, relative(packageDir, file));
      await mkdir(dirname(target), { recursive: true });
      await copyFile(file, target);
      copied.push(relative(outdir, target).split(sep).join("/"));
    }
  }
  return [...new Set(copied)].sort();
}

function packageRoot(file: string, name: string): string {
  const marker = `${sep}node_modules${sep}${name.split("/").join(sep)}${sep}`;
  const at = file.lastIndexOf(marker);
  if (at < 0) throw new Error(`${file} is not inside node_modules/${name}`);
  return file.slice(0, at + marker.length - 1);
}
