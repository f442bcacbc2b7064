import { createHmac, timingSafeEqual } from 'node:crypto';

/** The header carrying the signature: `t=<unix seconds>,v1=<hex HMAC-SHA256>`. */
export const SIGNATURE_HEADER = 'Flagwire-Signature';

/** HMAC-SHA256 of `<timestamp>.<body>` under `secret`, hex. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`, 'utf8').digest('hex');
}

/**
 * The `Flagwire-Signature` value for `body` sent at `timestamp` (unix seconds). Signed afresh for every
 * attempt, so a retry an hour later still passes a receiver's replay tolerance.
 */
export function signatureHeader(secret: string, timestamp: number, body: string): string {
  return `t=${timestamp},v1=${signatureOf(secret, timestamp, body)}`;
}

/**
 * Checks a request the way a receiver should (PROTOCOL.md#webhooks): the header parses, some `v1`
 * matches the HMAC of `<t>.<raw body>` (compared in constant time), and `t` is within `toleranceSec`
 * of `now`. Answers why not, or undefined when the request is genuine.
 */
export function signatureProblem(
  secret: string,
  header: string | null | undefined,
  body: string,
  toleranceSec = 300,
  now = Math.floor(Date.now() / 1000),
): string | undefined {
  if (!header) return 'no signature';
  const parts = header.split(',').map((part) => part.trim().split('='));
  const t = Number(parts.find(([key]) => key === 't')?.[1]);
  const candidates = parts.filter(([key]) => key === 'v1').map(([, value]) => value ?? '');
  if (!Number.isSafeInteger(t) || candidates.length === 0) return 'malformed signature';
  if (Math.abs(now - t) > toleranceSec) return 'timestamp outside the tolerance (replay?)';
  const expected = Buffer.from(signatureOf(secret, t, body), 'hex');
  const matches = candidates.some((candidate) => {
    const given = Buffer.from(candidate, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
  return matches ? undefined : 'signature does not match';
}
