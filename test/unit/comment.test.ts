import { describe, expect, it } from '@jest/globals';
import type { Request } from 'express';
import { attributionOf, MAX_COMMENT_LENGTH } from '../../src/audit/attribution.js';
import { commentOf } from '../../src/http/comment-header.js';

const request = (value?: string) =>
  ({ headers: value === undefined ? {} : { 'flagwire-comment': value } }) as unknown as Request;

describe('a write comment', () => {
  it('is read from Flagwire-Comment as percent-encoded UTF-8', () => {
    expect(commentOf(request('rollback%20%E2%80%94%20INC-42'))).toBe('rollback — INC-42');
    expect(commentOf(request('plain words, no escapes'))).toBe('plain words, no escapes');
    expect(commentOf(request('100%25 sure'))).toBe('100% sure');
    expect(commentOf(request())).toBeUndefined();
  });

  it.each([
    ['a stray percent sign', '100% sure'],
    ['an escape that is not UTF-8', '%FF%FE'],
    ['raw non-ASCII bytes', 'caf\u00e9'],
  ])('refuses a header with %s, naming the rule', (_what, value) => {
    expect(() => commentOf(request(value))).toThrow(expect.objectContaining({ code: 'VALIDATION_FAILED' }));
  });

  it('is bounded and plain text; empty means none', () => {
    expect(attributionOf('alice', '')).toEqual({ actor: 'alice', comment: null });
    expect(attributionOf('alice', undefined)).toEqual({ actor: 'alice', comment: null });
    expect(attributionOf('alice', 'line one\nline two')).toEqual({
      actor: 'alice',
      comment: 'line one\nline two',
    });
    expect(attributionOf('alice', 'x'.repeat(MAX_COMMENT_LENGTH)).comment).toHaveLength(MAX_COMMENT_LENGTH);
    for (const bad of ['x'.repeat(MAX_COMMENT_LENGTH + 1), 'bell\u0007', 'lone \ud800', 42]) {
      expect(() => attributionOf('alice', bad)).toThrow(
        expect.objectContaining({ code: 'VALIDATION_FAILED', details: { field: 'comment' } }),
      );
    }
  });
});
