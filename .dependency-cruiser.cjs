/**
 * The layering rules of aml-chatops, checked in CI (`npm run layering`):
 * commands/ is the core and depends on nothing but itself and zod; adapters/ see the core's types but no
 * Azure SDK; src/ is the runtime and may use everything.
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
      name: "no-circular",
      severity: "error",
      from: {},
      to: { circular: true, viaOnly: { dependencyTypesNot: ["type-only"] } },
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
