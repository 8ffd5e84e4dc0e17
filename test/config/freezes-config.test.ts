/** `policy.freezes` in the config file: weekly freezes read once at start-up, with errors that name the field. */
import { describe, expect, it } from "vitest";
import { readFileConfig } from "../../src/config/file-config.js";

const workspaces = [{ alias: "demo", subscriptionId: "s", resourceGroup: "rg", workspace: "ml-demo" }];
const read = (freezes: unknown[]) => readFileConfig({ json: JSON.stringify({ workspaces, policy: { bindings: [], freezes } }) }, () => "");
const weekend = { workspace: "demo", endpoints: ["churn-model"], weekly: { from: "Fri 16:00", to: "Mon 08:00" }, timeZone: "Europe/Paris", reason: "weekend freeze" };

describe("policy.freezes", () => {
  it("reads a weekly freeze into days and times, the zone to its canonical name, UTC by default", () => {
    expect(read([weekend])?.policy.freezes).toEqual([{ ...weekend, weekly: { from: { weekday: 5, hour: 16, minute: 0 }, to: { weekday: 1, hour: 8, minute: 0 } } }]);
    const { timeZone: _zone, ...withoutZone } = weekend;
    expect(read([{ ...withoutZone, weekly: { from: "saturday 00:00", to: "sun 23:59" } }])?.policy.freezes?.[0]?.timeZone).toBe("UTC");
    expect(read([{ ...weekend, timeZone: "europe/paris" }])?.policy.freezes?.[0]?.timeZone).toBe("Europe/Paris");
  });

  it("names the field of each mistake", () => {
    expect(() => read([{ ...weekend, weekly: { from: "Fry 16:00", to: "Mon 08:00" } }])).toThrow('policy.freezes.0.weekly.from: "Fry 16:00" is not a day and a time, e.g. "Fri 16:00"');
    expect(() => read([{ ...weekend, timeZone: "Paris" }])).toThrow('policy.freezes.0.timeZone: "Paris" is not an IANA time zone');
    expect(() => read([{ ...weekend, workspace: "prod" }])).toThrow('policy.freezes.0.workspace: no workspace has the alias "prod" (known: demo)');
    expect(() => read([{ ...weekend, reason: " " }])).toThrow("policy.freezes.0.reason: say why");
    expect(() => read([{ ...weekend, weekly: { from: "Fri 16:00", to: "friday 16:00" } }])).toThrow("policy.freezes.0.weekly.to: the freeze would end when it starts");
    expect(() => read([{ ...weekend, until: "Mon 08:00" }])).toThrow(/policy\.freezes\.0.*until/);
  });
});
