import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditNote } from '../../src/audit/audit-entry.js';
import type { FlagFields } from '../../src/flags/flag.js';
import type { FlagStore, WriteResult } from '../../src/flags/store/flag-store.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { client, sendJson, startTestApp } from '../support/app.js';
import { asUpdate } from '../support/audit.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

describe('REST /feature-flags', () => {
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

  it("accepts the seed's curl request verbatim and creates the flag (201), then updates it (200)", async () => {
    // curl -X POST http://localhost:3000/feature-flags -H "Content-Type: application/json" \
    //   -d '{"key": "new-feature", "isEnabled": true, "description": "Test flag"}'
    const body = '{"key": "new-feature", "isEnabled": true, "description": "Test flag"}';
    const init = { method: 'POST', headers: { 'Content-Type': 'application/json' }, body };
    const created = await get('/feature-flags', init);
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe('/feature-flags/new-feature');
    expect(await created.json()).toMatchObject({
      key: 'new-feature',
      isEnabled: true,
      description: 'Test flag',
      version: 1,
    });

    const again = await get('/feature-flags', init);
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ key: 'new-feature', version: 2 });
  });

  it('lists flags sorted by key with a strong ETag, and answers 304 with no body when If-None-Match matches', async () => {
    await sendJson(app, 'POST', '/feature-flags', { key: 'zeta', isEnabled: false });
    await sendJson(app, 'POST', '/feature-flags', { key: 'alpha', isEnabled: true });
    const res = await get('/feature-flags');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    const etag = res.headers.get('etag');
    expect(etag).toMatch(/^"[^"]+"$/);
    const keys = ((await res.json()) as Array<{ key: string }>).map((f) => f.key);
    expect(keys).toEqual([...keys].sort());

    const notModified = await get('/feature-flags', { headers: { 'If-None-Match': etag as string } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get('etag')).toBe(etag);
    expect(await notModified.text()).toBe('');
  });

  it('never answers a stale 304: after a change the old ETag gets 200 and a new ETag', async () => {
    const before = await get('/feature-flags');
    const etag = before.headers.get('etag') as string;
    await sendJson(app, 'PATCH', '/feature-flags/alpha', { isEnabled: false });
    const after = await get('/feature-flags', { headers: { 'If-None-Match': etag } });
    expect(after.status).toBe(200);
    expect(after.headers.get('etag')).not.toBe(etag);
    expect(
      ((await after.json()) as Array<{ key: string; isEnabled: boolean }>).find((f) => f.key === 'alpha')
        ?.isEnabled,
    ).toBe(false);
  });

  it('filters by prefix, with an ETag per prefix that a change elsewhere leaves alone', async () => {
    await sendJson(app, 'POST', '/feature-flags', { key: 'beta.search', isEnabled: true });
    await sendJson(app, 'POST', '/feature-flags', { key: 'beta.checkout', isEnabled: false });
    const beta = await get('/feature-flags?prefix=beta');
    expect(((await beta.json()) as Array<{ key: string }>).map((f) => f.key)).toEqual([
      'beta.checkout',
      'beta.search',
    ]);
    const etag = beta.headers.get('etag') as string;

    await sendJson(app, 'POST', '/feature-flags', { key: 'payment.v2', isEnabled: true });
    expect((await get('/feature-flags?prefix=beta', { headers: { 'If-None-Match': etag } })).status).toBe(
      304,
    );
    expect(await (await get('/feature-flags?prefix=nothing-here')).json()).toEqual([]);
  });

  it('answers a plain and a percent-encoded prefix with the same status, headers and bytes', async () => {
    // `beta` is answered before routing; `%62eta` (also "beta") goes through the router: they must agree.
    for (const headers of [
      {},
      { 'If-None-Match': (await get('/feature-flags?prefix=beta')).headers.get('etag') as string },
    ]) {
      const [plain, encoded] = await Promise.all([
        get('/feature-flags?prefix=beta', { headers }),
        get('/feature-flags?prefix=%62eta', { headers }),
      ]);
      expect(plain.status).toBe(encoded.status);
      for (const name of ['etag', 'cache-control', 'content-type', 'content-length']) {
        expect(plain.headers.get(name)).toBe(encoded.headers.get(name));
      }
      expect(await plain.text()).toBe(await encoded.text());
    }
  });

  it('serves one flag with an ETag (304 on match) and 404 in the error shape when missing', async () => {
    const res = await get('/feature-flags/beta.search');
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ key: 'beta.search', isEnabled: true });
    const etag = res.headers.get('etag') as string;
    expect((await get('/feature-flags/beta.search', { headers: { 'If-None-Match': etag } })).status).toBe(
      304,
    );

    const missing = await get('/feature-flags/no-such-flag');
    expect(missing.status).toBe(404);
    expect(await missing.json()).toEqual({
      error: {
        code: 'FLAG_NOT_FOUND',
        message: "Flag 'no-such-flag' does not exist",
        details: { key: 'no-such-flag' },
      },
    });
  });

  it('PATCH changes only the fields given and honours If-Match with the version or the ETag (412 when stale)', async () => {
    const current = (await (await get('/feature-flags/beta.checkout')).json()) as {
      version: number;
      description: string;
    };
    const patched = await sendJson(
      app,
      'PATCH',
      '/feature-flags/beta.checkout',
      { isEnabled: true },
      { 'If-Match': `"${current.version}"` },
    );
    expect(patched.status).toBe(200);
    expect(await patched.json()).toMatchObject({
      isEnabled: true,
      description: current.description,
      version: current.version + 1,
    });

    const stale = await sendJson(
      app,
      'PATCH',
      '/feature-flags/beta.checkout',
      { isEnabled: false },
      { 'If-Match': `"${current.version}"` },
    );
    expect(stale.status).toBe(412);
    expect(await stale.json()).toMatchObject({ error: { code: 'VERSION_MISMATCH' } });

    const fresh = await get('/feature-flags/beta.checkout');
    const etag = fresh.headers.get('etag') as string;
    const byEtag = await sendJson(
      app,
      'PATCH',
      '/feature-flags/beta.checkout',
      { description: 'by etag' },
      { 'If-Match': etag },
    );
    expect(byEtag.status).toBe(200);
    const staleEtag = await sendJson(
      app,
      'PATCH',
      '/feature-flags/beta.checkout',
      { description: 'again' },
      { 'If-Match': etag },
    );
    expect(staleEtag.status).toBe(412);
    expect(
      ((await (await get('/feature-flags/beta.checkout')).json()) as { description: string }).description,
    ).toBe('by etag');
  });

  it('DELETE answers 204, then 404; a stale If-Match answers 412 and keeps the flag', async () => {
    await sendJson(app, 'POST', '/feature-flags', { key: 'doomed', isEnabled: true });
    const stale = await get('/feature-flags/doomed', { method: 'DELETE', headers: { 'If-Match': '"7"' } });
    expect(stale.status).toBe(412);
    expect((await get('/feature-flags/doomed')).status).toBe(200);
    expect((await get('/feature-flags/doomed', { method: 'DELETE' })).status).toBe(204);
    expect((await get('/feature-flags/doomed')).status).toBe(404);
    const again = await get('/feature-flags/doomed', { method: 'DELETE' });
    expect(again.status).toBe(404);
    expect(await again.json()).toMatchObject({ error: { code: 'FLAG_NOT_FOUND' } });
  });

  describe('bad input gets a clear 4xx in the error shape and changes nothing', () => {
    let before: string;
    beforeAll(async () => {
      before = await (await get('/feature-flags')).text();
    });
    afterEach(async () => {
      expect(await (await get('/feature-flags')).text()).toBe(before);
    });

    const json = (
      body: string,
      headers: Record<string, string> = { 'content-type': 'application/json' },
    ) => ({
      method: 'POST',
      headers,
      body,
    });

    it.each([
      ['an invalid key', 400, 'VALIDATION_FAILED', json('{"key":"-bad key","isEnabled":true}')],
      ['a missing key', 400, 'VALIDATION_FAILED', json('{"isEnabled":true}')],
      ['a key over 128 characters', 400, 'VALIDATION_FAILED', json(JSON.stringify({ key: 'k'.repeat(129) }))],
      ['an unknown field', 400, 'VALIDATION_FAILED', json('{"key":"ok","isEnabled":true,"colour":"red"}')],
      ['a string where a boolean belongs', 400, 'VALIDATION_FAILED', json('{"key":"ok","isEnabled":"true"}')],
      ['an array where a string belongs', 400, 'VALIDATION_FAILED', json('{"key":["ok"]}')],
      [
        'control characters in the description',
        400,
        'VALIDATION_FAILED',
        json('{"key":"ok","description":"a\\u0000b"}'),
      ],
      [
        'an over-long description',
        400,
        'VALIDATION_FAILED',
        json(JSON.stringify({ key: 'ok', description: 'd'.repeat(1001) })),
      ],
      ['malformed JSON', 400, 'VALIDATION_FAILED', json('{"key":')],
      ['a JSON array body', 400, 'VALIDATION_FAILED', json('[{"key":"ok"}]')],
      ['a JSON string body', 400, 'VALIDATION_FAILED', json('"ok"')],
      [
        'a body over the size limit',
        413,
        'PAYLOAD_TOO_LARGE',
        json(JSON.stringify({ key: 'ok', description: 'x'.repeat(1_100_000) })),
      ],
      [
        'a text/plain body',
        415,
        'UNSUPPORTED_MEDIA_TYPE',
        json('{"key":"ok"}', { 'content-type': 'text/plain' }),
      ],
      ['no content type', 415, 'UNSUPPORTED_MEDIA_TYPE', json('{"key":"ok"}', {})],
    ] as const)('POST with %s -> %i %s', async (_what, status, code, init) => {
      const res = await get('/feature-flags', init);
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ error: { code, message: expect.any(String) } });
    });

    it('POST with invalid UTF-8 bytes -> 400 VALIDATION_FAILED', async () => {
      const body = Buffer.concat([
        Buffer.from('{"key":"ok","description":"'),
        Buffer.from([0xc3, 0x28]),
        Buffer.from('"}'),
      ]);
      const res = await get('/feature-flags', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: { code: 'VALIDATION_FAILED', message: expect.stringMatching(/UTF-8/) },
      });
    });

    it.each([
      ['a repeated prefix parameter', '/feature-flags?prefix=a&prefix=b', 400, 'VALIDATION_FAILED'],
      ['a prefix with forbidden characters', '/feature-flags?prefix=%20beta', 400, 'VALIDATION_FAILED'],
      ['an invalid key in the path', '/feature-flags/bad%20key', 400, 'VALIDATION_FAILED'],
      ['an unknown route', '/no-such-route', 404, 'ROUTE_NOT_FOUND'],
    ])('GET with %s -> %i %s', async (_what, path, status, code) => {
      const res = await get(path);
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ error: { code } });
    });

    it.each([
      ['an empty patch', 400, {}],
      ['an unknown field', 400, { isEnabled: true, key: 'renamed' }],
      ['a wrong type', 400, { isEnabled: 1 }],
    ])('PATCH with %s -> %i', async (_what, status, body) => {
      const res = await sendJson(app, 'PATCH', '/feature-flags/alpha', body);
      expect(res.status).toBe(status);
      expect(await res.json()).toMatchObject({ error: { code: 'VALIDATION_FAILED' } });
    });

    it('PATCH with a malformed If-Match -> 400', async () => {
      const res = await sendJson(
        app,
        'PATCH',
        '/feature-flags/alpha',
        { isEnabled: true },
        { 'If-Match': '"1", "2"' },
      );
      expect(res.status).toBe(400);
    });

    it('PATCH of a missing flag -> 404', async () => {
      const res = await sendJson(app, 'PATCH', '/feature-flags/missing', { isEnabled: true });
      expect(res.status).toBe(404);
    });
  });

  it('reports health and readiness', async () => {
    expect(await (await get('/healthz')).json()).toEqual({ status: 'ok' });
    const ready = await get('/readyz');
    expect(ready.status).toBe(200);
    expect(await ready.json()).toMatchObject({ status: 'ready' });
  });
});

