/**
 * The one reading of dates, for `before` / `after` clause values (at write time and when the evaluator
 * compiles a clause) and for context attributes (when it evaluates one).
 *
 * ISO-8601 date (`2026-03-01`, read as midnight UTC) or date-time with seconds optional, a fraction of
 * 1 to 9 digits optional (read to the millisecond, truncated) and a zone required
 * (`2026-03-01T09:30:00Z`, `2026-03-01T10:30+01:00`). A date-time without a zone is refused: JavaScript
 * reads it in the local time zone, so a server and a client in different zones would disagree about it.
 * The instant is computed here from the parts, not by Date.parse, whose handling of anything beyond
 * ECMAScript's own format (more than 3 fraction digits, years before 100) differs between engines.
 */
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(?:Z|([+-])(\d{2}):(\d{2})))?$/;

/** Largest |epoch milliseconds| a JavaScript Date holds. */
const MAX_EPOCH_MS = 8.64e15;

/**
 * A `before`/`after` clause value or context attribute as epoch milliseconds: an ISO-8601 string
 * (see above) or a finite number of epoch milliseconds within what a Date holds; undefined for
 * anything else, including impossible calendar dates such as `2026-02-30` or times such as `24:00`.
 */
export function parseDateValue(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) <= MAX_EPOCH_MS ? value : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second, fraction, sign, offsetHours, offsetMinutes] = match;
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  // A Date rolls 2026-02-30 over to March 2nd; refuse dates that are not on the calendar.
  const calendar = new Date(0);
  calendar.setUTCFullYear(y, m - 1, d);
  if (calendar.getUTCFullYear() !== y || calendar.getUTCMonth() !== m - 1 || calendar.getUTCDate() !== d) {
    return undefined;
  }
  let ms = calendar.getTime();
  if (hour !== undefined) {
    const h = Number(hour);
    const min = Number(minute);
    const s = Number(second ?? 0);
    const offset = sign === undefined ? 0 : Number(offsetHours) * 60 + Number(offsetMinutes);
    if (h > 23 || min > 59 || s > 59 || Number(offsetHours ?? 0) > 23 || Number(offsetMinutes ?? 0) > 59) {
      return undefined;
    }
    const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, '0'));
    ms += ((h * 60 + min) * 60 + s) * 1000 + millis - (sign === '-' ? -offset : offset) * 60_000;
  }
  return Math.abs(ms) <= MAX_EPOCH_MS ? ms : undefined;
}
