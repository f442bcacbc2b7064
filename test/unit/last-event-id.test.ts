import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { ValidationError } from '../../src/flags/errors.js';
import { MAX_LAST_EVENT_ID, parseLastEventId } from '../../src/http/sse/last-event-id.js';

const parse = (raw: string | undefined) => parseLastEventId(raw, 'Last-Event-ID');

describe('Last-Event-ID / lastEventId (PROTOCOL.md: 1 to 16 decimal digits, at most 9007199254740991)', () => {
  it('is 2^53 - 1, the largest revision a JavaScript number holds exactly, and 16 digits long', () => {
    expect(MAX_LAST_EVENT_ID).toBe(2 ** 53 - 1);
    expect(String(MAX_LAST_EVENT_ID)).toBe('9007199254740991');
  });

  it('treats an absent or empty value as no resume point', () => {
    expect(parse(undefined)).toBeUndefined();
    expect(parse('')).toBeUndefined();
  });

  it.each([
    ['0', 0],
    ['7', 7],
    ['007', 7],
    ['9007199254740990', 9007199254740990],
    ['9007199254740991', 9007199254740991],
    ['0000000000000001', 1],
    ['0999999999999999', 999999999999999],
  ])('accepts %s as revision %d', (raw, revision) => {
    expect(parse(raw)).toBe(revision);
  });

  it.each([
    ['the first 16-digit value past the maximum', '9007199254740992'],
    ['a 16-digit value that would round to the maximum + 1', '9007199254740993'],
    ['the largest 16-digit value', '9999999999999999'],
    ['17 digits, even with the value 1', '00000000000000001'],
    ['17 digits', '10000000000000000'],
    ['a sign', '+1'],
    ['a negative number', '-1'],
    ['a fraction', '1.0'],
    ['an exponent', '1e3'],
    ['hexadecimal', '0x10'],
    ['surrounding space', ' 1'],
    ['a list (a repeated header joined by Node)', '1, 2'],
    ['non-ASCII digits', '\u0661'],
    ['a word', 'abc'],
  ])('refuses %s (%j) with VALIDATION_FAILED naming the field', (_what, raw) => {
    let thrown: unknown;
    try {
      parse(raw);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ValidationError);
    expect(thrown).toMatchObject({ code: 'VALIDATION_FAILED', details: { field: 'Last-Event-ID' } });
  });

  it('reads back every revision as the server writes it and the client library resends it (String(revision))', () => {
    fc.assert(
      fc.property(fc.maxSafeNat(), (revision) => {
        expect(parse(String(revision))).toBe(revision);
      }),
    );
    expect(parse(String(Number.MAX_SAFE_INTEGER))).toBe(Number.MAX_SAFE_INTEGER);
  });
});
