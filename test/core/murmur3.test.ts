import { murmur3, murmur3Bytes, murmur3Concat } from '@flagwire/core';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

describe('murmur3 x86 32-bit', () => {
  it('gives the published values for seed 0 ("" -> 0, "hello" -> 0x248bfa47)', () => {
    expect(murmur3('')).toBe(0);
    expect(murmur3('hello')).toBe(0x248bfa47);
  });

  // The widely used reference vectors of MurmurHash3_x86_32 (every tail length, seeds, a multi-byte string).
  it.each([
    ['', 1, 0x514e28b7],
    ['', 0xffffffff, 0x81f16f39],
    ['\0\0\0\0', 0, 0x2362f9de],
    ['aaaa', 0x9747b28c, 0x5a97808a],
    ['aaa', 0x9747b28c, 0x283e0130],
    ['aa', 0x9747b28c, 0x5d211726],
    ['a', 0x9747b28c, 0x7fa09ea6],
    ['abc', 0, 0xb3dd93fa],
    ['Hello, world!', 0x9747b28c, 0x24884cba],
    ['ππππππππ', 0x9747b28c, 0xd58063c1],
    ['abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq', 0, 0xee925b90],
    ['The quick brown fox jumps over the lazy dog', 0x9747b28c, 0x2fa826cd],
  ])('hashes %j with seed %d to the reference value', (input, seed, expected) => {
    expect(murmur3(input, seed)).toBe(expected);
  });

  it('hashes a string as its UTF-8 bytes, and always answers an unsigned 32-bit integer', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (text) => {
        const hash = murmur3(text);
        expect(hash).toBe(murmur3Bytes(encoder.encode(text)));
        expect(Number.isInteger(hash) && hash >= 0 && hash <= 0xffffffff).toBe(true);
      }),
    );
  });

  it('hashes two strings as their concatenation, ASCII or not (what a rollout hashes: seed + value)', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), fc.string({ unit: 'binary' }), fc.nat(), (a, b, seed) => {
        expect(murmur3Concat(a, b, seed)).toBe(murmur3(a + b, seed));
        expect(murmur3Concat(a, b, seed)).toBe(murmur3Bytes(new TextEncoder().encode(a + b), seed));
      }),
      { numRuns: 2000 },
    );
  });
});
