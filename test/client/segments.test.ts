import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import { createFlagClient, type FlagMode } from '../../client/src/index.js';
import { sendJson, startTestApp } from '../support/app.js';
import { flagOnForSegment } from '../support/segments.js';
import { nextEvent } from './support/events.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const USER = { targetingKey: 'user-9' };

describe('client: segments in local evaluation', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  it.each<FlagMode>(['sse', 'subscription', 'poll'])(
    'in %s mode: evaluates segmentMatch locally and follows a segment change that changes no flag',
    async (mode) => {
      const segment = `members-${mode}`;
      const flag = `segmented.${mode}`;
      expect((await sendJson(app, 'PUT', `/segments/${segment}`, { included: ['user-1'] })).status).toBe(201);
      expect(
        (await sendJson(app, 'PUT', `/feature-flags/${flag}`, flagOnForSegment(flag, segment))).status,
      ).toBe(201);
      const client = createFlagClient({
        url: app.url,
        mode,
        pollIntervalMs: 20,
        webSocketImpl: WebSocket,
        fallbackAfterFailures: Number.POSITIVE_INFINITY,
      });
      try {
        await client.ready(5000);
        expect(client.getBooleanValue(flag, false, { targetingKey: 'user-1' })).toBe(true);
        expect(client.getBooleanDetails(flag, true, USER)).toMatchObject({ value: false, reason: 'DEFAULT' });

        const changes: string[] = [];
        client.on('change', (event) => changes.push(event.key));
        const joined = nextEvent(
          client,
          'segment',
          (event) => event.key === segment && event.kind === 'upsert',
        );
        const put = await sendJson(app, 'PUT', `/segments/${segment}`, { included: ['user-1', 'user-9'] });
        expect(put.status).toBe(200);
        expect(await joined).toMatchObject({ segment: { version: 2 }, source: mode });
        expect(client.getBooleanDetails(flag, false, USER)).toMatchObject({
          value: true,
          variant: 'on',
          reason: 'TARGETING_MATCH',
        });
        // The flag itself never changed.
        expect(changes).not.toContain(flag);
      } finally {
        await client.close();
      }
    },
  );

  it('in poll mode: polls /segments only while a flag in scope names a segment', async () => {
    await sendJson(app, 'POST', '/feature-flags', { key: 'plain.flag', isEnabled: true });
    const paths: string[] = [];
    const client = createFlagClient({
      url: app.url,
      mode: 'poll',
      prefix: 'plain.',
      pollIntervalMs: 10,
      fetch: (input, init) => {
        paths.push(new URL(input).pathname);
        return fetch(input, init);
      },
    });
    try {
      await client.ready(5000);
      await nextEvent(client, 'poll', (poll) => poll.status === 304);
      expect(new Set(paths)).toEqual(new Set(['/feature-flags']));
    } finally {
      await client.close();
    }
  });
});
