/**
 * Digest schedules in IANA time zones, with both DST edges of Europe/Paris (2026: clocks jump at 01:00Z on
 * 29 March and fall back at 01:00Z on 25 October) and America/New_York (07:00Z on 8 March, 06:00Z on 1 November).
 */
import { describe, expect, it } from "vitest";
import { describeSchedule, latestDueAt, nextDueAt, parseSchedule, type DigestSchedule } from "../../commands/digest/digest-schedule.js";
import { canonicalTimeZone } from "../../commands/digest/zoned-time.js";

function schedule(text: string): DigestSchedule {
  const parsed = parseSchedule(text);
  if (!parsed.ok) throw new Error(parsed.message);
  return parsed.schedule;
}

const at = (iso: string): Date => new Date(iso);

describe("schedule syntax", () => {
  it("reads daily, weekday, a day of the week and hourly, and writes them back canonically", () => {
    expect(parseSchedule("weekday 09:00")).toEqual({ ok: true, schedule: { kind: "weekdays", hour: 9, minute: 0 } });
    expect(parseSchedule("Monday 8:30")).toEqual({ ok: true, schedule: { kind: "weekly", weekday: 1, hour: 8, minute: 30 } });
    expect(parseSchedule("daily 18:45")).toEqual({ ok: true, schedule: { kind: "daily", hour: 18, minute: 45 } });
    expect(parseSchedule("hourly")).toEqual({ ok: true, schedule: { kind: "hourly" } });
    expect(["weekday 09:00", "monday 08:30", "daily 18:45", "hourly", "sunday 23:59"].map((t) => describeSchedule(schedule(t)))).toEqual([
      "weekday 09:00",
      "monday 08:30",
      "daily 18:45",
      "hourly",
      "sunday 23:59",
    ]);
    expect(describeSchedule(schedule("weekdays 7:05"))).toBe("weekday 07:05");
    expect(describeSchedule(schedule("fri 17:00"))).toBe("friday 17:00");
  });

  it("refuses what is not a schedule, saying what would be", () => {
    for (const text of ["weekday", "daily 24:00", "daily 9", "fortnightly 09:00", "monday 09:00 extra", "hourly 09:00", ""]) {
      const parsed = parseSchedule(text);
      expect(parsed.ok, text).toBe(false);
      if (!parsed.ok) expect(parsed.message).toMatch(/`weekday 09:00`/);
    }
  });

  it("knows IANA time zones by name only, in any case", () => {
    expect(canonicalTimeZone("europe/paris")).toBe("Europe/Paris");
    expect(canonicalTimeZone("America/New_York")).toBe("America/New_York");
    expect(canonicalTimeZone("UTC")).toBe("UTC");
    expect(canonicalTimeZone("Mars/Olympus_Mons")).toBeUndefined();
    expect(canonicalTimeZone("+01:00")).toBeUndefined();
    expect(canonicalTimeZone("CET; DROP")).toBeUndefined();
  });
});

