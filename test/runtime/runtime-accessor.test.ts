/**
 * The one way a host gets its runtime: built on the first call and shared, a failed start not kept, and no
 * module state (two accessors are two runtimes). Real runtimes on Azurite; nothing reaches Azure.
 */
import { describe, expect, it } from "vitest";
import { ConfigError } from "../../commands/errors.js";
import { loadConfig, type AppConfig } from "../../src/config/config.js";
import { runtimeAccessor, runtimeOf } from "../../src/runtime/runtime-accessor.js";
import { uniqueQueueName, useAzurite } from "../helpers/azurite.js";

const storage = useAzurite();
const quiet = { info() {}, warn() {}, error() {} };

function azuriteConfig(): AppConfig {
  return loadConfig({ AzureWebJobsStorage: storage.azurite.connectionString, AML_JOB_QUEUE: uniqueQueueName("jobs") }, () => "");
}

describe("runtimeAccessor", () => {
  it("builds the runtime on the first call only, and hands every caller that one", async () => {
    let loads = 0;
    const runtime = runtimeAccessor({ config: () => (loads++, azuriteConfig()), overrides: { logger: quiet } });
    expect(loads).toBe(0);
    const [a, b] = await Promise.all([runtime(), runtime()]);
    expect(a).toBe(b);
    expect(await runtime()).toBe(a);
    expect(loads).toBe(1);
    expect(a.app.deps.logger).toBe(quiet);
  });

  it("does not keep a failed start: the next call tries again", async () => {
    let attempt = 0;
    const runtime = runtimeAccessor({
      config: () => {
        if (++attempt === 1) throw new ConfigError("AML_CONFIG_FILE is not readable");
        return azuriteConfig();
      },
      overrides: { logger: quiet },
    });
    await expect(runtime()).rejects.toThrow(ConfigError);
    expect((await runtime()).config.storage.kind).toBe("connection-string");
    expect(attempt).toBe(2);
  });

  it("refuses to start without Azure Storage: in-memory stores are only ever handed in", async () => {
    const runtime = runtimeAccessor({ config: () => loadConfig({}, () => ""), overrides: { logger: quiet } });
    await expect(runtime()).rejects.toThrow(/needs Azure Storage/);
  });

  it("keeps nothing at module level: two accessors build two runtimes, and runtimeOf hands back the one given", async () => {
    const first = await runtimeAccessor({ config: azuriteConfig, overrides: { logger: quiet } })();
    const second = await runtimeAccessor({ config: azuriteConfig, overrides: { logger: quiet } })();
    expect(first).not.toBe(second);
    expect(await runtimeOf(first)()).toBe(first);
  });
});