/** Counts every store read, to prove the warm read path does none. */
function countingReads(store: FlagStore): { store: FlagStore; reads: () => number } {
  let reads = 0;
  const counted: FlagStore = Object.create(store);
  for (const method of ['list', 'get', 'currentRevision'] as const) {
    const original = store[method].bind(store) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(counted, {
      [method]: (...args: unknown[]) => {
        reads++;
        return original(...args);
      },
    });
  }
  return { store: counted, reads: () => reads };
}

describe('the read path', () => {
  it('answers warm polls, 200 and 304, and single-flag reads without touching the store', async () => {
    const { store, reads } = countingReads(new MemoryFlagStore());
    const app = await startTestApp({}, { store });
    try {
      await sendJson(app, 'POST', '/feature-flags', { key: 'beta.one', isEnabled: true });
      const get = client(app);
      const etag = (await get('/feature-flags?prefix=beta')).headers.get('etag') as string;
      const baseline = reads();
      for (let i = 0; i < 50; i++) {
        expect((await get('/feature-flags?prefix=beta', { headers: { 'If-None-Match': etag } })).status).toBe(
          304,
        );
        expect((await get('/feature-flags?prefix=beta')).status).toBe(200);
        expect((await get('/feature-flags/beta.one')).status).toBe(200);
      }
      expect(reads()).toBe(baseline);
    } finally {
      await app.stop();
      await app.removeDataDir();
    }
  });
});

