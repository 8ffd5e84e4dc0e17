import js from "@eslint/js";
import tseslint from "typescript-eslint";

export default tseslint.config(
  { ignores: ["dist/", "dist-bench/", "node_modules/", ".data/", "coverage/", "**/__golden__/", ".dependency-cruiser.cjs"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["commands/**/*.ts", "adapters/**/*.ts", "src/**/*.ts", "tools/**/*.ts", "test/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "@typescript-eslint/consistent-type-imports": "error",
      "no-restricted-syntax": ["error", { selector: "ExportDefaultDeclaration", message: "Use named exports." }],
    },
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
