import { describe, expect, it } from '@jest/globals';
import { ValidationError } from '../../src/flags/errors.js';
import {
  assertValidDescription,
  assertValidExpectedVersion,
  assertValidIsEnabled,
  assertValidKey,
  isValidPrefix,
  MAX_DESCRIPTION_LENGTH,
  MAX_KEY_LENGTH,
  normalizePrefix,
} from '../../src/flags/validation.js';

/** The ValidationError `check` throws (fails the test if it throws nothing or something else). */
function refusal(check: () => unknown): ValidationError {
  try {
    check();
  } catch (err) {
    if (err instanceof ValidationError) return err;
    throw err;
  }
  throw new Error('expected a ValidationError, nothing was thrown');
}

describe('flag keys', () => {
  it('accepts 1 to 128 characters of letters, digits and . _ - :, starting with a letter or digit', () => {
    expect(MAX_KEY_LENGTH).toBe(128);
    for (const key of ['a', 'Z', '7', 'a.b_c-d:e', `k${'x'.repeat(127)}`, '0-', 'A:']) {
      expect(() => assertValidKey(key)).not.toThrow();
    }
  });

  it('refuses a key that is empty, too long, starts with punctuation or holds another character', () => {
    const cases: Array<[unknown, RegExp]> = [
      ['', /1 to 128 characters/],
      [`k${'x'.repeat(128)}`, /1 to 128 characters/],
      ['.a', /may contain only/],
      ['_a', /may contain only/],
      ['-a', /may contain only/],
      [':a', /may contain only/],
      ['a b', /may contain only/],
      ['a/b', /may contain only/],
      ['ä', /may contain only/],
      ['a\n', /may contain only/],
      [42, /must be a string/],
      [null, /must be a string/],
    ];
    for (const [key, message] of cases) {
      const err = refusal(() => assertValidKey(key));
      expect(err.code).toBe('VALIDATION_FAILED');
      expect(err.message).toMatch(message);
      expect(err.details).toEqual({ field: 'key' });
    }
  });

  it('names the field it checked, so a key given under another name is reported under that name', () => {
    for (const bad of [1, '', '-x']) {
      const err = refusal(() => assertValidKey(bad, 'flagKey'));
      expect(err.message).toContain(`'flagKey'`);
      expect(err.details).toEqual({ field: 'flagKey' });
    }
  });
});

describe('prefixes', () => {
  it('take the start of any key, the empty prefix included, up to 128 characters', () => {
    for (const prefix of ['', 'a', 'beta.', 'beta-', 'x:', `p${'x'.repeat(127)}`]) {
      expect(isValidPrefix(prefix)).toBe(true);
      expect(normalizePrefix(prefix)).toBe(prefix);
    }
  });

  it('are refused when longer than a key or when no key could start with them', () => {
    for (const prefix of [`p${'x'.repeat(128)}`, '.', '-beta', 'a b', 'a*', '%2E']) {
      expect(isValidPrefix(prefix)).toBe(false);
      const err = refusal(() => normalizePrefix(prefix));
      expect(err.details).toEqual({ field: 'prefix' });
    }
    expect(refusal(() => normalizePrefix(`p${'x'.repeat(128)}`)).message).toMatch(/at most 128 characters/);
    expect(refusal(() => normalizePrefix('-beta')).message).toMatch(/only characters allowed in a key/);
  });

  it('absent means every flag; a non-string is refused', () => {
    expect(normalizePrefix(undefined)).toBe('');
    expect(normalizePrefix(null)).toBe('');
    for (const prefix of [['a', 'b'], 1, { $ne: 'x' }]) {
      const err = refusal(() => normalizePrefix(prefix));
      expect(err.message).toMatch(/must be a string/);
      expect(err.details).toEqual({ field: 'prefix' });
    }
  });
});

describe('descriptions', () => {
  it('accept up to 1000 characters of text, tabs and line breaks included', () => {
    expect(MAX_DESCRIPTION_LENGTH).toBe(1000);
    const fine = [
      '',
      'x'.repeat(1000),
      'line one\nline two\r\n\tindented',
      '~ tilde (0x7e) and no-break\u00a0space (0xa0)',
      'emoji 🚩 as a surrogate pair',
      '\u{10000} and \u{103ff}: a high surrogate with the first and with the last low one',
      '\ud7ff and \ue000 sit just outside the surrogates',
      '\u{10ffff}',
    ];
    for (const description of fine) expect(() => assertValidDescription(description)).not.toThrow();
  });

  it('refuse more than 1000 characters, and non-strings', () => {
    const tooLong = refusal(() => assertValidDescription('x'.repeat(1001)));
    expect(tooLong.message).toMatch(/at most 1000 characters/);
    expect(tooLong.details).toEqual({ field: 'description' });
    expect(refusal(() => assertValidDescription(5)).message).toMatch(/must be a string/);
    expect(refusal(() => assertValidDescription(undefined)).details).toEqual({ field: 'description' });
  });

  it('refuse control characters other than tab and line breaks, and lone surrogates', () => {
    const bad = [
      'nul \u0000',
      'bell \u0007',
      'backspace \u0008',
      'vertical tab \u000b',
      'form feed \u000c',
      'escape \u001b[31m',
      'unit separator \u001f',
      'delete \u007f',
      'C1 \u0080',
      'C1 end \u009f',
      'lone high \ud800 in the middle',
      'lone high at the end \udbff',
      'high then high \ud83d\ud83d',
      'high then private use \ud800\ue000',
      'lone low \udc00',
      'lone low \udfff',
      'reversed pair \udc00\ud800',
    ];
    for (const description of bad) {
      const err = refusal(() => assertValidDescription(description));
      expect(err.message).toMatch(/control characters or lone surrogates/);
      expect(err.details).toEqual({ field: 'description' });
    }
  });

  it('check every character, not just the first ones', () => {
    expect(() => assertValidDescription(`${'🚩'.repeat(400)}ok\u0007`)).toThrow(ValidationError);
    expect(() => assertValidDescription(`${'ok '.repeat(300)}\ud800`)).toThrow(ValidationError);
  });
});

describe('isEnabled and expected versions', () => {
  it('isEnabled must be a boolean', () => {
    expect(() => assertValidIsEnabled(true)).not.toThrow();
    expect(() => assertValidIsEnabled(false)).not.toThrow();
    for (const bad of ['true', 1, 0, null, undefined]) {
      const err = refusal(() => assertValidIsEnabled(bad));
      expect(err.message).toMatch(/must be true or false/);
      expect(err.details).toEqual({ field: 'isEnabled' });
    }
  });

  it('an expected version is absent or a positive safe integer', () => {
    for (const fine of [undefined, 1, 2, Number.MAX_SAFE_INTEGER]) {
      expect(() => assertValidExpectedVersion(fine)).not.toThrow();
    }
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, '1', null]) {
      const err = refusal(() => assertValidExpectedVersion(bad));
      expect(err.message).toMatch(/positive integer/);
      expect(err.details).toEqual({ field: 'expectedVersion' });
    }
  });
});
