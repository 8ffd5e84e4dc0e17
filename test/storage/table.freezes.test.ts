/** One contract for change freezes made in chat, in Azure Tables (on a real Azurite) and in memory. */
import { describe, expect, it } from "vitest";
import type { Freeze, Freezes } from "../../commands/ports/freezes.port.js";
import { MemoryFreezes } from "../../src/memory/memory.freezes.js";
import { TableFreezes } from "../../src/storage/table.freezes.js";
import { uniqueTableName, useAzurite } from "../helpers/azurite.js";

const fixture = useAzurite();

const stores: [string, () => Promise<Freezes>][] = [
  [
    "TableFreezes (Azurite)",
    async () => {
      const name = uniqueTableName("freezes");
      await fixture.clients.ensure({ tables: [name] });
      return new TableFreezes(fixture.clients.table(name));
    },
  ],
  ["MemoryFreezes", async () => new MemoryFreezes()],
];

function freeze(id: string, overrides: Partial<Freeze> = {}): Freeze {
  return {
    id,
    workspace: "demo",
    from: new Date("2026-11-25T09:00:00.000Z"),
    until: new Date("2026-11-25T18:00:00.000Z"),
    reason: "release week ☃",
    by: "alice",
    timeZone: "Europe/Paris",
    createdAt: new Date("2026-11-25T09:00:00.000Z"),
    ...overrides,
  };
}

describe.each(stores)("%s", (_name, create) => {
  it("adds once, lists by start then id (per workspace or all), and removes once", async () => {
    const store = await create();
    await store.add(freeze("fz-b", { endpoint: "fraud-scorer" }));
    await store.add(freeze("fz-b", { reason: "a redelivered job" }));
    await store.add(freeze("fz-a", { from: new Date("2026-11-26T09:00:00.000Z") }));
    await store.add(freeze("fz/c#?", { workspace: "Prod" }));
    expect((await store.list({ workspace: "demo" })).map((f) => f.id)).toEqual(["fz-b", "fz-a"]);
    expect((await store.list()).map((f) => f.id)).toEqual(["fz-b", "fz/c#?", "fz-a"]);
    expect((await store.list({ workspace: "DEMO" }))[0]).toEqual(freeze("fz-b", { endpoint: "fraud-scorer" }));
    expect((await store.list({ workspace: "prod" }))[0]).toMatchObject({ id: "fz/c#?", workspace: "prod" });
    expect(await store.remove("demo", "fz-b")).toBe(true);
    expect(await store.remove("demo", "fz-b")).toBe(false);
    expect(await store.remove("prod", "fz/c#?")).toBe(true);
    expect((await store.list()).map((f) => f.id)).toEqual(["fz-a"]);
  });

  it("reads a workspace-wide freeze back without an endpoint", async () => {
    const store = await create();
    await store.add(freeze("fz-w"));
    expect(await store.list()).toEqual([freeze("fz-w")]);
  });
});
