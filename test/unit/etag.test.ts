import { describe, expect, it } from '@jest/globals';
import { etagOf, ifNoneMatchMatches } from '../../src/http/etag.js';

describe('ETags', () => {
  const etag = etagOf(Buffer.from('[]'));

  it('are strong, quoted and derived from the bytes', () => {
    expect(etag).toMatch(/^"[A-Za-z0-9_-]{32}"$/);
    expect(etagOf(Buffer.from('[]'))).toBe(etag);
    expect(etagOf(Buffer.from('[ ]'))).not.toBe(etag);
  });

  it('If-None-Match matches exact, listed, weak and * forms, and nothing else', () => {
    expect(ifNoneMatchMatches(etag, etag)).toBe(true);
    expect(ifNoneMatchMatches(`"other", ${etag}`, etag)).toBe(true);
    expect(ifNoneMatchMatches(`W/${etag}`, etag)).toBe(true);
    expect(ifNoneMatchMatches('*', etag)).toBe(true);
    expect(ifNoneMatchMatches(undefined, etag)).toBe(false);
    expect(ifNoneMatchMatches('"other"', etag)).toBe(false);
    expect(ifNoneMatchMatches(etag.slice(1, -1), etag)).toBe(false);
  });
});
