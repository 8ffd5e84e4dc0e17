/**
 * Wall-clock time in an IANA time zone, with nothing but `Intl.DateTimeFormat` (the tz database Node ships):
 * no library, no clock. Schedules are written in local time ("09:00 in Paris"), so turning a local date and time
 * into an instant has to settle the two days a year when that is not one-to-one:
 * - a local time that does not exist (spring forward, e.g. 02:30 in Paris on the last Sunday of March) is taken
 *   as the moment the clocks jump, 03:00 local: the first instant that is at or after the time asked for;
 * - a local time that happens twice (fall back, e.g. 02:30 on the last Sunday of October) is its first
 *   occurrence, so a schedule fires once that day, not twice.
 */

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export interface LocalDate {
  readonly year: number;
  /** 1–12 */
  readonly month: number;
  readonly day: number;
}

export interface LocalDateTime extends LocalDate {
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
  /** 0 = Sunday … 6 = Saturday. */
  readonly weekday: number;
}

// Formatters are costly to build and the timer asks for the same zones every minute: keep one per zone.
const formatters = new Map<string, Intl.DateTimeFormat>();

function formatter(timeZone: string): Intl.DateTimeFormat {
  let found = formatters.get(timeZone);
  if (!found) {
    found = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(timeZone, found);
  }
  return found;
}

// IANA names only (`Europe/Paris`, `UTC`, `America/Argentina/Buenos_Aires`): newer V8s also take offsets such as
// `+01:00`, which follow no daylight saving time and would behave differently on Node 20 and 22.
const IANA_NAME = /^[A-Za-z][A-Za-z0-9_+-]*(?:\/[A-Za-z0-9_+-]+)*$/;

/** The zone's canonical name (`europe/paris` → `Europe/Paris`), or undefined when the tz database has no such zone. */
export function canonicalTimeZone(name: string): string | undefined {
  if (!IANA_NAME.test(name)) return undefined;
  try {
    return new Intl.DateTimeFormat("en-US", { timeZone: name }).resolvedOptions().timeZone;
  } catch {
    return undefined; // RangeError: Invalid time zone specified
  }
}

export function localDateTime(instant: Date, timeZone: string): LocalDateTime {
  const parts: Record<string, number> = {};
  for (const part of formatter(timeZone).formatToParts(instant)) {
    if (part.type !== "literal") parts[part.type] = Number(part.value);
  }
  const [year, month, day] = [parts["year"]!, parts["month"]!, parts["day"]!];
  return { year, month, day, hour: parts["hour"]!, minute: parts["minute"]!, second: parts["second"]!, weekday: new Date(Date.UTC(year, month - 1, day)).getUTCDay() };
}

/** How far the zone's clocks are ahead of UTC at `instantInMs`. */
export function offsetInMs(instantInMs: number, timeZone: string): number {
  const whole = Math.floor(instantInMs / 1000) * 1000;
  const l = localDateTime(new Date(whole), timeZone);
  return Date.UTC(l.year, l.month - 1, l.day, l.hour, l.minute, l.second) - whole;
}

/** The calendar date `days` after `date` (negative: before), and its weekday. */
export function addDays(date: LocalDate, days: number): LocalDate & { readonly weekday: number } {
  const t = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: t.getUTCFullYear(), month: t.getUTCMonth() + 1, day: t.getUTCDate(), weekday: t.getUTCDay() };
}

/** The instant of a local date and time in `timeZone`, with the two DST rules above. */
export function zonedInstant(date: LocalDate, hour: number, minute: number, timeZone: string): Date {
  const wall = Date.UTC(date.year, date.month - 1, date.day, hour, minute);
  // Offsets a day either side: a transition between them is the only way a local time can be missing or doubled.
  const before = offsetInMs(wall - DAY, timeZone);
  const after = offsetInMs(wall + DAY, timeZone);
  const matching = [...new Set([before, after])].map((offset) => wall - offset).filter((t) => offsetInMs(t, timeZone) === wall - t);
  if (matching.length > 0) return new Date(Math.min(...matching));
  if (after <= before) return new Date(wall - before); // cannot happen with two offsets only; be defined anyway
  // In the gap: find the first minute that already has the new offset, i.e. when the clocks jumped.
  let low = wall - after; // still the old offset
  let high = wall - before; // already the new one
  while (high - low > MINUTE) {
    const middle = low + Math.floor((high - low) / 2 / MINUTE) * MINUTE;
    if (offsetInMs(middle, timeZone) === after) high = middle;
    else low = middle;
  }
  return new Date(high);
}
