import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { connect, type Socket } from 'node:net';
import { Writable } from 'node:stream';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { EventSource } from 'eventsource';
import express from 'express';
import { pino } from 'pino';
import type { ChangeLog } from '../../src/feed/change-log.js';
import { InProcessFeed } from '../../src/feed/in-process-feed.js';
import { MemoryChangeLog } from '../../src/feed/memory-change-log.js';
import type { FlagChange } from '../../src/flags/flag.js';
import { FlagService } from '../../src/flags/flag-service.js';
import { FlagSnapshot } from '../../src/flags/flag-snapshot.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { errorHandler } from '../../src/http/error-handler.js';
import { sseStream } from '../../src/http/sse/index.js';
import { asCreate, by } from '../support/audit.js';
import { legacyBody, seen } from '../support/flags.js';
import { SseClient, until } from '../support/sse.js';

/**
 * The change log under test is the real MemoryChangeLog; `gate` lets a test hold `since()` open to
 * write changes while a resuming client is between its log read and the live stream.
 */
class GatedLog implements ChangeLog {
  private gate: { opened: Promise<void>; open: () => void; readAtCall: boolean } | undefined;
  readonly inner: MemoryChangeLog;

  constructor(capacity: number) {
    this.inner = new MemoryChangeLog({ capacity });
  }

  /** Holds the next `since()` until `open()`; its answer is read when called, or when opened. */
  hold(readAtCall: boolean): { open: () => void } {
    let open = () => {};
    const opened = new Promise<void>((resolve) => {
      open = resolve;
    });
    this.gate = { opened, open, readAtCall };
    return { open };
  }

  init(revision: number) {
    return this.inner.init(revision);
  }
  append(change: FlagChange) {
    return this.inner.append(change);
  }
  async since(after: number) {
    const gate = this.gate;
    this.gate = undefined;
    if (!gate) return this.inner.since(after);
    const early = gate.readAtCall ? await this.inner.since(after) : undefined;
    await gate.opened;
    return early ?? this.inner.since(after);
  }
  close() {
    return this.inner.close();
  }
}

interface Options {
  heartbeatMs?: number;
  retryMs?: number;
  maxBufferedBytes?: number;
  logCapacity?: number;
}

/**
 * The SSE router on its own express app, over the real domain parts: MemoryFlagStore, FlagService
 * publishing log-then-feed (as the app's fan-out does), InProcessFeed, FlagSnapshot.
 */
