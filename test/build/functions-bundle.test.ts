/**
 * What `npm run build` and `npm run package` produce, read from esbuild's metafile (which source files went into
 * which output, and what each output imports), so the checks follow the code wherever it moves: the runtime holds no
 * development tool, the Slack ack path loads no SDK it does not need, and the zip holds the bundle and nothing else.
 */
import { readFile, readdir, rm } from "node:fs/promises";
import { builtinModules } from "node:module";
import { tmpdir } from "node:os";
import { join, relative, sep } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { inputsOf, outputFor, packagesOf, slackAckOutputs, staticClosure } from "../../scripts/bundle-report.js";
import { build } from "esbuild";
import { FUNCTIONS_MAIN, LEFT_OUT_OF_BOLT, METAFILE_NAME, bundleFunctions, functionEntries, zodEnglishOnly, type BundleResult } from "../../scripts/functions-bundle.js";
import { appPackageFiles, type PackageFile } from "../../scripts/package-files.js";
import { ErrorCode } from "../../commands/errors.js";

const ROOT = process.cwd();
const OUT = join(tmpdir(), `aml-chatops-build-test-${process.pid}`);

/** A development tool by its name: the AML emulator, a stand-in, Azurite, the local host or stack, a CLI or deploy helper. */
const TOOL_FILE = /(^|[/.-])(emulator|stand-in|azurite|local-host|local-stack|host-main)([/.-]|$)|^(tools|bench|scripts|test|deploy)\/|(^|\/)(cli|local|emulator)\//;
/** SDKs a Slack acknowledgement never needs: they must load only when used (Teams, ARM, Azure Monitor, identity). */
const LAZY_SDK = /^(botbuilder|botframework-|@azure\/(arm-|identity|msal-|monitor-)|@azure\/msal)/;

/** Required inside a try/catch by bundled packages, and fine to miss (ws: bufferutil, utf-8-validate; node-fetch: encoding). */
const OPTIONAL_REQUIRES = ["bufferutil", "utf-8-validate", "encoding"];

let bundle: BundleResult;
let devPackages: string[];
let zipFiles: PackageFile[];

beforeAll(async () => {
  bundle = await bundleFunctions({ outdir: OUT });
  const project = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { devDependencies: Record<string, string> };
  // selfsigned is a dependency only for the emulator's TLS certificates.
  devPackages = [...Object.keys(project.devDependencies), "selfsigned"];
  zipFiles = await appPackageFiles(ROOT, bundle);
}, 120_000);
afterAll(() => rm(OUT, { recursive: true, force: true }));

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => relative(dir, join(e.parentPath, e.name)).split(sep).join("/")).sort();
}

