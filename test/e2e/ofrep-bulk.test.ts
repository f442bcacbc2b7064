import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sendJson } from '../support/app.js';
import {
  ADMIN,
  answer,
  BODY_LIMIT,
  bearer,
  evaluateAllOver,
  FRONTEND,
  NEW_FLOW,
  READER,
  STAGING_FRONTEND,
  startOfrepApp,
  type TestApp,
} from '../support/ofrep-app.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { SseClient } from '../support/sse.js';

/*
 * OFREP's bulk evaluation (open-feature/protocol, service/openapi.yaml: `POST /ofrep/v1/evaluate/flags`)
 * against the real app on real Redis (fixtures: test/support/ofrep-app.ts).
 */

const PRO_USER = { targetingKey: 'user-1', plan: 'pro', country: 'DE' };

interface BulkBody {
  flags: Array<Record<string, unknown> & { key: string }>;
  eventStreams: Array<{ type: string; endpoint: { requestUri: string } }>;
  metadata: Record<string, unknown>;
}

let redis: TestRedis;
let app: TestApp;

beforeAll(async () => {
  redis = await startRedis();
  app = await startOfrepApp({ REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix() });
});
afterAll(async () => {
  await app?.stop();
  await app?.removeDataDir();
  await redis?.stop();
});

async function bulk(body: unknown, headers: Record<string, string> = bearer(READER), query = '') {
  const res = await evaluateAllOver(app, body, headers, query);
  return { res, status: res.status, etag: res.headers.get('etag'), text: await res.text() };
}

