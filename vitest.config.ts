import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["test/**/*.test.ts"],
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Emulator and Azurite servers bind loopback ports; forks keep their lifetimes per file.
    pool: "forks",
  },
});
