import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sendJson, startTestApp } from '../support/app.js';
import { openSse } from '../support/listeners.js';
import { SseClient } from '../support/sse.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

interface Written {
  key: string;
  revision: number;
  version: number;
}

describe('SSE carries segments', () => {
  let app: TestApp;
  const streams: SseClient[] = [];
  const open = async (prefix: string, headers: Record<string, string> = {}) => {
    const stream = await SseClient.open(new URL(`/feature-flags/stream?prefix=${prefix}`, app.url), headers);
    streams.push(stream);
    return stream;
  };
  const write = async (method: string, path: string, body: unknown): Promise<Written> => {
    const res = await sendJson(app, method, path, body);
    expect(res.status).toBeLessThan(300);
    return (await res.json()) as Written;
  };

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    for (const stream of streams) stream.close();
    await app.stop();
    await app.removeDataDir();
  });

  it('the snapshot event holds every segment, sorted by key, beside the flags in scope', async () => {
    await write('PUT', '/segments/sse.zeta', { included: ['z'] });
    await write('PUT', '/segments/sse.alpha', { excluded: ['a'] });
    await write('POST', '/feature-flags', { key: 'snapshot.flag', isEnabled: true });
    const stream = await open('snapshot.');
    const snapshot = await stream.nextEvent();
    expect(snapshot.event).toBe('snapshot');
    const data = JSON.parse(snapshot.data) as {
      flags: Written[];
      segments: Array<Written & { definition: unknown }>;
    };
    expect(data.flags.map((flag) => flag.key)).toEqual(['snapshot.flag']);
    expect(data.segments.map((segment) => segment.key)).toEqual(['sse.alpha', 'sse.zeta']);
    expect(data.segments[0]?.definition).toMatchObject({ key: 'sse.alpha', excluded: ['a'], included: [] });
  });

  it('sends segment-upsert and segment-delete, id = revision, to streams of every prefix, in order with flag events', async () => {
    const checkout = await open('checkout.');
    const search = await open('search.');
    await checkout.nextEvent();
    await search.nextEvent();

    const created = await write('PUT', '/segments/sse.live', { included: ['user-1'] });
    const flag = await write('POST', '/feature-flags', { key: 'checkout.live', isEnabled: true });
    const res = await sendJson(app, 'DELETE', '/segments/sse.live', undefined);
    expect(res.status).toBe(204);

    for (const stream of [checkout, search]) {
      const upsert = await stream.nextEvent();
      expect(upsert).toMatchObject({ event: 'segment-upsert', id: String(created.revision) });
      expect(JSON.parse(upsert.data)).toMatchObject({
        kind: 'upsert',
        key: 'sse.live',
        revision: created.revision,
        segment: { key: 'sse.live', version: 1, definition: { included: ['user-1'] } },
      });
    }
    expect(await checkout.nextEvent()).toMatchObject({ event: 'upsert', id: String(flag.revision) });
    for (const stream of [checkout, search]) {
      const deleted = await stream.nextEvent();
      expect(deleted.event).toBe('segment-delete');
      expect(JSON.parse(deleted.data)).toEqual({
        kind: 'delete',
        key: 'sse.live',
        revision: Number(deleted.id),
        version: 1,
      });
      expect(Number(deleted.id)).toBeGreaterThan(flag.revision);
    }
  });

  it('a stream resumed with Last-Event-ID replays the segment changes it missed', async () => {
    const before = await write('POST', '/feature-flags', { key: 'resume.mark', isEnabled: true });
    const missed = await write('PUT', '/segments/sse.missed', { included: ['late'] });
    const stream = await open('resume.', { 'last-event-id': String(before.revision) });
    const replayed = await stream.nextEvent();
    expect(replayed).toMatchObject({ event: 'segment-upsert', id: String(missed.revision) });
    expect(JSON.parse(replayed.data)).toMatchObject({ key: 'sse.missed', segment: { version: 1 } });
  });

  it('an EventSource listening only to snapshot, upsert and delete (a seed client) is unaffected by segment events', async () => {
    const seed = openSse(new URL('/feature-flags/stream?prefix=seed.', app.url).href);
    try {
      expect((await seed.next()).type).toBe('snapshot');
      await write('PUT', '/segments/sse.seed', { included: ['x'] });
      const flag = await write('POST', '/feature-flags', { key: 'seed.after', isEnabled: true });
      const next = await seed.next();
      expect(next).toMatchObject({ type: 'upsert', id: String(flag.revision), data: { key: 'seed.after' } });
      expect(seed.pending).toBe(0);
    } finally {
      seed.close();
    }
  });
});
