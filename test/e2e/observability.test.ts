import { Writable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { client, sendJson, startTestApp } from '../support/app.js';
import { openSse } from '../support/listeners.js';

/** The value of one sample in Prometheus text, e.g. metric('x_total{status="304"}'); 0 when absent. */
function sample(text: string, series: string): number {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line ? Number(line.slice(series.length + 1)) : 0;
}

describe('observability', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let get: ReturnType<typeof client>;
  const lines: Array<Record<string, unknown>> = [];
  const metrics = async () => (await get('/metrics')).text();

  beforeAll(async () => {
    const sink = new Writable({
      write(chunk, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
        done();
      },
    });
    app = await startTestApp({}, { logger: pino({ level: 'debug' }, sink) });
    get = client(app);
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  it('serves Prometheus metrics, including process metrics', async () => {
    const res = await get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
    const text = await res.text();
    for (const name of [
      'flagwire_http_request_duration_seconds',
      'flagwire_poll_responses_total',
      'flagwire_events_delivered_total',
      'flagwire_store_operations_total',
      'flagwire_connections',
      'flagwire_dependency_up',
      'flagwire_process_cpu_seconds_total',
    ]) {
      expect(text).toContain(`# TYPE ${name}`);
    }
    expect(sample(text, 'flagwire_dependency_up{dependency="store"}')).toBe(1);
  });

  it('counts 200 and 304 poll answers, and warm polls cost no store operation', async () => {
    await sendJson(app, 'POST', '/feature-flags', { key: 'obs.a', isEnabled: true });
    const etag = (await get('/feature-flags?prefix=obs')).headers.get('etag') as string;
    const before = await metrics();
    for (let i = 0; i < 20; i++)
      await get('/feature-flags?prefix=obs', { headers: { 'if-none-match': etag } });
    for (let i = 0; i < 5; i++) await get('/feature-flags?prefix=obs');
    const after = await metrics();
    const delta = (series: string) => sample(after, series) - sample(before, series);
    expect(delta('flagwire_poll_responses_total{status="304"}')).toBe(20);
    expect(delta('flagwire_poll_responses_total{status="200"}')).toBe(5);
    expect(delta('flagwire_store_operations_total{operation="list",outcome="ok"}')).toBe(0);
    expect(delta('flagwire_store_operations_total{operation="get",outcome="ok"}')).toBe(0);
    expect(
      delta('flagwire_http_request_duration_seconds_count{method="GET",route="poll",status="304"}'),
    ).toBe(20);
  });

  it('counts open SSE connections and the events delivered to them', async () => {
    const sse = openSse(`${app.url}/feature-flags/stream?prefix=obs`);
    await sse.next();
    const before = await metrics();
    expect(sample(before, 'flagwire_connections{transport="sse"}')).toBe(1);
    await sendJson(app, 'PATCH', '/feature-flags/obs.a', { isEnabled: false });
    await sse.next();
    const after = await metrics();
    expect(
      sample(after, 'flagwire_events_delivered_total{transport="sse"}') -
        sample(before, 'flagwire_events_delivered_total{transport="sse"}'),
    ).toBe(1);
    sse.close();
  });

  it('logs routed requests as JSON with a request id, echoed as X-Request-Id (the caller’s when sane)', async () => {
    const mine = await get('/feature-flags/obs.a', { headers: { 'x-request-id': 'trace-123' } });
    expect(mine.headers.get('x-request-id')).toBe('trace-123');
    const generated = await get('/feature-flags/no.such.flag', {
      headers: { 'x-request-id': 'bad id with spaces' },
    });
    const id = generated.headers.get('x-request-id');
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    const logged = lines.filter((l) => (l.req as { id?: string } | undefined)?.id === id);
    expect(logged).toHaveLength(1);
    expect(logged[0]).toMatchObject({
      req: { method: 'GET', url: '/feature-flags/no.such.flag' },
      res: { status: 404 },
    });
    expect(JSON.stringify(logged[0])).not.toMatch(/headers/);
    expect(lines.some((l) => (l.req as { id?: string } | undefined)?.id === 'trace-123')).toBe(true);
  });
});

describe('health and metrics while the store hangs', () => {
  it('answer within the probe timeout, reporting the store down', async () => {
    const store = new MemoryFlagStore();
    let hang = false;
    const ping = store.ping.bind(store);
    store.ping = () => (hang ? new Promise<void>(() => {}) : ping());
    const app = await startTestApp({}, { store });
    try {
      hang = true;
      const ready = await client(app)('/readyz');
      expect(ready.status).toBe(503);
      expect(await ready.json()).toMatchObject({ status: 'unavailable', store: 'TIMEOUT' });
      const text = await (await client(app)('/metrics')).text();
      expect(sample(text, 'flagwire_dependency_up{dependency="store"}')).toBe(0);
    } finally {
      hang = false;
      await app.stop();
      await app.removeDataDir();
    }
  });
});
