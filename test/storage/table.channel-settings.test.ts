import { describe, expect, it } from "vitest";
import type { ChannelRef } from "../../commands/invocation.js";
import { TableChannelSettings } from "../../src/storage/table.channel-settings.js";
import { decodeKey, encodeKey } from "../../src/storage/table-keys.js";
import { uniqueTableName, useAzurite } from "../helpers/azurite.js";

const fixture = useAzurite();

async function newSettings(): Promise<TableChannelSettings> {
  const tableName = uniqueTableName("channels");
  await fixture.clients.ensure({ tables: [tableName] });
  return new TableChannelSettings(fixture.clients.table(tableName));
}

const awkwardIds = [
  "C0123ABCD",
  "19:3f1c2e@thread.tacv2;messageid=1718000000000",
  "a:1Xr-Kn_yN8w/part\\two#frag?query=1",
  "O'Brien's ''channel''",
  "%2F already looks encoded %",
  "tab\there\nnewline\u0000nul\u007fdel\u0085nel",
  "ünïcødé 🚀 채널",
  "a/b",
  "a%2Fb",
  " leading and trailing ",
];

describe("TableChannelSettings", () => {
  it("returns empty defaults for an unknown channel", async () => {
    const settings = await newSettings();
    expect(await settings.getDefaults({ platform: "slack", id: "C-unknown" })).toEqual({});
  });

  it("round-trips defaults for awkward channel ids without collisions", async () => {
    const settings = await newSettings();
    for (const [i, id] of awkwardIds.entries()) {
      await settings.setDefaults({ platform: "teams", id }, { workspace: `ws-${i}`, endpoint: `ep-${i}` });
    }
    for (const [i, id] of awkwardIds.entries()) {
      expect(await settings.getDefaults({ platform: "teams", id })).toEqual({ workspace: `ws-${i}`, endpoint: `ep-${i}` });
    }
  });

  it("keeps platforms apart and replaces (clears) parts left undefined", async () => {
    const settings = await newSettings();
    const slack: ChannelRef = { platform: "slack", id: "C1" };
    const teams: ChannelRef = { platform: "teams", id: "C1" };
    await settings.setDefaults(slack, { workspace: "prod", endpoint: "fraud" });
    await settings.setDefaults(teams, { workspace: "dev" });
    expect(await settings.getDefaults(slack)).toEqual({ workspace: "prod", endpoint: "fraud" });
    expect(await settings.getDefaults(teams)).toEqual({ workspace: "dev" });
    await settings.setDefaults(slack, { workspace: "staging" });
    expect(await settings.getDefaults(slack)).toEqual({ workspace: "staging" });
    await settings.setDefaults(slack, {});
    expect(await settings.getDefaults(slack)).toEqual({});
  });
});

describe("table key encoding", () => {
  it("is reversible and removes every character Tables forbids", () => {
    for (const id of awkwardIds) {
      const key = encodeKey(id);
      // eslint-disable-next-line no-control-regex -- asserting that no control character survives
      expect(key).not.toMatch(/[/\\#?\u0000-\u001f\u007f-\u009f]/);
      expect(decodeKey(key)).toBe(id);
    }
    expect(encodeKey("a/b")).not.toBe(encodeKey("a%2Fb"));
  });

  it("rejects keys over 1 KiB", () => {
    expect(() => encodeKey("x".repeat(600))).toThrow(/too long/);
  });
});
