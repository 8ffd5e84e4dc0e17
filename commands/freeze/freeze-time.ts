/**
 * A freeze's start or end as people type it, read in the command's IANA zone (`--tz`, default UTC):
 *   - an instant: ISO 8601 with an offset, `2026-12-24T18:00Z`, `2026-12-24T18:00+01:00`;
 *   - a local date and time: `2026-12-24 18:00`, `2026-12-24T18:00`, or a date alone (its midnight);
 *   - a time of day: `18:00` (its next occurrence), `today 18:00`, `tomorrow 08:00`, `fri 16:00` (the next Friday);
 *   - a length from now: `2h`, `90m`, `3d`.
 * Pure: the caller passes now. Local times that do not exist or happen twice follow `zoned-time.ts`.
 */
import { dayOf, timeOfDay } from "../digest/digest-schedule.js";
import { parseWindowLength } from "../digest/metric-window.js";
import { addDays, localDateTime, zonedInstant, type LocalDate } from "../digest/zoned-time.js";

export type ParsedTime = { readonly ok: true; readonly at: Date } | { readonly ok: false; readonly message: string };

export const TIME_EXAMPLES = "`18:00`, `tomorrow 08:00`, `fri 16:00`, `2026-12-24 18:00`, `2026-12-24T18:00Z` or `2h`";

const WITH_OFFSET = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i;
const LOCAL_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](.+))?$/;

export function parseFreezeTime(text: string, timeZone: string, now: Date): ParsedTime {
  const typed = text.trim().replace(/\s+/g, " ");
  const wrong = (why: string): ParsedTime => ({ ok: false, message: `${why} Say ${TIME_EXAMPLES} (read in ${timeZone}).` });
  if (WITH_OFFSET.test(typed)) {
    const at = new Date(typed);
    return Number.isNaN(at.getTime()) ? wrong(`\`${typed}\` is not a date I can read.`) : { ok: true, at };
  }
  const length = parseWindowLength(typed);
  if (length !== undefined) return { ok: true, at: new Date(now.getTime() + length) };

  const dated = LOCAL_DATE.exec(typed);
  if (dated) {
    const date = { year: Number(dated[1]), month: Number(dated[2]), day: Number(dated[3]) };
    if (!realDate(date)) return wrong(`\`${typed}\` is not a date.`);
    const clock = dated[4] === undefined ? { hour: 0, minute: 0 } : timeOfDay(dated[4]);
    if (clock === undefined) return wrong(`\`${dated[4]}\` is not a time of day.`);
    return { ok: true, at: zonedInstant(date, clock.hour, clock.minute, timeZone) };
  }

  const [first, second, ...rest] = typed.toLowerCase().split(" ");
  if (rest.length > 0 || first === undefined) return wrong(`\`${typed}\` is not a time I can read.`);
  const clock = timeOfDay(second ?? first);
  if (clock === undefined) return wrong(`\`${second ?? first}\` is not a time of day (24-hour HH:MM).`);
  const today = localDateTime(now, timeZone);
  const at = (date: LocalDate): Date => zonedInstant(date, clock.hour, clock.minute, timeZone);
  if (second === undefined) {
    // A time alone is its next occurrence: `18:00` typed at 19:00 means tomorrow's.
    const later = at(today);
    return { ok: true, at: later > now ? later : at(addDays(today, 1)) };
  }
  if (first === "today") return { ok: true, at: at(today) };
  if (first === "tomorrow") return { ok: true, at: at(addDays(today, 1)) };
  const weekday = dayOf(first);
  if (weekday === undefined) return wrong(`\`${first}\` is not \`today\`, \`tomorrow\` or a day of the week.`);
  for (let ahead = 0; ahead <= 7; ahead++) {
    const date = addDays(today, ahead);
    if (date.weekday === weekday && at(date) > now) return { ok: true, at: at(date) };
  }
  return wrong(`\`${typed}\` is not a time I can read.`); // unreachable: a weekday comes round within 8 days
}

function realDate(date: LocalDate): boolean {
  const t = new Date(Date.UTC(date.year, date.month - 1, date.day));
  return t.getUTCFullYear() === date.year && t.getUTCMonth() === date.month - 1 && t.getUTCDate() === date.day;
}
