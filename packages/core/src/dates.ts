/**
 * ISO-8601 date (`2026-03-01`, read as midnight UTC) or date-time with seconds optional, fraction
 * optional and a zone required (`2026-03-01T09:30:00Z`, `2026-03-01T10:30+01:00`). A date-time
 * without a zone is refused: JavaScript reads it in the local time zone, so a server and a client in
 * different zones would disagree about it.
 */
const ISO_DATE =
  /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2}))?$/;

/** Largest |epoch milliseconds| a JavaScript Date holds. */
const MAX_EPOCH_MS = 8.64e15;

/**
 * A `before`/`after` clause value or context attribute as epoch milliseconds: an ISO-8601 string
 * (see above) or a finite number of epoch milliseconds; undefined for anything else, including
 * impossible calendar dates such as `2026-02-30`.
 */
export function parseDateValue(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && Math.abs(value) <= MAX_EPOCH_MS ? value : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const match = ISO_DATE.exec(value);
  if (!match) return undefined;
  const [, year, month, day, hour, minute, second] = match;
  const y = Number(year);
  const m = Number(month);
  const d = Number(day);
  // Date.parse rolls 2026-02-30 over to March 2nd; refuse dates that are not on the calendar.
  const calendar = new Date(0);
  calendar.setUTCFullYear(y, m - 1, d);
  if (calendar.getUTCFullYear() !== y || calendar.getUTCMonth() !== m - 1 || calendar.getUTCDate() !== d) {
    return undefined;
  }
  if (hour !== undefined && (Number(hour) > 23 || Number(minute) > 59 || Number(second ?? 0) > 59)) {
    return undefined;
  }
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms;
}
