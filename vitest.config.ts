import { configDefaults, defineConfig } from "vitest/config";

/** Suites that look at what the process has loaded, so they need a process of their own. */
const FRESH_PROCESS = ["test/adapters/teams/teams.lazy-load.test.ts"];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 30_000,
    // Emulator and Azurite servers bind loopback ports; forks keep their lifetimes per file.
    pool: "forks",
    // Vitest's default on this 2-core CI machine is one worker (cores - 1). Most suites wait on loopback servers,
    // Azurite and child hosts rather than on the CPU, so two files at a time finish far sooner.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: {
          name: "fresh-process",
          include: FRESH_PROCESS,
        },
      },
      {
        extends: true,
        test: {
          name: "shared",
          include: ["test/**/*.test.ts"],
          exclude: [...configDefaults.exclude, ...FRESH_PROCESS],
          // Files reuse their worker's loaded modules (botbuilder, the Azure SDKs, zod) instead of importing them
          // again for each of 125 files. No suite changes globals, timers or the environment, or mocks a module.
          isolate: false,
        },
      },
    ],
  },
});
