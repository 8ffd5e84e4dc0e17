/** The config file's `events` entries: what each workspace's Azure ML events post, read once, mistakes by field. */
import { describe, expect, it } from "vitest";
import { loadConfig, LOCAL_EVENTS_SECRET } from "../../src/config/config.js";
import { readFileConfig } from "../../src/config/file-config.js";

const workspaces = [{ alias: "demo", subscriptionId: "s", resourceGroup: "rg", workspace: "ml-demo" }];
const read = (events: unknown[]) => readFileConfig({ json: JSON.stringify({ workspaces, events, policy: { bindings: [] } }) }, () => "");
const rule = { workspace: "demo", models: [{ name: "fraud-*", tags: ["stage=candidate"], endpoint: "fraud-scorer" }], runs: true, quietHours: { from: "22:00", to: "7:30", timeZone: "europe/paris" } };

describe("events rules", () => {
  it("reads tags into a map, times into hours and minutes, the zone to its canonical name", () => {
    expect(read([rule])?.events).toEqual([
      {
        workspace: "demo",
        models: [{ name: "fraud-*", tags: { stage: "candidate" }, endpoint: "fraud-scorer" }],
        runs: true,
        quietHours: { from: { hour: 22, minute: 0 }, to: { hour: 7, minute: 30 }, timeZone: "Europe/Paris" },
      },
    ]);
    expect(read([{ workspace: "demo", quietHours: { from: "01:00", to: "02:00" } }])?.events?.[0]?.quietHours?.timeZone).toBe("UTC");
  });

  it("names the field of each mistake", () => {
    expect(() => read([{ ...rule, workspace: "prod" }])).toThrow('events.0.workspace: no workspace has the alias "prod" (known: demo)');
    expect(() => read([rule, { workspace: "demo" }])).toThrow('events.1.workspace: "demo" has an events entry already');
    expect(() => read([{ ...rule, models: [{ tags: ["candidate"] }] }])).toThrow('events.0.models.0.tags.0: "candidate" is not a tag rule');
    expect(() => read([{ ...rule, quietHours: { from: "25:00", to: "07:00" } }])).toThrow('events.0.quietHours.from: "25:00" is not a 24-hour time');
    expect(() => read([{ ...rule, models: [{ endpoint: "x" }] }])).toThrow(/events\.0\.models\.0\.endpoint/);
    expect(() => read([{ ...rule, webhook: "https://x" }])).toThrow(/events\.0.*webhook/);
  });

  it("has a local events secret, and none in azure mode unless set", () => {
    expect(loadConfig({ AML_MODE: "local" }, () => "ca").eventsSecret).toBe(LOCAL_EVENTS_SECRET);
    expect(() => loadConfig({ AML_MODE: "local", AML_EVENTS_SECRET: "short" }, () => "ca")).toThrow(/AML_EVENTS_SECRET/);
  });
});
