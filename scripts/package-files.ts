/**
 * The files of the function app's deployment package, by name inside the zip (scripts/package.ts); the bundle's
 * files go under `dist/` (where `main` looks) wherever the bundle was built.
 */
import { mkdir, readFile, readdir, rm, writeFile } from "node:fs/promises";
import { dirname, join, relative, sep } from "node:path";
import { BUNDLE_DIR, FUNCTIONS_MAIN, METAFILE_NAME, type BundleResult } from "./functions-bundle.js";

export interface PackageFile {
  readonly name: string;
  readonly data: Buffer;
}

interface ProjectPackage {
  readonly name: string;
  readonly version: string;
  readonly main?: string;
  readonly engines?: Record<string, string>;
}

/** Not deployed: source maps (read them from dist/ beside a stack trace) and esbuild's metafile. */
const LEFT_OUT = (name: string): boolean => name.endsWith(".map") || name === METAFILE_NAME;

export async function appPackageFiles(root: string, bundle: BundleResult): Promise<PackageFile[]> {
  const project = JSON.parse(await readFile(join(root, "package.json"), "utf8")) as ProjectPackage;
  if (project.main !== FUNCTIONS_MAIN) throw new Error(`package.json "main" is ${JSON.stringify(project.main)}; the bundle's entries are ${FUNCTIONS_MAIN}`);
  // What the Node worker reads: `type` (the entries are ES modules) and `main` (which files to load). No
  // dependencies: everything is in the bundle, so nothing is installed on deployment.
  const manifest = { name: project.name, version: project.version, private: true, type: "module", main: FUNCTIONS_MAIN, ...(project.engines ? { engines: project.engines } : {}) };
  const bundled = (await listFiles(bundle.outdir)).filter((name) => isBundleFile(name) && !LEFT_OUT(name.split("/").pop()!));
  return [
    { name: "host.json", data: await readFile(join(root, "host.json")) },
    { name: "package.json", data: Buffer.from(`${JSON.stringify(manifest, null, 2)}\n`) },
    ...(await Promise.all(bundled.map(async (name) => ({ name: `${BUNDLE_DIR}/${name}`, data: await readFile(join(bundle.outdir, name)) })))),
  ];
}

/** The directories a bundle writes (scripts/functions-bundle.ts); dist/ may hold other artefacts. */
function isBundleFile(name: string): boolean {
  return ["functions/", "chunks/", "node_modules/"].some((dir) => name.startsWith(dir));
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => relative(dir, join(entry.parentPath, entry.name)).split(sep).join("/"))
    .sort();
}

/** Writes the package's files into `dir` (emptied first), as the host's wwwroot would hold them after a zip deploy. */
export async function writeAppFolder(dir: string, files: readonly PackageFile[]): Promise<void> {
  await rm(dir, { recursive: true, force: true });
  for (const file of files) {
    const target = join(dir, ...file.name.split("/"));
    await mkdir(dirname(target), { recursive: true });
    await writeFile(target, file.data);
  }
}

/**
 * The folder `azd up` deploys (azure.yaml `dist`): the package's files, plus a .funcignore that ignores only itself.
 * Without a .funcignore azd leaves out every node_modules directory, and the bundle's holds files the chart renderer
 * reads at run time (the WebAssembly and the font).
 */
export async function writeDeployFolder(dir: string, files: readonly PackageFile[]): Promise<void> {
  await writeAppFolder(dir, files);
  await writeFile(join(dir, FUNCIGNORE), `${FUNCIGNORE}\n`);
}

const FUNCIGNORE = ".funcignore";
