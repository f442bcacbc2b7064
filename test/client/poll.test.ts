import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFlagClient } from '../../client/src/index.js';
import { sendJson, startTestApp } from '../support/app.js';
import { events, nextEvent } from './support/events.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

describe('client polling with ETags', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    await sendJson(app, 'POST', '/feature-flags', { key: 'beta.a', isEnabled: true });
    await sendJson(app, 'POST', '/feature-flags', { key: 'alpha.a', isEnabled: true });
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  it.each([
    ['every flag', ''],
    ['prefix "beta."', 'beta.'],
  ])(
    'over %s: counts 304 while nothing changes, and a 200 with the new state after a change',
    async (_scope, prefix) => {
      const sent: Array<string | undefined> = [];
      const client = createFlagClient({
        url: app.url,
        mode: 'poll',
        prefix,
        pollIntervalMs: 10,
        fetch: (input, init) => {
          // The flag list's requests (each round also polls /segments, with its own ETag).
          if (new URL(input).pathname === '/feature-flags')
            sent.push((init.headers as Record<string, string>)['if-none-match']);
          return fetch(input, init);
        },
      });
      try {
        const notModified = events(client, 'poll', 3, (poll) => poll.status === 304);
        await client.ready(5000);
        expect(client.stats().polls200).toBe(1);
        await notModified;
        expect(client.stats().polls200).toBe(1);
        expect(client.stats().polls304).toBeGreaterThanOrEqual(3);
        // The first poll asks unconditionally, every later one with the ETag it was given.
        expect(sent[0]).toBeUndefined();
        expect(sent[1]).toMatch(/^"[\w-]{32}"$/);

        const key = `beta.polled-${prefix || 'all'}`;
        const changed = nextEvent(client, 'change', (event) => event.key === key);
        const fresh = nextEvent(client, 'poll', (poll) => poll.status === 200);
        await client.admin.set({ key, isEnabled: true });
        expect(await changed).toMatchObject({ kind: 'upsert', key, source: 'poll' });
        expect(await fresh).toEqual({ status: 200, flags: client.getAll().length });
        expect(client.stats().polls200).toBe(2);
        expect(client.isEnabled(key, false)).toBe(true);
      } finally {
        await client.close();
      }
    },
  );

  it('keeps answering 304 for a change outside its prefix', async () => {
    const client = createFlagClient({ url: app.url, mode: 'poll', prefix: 'beta.', pollIntervalMs: 10 });
    try {
      await client.ready(5000);
      await client.admin.set({ key: 'alpha.elsewhere', isEnabled: true });
      const polls: number[] = [];
      client.on('poll', ({ status }) => polls.push(status));
      await events(client, 'poll', 3);
      expect(polls).toEqual([304, 304, 304]);
      expect(client.stats().polls200).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('stops polling on close(): no request leaves a closed client', async () => {
    let requests = 0;
    const counting = (input: string, init: RequestInit) => {
      requests++;
      return fetch(input, init);
    };
    const client = createFlagClient({ url: app.url, mode: 'poll', pollIntervalMs: 5, fetch: counting });
    const witness = createFlagClient({ url: app.url, mode: 'poll', pollIntervalMs: 5 });
    try {
      const polled = nextEvent(client, 'poll', (poll) => poll.status === 304);
      await client.ready(5000);
      await polled;
      await client.close();
      const { polls200, polls304 } = client.stats();
      const sent = requests;
      await client.admin.set({ key: 'beta.after-close', isEnabled: true });
      // Time passes for the witness, polling at the same pace: a few of its polls, none of the closed one's.
      await events(witness, 'poll', 4);
      expect(requests).toBe(sent + 1); // the admin call above, and nothing else
      expect(client.stats()).toMatchObject({ polls200, polls304, connected: false });
      expect(client.getFlag('beta.after-close')).toBeUndefined();
    } finally {
      await witness.close();
    }
  });
});
