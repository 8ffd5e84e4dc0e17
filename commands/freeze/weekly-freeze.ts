/**
 * Weekly freezes from the config file (`policy.freezes`): e.g. from Friday 16:00 to Monday 08:00 in Europe/Paris,
 * every week. Pure: the caller passes the instant. A window's ends are the schedule's instants in the rule's zone
 * (`digest-schedule.ts`), so daylight saving time moves them with local time.
 */
import { dayOf, latestDueAt, nextDueAt, timeOfDay, type DigestSchedule } from "../digest/digest-schedule.js";

/** A day of the week and a time of day: `weekday` 0 = Sunday … 6 = Saturday. */
export interface WeeklyTime {
  readonly weekday: number;
  readonly hour: number;
  readonly minute: number;
}

export interface RecurringFreeze {
  /** Workspace alias. */
  readonly workspace: string;
  /** Only these endpoints; every endpoint of the workspace when absent. */
  readonly endpoints?: readonly string[];
  readonly weekly: { readonly from: WeeklyTime; readonly to: WeeklyTime };
  /** IANA zone the times are read in (canonical name). */
  readonly timeZone: string;
  readonly reason: string;
}

/** `Fri 16:00`, `friday 16:00`, `mon 8:00` → a weekly time; undefined for anything else. */
export function parseWeeklyTime(text: string): WeeklyTime | undefined {
  const [day, time, ...rest] = text.trim().toLowerCase().split(/\s+/);
  const weekday = day === undefined ? undefined : dayOf(day);
  const clock = time === undefined ? undefined : timeOfDay(time);
  return rest.length > 0 || weekday === undefined || clock === undefined ? undefined : { weekday, ...clock };
}

/** `Fri 16:00`. */
export function describeWeekly(time: WeeklyTime): string {
  const day = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"][time.weekday]!;
  return `${day} ${String(time.hour).padStart(2, "0")}:${String(time.minute).padStart(2, "0")}`;
}

/** The rule's window in force at `now`, else its next one. */
export function weeklyWindow(rule: RecurringFreeze, now: Date): { readonly from: Date; readonly until: Date; readonly active: boolean } {
  const from = schedule(rule.weekly.from);
  const to = schedule(rule.weekly.to);
  const started = latestDueAt(from, rule.timeZone, now);
  const ends = nextDueAt(to, rule.timeZone, started);
  if (now < ends) return { from: started, until: ends, active: true };
  const next = nextDueAt(from, rule.timeZone, now);
  return { from: next, until: nextDueAt(to, rule.timeZone, next), active: false };
}

/** `weekly Fri 16:00 → Mon 08:00 Europe/Paris`. */
export function describeRecurring(rule: RecurringFreeze): string {
  return `weekly ${describeWeekly(rule.weekly.from)} → ${describeWeekly(rule.weekly.to)} ${rule.timeZone}`;
}

function schedule(time: WeeklyTime): DigestSchedule {
  return { kind: "weekly", ...time };
}
