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
 * Bolt's package loads all its receivers when it loads, and with them Express, @slack/socket-mode, @slack/oauth and
 * raw-body (with iconv-lite): more than half of what the Slack adapter would otherwise load. The app hands Bolt its
 * own receiver (adapters/slack/raw-http.receiver.ts) and never runs those, so for Bolt's modules they are left out
 * (LEFT_OUT_OF_BOLT): each becomes a small module that throws, naming itself, if anything ever uses it.
 *
 * npm leaves several copies of one package version when it cannot hoist them (botbuilder, botbuilder-core,
 * botframework-connector and botframework-schema each have zod 3.25.76; two have @azure/msal-node 2.16.3). The
 * bundle takes one copy of each version (oneCopyPerVersion, from package-lock.json), so the Teams adapter's chunk
 * does not carry the same code four times.
 *
 * Files the code reads beside itself at run time (`require.resolve("<package>/<file>")`: the chart renderer's
 * WebAssembly and font) are copied, with their package.json, into `<outdir>/node_modules/`, where Node's lookup from
 * the chunks finds them in the deployed zip too.
 *
 * Used by `npm run build` (scripts/build.ts), `npm run package`, the bench and the build test.
 */
import { existsSync, readFileSync, realpathSync } from "node:fs";
import { copyFile, mkdir, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { createRequire } from "node:module";
import { dirname, join, relative, resolve, sep } from "node:path";
import { build, type BuildOptions, type Metafile, type Plugin } from "esbuild";

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
  /** esbuild settings to change, to try one (the bench, experiments). */
  readonly overrides?: Partial<BuildOptions>;
}

export interface BundleResult {
  readonly outdir: string;
  readonly metafile: Metafile;
  /** Runtime files copied beside the bundle (relative to outdir). */
  readonly assets: readonly string[];
  readonly ms: number;
}

/**
 * What only Bolt's own receivers use (ExpressReceiver, SocketModeReceiver, HTTPReceiver and its OAuth installer, and
 * HTTPModuleFunctions' body parsing), with the reason; replaced for importers inside @slack/bolt only.
 */
export const LEFT_OUT_OF_BOLT: Readonly<Record<string, string>> = {
  express: "Bolt's ExpressReceiver",
  "@slack/socket-mode": "Bolt's SocketModeReceiver",
  "@slack/oauth": "the OAuth installer of Bolt's receivers",
  "raw-body": "the body parsing of Bolt's HTTPReceiver and ExpressReceiver",
};

/** A module that is there (Bolt's modules require it when they load) but throws as soon as it is used. */
function leftOutModule(name: string, usedBy: string): string {
  const message = `${name} is not in the function app's bundle: only ${usedBy} uses it, and the app gives Bolt its own receiver (scripts/functions-bundle.ts, LEFT_OUT_OF_BOLT).`;
  return `const fail = () => { throw new Error(${JSON.stringify(message)}); };
// An arrow function: callable (so the throw says why), with no non-configurable keys to report.
module.exports = new Proxy(() => undefined, {
  get: (_, key) => (key === "__esModule" || key === "then" || typeof key === "symbol" ? undefined : fail()),
  has: () => false,
  ownKeys: () => [],
  apply: fail,
  set: fail,
});
`;
}

export const leaveOutOfBolt: Plugin = {
  name: "leave-out-of-bolt",
  setup(build) {
    const names = Object.keys(LEFT_OUT_OF_BOLT).map((name) => name.replace(/[/.]/g, "\\$&"));
    build.onResolve({ filter: new RegExp(`^(${names.join("|")})$`) }, (args) =>
      /[\\/]node_modules[\\/]@slack[\\/]bolt[\\/]/.test(args.importer) ? { path: args.path, namespace: "left-out-of-bolt" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "left-out-of-bolt" }, (args) => ({ contents: leftOutModule(args.path, LEFT_OUT_OF_BOLT[args.path]!), loader: "js" }));
  },
};

/**
 * zod (v4) exports all its locales (`z.locales`, `z.core.locales`: 60-odd languages, half of zod's bytes on the
 * Slack ack path) from one index that the `z` namespace keeps whole, while zod speaks English (`locales/en.js`,
 * which it imports itself) unless told otherwise and the app never tells it. Each other locale becomes a function
 * that throws, naming itself, if anything ever calls it. Half the bytes is less for Node to read and V8 to compile
 * on every cold start: importing zod alone took 84 ms of CPU instead of 116 here (medians of 30, load 9).
 */
export const zodEnglishOnly: Plugin = {
  name: "zod-english-only",
  setup(build) {
    build.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]v4[\\/]/.test(args.importer) ? { path: join(dirname(args.importer), "..", "locales", "index.js"), namespace: "zod-english-only" } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: "zod-english-only" }, async (args) => {
      const names = [...(await readFile(args.path, "utf8")).matchAll(/export \{ default as (\w+) \} from "\.\/\1\.js";/g)].map((m) => m[1]!);
      if (!names.includes("en")) throw new Error(`${args.path}: no English locale among ${names.join(", ")} (has zod changed its locales index?)`);
      const contents = [
        'export { default as en } from "./en.js";',
        "const leftOut = (name) => () => {",
        "  throw new Error(`zod's \"${name}\" locale is not in the function app's bundle: only English is (scripts/functions-bundle.ts, zodEnglishOnly).`);",
        "};",
        ...names.filter((name) => name !== "en").map((name) => `export const ${name} = leftOut("${name}");`),
      ];
      return { contents: contents.join("\n"), resolveDir: dirname(args.path), loader: "js" };
    });
  },
};