describe('POST /ofrep/v1/evaluate/flags: OFREP bulk evaluation', () => {
  it("answers every flag of the token's environment evaluated for the context, with an ETag, the event stream and the environment", async () => {
    const { res, status, etag, text } = await bulk({ context: PRO_USER });
    expect(status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(etag).toMatch(/^"[\w-]{32}"$/);
    const body = JSON.parse(text) as BulkBody;
    expect(body.flags.map((flag) => flag.key)).toEqual([
      'broken',
      'checkout.enabled',
      'checkout.new-flow',
      'nowhere',
      'rollout',
    ]);
    const byKey = Object.fromEntries(body.flags.map((flag) => [flag.key, flag]));
    expect(byKey['checkout.new-flow']).toEqual({
      key: 'checkout.new-flow',
      value: 'v2',
      variant: 'treatment',
      reason: 'TARGETING_MATCH',
      metadata: {
        environment: 'production',
        flagVersion: 1,
        decidedBy: 'rule',
        ruleIndex: 0,
        ruleId: 'pro-plans',
      },
    });
    expect(byKey['checkout.enabled']).toMatchObject({ value: true, variant: 'on', reason: 'STATIC' });
    expect(byKey.rollout).toMatchObject({ reason: 'SPLIT', metadata: { decidedBy: 'fallthrough' } });
    // Not configured in production: no value, the provider answers its code default (ADR 0006).
    expect(byKey.nowhere).toEqual({
      key: 'nowhere',
      reason: 'DISABLED',
      metadata: { environment: 'production', flagVersion: 1, decidedBy: 'environmentNotConfigured' },
    });
    // A definition that cannot be evaluated fails alone, inside the list (`evaluationFailure`).
    expect(byKey.broken).toMatchObject({ key: 'broken', errorCode: 'PARSE_ERROR' });
    expect(body.eventStreams).toEqual([
      {
        type: 'sse',
        endpoint: {
          requestUri: expect.stringMatching(
            /^\/ofrep\/events\?environment=production&lastEventId=\d+&ticket=[\w-]+$/,
          ),
        },
      },
    ]);
    expect(body.metadata).toEqual({ environment: 'production' });
  });

  it('answers 304 with the ETag, no body, when If-None-Match holds the current ETag; 200 again without it', async () => {
    const first = await bulk({ context: PRO_USER });
    const again = await bulk({ context: PRO_USER }, { ...bearer(READER), 'if-none-match': first.etag ?? '' });
    expect(again.status).toBe(304);
    expect(again.etag).toBe(first.etag);
    expect(again.text).toBe('');
    const weak = await bulk(
      { context: PRO_USER },
      { ...bearer(READER), 'if-none-match': `"x", W/${first.etag}` },
    );
    expect(weak.status).toBe(304);
    const plain = await bulk({ context: PRO_USER });
    expect(plain).toMatchObject({ status: 200, etag: first.etag, text: first.text });
  });

  it('gives the same context in any key order the same ETag, and another ETag when any attribute changes, even one no rule reads', async () => {
    const first = await bulk({ context: { targetingKey: 'u7', plan: 'free', nested: { a: 1, b: [1, 2] } } });
    const reordered = await bulk({
      context: { nested: { b: [1, 2], a: 1 }, plan: 'free', targetingKey: 'u7' },
    });
    expect(reordered.etag).toBe(first.etag);
    expect(reordered.text).toBe(first.text);
    // The official web provider keeps its ETag when the targetingKey stays: a stale 304 here would
    // leave it with the previous context's answers.
    for (const context of [
      { targetingKey: 'u7', plan: 'pro', nested: { a: 1, b: [1, 2] } },
      { targetingKey: 'u7', plan: 'free', nested: { a: 1, b: [2, 1] } },
      { targetingKey: 'u7', plan: 'free', nested: { a: 1, b: [1, 2] }, unread: 'x' },
    ]) {
      const other = await bulk({ context }, { ...bearer(READER), 'if-none-match': first.etag ?? '' });
      expect(other.status).toBe(200);
      expect(other.etag).not.toBe(first.etag);
    }
  });

  it('answers the previous ETag 200 with the change once a flag changes, in any environment', async () => {
    const before = await bulk({ context: PRO_USER });
    const changed = {
      ...NEW_FLOW,
      environments: {
        ...NEW_FLOW.environments,
        staging: { ...NEW_FLOW.environments.staging, offVariant: 'control' },
      },
    };
    const put = await sendJson(app, 'PUT', '/feature-flags/checkout.new-flow', changed, bearer(ADMIN));
    expect(put.status).toBe(200);
    const after = await bulk(
      { context: PRO_USER },
      { ...bearer(READER), 'if-none-match': before.etag ?? '' },
    );
    expect(after.status).toBe(200);
    expect(after.etag).not.toBe(before.etag);
    const flow = (JSON.parse(after.text) as BulkBody).flags.find((flag) => flag.key === 'checkout.new-flow');
    expect(flow).toMatchObject({ value: 'v2', metadata: { flagVersion: 2 } });
  });

  it("evaluates in the token's environment: a staging frontend token gets staging's answers, a token asking for another environment 403", async () => {
    const staging = await bulk({ context: PRO_USER }, bearer(STAGING_FRONTEND));
    expect(staging.status).toBe(200);
    const body = JSON.parse(staging.text) as BulkBody;
    expect(body.metadata).toEqual({ environment: 'staging' });
    expect(body.flags.find((flag) => flag.key === 'checkout.new-flow')).toMatchObject({
      variant: 'treatment',
      reason: 'STATIC',
      metadata: { environment: 'staging' },
    });
    const production = await bulk({ context: PRO_USER }, bearer(FRONTEND));
    expect(production.etag).not.toBe(staging.etag);
    const admin = await bulk({ context: PRO_USER }, bearer(ADMIN), '?environment=staging');
    expect((JSON.parse(admin.text) as BulkBody).metadata).toEqual({ environment: 'staging' });
    for (const token of [READER, FRONTEND]) {
      const refused = await evaluateAllOver(
        app,
        { context: PRO_USER },
        bearer(token),
        '?environment=staging',
      );
      expect(await answer(refused)).toMatchObject({ status: 403, body: { errorCode: 'GENERAL' } });
    }
  });

  it('answers TARGETING_KEY_MISSING for the rollout without a targetingKey, inside a 200', async () => {
    const { status, text } = await bulk({ context: { plan: 'free' } });
    expect(status).toBe(200);
    expect((JSON.parse(text) as BulkBody).flags.find((flag) => flag.key === 'rollout')).toEqual({
      key: 'rollout',
      errorCode: 'TARGETING_KEY_MISSING',
      errorDetails: 'the rollout buckets by targetingKey, missing from the context',
    });
  });

  it('answers 400 PARSE_ERROR and INVALID_CONTEXT as a bulk failure (errorCode and errorDetails, no key)', async () => {
    const raw = await fetch(new URL('/ofrep/v1/evaluate/flags', app.url), {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...bearer(READER) },
      body: '{"context": ',
    });
    expect(await answer(raw)).toEqual({
      status: 400,
      body: { errorCode: 'PARSE_ERROR', errorDetails: 'The request body is not valid UTF-8 JSON' },
    });
    for (const [body, errorDetails] of [
      [{}, 'The body must be {"context": {...}}'],
      [{ context: 'user-1' }, 'The context must be a JSON object'],
      [{ context: { targetingKey: 7 } }, "The context's targetingKey must be a string"],
    ] as const) {
      expect(await answer(await evaluateAllOver(app, body))).toEqual({
        status: 400,
        body: { errorCode: 'INVALID_CONTEXT', errorDetails },
      });
    }
  });

  it('answers 401 (WWW-Authenticate), 405 (Allow), 413, 415 and 400 for an unknown query parameter, in the bulk failure shape', async () => {
    const noToken = await evaluateAllOver(app, { context: {} }, {});
    expect(noToken.headers.get('www-authenticate')).toBe('Bearer');
    expect(await answer(noToken)).toMatchObject({ status: 401, body: { errorCode: 'GENERAL' } });
    const get = await fetch(new URL('/ofrep/v1/evaluate/flags', app.url), { headers: bearer(READER) });
    expect(get.headers.get('allow')).toBe('POST');
    expect(get.status).toBe(405);
    const big = { context: { targetingKey: 'u', padding: 'x'.repeat(BODY_LIMIT) } };
    expect((await evaluateAllOver(app, big)).status).toBe(413);
    const text = await fetch(new URL('/ofrep/v1/evaluate/flags', app.url), {
      method: 'POST',
      headers: { 'content-type': 'text/plain', ...bearer(READER) },
      body: '{"context":{}}',
    });
    expect(text.status).toBe(415);
    const unknown = await evaluateAllOver(app, { context: {} }, bearer(READER), '?flagConfigEtag=1&prefix=a');
    const refused = await answer(unknown);
    expect(refused).toMatchObject({ status: 400, body: { errorCode: 'GENERAL' } });
    expect(refused.body).not.toHaveProperty('key');
  });

  it('takes the metadata of an event-triggered re-fetch (flagConfigEtag, flagConfigLastModified), ours or not', async () => {
    const plain = await bulk({ context: PRO_USER });
    for (const query of [
      '?flagConfigEtag=%221%22&flagConfigLastModified=1771622898',
      '?flagConfigEtag=abc',
      '?flagConfigLastModified=2026-02-20T21:28:18Z',
    ]) {
      const res = await bulk({ context: PRO_USER }, bearer(READER), query);
      expect(res).toMatchObject({ status: 200, etag: plain.etag });
    }
  });

  it('answers a byte-for-byte repeat of a body from what it read before, and gives its own ETag to any other byte, token or flag state', async () => {
    const post = async (text: string, headers: Record<string, string>) => {
      const res = await fetch(new URL('/ofrep/v1/evaluate/flags', app.url), {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body: text,
      });
      return { status: res.status, etag: res.headers.get('etag'), text: await res.text() };
    };
    const body = '{"context":{"targetingKey":"u9","plan":"free","deep":{"list":[1,2],"x":{"y":"a"}}}}';
    const first = await post(body, bearer(READER));
    expect(first.status).toBe(200);
    const revalidate = (text: string, token = READER) =>
      post(text, { ...bearer(token), 'if-none-match': first.etag ?? '' });
    for (let i = 0; i < 3; i++)
      expect(await revalidate(body)).toMatchObject({ status: 304, etag: first.etag });
    // The same length, one byte apart, at any depth: another context, another answer.
    for (const other of [
      body.replace('"a"', '"b"'),
      body.replace('[1,2]', '[2,1]'),
      body.replace('"u9"', '"u8"'),
      body.replace('"free"', '"FREE"'),
    ]) {
      expect(other).toHaveLength(body.length);
      const answered = await revalidate(other);
      expect(answered.status).toBe(200);
      expect(answered.etag).not.toBe(first.etag);
      // …and so stays another one when repeated.
      expect(await revalidate(other)).toMatchObject({ status: 200, etag: answered.etag });
    }
    // Other bytes, the same context (spacing, key order): the same ETag.
    const spaced =
      ' {"context": {"deep": {"x": {"y": "a"}, "list": [1, 2]}, "plan": "free", "targetingKey": "u9"}}\n';
    expect(await revalidate(spaced)).toMatchObject({ status: 304, etag: first.etag });
    // The same bytes with another token (in the same environment): its own ETag, and then the first's again.
    const frontend = await revalidate(body, FRONTEND);
    expect(frontend.status).toBe(200);
    expect(frontend.etag).not.toBe(first.etag);
    expect(await revalidate(body)).toMatchObject({ status: 304, etag: first.etag });
    // The same bytes after a flag changed: a new answer, whose ETag then holds.
    const patched = await sendJson(
      app,
      'PATCH',
      '/feature-flags/checkout.enabled',
      { description: 'changed under a remembered body' },
      bearer(ADMIN),
    );
    expect(patched.status).toBe(200);
    const after = await revalidate(body);
    expect(after.status).toBe(200);
    expect(after.etag).not.toBe(first.etag);
    const afterAgain = await post(body, { ...bearer(READER), 'if-none-match': after.etag ?? '' });
    expect(afterAgain).toMatchObject({ status: 304, etag: after.etag });
    // A refused body is refused again, the same way.
    for (let i = 0; i < 2; i++)
      expect(await post('{"context":{"targetingKey":7}}', bearer(READER))).toMatchObject({ status: 400 });
  });
});

