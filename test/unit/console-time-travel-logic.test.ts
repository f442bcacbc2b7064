import { describe, expect, it } from '@jest/globals';
import {
  chosenText,
  PICKER_ROWS,
  pickerView,
  toggled,
  withShown,
} from '../../console/src/environments/flag-picker-logic.js';
import {
  conflictOf,
  expectedVersionsOf,
  fieldOf,
  requestOf,
} from '../../console/src/environments/promotion-logic.js';
import { asOfArgument, asOfProblem, choiceOf } from '../../console/src/playground/as-of.js';

describe('the playground’s asOf', () => {
  it('reads a link’s asOf as a revision, or as a time in this browser’s zone, and none as now', () => {
    expect(choiceOf(null)).toEqual({ mode: 'now' });
    expect(choiceOf(' ')).toEqual({ mode: 'now' });
    expect(choiceOf('42')).toEqual({ mode: 'revision', revision: '42' });
    const time = choiceOf('2025-01-31T14:00:05Z');
    expect(time.mode).toBe('time');
    // Back to the same instant, whatever the zone the test runs in.
    expect(asOfArgument(time)).toEqual({ asOf: '2025-01-31T14:00:05.000Z' });
    // Anything else is kept for the field to refuse.
    expect(choiceOf('yesterday')).toEqual({ mode: 'revision', revision: 'yesterday' });
  });

  it('sends a revision as its digits, a time as an ISO instant, now as nothing, and refuses the rest by the field', () => {
    expect(asOfArgument({ mode: 'now' })).toEqual({ asOf: undefined });
    expect(asOfArgument({ mode: 'revision', revision: ' 007 ' })).toEqual({ asOf: '7' });
    expect(asOfArgument({ mode: 'revision', revision: '-1' })).toHaveProperty('problem');
    expect(asOfArgument({ mode: 'revision', revision: '' })).toHaveProperty('problem');
    expect(asOfArgument({ mode: 'time', local: '' })).toEqual({ problem: 'Pick a date and a time' });
    const local = asOfArgument({ mode: 'time', local: '2025-01-31T14:00' });
    expect(local).toEqual({ asOf: new Date(2025, 0, 31, 14, 0).toISOString() });
  });

  it('says beyond retention with the oldest revision, too far back, or malformed; other errors are not the field’s', () => {
    const beyond = asOfProblem({
      code: 'AS_OF_BEYOND_RETENTION',
      message: 'gone',
      details: { oldestRevision: 24, oldestTime: '2025-01-31T14:00:00Z' },
    });
    expect(beyond?.oldestRevision).toBe(24);
    expect(beyond?.text).toMatch(/^Older than the history kept \(retention\): .* revision 24 \(/);
    expect(
      asOfProblem({ code: 'AS_OF_TOO_MANY_CHANGES', message: 'more than 20 changes back', details: {} })
        ?.text,
    ).toBe('Too far back to rebuild in one read: more than 20 changes back. Pick a later moment.');
    expect(
      asOfProblem({ code: 'VALIDATION_FAILED', message: 'bad asOf', details: { field: 'asOf' } }),
    ).toEqual({
      text: 'bad asOf',
    });
    expect(asOfProblem({ code: 'VALIDATION_FAILED', message: 'bad', details: { field: 'context' } })).toBe(
      undefined,
    );
    expect(asOfProblem({ code: 'ENVIRONMENT_NOT_FOUND', message: 'no', details: {} })).toBe(undefined);
  });
});

describe('the promotion screen’s logic', () => {
  const selection = {
    from: 'staging',
    to: 'production',
    by: 'prefix' as const,
    prefix: ' checkout. ',
    keys: [] as string[],
  };

  it('asks for a prefix or the keys picked, and names the field that needs something first', () => {
    expect(requestOf(selection)).toEqual({
      request: { from: 'staging', to: 'production', prefix: 'checkout.' },
    });
    expect(requestOf({ ...selection, by: 'flags', keys: ['a', 'b', 'c'] })).toEqual({
      request: { from: 'staging', to: 'production', flags: ['a', 'b', 'c'] },
    });
    expect(requestOf({ ...selection, by: 'flags', keys: [] })).toMatchObject({ field: 'selection' });
    expect(requestOf({ ...selection, from: '' })).toMatchObject({ field: 'from' });
    expect(requestOf({ ...selection, to: 'staging' })).toMatchObject({ field: 'to' });
  });

  it('sends back every previewed flag at the version the preview showed', () => {
    const previewed = [
      { key: 'a', version: 3, status: 'CHANGED' },
      { key: 'b', version: 7, status: 'UNCHANGED' },
    ];
    expect(expectedVersionsOf(previewed)).toEqual([
      { key: 'a', version: 3 },
      { key: 'b', version: 7 },
    ]);
  });

  it('reads VERSION_MISMATCH as the flag that changed, its versions and what was already written', () => {
    expect(
      conflictOf({
        code: 'VERSION_MISMATCH',
        message: 'changed',
        details: { key: 'a', expectedVersion: 3, currentVersion: 4, promoted: ['0'] },
      }),
    ).toEqual({ key: 'a', expectedVersion: 3, currentVersion: 4, promoted: ['0'] });
    expect(conflictOf({ code: 'VALIDATION_FAILED', message: 'x', details: {} })).toBe(undefined);
  });

  it('puts an error beside the field it is about', () => {
    const request = { from: 'staging', to: 'qa' };
    expect(fieldOf({ code: 'VALIDATION_FAILED', message: '', details: { field: 'to' } }, request)).toBe('to');
    expect(
      fieldOf({ code: 'ENVIRONMENT_NOT_FOUND', message: '', details: { environment: 'qa' } }, request),
    ).toBe('to');
    expect(
      fieldOf({ code: 'ENVIRONMENT_NOT_FOUND', message: '', details: { environment: 'staging' } }, request),
    ).toBe('from');
    expect(fieldOf({ code: 'FLAG_NOT_FOUND', message: '', details: { key: 'x' } }, request)).toBe(
      'selection',
    );
    expect(fieldOf({ code: 'VALIDATION_FAILED', message: '', details: { field: 'prefix' } }, request)).toBe(
      'selection',
    );
  });
});

describe('the promotion screen’s flag picker', () => {
  const flag = (key: string, description = '') => ({ key, description, tags: [] });
  const flags = [flag('checkout.a'), flag('checkout.b', 'New basket'), flag('search.c', 'Checkout search')];

  it('lists the flags whose key or description holds the filter, whatever the case', () => {
    expect(pickerView(flags, 'CHECKOUT', []).shown.map((f) => f.key)).toEqual([
      'checkout.a',
      'checkout.b',
      'search.c',
    ]);
    expect(pickerView(flags, 'basket', []).shown.map((f) => f.key)).toEqual(['checkout.b']);
    expect(pickerView(flags, '', []).shown).toHaveLength(3);
  });

  it('draws at most PICKER_ROWS rows of 1,000 flags and says how many more match', () => {
    const many = Array.from({ length: 1000 }, (_, i) => flag(`f.${String(i).padStart(4, '0')}`));
    const view = pickerView(many, '', []);
    expect(view.shown).toHaveLength(PICKER_ROWS);
    expect(view.more).toBe(1000 - PICKER_ROWS);
    expect(pickerView(many, 'f.099', []).more).toBe(0);
  });

  it('counts the chosen flags the filter hides, which stay chosen', () => {
    expect(pickerView(flags, 'search', ['checkout.a', 'search.c']).chosenHidden).toBe(1);
    expect(chosenText(2, 1000, 1)).toBe('2 of 1,000 flags chosen, 1 not shown by the filter');
    expect(chosenText(0, 1, 0)).toBe('0 of 1 flag chosen');
  });

  it('keeps the chosen keys sorted and once each: ticking, unticking, selecting all shown', () => {
    expect(toggled(['b'], 'a', true)).toEqual(['a', 'b']);
    expect(toggled(['a', 'b'], 'a', true)).toEqual(['a', 'b']);
    expect(toggled(['a', 'b'], 'a', false)).toEqual(['b']);
    expect(withShown(['z', 'checkout.a'], pickerView(flags, 'checkout.', []).shown)).toEqual([
      'checkout.a',
      'checkout.b',
      'z',
    ]);
  });
});
