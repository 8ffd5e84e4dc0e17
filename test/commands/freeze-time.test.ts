/** When a freeze starts and ends: the times people type, and the config's weekly windows, across time zones and DST. */
import { describe, expect, it } from "vitest";
import { parseFreezeTime } from "../../commands/freeze/freeze-time.js";
import { parseWeeklyTime, weeklyWindow, type RecurringFreeze } from "../../commands/freeze/weekly-freeze.js";

const NOW = new Date("2026-11-25T09:00:00Z"); // Wednesday; Paris is UTC+1
const at = (text: string, tz = "Europe/Paris", now = NOW): string => {
  const parsed = parseFreezeTime(text, tz, now);
  return parsed.ok ? parsed.at.toISOString() : `error: ${parsed.message}`;
};

describe("parseFreezeTime", () => {
  it("reads a time of day as its next occurrence, in the zone given", () => {
    expect(at("18:00")).toBe("2026-11-25T17:00:00.000Z");
    expect(at("08:00")).toBe("2026-11-26T07:00:00.000Z"); // 08:00 in Paris has passed today
    expect(at("18:00", "UTC")).toBe("2026-11-25T18:00:00.000Z");
    expect(at("today 18:00")).toBe("2026-11-25T17:00:00.000Z");
    expect(at("tomorrow 08:00")).toBe("2026-11-26T07:00:00.000Z");
    expect(at("Tomorrow  8h00")).toBe("2026-11-26T07:00:00.000Z");
  });

  it("reads a day of the week as the next one whose time is still to come", () => {
    expect(at("fri 16:00")).toBe("2026-11-27T15:00:00.000Z");
    expect(at("wednesday 12:00")).toBe("2026-11-25T11:00:00.000Z");
    expect(at("wed 08:00")).toBe("2026-12-02T07:00:00.000Z");
  });

  it("reads dates, local or with an offset, and lengths from now", () => {
    expect(at("2026-12-24 18:00")).toBe("2026-12-24T17:00:00.000Z");
    expect(at("2026-12-24T18:00")).toBe("2026-12-24T17:00:00.000Z");
    expect(at("2026-12-24")).toBe("2026-12-23T23:00:00.000Z");
    expect(at("2026-12-24T18:00Z")).toBe("2026-12-24T18:00:00.000Z");
    expect(at("2026-12-24T18:00:00+05:30")).toBe("2026-12-24T12:30:00.000Z");
    expect(at("2h")).toBe("2026-11-25T11:00:00.000Z");
    expect(at("90m")).toBe("2026-11-25T10:30:00.000Z");
    expect(at("3d")).toBe("2026-11-28T09:00:00.000Z");
  });

  it("takes a local time the clocks skip as the moment they jump", () => {
    expect(at("2027-03-28 02:30")).toBe("2027-03-28T01:00:00.000Z");
  });

  it("says what it cannot read, with examples", () => {
    expect(at("2026-02-30 10:00")).toBe("error: `2026-02-30 10:00` is not a date. Say `18:00`, `tomorrow 08:00`, `fri 16:00`, `2026-12-24 18:00`, `2026-12-24T18:00Z` or `2h` (read in Europe/Paris).");
    expect(at("25:00")).toContain("`25:00` is not a time of day (24-hour HH:MM).");
    expect(at("someday 10:00")).toContain("`someday` is not `today`, `tomorrow` or a day of the week.");
    expect(at("tomorrow")).toContain("`tomorrow` is not a time of day");
    expect(at("next friday at 10:00")).toContain("is not a time I can read");
  });
});

describe("weekly freezes", () => {
  const weekend: RecurringFreeze = {
    workspace: "demo",
    weekly: { from: parseWeeklyTime("Fri 16:00")!, to: parseWeeklyTime("mon 8:00")! },
    timeZone: "Europe/Paris",
    reason: "weekend",
  };
  const iso = (w: { from: Date; until: Date; active: boolean }): [string, string, boolean] => [w.from.toISOString(), w.until.toISOString(), w.active];

  it("reads a day and a time, and nothing else", () => {
    expect(parseWeeklyTime("Fri 16:00")).toEqual({ weekday: 5, hour: 16, minute: 0 });
    expect(parseWeeklyTime("Friday 16:00 sharp")).toBeUndefined();
    expect(parseWeeklyTime("16:00")).toBeUndefined();
  });

  it("is in force from its start to its end, and otherwise names the next window", () => {
    expect(iso(weeklyWindow(weekend, new Date("2026-11-28T12:00:00Z")))).toEqual(["2026-11-27T15:00:00.000Z", "2026-11-30T07:00:00.000Z", true]);
    expect(iso(weeklyWindow(weekend, new Date("2026-11-30T07:00:00Z")))).toEqual(["2026-12-04T15:00:00.000Z", "2026-12-07T07:00:00.000Z", false]);
    expect(iso(weeklyWindow(weekend, NOW))).toEqual(["2026-11-27T15:00:00.000Z", "2026-11-30T07:00:00.000Z", false]);
  });

  it("follows local time when the clocks go back inside the window", () => {
    // Paris leaves summer time on Sunday 2026-10-25: Friday 16:00 is 14:00 UTC, Monday 08:00 is 07:00 UTC.
    expect(iso(weeklyWindow(weekend, new Date("2026-10-24T12:00:00Z")))).toEqual(["2026-10-23T14:00:00.000Z", "2026-10-26T07:00:00.000Z", true]);
  });

  it("may wrap within a day: from Wednesday 08:00 to Wednesday 07:00 is all week but an hour", () => {
    const almost: RecurringFreeze = { ...weekend, weekly: { from: parseWeeklyTime("wed 08:00")!, to: parseWeeklyTime("wed 07:00")! } };
    expect(iso(weeklyWindow(almost, NOW))).toEqual(["2026-11-25T07:00:00.000Z", "2026-12-02T06:00:00.000Z", true]);
  });
});
