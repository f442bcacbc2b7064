import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { client, sendJson, startTestApp } from '../support/app.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/**
 * PROTOCOL.md, "ETags and conditional requests": the list ETag per prefix after changes, on both
 * paths that serve a list, and `If-Match: *` on writes.
 */
describe('conditional requests', () => {
  let app: App;
  let get: ReturnType<typeof client>;

  beforeAll(async () => {
    app = await startTestApp();
    get = client(app);
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  const write = (method: string, path: string, body?: unknown, headers: Record<string, string> = {}) =>
    body === undefined ? get(path, { method, headers }) : sendJson(app, method, path, body, headers);

  // A plain prefix is answered before routing (poll-fast-path.ts, no X-Request-Id); a percent-encoded
  // one goes through the Express route (which sets X-Request-Id). Each case uses a prefix of its own, so
  // the list memo entry it checks was filled by that path.
  describe.each([
    ['the poll fast path', 'fast', (prefix: string) => prefix, false],
    [
      'the Express route',
      'routed',
      (prefix: string) => `%${prefix.charCodeAt(0).toString(16)}${prefix.slice(1)}`,
      true,
    ],
  ])('a prefixed list served by %s', (_path, prefix, encode, routed) => {
    const list = `/feature-flags?prefix=${encode(prefix)}`;

    /** GET of the list, checking that it really took the path under test. */
    async function poll(ifNoneMatch?: string) {
      const res = await get(list, { headers: ifNoneMatch ? { 'If-None-Match': ifNoneMatch } : {} });
      expect(res.headers.get('x-request-id') !== null).toBe(routed);
      return { status: res.status, etag: res.headers.get('etag') as string, body: await res.text() };
    }

    /** Polls with the last ETag: 304 means the ETag stayed, 200 must carry a new one. */
    async function expectEtagStays(etag: string) {
      const again = await poll(etag);
      expect(again.status).toBe(304);
      expect(again.etag).toBe(etag);
    }
    async function expectEtagChanges(etag: string) {
      const again = await poll(etag);
      expect(again.status).toBe(200);
      expect(again.etag).not.toBe(etag);
      return again;
    }

    it('changes its ETag after every change inside the prefix, and keeps it after changes outside', async () => {
      await write('POST', '/feature-flags', { key: `${prefix}.a`, isEnabled: false });
      await write('POST', '/feature-flags', { key: `other-${prefix}.a`, isEnabled: false });
      let current = await poll(); // fills the memo entry for this prefix
      expect(current.status).toBe(200);

      // Outside: a key that merely contains the prefix, and the unprefixed list being polled meanwhile.
      expect((await get('/feature-flags')).status).toBe(200);
      await write('PATCH', `/feature-flags/other-${prefix}.a`, { isEnabled: true });
      await expectEtagStays(current.etag);

      // Inside: an update, a create and a delete each give a new ETag and the new body.
      await write('PATCH', `/feature-flags/${prefix}.a`, { isEnabled: true });
      current = await expectEtagChanges(current.etag);
      expect(JSON.parse(current.body)).toMatchObject([{ key: `${prefix}.a`, isEnabled: true }]);
      await expectEtagStays(current.etag);

      await write('POST', '/feature-flags', { key: `${prefix}.b` });
      current = await expectEtagChanges(current.etag);
      expect(JSON.parse(current.body).map((flag: { key: string }) => flag.key)).toEqual([
        `${prefix}.a`,
        `${prefix}.b`,
      ]);

      expect((await write('DELETE', `/feature-flags/${prefix}.a`)).status).toBe(204);
      current = await expectEtagChanges(current.etag);
      expect(JSON.parse(current.body)).toMatchObject([{ key: `${prefix}.b` }]);

      await write('DELETE', `/feature-flags/other-${prefix}.a`);
      await expectEtagStays(current.etag);
    });

    it('changes the ETag of every memoised list whose prefix the changed key starts with, and only those', async () => {
      const wide = `/feature-flags?prefix=${encode(`${prefix}.nest`)}`;
      const narrow = `/feature-flags?prefix=${encode(`${prefix}.nest.deep`)}`;
      await write('POST', '/feature-flags', { key: `${prefix}.nest.deep.x` });
      const etagOf = async (path: string, ifNoneMatch = '') => {
        const res = await get(path, { headers: ifNoneMatch ? { 'If-None-Match': ifNoneMatch } : {} });
        return { status: res.status, etag: res.headers.get('etag') as string };
      };
      const before = { wide: (await etagOf(wide)).etag, narrow: (await etagOf(narrow)).etag };

      // Inside the wide prefix only: the wide list changes, the narrow one stays.
      await write('POST', '/feature-flags', { key: `${prefix}.nest.shallow` });
      expect(await etagOf(narrow, before.narrow)).toEqual({ status: 304, etag: before.narrow });
      const wideAfter = await etagOf(wide, before.wide);
      expect(wideAfter.status).toBe(200);

      // Inside both: both change.
      await write('PATCH', `/feature-flags/${prefix}.nest.deep.x`, { isEnabled: true });
      expect((await etagOf(narrow, before.narrow)).status).toBe(200);
      expect((await etagOf(wide, wideAfter.etag)).status).toBe(200);
    });
  });

  // `If-Match: *` means "the flag exists": the write proceeds whatever its version, and a missing flag
  // is 404 FLAG_NOT_FOUND (PATCH and DELETE never create one), with nothing written.
  describe('If-Match: *', () => {
    const star = { 'If-Match': '*' };

    it('lets a PATCH of an existing flag proceed, at whatever version it is', async () => {
      await write('POST', '/feature-flags', { key: 'star.patch', isEnabled: false });
      await write('PATCH', '/feature-flags/star.patch', { description: 'moved on to version 2' });
      const res = await write('PATCH', '/feature-flags/star.patch', { isEnabled: true }, star);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({
        key: 'star.patch',
        isEnabled: true,
        description: 'moved on to version 2',
        version: 3,
      });
    });

    it('lets a DELETE of an existing flag proceed', async () => {
      await write('POST', '/feature-flags', { key: 'star.delete', isEnabled: true });
      await write('PATCH', '/feature-flags/star.delete', { isEnabled: false });
      expect((await write('DELETE', '/feature-flags/star.delete', undefined, star)).status).toBe(204);
      expect((await get('/feature-flags/star.delete')).status).toBe(404);
    });

    it.each([
      ['PATCH', { isEnabled: true }],
      ['DELETE', undefined],
    ])('answers a %s of a missing flag with 404 FLAG_NOT_FOUND and creates nothing', async (method, body) => {
      const listBefore = await get('/feature-flags');
      const res = await write(method, '/feature-flags/star.missing', body, star);
      expect(res.status).toBe(404);
      expect(await res.json()).toMatchObject({
        error: { code: 'FLAG_NOT_FOUND', details: { key: 'star.missing' } },
      });
      expect((await get('/feature-flags/star.missing')).status).toBe(404);
      const listAfter = await get('/feature-flags', {
        headers: { 'If-None-Match': listBefore.headers.get('etag') as string },
      });
      expect(listAfter.status).toBe(304);
    });

    it('never answers 412 while the flag exists, even when other writes race it', async () => {
      await write('POST', '/feature-flags', { key: 'star.raced', description: '' });
      // Each writer can lose at most writers - 1 races, within the 5 attempts an unconditional write
      // gets: every one must succeed (more writers could legitimately end in 409 WRITE_CONFLICT).
      const writers = 5;
      const answers = await Promise.all(
        Array.from({ length: writers }, (_, i) =>
          write('PATCH', '/feature-flags/star.raced', { description: `writer ${i}` }, star),
        ),
      );
      expect(answers.map((res) => res.status)).toEqual(Array(writers).fill(200));
      const flag = (await (await get('/feature-flags/star.raced')).json()) as { version: number };
      expect(flag.version).toBe(1 + writers);
    });
  });
});

describe('list ETags come from the bytes alone', () => {
  it('gives a list the same ETag after changes outside its prefix, even once the memo has forgotten it', async () => {
    // A memo of one entry: polling another prefix evicts the list, so the next poll rebuilds it.
    const app = await startTestApp({ ETAG_MEMO_ENTRIES: '1' });
    const get = client(app);
    try {
      await sendJson(app, 'POST', '/feature-flags', { key: 'kept.a', isEnabled: true });
      const etag = (await get('/feature-flags?prefix=kept')).headers.get('etag') as string;

      await sendJson(app, 'POST', '/feature-flags', { key: 'moved.a', isEnabled: true });
      expect((await get('/feature-flags?prefix=moved')).status).toBe(200); // evicts `kept`
      const again = await get('/feature-flags?prefix=kept', { headers: { 'If-None-Match': etag } });
      expect(again.status).toBe(304);
      expect(again.headers.get('etag')).toBe(etag);
    } finally {
      await app.stop();
      await app.removeDataDir();
    }
  });
});
