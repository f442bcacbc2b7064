/*
 * MurmurHash3, x86 32-bit variant (Austin Appleby's reference `MurmurHash3_x86_32`), of a string's UTF-8
 * bytes. This is the hash flagd's `fractional` operator uses (Go: github.com/twmb/murmur3 StringSum32),
 * so a rollout moved from flagd keeps every user in the same bucket. Pure arithmetic on 32-bit integers
 * (`Math.imul`), no Node API: it runs unchanged in browsers.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

// The core's tsconfig has no DOM or Node types (it must not lean on either); TextEncoder is in both.
declare const TextEncoder: new () => { encode(input: string): Uint8Array };
const utf8 = new TextEncoder();

/** Unsigned 32-bit hash of `input`'s UTF-8 bytes: "" -> 0, "hello" -> 0x248bfa47 (seed 0). */
export function murmur3(input: string, seed = 0): number {
  return murmur3Concat(input, '', seed);
}

/**
 * murmur3(first + second) without building the concatenation (a rollout hashes `seed + value` on every
 * evaluation; joining them costs more than hashing). Most bucketing values are ASCII: then each UTF-16
 * code unit is the UTF-8 byte and nothing is encoded; the first non-ASCII character sends the joined
 * string through TextEncoder instead.
 */
export function murmur3Concat(first: string, second: string, seed = 0): number {
  const firstLength = first.length;
  const length = firstLength + second.length;
  let h = seed | 0;
  let word = 0;
  let shift = 0;
  for (let i = 0; i < length; i++) {
    const code = i < firstLength ? first.charCodeAt(i) : second.charCodeAt(i - firstLength);
    if (code > 0x7f) return murmur3Bytes(utf8.encode(first + second), seed);
    word |= code << shift;
    if (shift === 24) {
      h = mixBlock(h, word);
      word = 0;
      shift = 0;
    } else {
      shift += 8;
    }
  }
  return finish(h, word, length & 3, length);
}

/** Unsigned 32-bit hash of raw bytes. */
export function murmur3Bytes(bytes: Uint8Array, seed = 0): number {
  const length = bytes.length;
  let h = seed | 0;
  const blocks = length & ~3;
  for (let i = 0; i < blocks; i += 4) {
    h = mixBlock(
      h,
      (bytes[i] as number) |
        ((bytes[i + 1] as number) << 8) |
        ((bytes[i + 2] as number) << 16) |
        ((bytes[i + 3] as number) << 24),
    );
  }
  const tail = length & 3;
  let k = 0;
  if (tail === 3) k = (bytes[blocks + 2] as number) << 16;
  if (tail >= 2) k |= (bytes[blocks + 1] as number) << 8;
  if (tail >= 1) k |= bytes[blocks] as number;
  return finish(h, k, tail, length);
}

function mixBlock(h: number, block: number): number {
  let k = Math.imul(block, C1);
  k = (k << 15) | (k >>> 17);
  k = Math.imul(k, C2);
  let x = h ^ k;
  x = (x << 13) | (x >>> 19);
  return (Math.imul(x, 5) + 0xe6546b64) | 0;
}

/** The tail bytes (`k`, `tail` of them) and the final mix (fmix32). */
function finish(h: number, k: number, tail: number, length: number): number {
  let x = h;
  if (tail > 0) {
    let t = Math.imul(k, C1);
    t = (t << 15) | (t >>> 17);
    t = Math.imul(t, C2);
    x ^= t;
  }
  x ^= length;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x >>> 0;
}
