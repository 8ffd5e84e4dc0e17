/**
 * Reading esbuild's metafile: which output files a path through the app loads (an entry and the chunks of the
 * modules it imports with `import()`, each with everything they import statically), and which packages those files
 * were built from. The build prints it; the build test checks the Slack ack path with it.
 */
import type { Metafile } from "esbuild";
import type { BundleResult } from "./functions-bundle.js";

export const SLACK_ENTRY = "src/functions/slack.function.ts";
/** The Slack adapter, wherever it lives: what the runtime imports with import() on the first Slack request. */
const SLACK_ADAPTER = /(^|\/)slack\.adapter\.ts$/;

/** The output built for a source file that is an entry or the target of an `import()`. */
export function outputFor(metafile: Metafile, source: string): string {
  const found = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint === source);
  if (!found) throw new Error(`No output has ${source} as its entry point (is it still imported with import()?)`);
  return found[0];
}

/** The outputs that loading `starts` reads: themselves and every file they import statically, transitively. */
export function staticClosure(metafile: Metafile, starts: readonly string[]): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const output = metafile.outputs[file];
    if (!output) return; // a Node built-in or the external @azure/functions-core
    seen.add(file);
    for (const imported of output.imports) if (imported.kind === "import-statement" && !imported.external) visit(imported.path);
  };
  starts.forEach(visit);
  return [...seen];
}

/**
 * The outputs the Slack ack path loads: the Slack entry with what it imports; the chunks its modules import with
 * `import()` on the first invocation (the config and the runtime), with theirs; and the Slack adapter's chunk, which
 * the runtime imports on the first Slack request. Only the entry's own `import()`s are followed, not the runtime's
 * (the Teams adapter, ARM, Monitor, identity): those load when used.
 */
export function slackAckOutputs(metafile: Metafile): string[] {
  const entry = staticClosure(metafile, [outputFor(metafile, SLACK_ENTRY)]);
  const firstCall = entry.flatMap((file) => metafile.outputs[file]!.imports.filter((i) => i.kind === "dynamic-import" && !i.external).map((i) => i.path));
  const adapter = Object.entries(metafile.outputs).find(([, output]) => output.entryPoint !== undefined && SLACK_ADAPTER.test(output.entryPoint));
  if (!adapter) throw new Error("No chunk has the Slack adapter (slack.adapter.ts) as its entry point: is it still imported with import()?");
  return staticClosure(metafile, [...entry, ...firstCall, adapter[0]]);
}

/** The source files (project files and node_modules files) that went into `outputs`. */
export function inputsOf(metafile: Metafile, outputs: readonly string[]): string[] {
  return [...new Set(outputs.flatMap((file) => Object.keys(metafile.outputs[file]?.inputs ?? {})))].sort();
}

/** `node_modules/@azure/identity/dist/…` → `@azure/identity`; a project file → undefined. */
export function packageOf(input: string): string | undefined {
  const parts = input.split("/");
  const at = parts.lastIndexOf("node_modules");
  if (at < 0) return undefined;
  const first = parts[at + 1];
  if (!first) return undefined;
  return first.startsWith("@") ? `${first}/${parts[at + 2] ?? ""}` : first;
}

export function packagesOf(inputs: readonly string[]): string[] {
  return [...new Set(inputs.map(packageOf).filter((name): name is string => name !== undefined))].sort();
}

function bytes(metafile: Metafile, outputs: readonly string[]): number {
  return outputs.reduce((sum, file) => sum + (metafile.outputs[file]?.bytes ?? 0), 0);
}

const kib = (value: number): string => `${(value / 1024).toFixed(0)} KiB`;

/** What `npm run build` prints. */
export function describeBundle(result: BundleResult): string {
  const { metafile } = result;
  const js = Object.keys(metafile.outputs).filter((file) => file.endsWith(".js"));
  const entries = js.filter((file) => metafile.outputs[file]!.entryPoint?.startsWith("src/functions/"));
  const ack = slackAckOutputs(metafile);
  const lazy = js.filter((file) => !ack.includes(file) && metafile.outputs[file]!.entryPoint);
  const lines = [
    `Bundled ${entries.length} Functions entries into ${result.outdir} in ${(result.ms / 1000).toFixed(1)} s: ${js.length} files, ${kib(bytes(metafile, js))}.`,
    `Slack ack path: ${ack.length} files, ${kib(bytes(metafile, ack))}; packages: ${packagesOf(inputsOf(metafile, ack)).join(", ")}.`,
    "Loaded on first use (import()):",
    ...lazy
      .map((file) => ({ file, source: metafile.outputs[file]!.entryPoint!, size: bytes(metafile, staticClosure(metafile, [file]).filter((f) => !ack.includes(f))) }))
      .sort((a, b) => b.size - a.size)
      .map(({ source, size }) => `  ${source.padEnd(48)} +${kib(size)}`),
  ];
  if (result.assets.length) lines.push(`Files read at run time, copied beside the bundle: ${result.assets.join(", ")}.`);
  return lines.join("\n");
}