describe('GET /ofrep/events: OFREP change events for bulk evaluation', () => {
  /** The event stream URL a bulk answer for `token` hands out. */
  async function streamUrl(token = READER): Promise<URL> {
    const { text } = await bulk({ context: PRO_USER }, bearer(token));
    const [stream] = (JSON.parse(text) as BulkBody).eventStreams;
    return new URL(stream?.endpoint.requestUri ?? '', app.url);
  }

  /** A change to a flag; answers its revision. */
  async function change(description: string): Promise<number> {
    const res = await sendJson(
      app,
      'PATCH',
      '/feature-flags/checkout.enabled',
      { description },
      bearer(ADMIN),
    );
    expect(res.status).toBe(200);
    return ((await res.json()) as { revision: number }).revision;
  }

  it('sends refetchEvaluation (event message, id and etag the revision) on the URL a bulk answer gave, and the re-fetch it calls for gets the change', async () => {
    const before = await bulk({ context: PRO_USER }, bearer(FRONTEND));
    const [stream] = (JSON.parse(before.text) as BulkBody).eventStreams;
    // No header: what a browser's EventSource can do. The ticket in the URL is the credential.
    const events = await SseClient.open(new URL(stream?.endpoint.requestUri ?? '', app.url));
    try {
      expect(events.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
      expect(await events.next()).toMatchObject({ retry: '3000' });
      const revision = await change('signalled');
      const event = await events.nextEvent();
      expect(event).toMatchObject({ event: 'message', id: String(revision) });
      expect(JSON.parse(event.data)).toEqual({ type: 'refetchEvaluation', etag: `"${revision}"` });
      const refetch = await bulk(
        { context: PRO_USER },
        { ...bearer(FRONTEND), 'if-none-match': before.etag ?? '' },
        `?flagConfigEtag=${encodeURIComponent(`"${revision}"`)}`,
      );
      expect(refetch.status).toBe(200);
      const enabled = (JSON.parse(refetch.text) as BulkBody).flags.find((f) => f.key === 'checkout.enabled');
      expect(enabled).toMatchObject({ metadata: { flagVersion: expect.any(Number) } });
      expect(refetch.etag).not.toBe(before.etag);
    } finally {
      events.close();
    }
  });

  it('starts with one refetchEvaluation when resuming from before the last change (the URL of an older answer, or Last-Event-ID), and with nothing when up to date', async () => {
    const old = await streamUrl();
    const missed = await change('missed');
    const resumed = await SseClient.open(old);
    const current = await SseClient.open(await streamUrl());
    const byHeader = await SseClient.open(old, { 'last-event-id': String(missed) });
    try {
      expect(await resumed.next()).toMatchObject({ retry: '3000' });
      expect(await resumed.nextEvent()).toMatchObject({ event: 'message', id: String(missed) });
      // The others say nothing until the next change: its event is the first they send.
      const next = await change('next');
      expect(await current.nextEvent()).toMatchObject({ id: String(next) });
      expect(await byHeader.nextEvent()).toMatchObject({ id: String(next) });
      expect(await resumed.nextEvent()).toMatchObject({ id: String(next) });
    } finally {
      for (const stream of [resumed, current, byHeader]) stream.close();
    }
  });

  it('refuses a forged ticket and a ticket for another environment (401), and a bound token asking for another environment (403); opens for a token in Authorization or X-API-Key', async () => {
    const url = await streamUrl(FRONTEND);
    const forged = new URL(url);
    forged.searchParams.set('ticket', 'A'.repeat(43));
    const elsewhere = new URL(url);
    elsewhere.searchParams.set('environment', 'staging');
    for (const refused of [forged, elsewhere]) {
      const res = await fetch(refused);
      expect(res.status).toBe(401);
      expect(((await res.json()) as { error: { code: string } }).error.code).toBe('UNAUTHENTICATED');
    }
    const staging = await fetch(new URL('/ofrep/events?environment=staging', app.url), {
      headers: bearer(READER),
    });
    expect(staging.status).toBe(403);
    for (const headers of [bearer(READER), { 'x-api-key': FRONTEND }]) {
      const stream = await SseClient.open(new URL('/ofrep/events', app.url), headers);
      expect(stream.response.headers.get('flagwire-environment')).toBe('production');
      stream.close();
    }
    expect((await fetch(new URL('/ofrep/events', app.url))).status).toBe(401);
  });
});
