/**
 * When a scheduled digest is due: `daily HH:MM`, `weekday HH:MM` (Monday to Friday), `<day> HH:MM` (once a week)
 * or `hourly` (at minute 00), read in the subscription's IANA time zone. Pure: the caller passes the instant.
 *
 * The timer asks `latestDueAt(now)` every minute and sends when that is later than the run it handled last, so a
 * run missed while the app was down is sent once when it is back (only the most recent one, never a backlog).
 * Local times that do not exist or happen twice follow `zoned-time.ts`: the jump instant, the first occurrence.
 */
import { addDays, localDateTime, zonedInstant } from "./zoned-time.js";

export type DigestSchedule =
  | { readonly kind: "hourly" }
  | { readonly kind: "daily" | "weekdays"; readonly hour: number; readonly minute: number }
  /** `weekday`: 0 = Sunday … 6 = Saturday. */
  | { readonly kind: "weekly"; readonly weekday: number; readonly hour: number; readonly minute: number };

export type ParsedSchedule = { readonly ok: true; readonly schedule: DigestSchedule } | { readonly ok: false; readonly message: string };

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const DAY_NAMES = ["sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"] as const;

export const SCHEDULE_EXAMPLES = "`daily 09:00`, `weekday 09:00` (Monday to Friday), `monday 09:00` or `hourly`";

export function parseSchedule(text: string): ParsedSchedule {
  const words = text.trim().toLowerCase().split(/\s+/);
  const wrong = (why: string): ParsedSchedule => ({ ok: false, message: `${why} Say ${SCHEDULE_EXAMPLES}; times are 24-hour HH:MM.` });
  const [when, time, ...rest] = words;
  if (when === "hourly" || when === "every-hour") return time === undefined ? { ok: true, schedule: { kind: "hourly" } } : wrong("`hourly` takes no time: it runs at minute 00.");
  if (rest.length > 0 || when === undefined || when === "") return wrong(`\`${text.trim()}\` is not a schedule.`);
  const day = dayOf(when);
  const kind = when === "daily" || when === "everyday" ? "daily" : when === "weekday" || when === "weekdays" ? "weekdays" : day !== undefined ? "weekly" : undefined;
  if (kind === undefined) return wrong(`\`${when}\` is not a day or a repetition.`);
  if (time === undefined) return wrong(`\`${when}\` needs a time, e.g. \`${when} 09:00\`.`);
  const clock = timeOfDay(time);
  if (clock === undefined) return wrong(`\`${time}\` is not a time of day.`);
  const { hour, minute } = clock;
  return { ok: true, schedule: kind === "weekly" ? { kind, weekday: day!, hour, minute } : { kind, hour, minute } };
}

/** The canonical text, as stored and shown: `weekday 09:00`, `monday 18:30`, `hourly`. */
export function describeSchedule(schedule: DigestSchedule): string {
  if (schedule.kind === "hourly") return "hourly";
  const time = `${pad(schedule.hour)}:${pad(schedule.minute)}`;
  if (schedule.kind === "weekly") return `${DAY_NAMES[schedule.weekday]} ${time}`;
  return `${schedule.kind === "daily" ? "daily" : "weekday"} ${time}`;
}

/** What a digest on this schedule covers by default: the hour, the day or the week since the last one. */
export function defaultPeriodInMs(schedule: DigestSchedule): number {
  return schedule.kind === "hourly" ? HOUR : schedule.kind === "weekly" ? 7 * DAY : DAY;
}

/** The latest due instant at or before `now`. */
export function latestDueAt(schedule: DigestSchedule, timeZone: string, now: Date): Date {
  if (schedule.kind === "hourly") {
    // Every zone's offset is a multiple of 15 minutes: a local minute 00 is on that grid within the last hour.
    const grid = Math.floor(now.getTime() / (15 * MINUTE)) * 15 * MINUTE;
    for (let t = grid; t > grid - 2 * HOUR; t -= 15 * MINUTE) if (localDateTime(new Date(t), timeZone).minute === 0) return new Date(t);
    return new Date(grid);
  }
  const today = localDateTime(now, timeZone);
  // A weekly schedule is due at most 7 days back; one more day covers a time later today than `now`.
  for (let back = 0; back <= 8; back++) {
    const date = addDays(today, -back);
    if (!runsOn(schedule, date.weekday)) continue;
    const due = zonedInstant(date, schedule.hour, schedule.minute, timeZone);
    if (due.getTime() <= now.getTime()) return due;
  }
  throw new Error(`No due time found for ${describeSchedule(schedule)} in ${timeZone} before ${now.toISOString()}`);
}

/** The first due instant strictly after `after`. */
export function nextDueAt(schedule: DigestSchedule, timeZone: string, after: Date): Date {
  if (schedule.kind === "hourly") {
    const grid = Math.floor(after.getTime() / (15 * MINUTE)) * 15 * MINUTE + 15 * MINUTE;
    for (let t = grid; t < grid + 2 * HOUR; t += 15 * MINUTE) if (localDateTime(new Date(t), timeZone).minute === 0) return new Date(t);
    return new Date(grid);
  }
  const today = localDateTime(after, timeZone);
  for (let ahead = 0; ahead <= 8; ahead++) {
    const date = addDays(today, ahead);
    if (!runsOn(schedule, date.weekday)) continue;
    const due = zonedInstant(date, schedule.hour, schedule.minute, timeZone);
    if (due.getTime() > after.getTime()) return due;
  }
  throw new Error(`No due time found for ${describeSchedule(schedule)} in ${timeZone} after ${after.toISOString()}`);
}

/** `Mon 2026-11-30 09:00`: a due instant as people in that zone read it. */
export function describeLocal(instant: Date, timeZone: string): string {
  const l = localDateTime(instant, timeZone);
  const day = DAY_NAMES[l.weekday]!.slice(0, 1).toUpperCase() + DAY_NAMES[l.weekday]!.slice(1, 3);
  return `${day} ${l.year}-${pad(l.month)}-${pad(l.day)} ${pad(l.hour)}:${pad(l.minute)}`;
}

function runsOn(schedule: Exclude<DigestSchedule, { kind: "hourly" }>, weekday: number): boolean {
  if (schedule.kind === "weekly") return weekday === schedule.weekday;
  return schedule.kind === "daily" || (weekday >= 1 && weekday <= 5);
}

/** `09:00`, `9:00`, `9h00`, `9.00` (24-hour) → hour and minute; undefined for anything else. */
export function timeOfDay(word: string): { readonly hour: number; readonly minute: number } | undefined {
  const clock = /^([01]?\d|2[0-3])[:h.]([0-5]\d)$/.exec(word);
  return clock === null ? undefined : { hour: Number(clock[1]), minute: Number(clock[2]) };
}

/** `monday`, `mon`, `Mon` → 1: a day name or its first three letters or more (0 = Sunday). */
export function dayOf(word: string): number | undefined {
  const at = DAY_NAMES.findIndex((name) => name === word || (word.length >= 3 && name.startsWith(word) && /^[a-z]+$/.test(word)));
  return at >= 0 ? at : undefined;
}

function pad(n: number): string {
  return String(n).padStart(2, "0");
}
