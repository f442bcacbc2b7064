import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type InstancePair, startInstancePair } from '../support/instance-pair.js';
import { SseClient } from '../support/sse.js';

/** Two instances sharing MongoDB (the stand-in unless MONGODB_URI is set) and Redis. */
describe('environments across instances', () => {
  let pair: InstancePair;
  beforeAll(async () => {
    pair = await startInstancePair();
  });
  afterAll(async () => {
    await pair.stop();
  });

  it('an environment created on one instance is readable, and its flags streamed, on the other once its changes arrive', async () => {
    const { a, b } = pair;
    // B's stream in production hears the staging write below only after B applied every change
    // before it (streams deliver in revision order), the new environment included.
    const stream = await SseClient.open(new URL('/feature-flags/stream?prefix=multi.', b.url));
    try {
      await stream.nextEvent(); // the snapshot
      const post = (path: string, body: unknown) =>
        fetch(new URL(path, a.url), {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify(body),
        });
      expect((await post('/environments', { key: 'staging' })).status).toBe(201);
      expect(
        (await post('/feature-flags?environment=staging', { key: 'multi.a', isEnabled: true })).status,
      ).toBe(201);
      const upsert = await stream.nextEvent();
      expect(JSON.parse(upsert.data)).toMatchObject({ key: 'multi.a', flag: { isEnabled: false } });

      const onB = await fetch(new URL('/feature-flags?prefix=multi.&environment=staging', b.url));
      expect(onB.status).toBe(200);
      expect(((await onB.json()) as { isEnabled: boolean }[]).map((flag) => flag.isEnabled)).toEqual([true]);
      expect(await (await fetch(new URL('/environments', b.url))).json()).toEqual([
        { key: 'production', description: '' },
        { key: 'staging', description: '' },
      ]);
    } finally {
      stream.close();
    }
  });
});
