/**
 * `npm run package`: builds the bundle (scripts/functions-bundle.ts) and writes dist/function-app.zip, what the
 * Functions host deploys: host.json, a package.json whose `main` is the entries' glob, and the bundle (entries,
 * chunks, the files the code reads at run time, the licences of what it bundles). Nothing else: no node_modules
 * to install, no source maps, no tools. `--out <path>` writes elsewhere (tests).
 *
 * The same files, unzipped, go to dist/function-app/ (`--folder <dir>`): `azd up` runs this script and deploys
 * that folder (azure.yaml `dist`), zipping it itself (scripts/package-files.ts, writeDeployFolder).
 */
import { mkdir, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { zip } from "../tools/packaging/zip.js";
import { bundleFunctions } from "./functions-bundle.js";
import { describeBundle } from "./bundle-report.js";
import { appPackageFiles, writeDeployFolder } from "./package-files.js";

const args = process.argv.slice(2);
const outAt = args.indexOf("--out");
const out = outAt >= 0 ? args[outAt + 1] : "dist/function-app.zip";
if (!out) throw new Error("--out needs a path");
const folderAt = args.indexOf("--folder");
const folder = folderAt >= 0 ? args[folderAt + 1] : "dist/function-app";
if (!folder) throw new Error("--folder needs a path");

const result = await bundleFunctions();
console.log(describeBundle(result));
const files = await appPackageFiles(process.cwd(), result);
const archive = zip(files.map((file) => ({ name: file.name, data: file.data })));
await mkdir(dirname(out), { recursive: true });
await writeFile(out, archive);
await writeDeployFolder(folder, files);
console.log(`Wrote ${out}: ${files.length} files, ${(archive.length / 2 ** 20).toFixed(1)} MiB, and the same files in ${folder}/ for azd (README: Deploy to Azure).`);