/** A real store in which another writer always gets in between a writer's read and its write. */
class AlwaysRacedStore extends MemoryFlagStore {
  override async update(
    key: string,
    expectedVersion: number,
    fields: FlagFields,
    note: AuditNote,
  ): Promise<WriteResult> {
    const current = await this.get(key);
    if (current?.kind === 'flag') {
      const definition = { ...current.definition, description: `${current.definition.description}!` };
      await super.update(key, current.version, { kind: 'flag', definition }, asUpdate);
    }
    return super.update(key, expectedVersion, fields, note);
  }
}

describe('write conflicts', () => {
  it('answers 409 WRITE_CONFLICT when other writers win every attempt, and says to retry', async () => {
    const app = await startTestApp({}, { store: new AlwaysRacedStore() });
    try {
      expect((await sendJson(app, 'POST', '/feature-flags', { key: 'contended' })).status).toBe(201);
      const res = await sendJson(app, 'POST', '/feature-flags', { key: 'contended', isEnabled: true });
      expect(res.status).toBe(409);
      expect(await res.json()).toMatchObject({
        error: { code: 'WRITE_CONFLICT', message: expect.stringMatching(/retry/) },
      });
    } finally {
      await app.stop();
      await app.removeDataDir();
    }
  });
});

describe('the embedded store', () => {
  it('keeps flags and the revision across a restart on the same DATA_DIR', async () => {
    const first = await startTestApp();
    await sendJson(first, 'POST', '/feature-flags', {
      key: 'persisted',
      isEnabled: true,
      description: 'survives',
    });
    const etag = (await client(first)('/feature-flags')).headers.get('etag');
    await first.stop();

    const second = await startTestApp({ DATA_DIR: first.dataDir });
    try {
      const res = await client(second)('/feature-flags');
      expect(res.headers.get('etag')).toBe(etag);
      expect(await res.json()).toMatchObject([
        { key: 'persisted', isEnabled: true, description: 'survives', revision: 1 },
      ]);
      const toggled = await sendJson(second, 'PATCH', '/feature-flags/persisted', { isEnabled: false });
      expect(await toggled.json()).toMatchObject({ version: 2, revision: 2 });
    } finally {
      await second.stop();
      await second.removeDataDir();
    }
  });
});
