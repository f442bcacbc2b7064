/** The retry schedule of one delivery: exponential, capped, with jitter. */
export interface RetrySchedule {
  /** The first retry's nominal delay. */
  readonly minMs: number;
  /** No delay exceeds it. */
  readonly maxMs: number;
}

/**
 * How long to wait before attempt `failures + 1`, after `failures` failed attempts (1 or more): the
 * nominal delay doubles from `minMs` up to `maxMs`, and the wait is drawn uniformly from its upper
 * half ("equal jitter"), so endpoints failing together spread out yet never retry much sooner than
 * planned. A receiver's `Retry-After` (seconds) raises the wait to at least what it asked, still
 * capped at `maxMs`.
 */
export function retryDelay(
  schedule: RetrySchedule,
  failures: number,
  retryAfterMs?: number,
  random: () => number = Math.random,
): number {
  const exponent = Math.min(Math.max(failures - 1, 0), 40);
  const nominal = Math.min(schedule.maxMs, schedule.minMs * 2 ** exponent);
  const jittered = nominal / 2 + random() * (nominal / 2);
  return Math.round(Math.min(schedule.maxMs, Math.max(jittered, retryAfterMs ?? 0)));
}

/** `Retry-After` as milliseconds: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function retryAfterMs(header: string | null, now = Date.now()): number | undefined {
  if (header === null || header.trim() === '') return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return seconds >= 0 ? seconds * 1000 : undefined;
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}
