import { request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import express from 'express';
import { toPublicError } from '../../src/errors.js';
import { lastEventIdOf } from '../../src/http/sse/last-event-id.js';

/**
 * A bare express app that answers what `lastEventIdOf` makes of each request: real query parsing and
 * real header handling (Node joins a repeated header), without the rest of the service.
 */
let server: Server;
let port: number;

beforeAll(async () => {
  const app = express();
  app.get('/', (req, res) => {
    try {
      res.json({ id: lastEventIdOf(req) ?? null });
    } catch (err) {
      const { status, body } = toPublicError(err);
      res.status(status).json(body);
    }
  });
  server = app.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(() => new Promise((resolve) => server.close(resolve)));

/** GET with raw header values (an array sends the header once per value). */
function resumeFrom(
  query: string,
  headers: Record<string, string | string[]> = {},
): Promise<{ status: number; body: { id?: number | null; error?: { code: string; details?: unknown } } }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: `/${query}`, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('where a resuming SSE client left off', () => {
  it('is the Last-Event-ID header, as a number', async () => {
    expect(await resumeFrom('', { 'Last-Event-ID': '42' })).toEqual({ status: 200, body: { id: 42 } });
    expect((await resumeFrom('', { 'Last-Event-ID': '0' })).body).toEqual({ id: 0 });
    expect((await resumeFrom('', { 'Last-Event-ID': '007' })).body).toEqual({ id: 7 });
    expect((await resumeFrom('', { 'Last-Event-ID': '123456789012345' })).body).toEqual({
      id: 123456789012345,
    });
  });

  it('is the lastEventId query parameter for clients that cannot set headers', async () => {
    expect((await resumeFrom('?lastEventId=17')).body).toEqual({ id: 17 });
  });

  it('is the header when both are given: an EventSource reconnects to the same URL with a newer header', async () => {
    expect((await resumeFrom('?lastEventId=17', { 'Last-Event-ID': '20' })).body).toEqual({ id: 20 });
  });

  it('is nowhere when neither is given, or given empty', async () => {
    expect((await resumeFrom('')).body).toEqual({ id: null });
    expect((await resumeFrom('?lastEventId=', { 'Last-Event-ID': '' })).body).toEqual({ id: null });
    // An empty header does not hide the query parameter.
    expect((await resumeFrom('?lastEventId=5', { 'Last-Event-ID': '' })).body).toEqual({ id: 5 });
  });

  it('must be digits only: anything else is a 400 naming where it came from', async () => {
    // (HTTP drops spaces around a header value; the query keeps them, see below.)
    for (const bad of ['abc', '-1', '1.5', '1e3', '0x10', '+1', '1_000', '12345678901234567']) {
      const answer = await resumeFrom('', { 'Last-Event-ID': bad });
      expect({ bad, ...answer }).toEqual({
        bad,
        status: 400,
        body: {
          error: {
            code: 'VALIDATION_FAILED',
            message: expect.stringContaining("'Last-Event-ID' must be"),
            details: { field: 'Last-Event-ID' },
          },
        },
      });
    }
    for (const bad of ['x1', '%201', '1%20', '-0']) {
      const query = await resumeFrom(`?lastEventId=${bad}`);
      expect({ bad, status: query.status, details: query.body.error?.details }).toEqual({
        bad,
        status: 400,
        details: { field: 'lastEventId' },
      });
    }
  });

  it('is refused when given twice, as a repeated header or a repeated query parameter', async () => {
    const header = await resumeFrom('', { 'Last-Event-ID': ['1', '2'] });
    expect(header.status).toBe(400);
    expect(header.body.error?.details).toEqual({ field: 'Last-Event-ID' });
    const query = await resumeFrom('?lastEventId=1&lastEventId=2');
    expect(query.status).toBe(400);
    expect(query.body.error?.details).toEqual({ field: 'lastEventId' });
  });

  it('is checked in the query even when a valid header wins', async () => {
    expect((await resumeFrom('?lastEventId=nope', { 'Last-Event-ID': '3' })).status).toBe(400);
  });
});
