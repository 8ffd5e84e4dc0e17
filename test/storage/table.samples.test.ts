/**
 * One contract for both sample stores: the Table one on a real Azurite, and the in-memory one the terminal uses.
 */
import { describe, expect, it } from "vitest";
import type { Sample, SampleStore } from "../../commands/ports/sample-store.port.js";
import { MemorySampleStore } from "../../src/memory/memory.sample-store.js";
import { TableSampleStore } from "../../src/storage/table.samples.js";
import { uniqueTableName, useAzurite } from "../helpers/azurite.js";

const fixture = useAzurite();

const at = new Date("2026-11-25T09:00:00Z");
const sample = (endpoint: string, name: string, body = '{"data":[[1,2,3]]}', workspace = "demo"): Sample => ({ workspace, endpoint, name, body, savedBy: "ops", savedAt: at });

const stores: [string, () => Promise<SampleStore>][] = [
  [
    "TableSampleStore (Azurite)",
    async () => {
      const table = uniqueTableName("samples");
      await fixture.clients.ensure({ tables: [table] });
      return new TableSampleStore(fixture.clients.table(table));
    },
  ],
  ["MemorySampleStore", async () => new MemorySampleStore()],
];

describe.each(stores)("%s", (_name, create) => {
  it("round-trips a sample, and an unknown one is undefined", async () => {
    const store = await create();
    await store.save(sample("fraud-scorer", "small"));
    expect(await store.get("demo", "fraud-scorer", "small")).toEqual(sample("fraud-scorer", "small"));
    expect(await store.get("demo", "fraud-scorer", "other")).toBeUndefined();
    expect(await store.get("prod", "fraud-scorer", "small")).toBeUndefined();
  });

  it("names are case-insensitive, as AML's are; saving again replaces", async () => {
    const store = await create();
    await store.save(sample("fraud-scorer", "Small", '{"data":[[1]]}'));
    await store.save(sample("Fraud-Scorer", "small", '{"data":[[2]]}'));
    expect((await store.get("demo", "FRAUD-SCORER", "SMALL"))?.body).toBe('{"data":[[2]]}');
    expect(await store.list("demo")).toHaveLength(1);
  });

  it("keeps a 64 KiB body with any characters, and a shorter one replacing it", async () => {
    const store = await create();
    // 64 KiB of UTF-8 is at most 65,536 UTF-16 units: more than two Table string properties hold.
    const big = JSON.stringify({ text: "ünïcødé 🚀 abcdefghij".repeat(3_100), data: [[1, 2, 3]] });
    expect(big.length).toBeGreaterThan(64_000);
    await store.save(sample("fraud-scorer", "big", big));
    expect((await store.get("demo", "fraud-scorer", "big"))?.body).toBe(big);
    await store.save(sample("fraud-scorer", "big", "[1]"));
    expect((await store.get("demo", "fraud-scorer", "big"))?.body).toBe("[1]");
  });

  it("lists a workspace's samples, or one endpoint's, sorted by endpoint then name", async () => {
    const store = await create();
    for (const [endpoint, name] of [["fraud-scorer", "b"], ["churn-model", "z"], ["fraud-scorer", "a"], ["fraud", "x"], ["fraud-scorer2", "c"]] as const) {
      await store.save(sample(endpoint, name));
    }
    await store.save(sample("fraud-scorer", "elsewhere", "[1]", "prod"));
    const all = await store.list("demo");
    expect(all.map((s) => `${s.endpoint}/${s.name}`)).toEqual(["churn-model/z", "fraud/x", "fraud-scorer/a", "fraud-scorer/b", "fraud-scorer2/c"]);
    expect((await store.list("demo", "fraud-scorer")).map((s) => s.name)).toEqual(["a", "b"]);
    expect((await store.list("demo", "fraud")).map((s) => s.name)).toEqual(["x"]);
    expect(await store.list("demo", "nothing-here")).toEqual([]);
  });
});
