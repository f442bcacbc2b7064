import { describe, expect, it } from '@jest/globals';
import { changeText, pathText, relativeTime } from '../../console/src/history/diff-text.js';
import { mergeEntries } from '../../console/src/history/history-entries.js';
import {
  auditFilterOf,
  historyFilterFromSearch,
  historyFilterToSearch,
  isoOfLocalInput,
  localInputOf,
} from '../../console/src/history/history-filter.js';
import { sideBySideRows } from '../../console/src/history/side-by-side-rows.js';

describe('the history’s readable diff', () => {
  it('writes JSON Pointers as the paths of the service’s validation messages', () => {
    expect(pathText('/environments/production/rules/0/serve')).toBe('environments.production.rules[0].serve');
    expect(pathText('/environments/production/enabled')).toBe('environments.production.enabled');
    expect(pathText('/variants/a~1b/x~0y')).toBe('variants["a/b"]["x~y"]');
    expect(pathText('/tags/12')).toBe('tags[12]');
    expect(pathText('')).toBe('the whole document');
  });

  it('says what changed: before → after, added, removed; long values cut', () => {
    expect(changeText({ op: 'REPLACE', before: false, after: true })).toBe('false → true');
    expect(changeText({ op: 'ADD', before: null, after: { variant: 'on' } })).toBe('added {"variant":"on"}');
    expect(changeText({ op: 'REMOVE', before: 'beta', after: null })).toBe('removed (was "beta")');
    const long = changeText({ op: 'ADD', before: null, after: 'x'.repeat(500) });
    expect(long.length).toBeLessThan(140);
    expect(long.endsWith('…')).toBe(true);
  });

  it('tells how long ago a change was', () => {
    const now = Date.parse('2025-01-31T12:00:00Z');
    expect(relativeTime('2025-01-31T11:59:58Z', now)).toBe('just now');
    expect(relativeTime('2025-01-31T11:55:00Z', now)).toBe('5 minutes ago');
    expect(relativeTime('2025-01-30T11:00:00Z', now)).toBe('yesterday');
  });
});

describe('the history’s filter', () => {
  it('keeps every part in the URL and reads back what it wrote, ignoring unknown values', () => {
    const filter = historyFilterFromSearch(
      '?flag=checkout&environment=staging&actor=alice&action=TOGGLE&since=2025-01-31T00:00:00.000Z',
    );
    expect(filter).toMatchObject({
      flag: 'checkout',
      environment: 'staging',
      actor: 'alice',
      action: 'TOGGLE',
    });
    expect(historyFilterFromSearch(historyFilterToSearch(filter))).toEqual(filter);
    expect(historyFilterFromSearch('?action=DROP_TABLE&entity=USER')).toMatchObject({
      action: '',
      entity: '',
    });
  });

  it('asks the API for the screen’s own record, whatever the URL says', () => {
    const filter = historyFilterFromSearch('?flag=other&entity=SEGMENT&action=TOGGLE');
    expect(auditFilterOf({ kind: 'flag', key: 'checkout' }, filter)).toEqual({
      flag: 'checkout',
      actions: ['TOGGLE'],
    });
    expect(auditFilterOf({ kind: 'segment', key: 'beta' }, filter)).toEqual({
      segment: 'beta',
      actions: ['TOGGLE'],
    });
    // On the global screen a flag key implies flags; without one, the kind applies.
    expect(auditFilterOf({ kind: 'all' }, filter)).toEqual({ flag: 'other', actions: ['TOGGLE'] });
    expect(auditFilterOf({ kind: 'all' }, historyFilterFromSearch('?entity=SEGMENT'))).toEqual({
      entity: 'SEGMENT',
    });
  });

  it('turns the time inputs into ISO-8601 UTC, "to" reaching the end of its minute', () => {
    const since = isoOfLocalInput('2025-01-31T14:02', 'since');
    const until = isoOfLocalInput('2025-01-31T14:05', 'until');
    expect(Date.parse(until) - Date.parse(since)).toBe(3 * 60_000 + 59_999);
    expect(localInputOf(since)).toBe('2025-01-31T14:02');
    expect(isoOfLocalInput('', 'since')).toBe('');
  });
});

describe('the entries a history screen holds', () => {
  it('holds each revision once, newest first, however pages and live events overlap', () => {
    const entry = (revision: number, actor = 'alice') => ({ revision, actor });
    const held = mergeEntries([entry(9), entry(7)], [entry(8), entry(7, 'again'), entry(10)]);
    expect(held.map((e) => e.revision)).toEqual([10, 9, 8, 7]);
    expect(held.find((e) => e.revision === 7)?.actor).toBe('again');
  });
});

describe('the side-by-side view', () => {
  it('faces a replaced line with its replacement and folds long unchanged runs', () => {
    const before = JSON.stringify({ a: 1, b: [1, 2, 3, 4, 5, 6, 7, 8, 9], enabled: false }, null, 2);
    const after = JSON.stringify({ a: 1, b: [1, 2, 3, 4, 5, 6, 7, 8, 9], enabled: true }, null, 2);
    const rows = sideBySideRows(before, after);
    const changed = rows.filter((row) => row.kind === 'line' && row.before?.kind !== 'same');
    expect(changed).toEqual([
      {
        kind: 'line',
        before: { text: '  "enabled": false', kind: 'removed' },
        after: { text: '  "enabled": true', kind: 'added' },
      },
    ]);
    expect(rows.some((row) => row.kind === 'folded')).toBe(true);
  });

  it('shows a created record on the right only', () => {
    const rows = sideBySideRows('', '{\n  "a": 1\n}');
    expect(
      rows.every((row) => row.kind === 'line' && row.before === undefined && row.after?.kind === 'added'),
    ).toBe(true);
  });
});