describe("npm run build", () => {
  it("produces one entry per Functions entry file, chunks, maps, licences and the files the code reads, nothing else", async () => {
    const files = await listFiles(OUT);
    const outputs = Object.keys(bundle.metafile.outputs).map((file) => relative(OUT, join(ROOT, file)).split(sep).join("/"));
    expect(files.filter((f) => !outputs.includes(f) && !bundle.assets.includes(f) && f !== METAFILE_NAME)).toEqual([]);
    const entries = (await functionEntries(ROOT)).map((source) => `functions/${source.split("/").pop()!.replace(/\.ts$/, ".js")}`);
    expect(files.filter((f) => f.startsWith("functions/") && f.endsWith(".js"))).toEqual(entries);
    for (const file of files.filter((f) => !entries.includes(f) && f !== METAFILE_NAME && !bundle.assets.includes(f))) {
      expect(file).toMatch(/^chunks\/[\w.-]+\.js(\.map|\.LEGAL\.txt)?$|^functions\/[\w.-]+\.js(\.map|\.LEGAL\.txt)$/);
    }
    expect(bundle.assets).toEqual(expect.arrayContaining(["node_modules/@resvg/resvg-wasm/index_bg.wasm", "node_modules/dejavu-fonts-ttf/ttf/DejaVuSans.ttf"]));
  });

  it("holds no emulator, stand-in, Azurite harness, local host, CLI or deploy file, and no development package", () => {
    const inputs = inputsOf(bundle.metafile, Object.keys(bundle.metafile.outputs));
    const projectFiles = inputs.filter((input) => !input.includes("node_modules/"));
    expect(projectFiles.length).toBeGreaterThan(50);
    expect(projectFiles.filter((input) => TOOL_FILE.test(input))).toEqual([]);
    expect(packagesOf(inputs).filter((name) => devPackages.includes(name))).toEqual([]);
  });

  it("loads no botbuilder, ARM, identity or Monitor SDK on the Slack ack path; each comes in a chunk of its own", () => {
    const ack = slackAckOutputs(bundle.metafile);
    const ackPackages = packagesOf(inputsOf(bundle.metafile, ack));
    expect(ackPackages).toEqual(expect.arrayContaining(["@slack/bolt", "@azure/storage-queue", "@azure/data-tables", "@azure/functions"]));
    expect(ackPackages.filter((name) => LAZY_SDK.test(name))).toEqual([]);
    const lazy = (source: string): string[] => packagesOf(inputsOf(bundle.metafile, staticClosure(bundle.metafile, [outputFor(bundle.metafile, source)])));
    expect(lazy("adapters/teams/teams.adapter.ts")).toContain("botbuilder");
    expect(lazy("src/azure/arm.endpoint-control.ts")).toContain("@azure/arm-machinelearning");
    expect(lazy("src/azure/credentials.ts")).toContain("@azure/identity");
    // The Monitor SDK is imported with import() inside the metrics port: a chunk of its own, loaded by that port.
    expect(packagesOf(inputsOf(bundle.metafile, Object.keys(bundle.metafile.outputs))).filter((name) => name.startsWith("@azure/monitor-"))).not.toEqual([]);
  });

  it("keeps each coded error's class name, which is its name, though it bundles without keepNames", async () => {
    const code = (await Promise.all(Object.keys(bundle.metafile.outputs).filter((file) => file.endsWith(".js")).map((file) => readFile(join(ROOT, file), "utf8")))).join("\n");
    for (const name of Object.keys(ErrorCode)) {
      // Defined under its own name (`var ConfigError = class extends …` names the class ConfigError) and never
      // renamed: esbuild would write ConfigError2 for a second top-level ConfigError, or `class _ConfigError`.
      expect(code, name).toMatch(new RegExp(`\\b${name}=class\\b|\\bclass ${name}\\b`));
      expect(code, name).not.toMatch(new RegExp(`\\b_?${name}\\d+\\b|\\bclass _${name}\\b`));
    }
  });

  it("leaves out of the Slack path what only Bolt's own receivers use (Express, socket mode, OAuth, raw-body)", () => {
    const ackPackages = packagesOf(inputsOf(bundle.metafile, slackAckOutputs(bundle.metafile)));
    expect(ackPackages.filter((name) => name in LEFT_OUT_OF_BOLT || ["ws", "iconv-lite", "jsonwebtoken"].includes(name))).toEqual([]);
  });

  it("keeps zod's English locale and no other; another one, if ever called, says why it is missing", async () => {
    const locales = Object.keys(bundle.metafile.inputs).filter((input) => /node_modules\/zod\/v4\/locales\/(?!index\.js$)/.test(input));
    expect(locales).toEqual(["node_modules/zod/v4/locales/en.js"]);
    const probe = await build({
      stdin: { contents: 'import { z } from "zod"; export const english = z.string().safeParse(1).error?.issues[0]?.message; export const french = () => z.locales.fr();', resolveDir: ROOT, loader: "js" },
      bundle: true,
      format: "esm",
      platform: "node",
      write: false,
      plugins: [zodEnglishOnly],
      logLevel: "silent",
    });
    const module = (await import(`data:text/javascript;base64,${Buffer.from(probe.outputFiles[0]!.text).toString("base64")}`)) as { english: string; french: () => unknown };
    expect(module.english).toBe("Invalid input: expected string, received number");
    expect(module.french).toThrow(/zod's "fr" locale is not in the function app's bundle: only English is/);
  });

  it("takes one copy of each package version, however many npm installed", async () => {
    // Modules a plugin made (`<namespace>:<path>`: Bolt's left-out packages, zod's locales index) are no package copies.
    const files = Object.keys(bundle.metafile.inputs).filter((input) => !/^[\w-]+:/.test(input));
    const dirs = new Set(files.map((input) => /^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//.exec(input)?.[1]).filter((dir): dir is string => dir !== undefined));
    const copies = new Map<string, string[]>();
    for (const dir of dirs) {
      const { name, version } = JSON.parse(await readFile(join(ROOT, dir, "package.json"), "utf8")) as { name: string; version: string };
      copies.set(`${name}@${version}`, [...(copies.get(`${name}@${version}`) ?? []), dir]);
    }
    expect([...copies].filter(([, found]) => found.length > 1)).toEqual([]);
    expect([...copies.keys()].filter((key) => key.startsWith("zod@3."))).toHaveLength(1);
  });

  it("keeps @azure/functions-core, which the Functions worker provides, as the only package outside the bundle", () => {
    const external = new Set(Object.values(bundle.metafile.outputs).flatMap((output) => output.imports.filter((i) => i.external).map((i) => i.path)));
    const packages = [...external].filter((path) => !path.startsWith("node:") && !builtinModules.includes(path.split("/")[0]!)).sort();
    // The others are optional native helpers that ws and node-fetch require inside a try/catch.
    expect(packages.filter((name) => !OPTIONAL_REQUIRES.includes(name))).toEqual(["@azure/functions-core"]);
  });
});

describe("npm run package", () => {
  it("zips host.json, a package.json whose main is the entries' glob, and the bundle: no maps, metafile or node_modules to install", async () => {
    const names = zipFiles.map((file) => file.name);
    expect(names.slice(0, 2)).toEqual(["host.json", "package.json"]);
    expect(names.slice(2).every((name) => name.startsWith("dist/"))).toBe(true);
    expect(names.filter((name) => name.endsWith(".map") || name.endsWith(METAFILE_NAME))).toEqual([]);
    const manifest = JSON.parse(zipFiles[1]!.data.toString("utf8")) as Record<string, unknown>;
    expect(manifest).toMatchObject({ type: "module", main: FUNCTIONS_MAIN });
    expect(manifest).not.toHaveProperty("dependencies");
    const [dir, pattern] = [FUNCTIONS_MAIN.slice(0, FUNCTIONS_MAIN.lastIndexOf("/") + 1), FUNCTIONS_MAIN.slice(FUNCTIONS_MAIN.lastIndexOf("/") + 1)];
    const [head, tail] = pattern.split("*") as [string, string];
    const matched = names.filter((name) => name.startsWith(dir) && !name.slice(dir.length).includes("/") && name.slice(dir.length).startsWith(head) && name.endsWith(tail));
    expect(matched).toHaveLength((await functionEntries(ROOT)).length);
    // Every file the code imports from another is in the zip.
    for (const output of Object.values(bundle.metafile.outputs)) {
      for (const imported of output.imports.filter((i) => !i.external)) expect(names).toContain(`dist/${relative(OUT, join(ROOT, imported.path)).split(sep).join("/")}`);
    }
  });

  it("is what package.json's main names in the repository too", async () => {
    const project = JSON.parse(await readFile(join(ROOT, "package.json"), "utf8")) as { main: string };
    expect(project.main).toBe(FUNCTIONS_MAIN);
  });
});