async function startSseApp(options: Options = {}) {
  const store = new MemoryFlagStore();
  const feed = new InProcessFeed();
  const snapshot = new FlagSnapshot();
  const log = new GatedLog(options.logCapacity ?? 1000);
  snapshot.reset([], 0);
  await log.init(0);
  feed.subscribe((change) => snapshot.apply(change));
  const flags = new FlagService(
    store,
    {
      publish: async (change) => {
        await log.append(change);
        await feed.publish(change);
      },
    },
    snapshot,
  );
  const logLines: string[] = [];
  const logger = pino(
    { level: 'debug' },
    new Writable({
      write(chunk, _encoding, done) {
        logLines.push(String(chunk));
        done();
      },
    }),
  );
  const sse = sseStream({
    snapshot,
    log,
    heartbeatMs: options.heartbeatMs ?? 60_000,
    retryMs: options.retryMs ?? 1500,
    maxBufferedBytes: options.maxBufferedBytes ?? 1_048_576,
    logger,
  });
  const app = express();
  app.get('/feature-flags/stream', sse.handler);
  app.use(errorHandler(logger));
  const server = createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const base = `http://127.0.0.1:${port}`;
  const streamUrl = (query = '') => `${base}/feature-flags/stream${query}`;
  return {
    store,
    snapshot,
    log,
    flags,
    sse,
    server,
    port,
    logLines,
    streamUrl,
    open: (query = '', headers: Record<string, string> = {}) => SseClient.open(streamUrl(query), headers),
    async stop() {
      sse.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

type SseApp = Awaited<ReturnType<typeof startSseApp>>;

const parse = (block: { data: string }) => JSON.parse(block.data) as Record<string, unknown>;

/** Opens a stream and reads its retry hint and snapshot; returns the client and the snapshot's id. */
async function openPastSnapshot(app: SseApp, query = '', headers: Record<string, string> = {}) {
  const client = await app.open(query, headers);
  expect((await client.next()).retry).toBeDefined();
  const snapshot = await client.nextEvent();
  expect(snapshot.event).toBe('snapshot');
  return { client, snapshotId: Number(snapshot.id) };
}

/**
 * Checks that nothing is queued on the stream beyond what the test read: one more change (to `key`) must
 * be the very next event. A change sent twice, or sent late, would come first.
 */
async function expectNothingMoreThanTheNextChange(app: SseApp, client: SseClient, key: string) {
  const sentinel = await app.flags.upsert(by, {
    key,
    description: `sentinel ${app.snapshot.currentRevision}`,
  });
  expect(await client.nextEvent()).toMatchObject({ id: String(sentinel.flag.revision) });
}

describe('SSE GET /feature-flags/stream', () => {
  let app: SseApp;
  const clients: SseClient[] = [];
  const track = (client: SseClient) => {
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    app = await startSseApp({ retryMs: 1500 });
  });
  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await until(() => app.sse.connections() === 0, 'every stream to be closed');
  });
  afterAll(async () => {
    await app.stop();
  });

  it('answers 200 with event-stream headers that forbid caching and proxy buffering', async () => {
    const client = track(await app.open());
    expect(client.response.status).toBe(200);
    expect(client.response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    expect(client.response.headers.get('cache-control')).toBe('no-cache');
    expect(client.response.headers.get('connection')).toBe('keep-alive');
    expect(client.response.headers.get('x-accel-buffering')).toBe('no');
  });

  it('sends the retry hint first, then a snapshot of the flags in scope, sorted, with id = current revision', async () => {
    await app.flags.upsert(by, { key: 'snap.b', isEnabled: true });
    await app.flags.upsert(by, { key: 'snap.a', description: 'first' });
    await app.flags.upsert(by, { key: 'other', isEnabled: true });
    const revision = app.snapshot.currentRevision;
    const client = track(await app.open('?prefix=snap.'));

    expect(await client.next()).toEqual({ retry: '1500', comments: [] });
    const snapshot = await client.nextEvent();
    const flags = app.snapshot.list('snap.').map((flag) => seen(flag));
    expect(flags.map((flag) => (flag as { key: string }).key)).toEqual(['snap.a', 'snap.b']);
    expect(client.text).toBe(
      `retry: 1500\n\nevent: snapshot\nid: ${revision}\ndata: ${JSON.stringify({ revision, flags, segments: [] })}\n\n`,
    );
    // Every segment rides beside the flags (none here): see segments-sse.test.ts.
    expect(parse(snapshot)).toEqual({ revision, flags: JSON.parse(JSON.stringify(flags)), segments: [] });
  });

  it('sends each change in scope as an upsert or delete event whose id is its revision and whose data is the change', async () => {
    const { client } = await openPastSnapshot(app, '?prefix=live.');
    track(client);

    const created = await app.flags.upsert(by, { key: 'live.x', isEnabled: true });
    const upsert = await client.nextEvent();
    expect(upsert).toMatchObject({ event: 'upsert', id: String(created.flag.revision) });
    expect(parse(upsert)).toEqual({
      kind: 'upsert',
      key: 'live.x',
      revision: created.flag.revision,
      flag: JSON.parse(JSON.stringify(seen(created.flag))),
    });

    const toggled = await app.flags.toggle(by, 'live.x');
    expect(parse(await client.nextEvent())).toMatchObject({ kind: 'upsert', flag: { isEnabled: false } });

    const deleted = await app.flags.remove(by, 'live.x');
    const removal = await client.nextEvent();
    expect(removal).toMatchObject({ event: 'delete', id: String(deleted.revision) });
    expect(parse(removal)).toEqual({
      kind: 'delete',
      key: 'live.x',
      revision: deleted.revision,
      version: toggled.version,
    });
  });

  it('sends nothing for a change outside the prefix: the next change in scope is the very next event', async () => {
    const { client } = await openPastSnapshot(app, '?prefix=beta.');
    track(client);
    await app.flags.upsert(by, { key: 'alpha.hidden', isEnabled: true });
    await app.flags.upsert(by, { key: 'betamax', isEnabled: true });
    const visible = await app.flags.upsert(by, { key: 'beta.visible', isEnabled: true });
    const next = await client.nextEvent();
    expect(next).toMatchObject({ event: 'upsert', id: String(visible.flag.revision) });
    expect(parse(next)).toMatchObject({ key: 'beta.visible' });
  });

  it('groups connections by prefix: every client of a prefix, and of a wider one, gets the change', async () => {
    const narrow = await Promise.all([
      openPastSnapshot(app, '?prefix=grp.'),
      openPastSnapshot(app, '?prefix=grp.'),
    ]);
    const wide = await openPastSnapshot(app);
    for (const { client } of [...narrow, wide]) track(client);
    expect(app.sse.connections()).toBe(3);
    const change = await app.flags.upsert(by, { key: 'grp.one', isEnabled: true });
    for (const { client } of [...narrow, wide]) {
      expect(await client.nextEvent()).toMatchObject({ event: 'upsert', id: String(change.flag.revision) });
    }
  });

  it('resumes from Last-Event-ID with exactly the changes in scope missed while disconnected, in order', async () => {
    const first = await openPastSnapshot(app, '?prefix=resume.');
    first.client.close();
    await until(() => app.sse.connections() === 0, 'the first stream to close');

    const missed: number[] = [];
    missed.push((await app.flags.upsert(by, { key: 'resume.a', isEnabled: true })).flag.revision);
    await app.flags.upsert(by, { key: 'elsewhere', isEnabled: true });
    missed.push((await app.flags.toggle(by, 'resume.a')).revision);
    missed.push((await app.flags.upsert(by, { key: 'resume.b' })).flag.revision);
    missed.push((await app.flags.remove(by, 'resume.a')).revision);

    const client = track(await app.open('?prefix=resume.', { 'Last-Event-ID': String(first.snapshotId) }));
    expect((await client.next()).retry).toBe('1500');
    const replayed = [];
    for (const _ of missed) replayed.push(await client.nextEvent());
    expect(replayed.map((event) => Number(event.id))).toEqual(missed);
    expect(replayed.map((event) => [event.event, parse(event).key])).toEqual([
      ['upsert', 'resume.a'],
      ['upsert', 'resume.a'],
      ['upsert', 'resume.b'],
      ['delete', 'resume.a'],
    ]);

    // Then live, with nothing repeated in between.
    const live = await app.flags.upsert(by, { key: 'resume.c', isEnabled: true });
    expect(await client.nextEvent()).toMatchObject({ event: 'upsert', id: String(live.flag.revision) });
  });

  it('resumes from ?lastEventId= as well, and a Last-Event-ID header takes precedence over it', async () => {
    const before = app.snapshot.currentRevision;
    const first = await app.flags.upsert(by, { key: 'query.a', isEnabled: true });
    const second = await app.flags.upsert(by, { key: 'query.b', isEnabled: true });

    const byQuery = track(await app.open(`?prefix=query.&lastEventId=${before}`));
    expect((await byQuery.nextEvent()).id).toBe(String(first.flag.revision));
    expect((await byQuery.nextEvent()).id).toBe(String(second.flag.revision));

    // An EventSource reconnects to the same URL with a newer header: the header is where it really is.
    const both = track(
      await app.open(`?prefix=query.&lastEventId=${before}`, {
        'Last-Event-ID': String(first.flag.revision),
      }),
    );
    expect((await both.nextEvent()).id).toBe(String(second.flag.revision));
  });

  it('loses and repeats nothing when changes land while a resuming client reads the log', async () => {
    for (const readAtCall of [true, false]) {
      const after = app.snapshot.currentRevision;
      const gate = app.log.hold(readAtCall);
      const client = track(await app.open('?prefix=race.', { 'Last-Event-ID': String(after) }));
      await until(() => app.sse.connections() === 1, 'the resuming client to be registered');
      // Written during the log read: either the read returns them too (readAtCall=false) or it does not.
      const during = [
        (await app.flags.upsert(by, { key: 'race.a', isEnabled: readAtCall })).flag.revision,
        (await app.flags.upsert(by, { key: 'race.b', isEnabled: readAtCall })).flag.revision,
      ];
      gate.open();
      const later = (await app.flags.upsert(by, { key: 'race.c', isEnabled: readAtCall })).flag.revision;
      const ids = [];
      for (let i = 0; i < 3; i++) ids.push(Number((await client.nextEvent()).id));
      expect(ids).toEqual([...during, later]);
      await expectNothingMoreThanTheNextChange(app, client, 'race.sentinel');
      client.close();
      await until(() => app.sse.connections() === 0, 'the stream to close');
    }
  });

  it('sends each change after Last-Event-ID exactly once, in order, and nothing more, when writes race the reconnect', async () => {
    // Whether the log read returns what it holds when called (the racing writes then come only live) or
    // when it answers (they come from the log and live both).
    for (const readAtCall of [true, false]) {
      const resumeFrom = app.snapshot.currentRevision;
      const missed = [
        (await app.flags.upsert(by, { key: 'racing.missed', description: String(readAtCall) })).flag.revision,
      ];
      await app.flags.upsert(by, { key: 'elsewhere', description: String(readAtCall) });

      const writes = (keys: string[]) =>
        Promise.all(keys.map((key) => app.flags.upsert(by, { key, description: `${readAtCall}` })));
      const gate = app.log.hold(readAtCall);
      const client = track(await app.open('?prefix=racing.', { 'Last-Event-ID': String(resumeFrom) }));
      await until(() => app.sse.connections() === 1, 'the resuming client to be reading the log');
      // Concurrent writes while the gate keeps the log read open, then more racing its answer.
      const during = await writes(['racing.a', 'outside.a', 'racing.b', 'racing.c', 'outside.b']);
      gate.open();
      const after = await writes(['racing.d', 'outside.c', 'racing.e']);

      const inScope = [...during, ...after]
        .map(({ flag }) => flag)
        .filter((flag) => flag.key.startsWith('racing.'))
        .map((flag) => flag.revision);
      const expected = [...missed, ...inScope].sort((x, y) => x - y);
      const ids: number[] = [];
      for (const _ of expected) ids.push(Number((await client.nextEvent()).id));
      expect({ readAtCall, ids }).toEqual({ readAtCall, ids: expected });
      await expectNothingMoreThanTheNextChange(app, client, 'racing.sentinel');
      client.close();
      await until(() => app.sse.connections() === 0, 'the stream to close');
    }
  });

  it('does not repeat a late change from another instance that arrives live while the log read also returns it', async () => {
    const resumeFrom = app.snapshot.currentRevision;
    // Another instance committed and logged it; its message is late, overtaken by a newer local change.
    const late = await app.store.insert('late.a', legacyBody('late.a', true), asCreate);
    if (late.status !== 'ok') throw new Error('insert failed');
    await app.log.append(late.change);
    const local = await app.flags.upsert(by, { key: 'late.b', isEnabled: true });

    const gate = app.log.hold(false);
    const client = track(await app.open('?prefix=late.', { 'Last-Event-ID': String(resumeFrom) }));
    await until(() => app.sse.connections() === 1, 'the resuming client to be registered');
    app.snapshot.apply(late.change); // the late message arrives during the log read
    gate.open();

    const ids = [Number((await client.nextEvent()).id), Number((await client.nextEvent()).id)];
    expect(ids).toEqual([late.change.revision, local.flag.revision]);
    await expectNothingMoreThanTheNextChange(app, client, 'late.sentinel');
  });

  it('sends a change the shared log holds but this instance has not seen yet once, when it arrives live', async () => {
    const after = app.snapshot.currentRevision;
    // Another instance committed and logged it; its pub/sub message has not reached this one yet.
    const inserted = await app.store.insert('ahead.a', legacyBody('ahead.a', true), asCreate);
    if (inserted.status !== 'ok') throw new Error('insert failed');
    await app.log.append(inserted.change);

    const client = track(await app.open('?prefix=ahead.', { 'Last-Event-ID': String(after) }));
    await until(() => app.sse.connections() === 1, 'the resuming client to be registered');
    // Not replayed ahead of what this instance has seen (that could put it before a change it has not
    // seen yet, out of revision order): it comes live, once.
    app.snapshot.apply(inserted.change); // the message arrives
    expect(await client.nextEvent()).toMatchObject({ event: 'upsert', id: String(inserted.change.revision) });
    const next = await app.flags.upsert(by, { key: 'ahead.b', isEnabled: true });
    expect(await client.nextEvent()).toMatchObject({ event: 'upsert', id: String(next.flag.revision) });
  });

  it('sends a fresh snapshot when Last-Event-ID is beyond what this instance has seen', async () => {
    const revision = app.snapshot.currentRevision;
    const client = track(await app.open('?prefix=snap.', { 'Last-Event-ID': String(revision + 1000) }));
    const event = await client.nextEvent();
    expect(event).toMatchObject({ event: 'snapshot', id: String(revision) });
    expect(parse(event)).toMatchObject({ revision, flags: [{ key: 'snap.a' }, { key: 'snap.b' }] });
  });

  it('sends a fresh snapshot when the log lacks a change this instance already applied', async () => {
    const after = app.snapshot.currentRevision;
    // Committed and applied here, but its log append is still in flight (or failed).
    const inserted = await app.store.insert('lag.a', legacyBody('lag.a', true), asCreate);
    if (inserted.status !== 'ok') throw new Error('insert failed');
    app.snapshot.apply(inserted.change);

    const client = track(await app.open('?prefix=lag.', { 'Last-Event-ID': String(after) }));
    const event = await client.nextEvent();
    expect(event).toMatchObject({ event: 'snapshot', id: String(inserted.change.revision) });
    expect(parse(event)).toMatchObject({ flags: [{ key: 'lag.a' }] });
  });

  it.each([
    ['a prefix with forbidden characters', '?prefix=%20beta', {}],
    ['a repeated prefix', '?prefix=a&prefix=b', {}],
    ['a Last-Event-ID that is not a number', '', { 'Last-Event-ID': 'abc' }],
    ['a negative Last-Event-ID', '', { 'Last-Event-ID': '-1' }],
    ['a fractional Last-Event-ID', '', { 'Last-Event-ID': '1.5' }],
    ['a Last-Event-ID past the safe integers', '', { 'Last-Event-ID': '99999999999999999' }],
    ['a lastEventId query that is not a number', '?lastEventId=x', {}],
    ['a repeated lastEventId query', '?lastEventId=1&lastEventId=2', {}],
  ])('refuses %s with 400 VALIDATION_FAILED before any stream bytes', async (_what, query, headers) => {
    const res = await fetch(app.streamUrl(query), { headers });
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({
      error: { code: 'VALIDATION_FAILED', message: expect.any(String) },
    });
    expect(app.sse.connections()).toBe(0);
  });

  it('forgets a client once it disconnects: connections() drops back to 0', async () => {
    const opened = [
      await openPastSnapshot(app, '?prefix=a'),
      await openPastSnapshot(app, '?prefix=a'),
      await openPastSnapshot(app, '?prefix=b'),
    ];
    expect(app.sse.connections()).toBe(3);
    opened[0]?.client.close();
    await until(() => app.sse.connections() === 2, 'one stream to close');
    for (const { client } of opened) client.close();
    await until(() => app.sse.connections() === 0, 'every stream to close');
    // A change after they left reaches nobody and breaks nothing.
    await app.flags.upsert(by, { key: 'a.after', isEnabled: true });
    expect(app.sse.connections()).toBe(0);
  });
});

describe('SSE resume when the log no longer reaches back', () => {
  it('sends a fresh snapshot (id = current revision) instead of the missed changes', async () => {
    const app = await startSseApp({ logCapacity: 2 });
    try {
      const first = await openPastSnapshot(app, '?prefix=old.');
      first.client.close();
      for (let i = 0; i < 4; i++) await app.flags.upsert(by, { key: `old.${i}`, isEnabled: true });
      const client = await app.open('?prefix=old.', { 'Last-Event-ID': String(first.snapshotId) });
      const event = await client.nextEvent();
      expect(event).toMatchObject({ event: 'snapshot', id: String(app.snapshot.currentRevision) });
      expect((parse(event).flags as Array<{ key: string }>).map((flag) => flag.key)).toEqual([
        'old.0',
        'old.1',
        'old.2',
        'old.3',
      ]);
      client.close();
    } finally {
      await app.stop();
    }
  });
});

describe('SSE heartbeat', () => {
  it('sends a ": heartbeat" comment to every open stream every heartbeatMs', async () => {
    const app = await startSseApp({ heartbeatMs: 20 });
    try {
      const streams = [await openPastSnapshot(app, '?prefix=x'), await openPastSnapshot(app, '?prefix=y')];
      for (const { client } of streams) {
        expect(await client.next(2000)).toEqual({ comments: ['heartbeat'] });
        expect(client.text).toMatch(/\n\n: heartbeat\n\n$/);
        client.close();
      }
    } finally {
      await app.stop();
    }
  });
});

describe('SSE slow consumers', () => {
  it('cuts off a client that stops reading once its backlog passes maxBufferedBytes, without hurting the others', async () => {
    const app = await startSseApp({ maxBufferedBytes: 65_536 });
    let socket: Socket | undefined;
    try {
      const reader = await openPastSnapshot(app, '?prefix=slow.');
      // A raw client that sends its request and then never reads a byte.
      socket = connect(app.port, '127.0.0.1');
      socket.on('error', () => {}); // the server resets it: that is the point
      socket.write(`GET /feature-flags/stream?prefix=slow. HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`);
      socket.pause();
      await until(() => app.sse.connections() === 2, 'the silent client to be streaming');

      const description = 'x'.repeat(990);
      let last = 0;
      // Kernel socket buffers absorb a few MB first; the cap only keeps a broken test from spinning.
      for (let i = 0; i < 50_000 && app.sse.connections() === 2; i++) {
        last = (await app.flags.upsert(by, { key: `slow.${i % 10}`, description: `${i}${description}` })).flag
          .revision;
        // Lets the reading client (in this same process) read: only the silent one should fall behind.
        await new Promise((resolve) => setImmediate(resolve));
      }
      await until(() => app.sse.connections() === 1, 'the silent client to be cut off');
      expect(app.logLines.some((line) => line.includes('stream cut off'))).toBe(true);

      // The client that reads got every change, up to the last one.
      let id = 0;
      while (id < last) id = Number((await reader.client.nextEvent()).id);
      expect(id).toBe(last);
      reader.client.close();
    } finally {
      socket?.destroy();
      await app.stop();
    }
  });
});

describe('SSE close()', () => {
  it('ends every open stream with a retry hint, and answers later requests the same way', async () => {
    const app = await startSseApp({ retryMs: 2500 });
    try {
      const streams = [await openPastSnapshot(app, '?prefix=a'), await openPastSnapshot(app)];
      app.sse.close();
      expect(app.sse.connections()).toBe(0);
      for (const { client } of streams) {
        expect(await client.next()).toEqual({ retry: '2500', comments: [] });
        await client.ended;
        expect(client.text).toMatch(/\n\nretry: 2500\n\n$/);
      }
      const late = await app.open();
      await late.ended;
      expect(late.text).toBe('retry: 2500\n\n');
    } finally {
      await app.stop();
    }
  });
});

describe('SSE with a real EventSource client', () => {
  it('reconnects by itself after the connection drops and resumes with Last-Event-ID, missing nothing', async () => {
    const app = await startSseApp({ retryMs: 100 });
    const requests: Array<string | undefined> = [];
    const events: Array<{ type: string; id: string; data: Record<string, unknown> }> = [];
    const source = new EventSource(app.streamUrl('?prefix=es.'), {
      fetch: (input, init) => {
        requests.push(init.headers['Last-Event-ID'] ?? init.headers['last-event-id']);
        return fetch(input, init);
      },
    });
    for (const type of ['snapshot', 'upsert', 'delete']) {
      source.addEventListener(type, (event) => {
        events.push({ type, id: event.lastEventId, data: JSON.parse(event.data) });
      });
    }
    try {
      await app.flags.upsert(by, { key: 'es.before', isEnabled: true });
      await until(() => events.length === 1, 'the snapshot');
      expect(events[0]).toMatchObject({ type: 'snapshot', data: { flags: [{ key: 'es.before' }] } });

      app.server.closeAllConnections();
      const revisions = [
        (await app.flags.toggle(by, 'es.before')).revision,
        (await app.flags.upsert(by, { key: 'es.after', isEnabled: true })).flag.revision,
        (await app.flags.remove(by, 'es.before')).revision,
      ];
      await until(() => events.length === 4, 'the three changes');
      expect(events.slice(1).map((event) => [event.type, Number(event.id)])).toEqual([
        ['upsert', revisions[0]],
        ['upsert', revisions[1]],
        ['delete', revisions[2]],
      ]);
      expect(requests).toEqual([undefined, events[0]?.id]);
    } finally {
      source.close();
      await app.stop();
    }
  });
});