describe("due times in a time zone", () => {
  it("puts 09:00 in Paris at 08:00Z in winter and 07:00Z in summer", () => {
    const nine = schedule("weekday 09:00");
    expect(latestDueAt(nine, "Europe/Paris", at("2026-01-14T08:30:00Z"))).toEqual(at("2026-01-14T08:00:00Z"));
    expect(latestDueAt(nine, "Europe/Paris", at("2026-07-15T07:30:00Z"))).toEqual(at("2026-07-15T07:00:00Z"));
    expect(latestDueAt(nine, "Europe/Paris", at("2026-07-15T06:59:59Z"))).toEqual(at("2026-07-14T07:00:00Z"));
    expect(nextDueAt(nine, "America/New_York", at("2026-01-14T00:00:00Z"))).toEqual(at("2026-01-14T14:00:00Z"));
    expect(nextDueAt(nine, "America/New_York", at("2026-07-14T00:00:00Z"))).toEqual(at("2026-07-14T13:00:00Z"));
  });

  it("fires a local time skipped by spring forward when the clocks jump (03:00 local)", () => {
    const early = schedule("daily 02:30");
    // Paris, 29 March 2026: 02:00 CET becomes 03:00 CEST at 01:00Z.
    expect(nextDueAt(early, "Europe/Paris", at("2026-03-28T12:00:00Z"))).toEqual(at("2026-03-29T01:00:00Z"));
    expect(latestDueAt(early, "Europe/Paris", at("2026-03-29T00:59:00Z"))).toEqual(at("2026-03-28T01:30:00Z"));
    expect(latestDueAt(early, "Europe/Paris", at("2026-03-29T01:00:00Z"))).toEqual(at("2026-03-29T01:00:00Z"));
    expect(nextDueAt(early, "Europe/Paris", at("2026-03-29T01:00:00Z"))).toEqual(at("2026-03-30T00:30:00Z"));
    // New York, 8 March 2026: 02:00 EST becomes 03:00 EDT at 07:00Z.
    expect(nextDueAt(early, "America/New_York", at("2026-03-07T12:00:00Z"))).toEqual(at("2026-03-08T07:00:00Z"));
    expect(nextDueAt(schedule("sunday 02:00"), "America/New_York", at("2026-03-02T00:00:00Z"))).toEqual(at("2026-03-08T07:00:00Z"));
  });

  it("fires a local time that happens twice on fall back once, at its first occurrence", () => {
    // Paris, 25 October 2026: 02:30 is 00:30Z (CEST) and again 01:30Z (CET).
    const early = schedule("daily 02:30");
    expect(latestDueAt(early, "Europe/Paris", at("2026-10-25T00:45:00Z"))).toEqual(at("2026-10-25T00:30:00Z"));
    expect(latestDueAt(early, "Europe/Paris", at("2026-10-25T01:45:00Z"))).toEqual(at("2026-10-25T00:30:00Z"));
    expect(nextDueAt(early, "Europe/Paris", at("2026-10-25T00:30:00Z"))).toEqual(at("2026-10-26T01:30:00Z"));
    // New York, 1 November 2026: 01:30 is 05:30Z (EDT) and again 06:30Z (EST).
    const night = schedule("daily 01:30");
    expect(latestDueAt(night, "America/New_York", at("2026-11-01T06:45:00Z"))).toEqual(at("2026-11-01T05:30:00Z"));
    expect(nextDueAt(night, "America/New_York", at("2026-11-01T05:30:00Z"))).toEqual(at("2026-11-02T06:30:00Z"));
  });

  it("rolls weekday schedules over the weekend, also where the local date is a day ahead of UTC", () => {
    const nine = schedule("weekday 09:00");
    // Saturday 28 November 2026, UTC.
    expect(latestDueAt(nine, "UTC", at("2026-11-28T12:00:00Z"))).toEqual(at("2026-11-27T09:00:00Z"));
    expect(nextDueAt(nine, "UTC", at("2026-11-27T09:00:00Z"))).toEqual(at("2026-11-30T09:00:00Z"));
    // Sunday 23:30Z is Monday 08:30 in Tokyo: Friday's run is the latest, Monday 00:00Z the next.
    expect(latestDueAt(nine, "Asia/Tokyo", at("2026-11-29T23:30:00Z"))).toEqual(at("2026-11-27T00:00:00Z"));
    expect(nextDueAt(nine, "Asia/Tokyo", at("2026-11-29T23:30:00Z"))).toEqual(at("2026-11-30T00:00:00Z"));
    const monday = schedule("monday 09:00");
    expect(latestDueAt(monday, "Europe/Paris", at("2026-11-29T20:00:00Z"))).toEqual(at("2026-11-23T08:00:00Z"));
    expect(nextDueAt(monday, "Europe/Paris", at("2026-11-23T08:00:00Z"))).toEqual(at("2026-11-30T08:00:00Z"));
  });

  it("runs hourly at local minute 00, also in half-hour zones and through fall back", () => {
    const hourly = schedule("hourly");
    expect(latestDueAt(hourly, "Asia/Kolkata", at("2026-11-25T09:10:00Z"))).toEqual(at("2026-11-25T08:30:00Z"));
    expect(nextDueAt(hourly, "Asia/Kolkata", at("2026-11-25T08:30:00Z"))).toEqual(at("2026-11-25T09:30:00Z"));
    // 01:00 EDT (05:00Z) and 01:00 EST (06:00Z) are two different hours.
    expect(latestDueAt(hourly, "America/New_York", at("2026-11-01T06:10:00Z"))).toEqual(at("2026-11-01T06:00:00Z"));
    expect(nextDueAt(hourly, "America/New_York", at("2026-11-01T05:00:00Z"))).toEqual(at("2026-11-01T06:00:00Z"));
  });
});
