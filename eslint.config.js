import js from "@eslint/js";
import tseslint from "typescript-eslint";

const NAMED_EXPORTS = { selector: "ExportDefaultDeclaration", message: "Use named exports." };
/**
 * zod's `z` export is a namespace object that holds all of zod, so a bundle that imports it keeps every schema type,
 * check and helper; `import * as z` lets esbuild keep only what the app uses (half of zod's bytes on a cold start).
 */
const ZOD_AS_NAMESPACE = {
  selector: "ImportDeclaration[source.value='zod'] > ImportSpecifier[imported.name='z']",
  message: 'Use import * as z from "zod" (tree-shaken in the bundle; see eslint.config.js).',
};

export default tseslint.config(
  { ignores: ["dist/", "dist-bench/", "node_modules/", ".data/", "coverage/", "**/__golden__/", ".dependency-cruiser.cjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["commands/**/*.ts", "adapters/**/*.ts", "src/**/*.ts", "tools/**/*.ts", "test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-restricted-syntax": ["error", NAMED_EXPORTS],
    },
  },
  {
    // What the function app ships (bundled by scripts/functions-bundle.ts).
    files: ["commands/**/*.ts", "adapters/**/*.ts", "src/**/*.ts"],
    rules: { "no-restricted-syntax": ["error", NAMED_EXPORTS, ZOD_AS_NAMESPACE] },
  },
  {
    // The core owns its ports and imports no SDK; the layering check (dependency-cruiser) enforces the rest.
    files: ["commands/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        { patterns: ["@azure/*", "@slack/*", "botbuilder*", "botframework-*", "@microsoft/*", "node:http", "node:https"] },
      ],
    },
  },
);
