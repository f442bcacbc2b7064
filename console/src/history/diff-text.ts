// '.js': this module is also type-checked by the repository's (nodenext) tsconfig through its unit test.
import type { AuditDiffOp } from '../generated/graphql.js';

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$-]*$/;

/**
 * A JSON Pointer (RFC 6901) into a flag document as people read paths in this console and in the
 * service's validation messages: `/environments/production/rules/0/serve` is
 * `environments.production.rules[0].serve`; `''` is the whole document.
 */
export function pathText(pointer: string): string {
  if (pointer === '') return 'the whole document';
  let out = '';
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replaceAll('~1', '/').replaceAll('~0', '~');
    if (/^(0|[1-9][0-9]*)$/.test(segment)) out += `[${segment}]`;
    else if (IDENTIFIER.test(segment)) out += out === '' ? segment : `.${segment}`;
    else out += `[${JSON.stringify(segment)}]`;
  }
  return out;
}

/** A JSON value on one line, cut at `max` characters (the side-by-side view shows all of it). */
export function valueText(value: unknown, max = 120): string {
  const text = value === undefined ? 'nothing' : JSON.stringify(value);
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** One difference as "before → after", "added …" or "removed …". */
export function changeText(diff: { op: AuditDiffOp; before: unknown; after: unknown }): string {
  switch (diff.op) {
    case 'ADD':
      return `added ${valueText(diff.after)}`;
    case 'REMOVE':
      return `removed (was ${valueText(diff.before)})`;
    case 'REPLACE':
      return `${valueText(diff.before, 60)} → ${valueText(diff.after, 60)}`;
  }
}

const UNITS: readonly [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 24 * 3600],
  ['month', 30 * 24 * 3600],
  ['week', 7 * 24 * 3600],
  ['day', 24 * 3600],
  ['hour', 3600],
  ['minute', 60],
  ['second', 1],
];
const relative = new Intl.RelativeTimeFormat('en', { numeric: 'auto' });

/** How long ago `iso` was, from `now` (ms): "just now", "5 minutes ago", "yesterday". */
export function relativeTime(iso: string, now: number): string {
  const seconds = Math.round((Date.parse(iso) - now) / 1000);
  if (Math.abs(seconds) < 10) return 'just now';
  for (const [unit, size] of UNITS)
    if (Math.abs(seconds) >= size || unit === 'second')
      return relative.format(Math.trunc(seconds / size), unit);
  return 'just now';
}
