import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sendJson } from '../support/app.js';
import { type InstancePair, startInstancePair } from '../support/instance-pair.js';
import { flagOnForSegment } from '../support/segments.js';
import { SseClient } from '../support/sse.js';

describe('segments across instances (shared MongoDB stand-in and Redis)', () => {
  let pair: InstancePair;

  beforeAll(async () => {
    pair = await startInstancePair();
  });
  afterAll(async () => {
    await pair?.stop();
  });

  it("a segment written on A reaches B's SSE streams, its GET /segments and its write-time validation, like a flag change", async () => {
    const stream = await SseClient.open(new URL('/feature-flags/stream?prefix=multi.', pair.b.url));
    const onA = await SseClient.open(new URL('/feature-flags/stream?prefix=multi.', pair.a.url));
    try {
      await stream.nextEvent(); // the snapshot
      await onA.nextEvent();
      const before = await fetch(new URL('/segments', pair.b.url));
      const etag = before.headers.get('etag') as string;

      const res = await sendJson(pair.a, 'PUT', '/segments/multi.beta', { included: ['user-1'] });
      expect(res.status).toBe(201);
      const written = (await res.json()) as { revision: number };

      const event = await stream.nextEvent();
      expect(event).toMatchObject({ event: 'segment-upsert', id: String(written.revision) });
      // B has applied it: its list moved on, and a flag naming it passes validation on B.
      const after = await fetch(new URL('/segments', pair.b.url), { headers: { 'if-none-match': etag } });
      expect(after.status).toBe(200);
      expect(((await after.json()) as Array<{ key: string }>).map((segment) => segment.key)).toContain(
        'multi.beta',
      );
      const flag = await sendJson(
        pair.b,
        'PUT',
        '/feature-flags/multi.flag',
        flagOnForSegment('multi.flag', 'multi.beta'),
      );
      expect(flag.status).toBe(201);
      // And A, once it has B's flag, refuses to delete the segment it uses.
      expect(await onA.nextEvent()).toMatchObject({ event: 'segment-upsert' });
      expect(await onA.nextEvent()).toMatchObject({ event: 'upsert' });
      const refused = await fetch(new URL('/segments/multi.beta', pair.a.url), { method: 'DELETE' });
      expect(refused.status).toBe(409);
    } finally {
      stream.close();
      onA.close();
    }
  });
});
