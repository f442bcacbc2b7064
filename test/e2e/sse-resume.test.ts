import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sendJson, type startTestApp } from '../support/app.js';
import { type InstancePair, startInstancePair } from '../support/instance-pair.js';
import { SseClient, until } from '../support/sse.js';

type App = Awaited<ReturnType<typeof startTestApp>>;

/**
 * Written by three concurrent loops on the same keys, so A commits and publishes slightly out of
 * revision order (e.g. 58, 60, 59) and burns revisions (an upsert that loses its version guard): B must
 * still send them in revision order, or a client resuming from the id it read last would get a change
 * twice or miss one.
 */
const WRITES = 120;
const WRITERS = 3;
const STREAM = '/feature-flags/stream?prefix=race.';

/**
 * PROTOCOL.md: resuming with `Last-Event-ID` gives "exactly the changes in scope after revision r,
 * oldest first", and "nothing is lost or sent twice between the replay and the live events". Two
 * instances sharing a store and Redis: the client resumes on B while A writes, so B reads the shared
 * change log while A's changes reach B over pub/sub, and a change can arrive live before the log read
 * that also holds it has returned.
 */
describe('SSE resume with writes racing the reconnect', () => {
  let pair: InstancePair | undefined;
  let a: App;
  let b: App;

  beforeAll(async () => {
    pair = await startInstancePair();
    ({ a, b } = pair);
  }, 60_000);
  afterAll(async () => {
    await pair?.stop();
  });

  /** Writes a flag on A and answers the revision it took. */
  async function write(key: string, description: string): Promise<number> {
    const res = await sendJson(a, 'POST', '/feature-flags', { key, description });
    expect(res.status).toBeLessThan(300);
    return ((await res.json()) as { revision: number }).revision;
  }

  const resume = (lastEventId: number) =>
    SseClient.open(`${b.url}${STREAM}`, { 'Last-Event-ID': String(lastEventId) });

  /** The next change event's revision; a snapshot is not an answer to a resume the log can serve. */
  async function nextRevision(client: SseClient): Promise<number> {
    const event = await client.nextEvent();
    expect(event.event).not.toBe('snapshot');
    return Number(event.id);
  }

  it('delivers every change in scope exactly once and in revision order to a client reconnecting over and over to B while A writes', async () => {
    const first = await SseClient.open(`${b.url}${STREAM}`);
    await first.next(); // retry:
    let last = Number((await first.nextEvent()).id);
    first.close();

    // Writes on keys in and out of scope, going on all through the reconnects below.
    const inScope: number[] = [];
    let acknowledged = 0;
    let writing = true;
    let started = 0;
    const loop = async () => {
      for (let i = started++; i < WRITES; i = started++) {
        const key = i % 3 === 0 ? `elsewhere.${i % 4}` : `race.${i % 4}`;
        const revision = await write(key, `write ${i}`);
        if (key.startsWith('race.')) inScope.push(revision);
        acknowledged++;
      }
    };
    const writer = Promise.all(Array.from({ length: WRITERS }, loop)).finally(() => {
      writing = false;
    });

    // Like an EventSource on a flaky network: read one to three events, drop the connection, stay away
    // for up to three writes, resume from the last id read. Each reconnect replays what it missed while
    // changes are still being committed.
    const received: number[] = [];
    let reconnects = 0;
    while (writing) {
      const client = await resume(last);
      reconnects++;
      try {
        for (let n = 0; n <= reconnects % 3 && writing; n++) {
          // Once the writer is done no more events may come: stop waiting then. An event read by the
          // abandoned wait is not recorded, so the next connection must send it again, as it should.
          const revision = await Promise.race([nextRevision(client), writer.then(() => undefined)]);
          if (revision === undefined) break;
          received.push(revision);
          last = revision;
        }
      } finally {
        client.close();
      }
      const away = acknowledged + (reconnects % 4);
      await until(() => acknowledged >= away || !writing, 'writes while the client is away');
    }
    await writer;

    // The last connection: everything still missed, then the sentinel, then nothing but the next change.
    const client = await resume(last);
    try {
      const sentinel = await write('race.sentinel', 'after the writers');
      while (received.at(-1) !== sentinel && received.length <= inScope.length) {
        received.push(await nextRevision(client));
      }
      expect(received).toEqual([...inScope.sort((x, y) => x - y), sentinel]);
      const next = await write('race.sentinel', 'one more');
      expect(await nextRevision(client)).toBe(next);
    } finally {
      client.close();
    }
    expect(reconnects).toBeGreaterThan(10);
  });
});
