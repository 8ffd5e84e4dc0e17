/**
 * The layering rules of aml-chatops, checked in CI (`npm run layering`):
 * commands/ is the core and depends on nothing but itself and zod; adapters/ see the core's types but no
 * Azure SDK; src/ is the runtime and may use everything the runtime needs; tools/, bench/ and scripts/ are developer
 * tooling that may import the runtime but are never imported by it.
 */
module.exports = {
  forbidden: [
    {
      name: "core-imports-only-itself",
      comment: "commands/ imports (even type-only) nothing but itself and zod: no chat SDK, no @azure/*, no adapters/ or src/, no node:http.",
      severity: "error",
      from: { path: "^commands/" },
      to: { pathNot: ["^commands/", "^node_modules/zod/"] },
    },
    {
      name: "adapters-no-azure",
      comment:
        "Chat adapters render and translate; Azure is reached only through the core's ports, and the runtime (src/) " +
        "hands adapters what they need (stores, job sinks) through the interfaces they own.",
      severity: "error",
      from: { path: "^adapters/" },
      to: { path: ["^node_modules/@azure/", "^src/"] },
    },
    {
      name: "runtime-imports-no-tools",
      comment:
        "What ships (commands/, adapters/, src/) never imports the developer tooling: the emulator, the local host and " +
        "stand-ins, the CLIs, the Azurite harness and packaging (tools/), the bench (bench/), the build (scripts/) or " +
        "the tests. Tools import the runtime, never the other way round, so `npm run build` cannot pull them in.",
      severity: "error",
      from: { path: "^(commands|adapters|src)/" },
      to: { path: "^(tools|bench|scripts|test)/" },
    },
    {
      name: "memory-stores-only-explicit",
      comment:
        "In-memory stores are for unit tests of the core and the terminal without a stack, handed to the composition " +
        "root explicitly (src/memory/memory-stores.ts); the runtime never imports them, so they are never a default.",
      severity: "error",
      from: { path: "^src/", pathNot: ["^src/memory/", "^tools/cli/"] },
      to: { path: "^src/memory/" },
    },
    {
      name: "no-circular",
      comment:
        "No cycles, type-only ones included (tsPreCompilationDeps keeps `import type` edges in the graph): a type-only " +
        "cycle still ties two modules' designs together, and one value import added later makes it a load-order bug.",
      severity: "error",
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: "node_modules" },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: "tsconfig.json" },
    exclude: { path: ["^test/", "^dist/"] },
    enhancedResolveOptions: { exportsFields: ["exports"], conditionNames: ["import", "require", "node", "default", "types"], extensions: [".ts", ".js", ".json"] },
  },
};
