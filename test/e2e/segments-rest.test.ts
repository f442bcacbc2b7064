import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { client, sendJson, startTestApp } from '../support/app.js';
import { flagOnForSegment } from '../support/segments.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

interface ErrorBody {
  error: { code: string; message: string; details?: Record<string, unknown> & { field?: string } };
}

/** The REST error body of a failed response. */
async function errorOf(res: Response): Promise<ErrorBody['error']> {
  return ((await res.json()) as ErrorBody).error;
}

const ADMIN = 'admin-token-for-segments';
const READER = 'client-token-for-segments';
const asAdmin = { authorization: `Bearer ${ADMIN}` };
const asReader = { authorization: `Bearer ${READER}` };

describe('REST /segments', () => {
  let app: TestApp;
  const get = (path: string, headers: Record<string, string> = asAdmin) => client(app)(path, { headers });
  const send = (method: string, path: string, body: unknown, headers: Record<string, string> = {}) =>
    sendJson(app, method, path, body, { ...asAdmin, ...headers });
  const remove = (path: string, headers: Record<string, string> = {}) =>
    client(app)(path, { method: 'DELETE', headers: { ...asAdmin, ...headers } });

  beforeAll(async () => {
    app = await startTestApp({ ADMIN_TOKENS: ADMIN, CLIENT_TOKENS: READER });
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  it('POST creates a segment (201, Location, version 1, defaults filled in); a taken key is 409 SEGMENT_ALREADY_EXISTS', async () => {
    const res = await send('POST', '/segments', { key: 'rest.beta', included: ['user-1'] });
    expect(res.status).toBe(201);
    expect(res.headers.get('location')).toBe('/segments/rest.beta');
    expect(await res.json()).toMatchObject({
      key: 'rest.beta',
      version: 1,
      definition: { key: 'rest.beta', description: '', included: ['user-1'], excluded: [], rules: [] },
    });
    const again = await send('POST', '/segments', { key: 'rest.beta' });
    expect(again.status).toBe(409);
    expect(await errorOf(again)).toMatchObject({ code: 'SEGMENT_ALREADY_EXISTS' });
  });

  it('refuses a segment that cannot be evaluated with 400 VALIDATION_FAILED naming the path, and stores nothing', async () => {
    const res = await send('POST', '/segments', {
      key: 'rest.bad',
      rules: [{ clauses: [{ attribute: 'age', op: 'gt', values: ['old'] }] }],
    });
    expect(res.status).toBe(400);
    const error = await errorOf(res);
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details?.field).toBe('rules[0].clauses[0].values[0]');
    expect((await get('/segments/rest.bad')).status).toBe(404);
  });

  it('PUT creates when absent, replaces with If-Match "<version>" or the ETag, and answers 412 for a stale one', async () => {
    const created = await send('PUT', '/segments/rest.put', { included: ['a'] });
    expect(created.status).toBe(201);
    const etag = created.headers.get('etag') as string;
    const byEtag = await send('PUT', '/segments/rest.put', { included: ['b'] }, { 'if-match': etag });
    expect(byEtag.status).toBe(200);
    expect(await byEtag.json()).toMatchObject({ version: 2, definition: { included: ['b'] } });
    const stale = await send('PUT', '/segments/rest.put', { included: ['c'] }, { 'if-match': '"1"' });
    expect(stale.status).toBe(412);
    expect(await errorOf(stale)).toMatchObject({
      code: 'VERSION_MISMATCH',
      details: { currentVersion: 2 },
    });
    const byVersion = await send('PUT', '/segments/rest.put', { included: ['c'] }, { 'if-match': '"2"' });
    expect(byVersion.status).toBe(200);
    const mismatch = await send('PUT', '/segments/rest.put', { key: 'other' });
    expect(mismatch.status).toBe(400);
    expect((await errorOf(mismatch)).details?.field).toBe('key');
    const mustExist = await send('PUT', '/segments/rest.absent', {}, { 'if-match': '*' });
    expect(mustExist.status).toBe(404);
    expect((await errorOf(mustExist)).code).toBe('SEGMENT_NOT_FOUND');
  });

  it('GET /segments lists every segment sorted by key with an ETag, 304 on If-None-Match until a segment changes (not a flag)', async () => {
    await send('PUT', '/segments/rest.list-b', {});
    await send('PUT', '/segments/rest.list-a', {});
    const first = await get('/segments');
    expect(first.status).toBe(200);
    const keys = ((await first.json()) as Array<{ key: string }>).map((segment) => segment.key);
    expect(keys).toEqual([...keys].sort());
    expect(keys).toEqual(expect.arrayContaining(['rest.list-a', 'rest.list-b']));
    const etag = first.headers.get('etag') as string;
    expect((await get('/segments', { ...asAdmin, 'if-none-match': etag })).status).toBe(304);

    await send('POST', '/feature-flags', { key: 'rest.unrelated', isEnabled: true });
    expect((await get('/segments', { ...asAdmin, 'if-none-match': etag })).status).toBe(304);

    await send('PUT', '/segments/rest.list-a', { included: ['x'] });
    const changed = await get('/segments', { ...asAdmin, 'if-none-match': etag });
    expect(changed.status).toBe(200);
    expect(changed.headers.get('etag')).not.toBe(etag);
  });

  it('refuses deleting a segment a flag still uses with 409 SEGMENT_IN_USE naming the flags; deletes it once unused', async () => {
    await send('PUT', '/segments/rest.used', { included: ['user-1'] });
    const flag = await send('PUT', '/feature-flags/rest.uses', flagOnForSegment('rest.uses', 'rest.used'));
    expect(flag.status).toBe(201);
    const refused = await remove('/segments/rest.used');
    expect(refused.status).toBe(409);
    expect(await errorOf(refused)).toMatchObject({
      code: 'SEGMENT_IN_USE',
      details: { key: 'rest.used', flags: ['rest.uses'] },
    });
    expect((await get('/segments/rest.used')).status).toBe(200);

    expect((await remove('/feature-flags/rest.uses')).status).toBe(204);
    expect((await remove('/segments/rest.used', { 'if-match': '"7"' })).status).toBe(412);
    expect((await remove('/segments/rest.used', { 'if-match': '"1"' })).status).toBe(204);
    const gone = await get('/segments/rest.used');
    expect(gone.status).toBe(404);
    expect((await errorOf(gone)).code).toBe('SEGMENT_NOT_FOUND');
    expect((await remove('/segments/rest.used')).status).toBe(404);
  });

  it('a flag naming an unknown segment is refused at write time', async () => {
    const res = await send(
      'PUT',
      '/feature-flags/rest.orphan',
      flagOnForSegment('rest.orphan', 'rest.nowhere'),
    );
    expect(res.status).toBe(400);
    expect((await errorOf(res)).code).toBe('VALIDATION_FAILED');
  });

  it('lets a client token read segments but not write them (403), and refuses no token (401)', async () => {
    await send('PUT', '/segments/rest.read', {});
    expect((await get('/segments', asReader)).status).toBe(200);
    expect((await get('/segments/rest.read', asReader)).status).toBe(200);
    const write = await sendJson(app, 'PUT', '/segments/rest.read', {}, asReader);
    expect(write.status).toBe(403);
    expect((await client(app)('/segments/rest.read', { method: 'DELETE', headers: asReader })).status).toBe(
      403,
    );
    expect((await client(app)('/segments')).status).toBe(401);
  });
});
