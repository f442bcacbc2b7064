import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { client, startTestApp } from '../support/app.js';
import { openSse } from '../support/listeners.js';

/**
 * The seed's "How to Verify", scripted: with a real-time client, a polling client and a client
 * filtered to `beta` running, the seed's curl POST reaches the SSE client at once, the poller sees a
 * new ETag on its next request, and the filtered client ignores it.
 */
describe("the seed's How to Verify scenario", () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  it('a POST reaches the SSE client at once, the poller on its next poll, and the beta client not at all', async () => {
    const get = client(app);
    const realtime = openSse(`${app.url}/feature-flags/stream`);
    const filtered = openSse(`${app.url}/feature-flags/stream?prefix=beta`);
    expect((await realtime.next()).type).toBe('snapshot');
    expect((await filtered.next()).type).toBe('snapshot');
    const firstPoll = await get('/feature-flags');
    const etag = firstPoll.headers.get('etag') as string;
    expect((await get('/feature-flags', { headers: { 'If-None-Match': etag } })).status).toBe(304);

    // The seed's curl request, verbatim.
    const posted = await get('/feature-flags', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"key": "new-feature", "isEnabled": true, "description": "Test flag"}',
    });
    expect(posted.status).toBe(201);

    expect(await realtime.next()).toMatchObject({
      type: 'upsert',
      data: { kind: 'upsert', key: 'new-feature', flag: { isEnabled: true, description: 'Test flag' } },
    });
    const nextPoll = await get('/feature-flags', { headers: { 'If-None-Match': etag } });
    expect(nextPoll.status).toBe(200);
    expect(nextPoll.headers.get('etag')).not.toBe(etag);

    // The filtered client ignored new-feature: the next thing it hears is the next beta change.
    await get('/feature-flags', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"key": "beta.search", "isEnabled": true}',
    });
    expect(await filtered.next()).toMatchObject({ type: 'upsert', data: { key: 'beta.search' } });
    expect(await realtime.next()).toMatchObject({ type: 'upsert', data: { key: 'beta.search' } });

    realtime.close();
    filtered.close();
  });
});
