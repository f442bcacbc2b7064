import { createHmac, timingSafeEqual } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { retryAfterMs, retryDelay } from '../../src/webhooks/backoff.js';
import { signatureHeader, signatureOf, signatureProblem } from '../../src/webhooks/signature.js';

const SECRET = 'whsec_0123456789abcdef';

describe('webhook signatures', () => {
  const body = '{"type":"audit-entry","id":"s.audit.7","revision":7}';
  const now = 1_700_000_000;

  it('is HMAC-SHA256 of "<t>.<body>" in hex, as PROTOCOL.md says (a known vector)', () => {
    // printf '%s' '1700000000.{"a":1}' | openssl dgst -sha256 -hmac whsec_0123456789abcdef
    expect(signatureOf(SECRET, now, '{"a":1}')).toBe(
      '9f5e37cdc7ea587c7c02062d93283cad000d66a831b2a1676418696db47ed6c2',
    );
    expect(signatureHeader(SECRET, now, body)).toBe(`t=${now},v1=${signatureOf(SECRET, now, body)}`);
  });

  it('verifies a genuine request and refuses a tampered body, another secret, a stale timestamp', () => {
    const header = signatureHeader(SECRET, now, body);
    expect(signatureProblem(SECRET, header, body, 300, now + 10)).toBeUndefined();
    expect(signatureProblem(SECRET, header, body.replace('7', '8'), 300, now)).toBe(
      'signature does not match',
    );
    expect(signatureProblem('another-secret-0000001', header, body, 300, now)).toBe(
      'signature does not match',
    );
    expect(signatureProblem(SECRET, header, body, 300, now + 301)).toMatch(/replay/);
    expect(signatureProblem(SECRET, undefined, body)).toBe('no signature');
    expect(signatureProblem(SECRET, 'v1=abc', body)).toBe('malformed signature');
  });
});

describe('webhook retry schedule', () => {
  const schedule = { minMs: 1000, maxMs: 300_000 };

  it('doubles from the first delay to the cap, each wait in the upper half of its nominal delay', () => {
    const low = (n: number) => retryDelay(schedule, n, undefined, () => 0);
    const high = (n: number) => retryDelay(schedule, n, undefined, () => 1);
    expect([1, 2, 3, 4, 5].map(high)).toEqual([1000, 2000, 4000, 8000, 16_000]);
    expect([1, 2, 3].map(low)).toEqual([500, 1000, 2000]);
    expect(high(9)).toBe(256_000);
    expect(high(10)).toBe(300_000);
    expect(high(1000)).toBe(300_000);
    expect(low(1000)).toBe(150_000);
  });

  it("waits at least what the receiver's Retry-After asks, still capped", () => {
    expect(retryDelay(schedule, 1, 30_000, () => 1)).toBe(30_000);
    expect(retryDelay(schedule, 1, 3_600_000, () => 1)).toBe(300_000);
    expect(retryAfterMs('120')).toBe(120_000);
    expect(retryAfterMs(new Date(Date.now() + 5000).toUTCString())).toBeGreaterThan(3000);
    expect(retryAfterMs('soon')).toBeUndefined();
    expect(retryAfterMs(null)).toBeUndefined();
  });
});

describe("PROTOCOL.md's verification snippet", () => {
  it('accepts what the service signs, and refuses a tampered body, another secret or an old timestamp', async () => {
    const protocol = await readFile(join(import.meta.dirname, '../../PROTOCOL.md'), 'utf8');
    const section = protocol.slice(protocol.indexOf('### Verifying a request (Node)'));
    const code = /```js\n([\s\S]*?)```/.exec(section)?.[1];
    if (!code) throw new Error('no snippet in PROTOCOL.md');
    const verify = new Function(
      'createHmac',
      'timingSafeEqual',
      'Buffer',
      `${code.replace(/^import .*$/m, '').replace(/^export /m, '')}\nreturn verifyFlagwire;`,
    )(createHmac, timingSafeEqual, Buffer) as (
      secret: string,
      header: string | undefined,
      body: string,
      toleranceSec?: number,
    ) => boolean;
    const body = '{"type":"audit-entry","id":"s.audit.9","revision":9}';
    const now = Math.floor(Date.now() / 1000);
    const header = signatureHeader(SECRET, now, body);
    expect(verify(SECRET, header, body)).toBe(true);
    expect(verify(SECRET, header, body.replace('9', '8'))).toBe(false);
    expect(verify('another-secret-0000001', header, body)).toBe(false);
    expect(verify(SECRET, signatureHeader(SECRET, now - 600, body), body)).toBe(false);
    expect(verify(SECRET, undefined, body)).toBe(false);
  });
});
