import { createHash } from 'node:crypto';

/** A strong ETag derived from the exact body bytes, so every instance computes the same one. */
export function etagOf(body: Buffer): string {
  return `"${createHash('sha256').update(body).digest('base64url').slice(0, 32)}"`;
}

/**
 * Whether an `If-None-Match` header matches `etag`, with the weak comparison RFC 9110 prescribes for
 * it (a `W/` prefix is ignored) and `*` matching any current representation.
 */
export function ifNoneMatchMatches(header: string | undefined, etag: string): boolean {
  if (header === undefined) return false;
  // Fast path: the usual poller echoes back exactly what it got.
  if (header === etag) return true;
  for (const raw of header.split(',')) {
    const tag = raw.trim();
    if (tag === '*' || tag === etag || tag === `W/${etag}`) return true;
  }
  return false;
}

/** The entity tags listed in an `If-Match` header (`*` kept as is). */
export function parseIfMatch(header: string): string[] {
  return header
    .split(',')
    .map((tag) => tag.trim())
    .filter((tag) => tag.length > 0);
}