/** `node_modules/a/node_modules/@b/c/lib/x.js` → `node_modules/a/node_modules/@b/c` (and the name `@b/c`). */
function packageDirOf(relativePath: string): { dir: string; name: string } | undefined {
  const at = relativePath.lastIndexOf("node_modules/");
  if (at < 0) return undefined;
  const parts = relativePath.slice(at + "node_modules/".length).split("/");
  const name = parts[0]?.startsWith("@") ? `${parts[0]}/${parts[1]}` : parts[0];
  return name ? { dir: `${relativePath.slice(0, at)}node_modules/${name}`, name } : undefined;
}

/**
 * Resolves every import of a package to one copy per version: the least nested (then first by path) of the copies
 * package-lock.json lists with that version. Identical versions are identical code, so only the duplicates go.
 */
export function oneCopyPerVersion(root: string, lock: { packages?: Record<string, { version?: string }> }): Plugin {
  // Paths in the lock are relative to the folder of node_modules, which esbuild reports with links resolved.
  const base = existsSync(join(root, "node_modules")) ? dirname(realpathSync(join(root, "node_modules"))) : root;
  const versionOf = new Map<string, string>();
  const canonical = new Map<string, string>();
  const byDepthThenPath = Object.keys(lock.packages ?? {})
    .filter((dir) => dir.includes("node_modules/"))
    .sort((a, b) => a.split("node_modules/").length - b.split("node_modules/").length || a.localeCompare(b));
  for (const dir of byDepthThenPath) {
    const version = lock.packages![dir]!.version;
    const name = packageDirOf(`${dir}/`)?.name;
    if (!version || !name) continue;
    versionOf.set(dir, version);
    if (!canonical.has(`${name}@${version}`)) canonical.set(`${name}@${version}`, dir);
  }
  return {
    name: "one-copy-per-version",
    setup(build) {
      build.onResolve({ filter: /^[^./]/ }, async (args) => {
        if (args.namespace !== "file" || (args.pluginData as { deduped?: boolean } | undefined)?.deduped) return undefined;
        const resolved = await build.resolve(args.path, { kind: args.kind, resolveDir: args.resolveDir, importer: args.importer, pluginData: { deduped: true } });
        if (resolved.errors.length > 0 || resolved.external || resolved.namespace !== "file") return undefined;
        const relativePath = relative(base, resolved.path).split(sep).join("/");
        const pkg = packageDirOf(relativePath);
        const version = pkg && versionOf.get(pkg.dir);
        const target = pkg && version ? canonical.get(`${pkg.name}@${version}`) : undefined;
        if (!pkg || !target || target === pkg.dir) return { path: resolved.path, sideEffects: resolved.sideEffects };
        const path = join(base, target, relativePath.slice(pkg.dir.length));
        return existsSync(path) ? { path, sideEffects: resolved.sideEffects } : { path: resolved.path, sideEffects: resolved.sideEffects };
      });
    },
  };
}

/** The settings both the function app and the bench's bundled probe are built with. */
export function bundleSettings(root: string, entries: readonly string[], outdir: string, entryDir: string): BuildOptions {
  const lock = JSON.parse(readFileSync(join(root, "package-lock.json"), "utf8")) as Parameters<typeof oneCopyPerVersion>[1];
  return {
    absWorkingDir: root,
    entryPoints: [...entries],
    outdir,
    bundle: true,
    splitting: true,
    format: "esm",
    platform: "node",
    target: "node20",
    // No keepNames: it wraps every function and class of the bundle in a `__name(fn, "fn")` call that runs as each
    // module loads (and each time a closure is made), 44 ms of CPU of a cold start here. Without it, esbuild renames
    // a top-level name that two modules of one chunk share (RestError2); the app's coded errors, which take their
    // `name` from their class, are checked to keep theirs (test/build/functions-bundle.test.ts), and the packages'
    // errors set their `name` themselves.
    // Fewer bytes for Node to decode and V8 to parse at every cold start (about a tenth less CPU per chunk here);
    // names stay, so a stack trace still reads, and the maps in dist/ place it.
    minifyWhitespace: true,
    minifySyntax: true,
    entryNames: `${entryDir}/[name]`,
    chunkNames: "chunks/[name]-[hash]",
    // The Node worker provides it (see the header); everything else ships inside the bundle.
    external: ["@azure/functions-core"],
    banner: { js: 'import { createRequire as __bundleRequire } from "node:module"; const require = __bundleRequire(import.meta.url);' },
    plugins: [leaveOutOfBolt, zodEnglishOnly, oneCopyPerVersion(root, lock)],
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
  const result = await build({ ...bundleSettings(root, entries, outdir, entryDir), ...options.overrides });
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
