import { createServer, request as httpRequest, type ServerResponse } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import type { FlagChange } from '../../src/flags/flag.js';
import { ALL_ENVIRONMENTS } from '../../src/flags/flag-view.js';
import { Connection } from '../../src/http/sse/connection.js';
import { changeFrame } from '../../src/http/sse/frames.js';
import { replayOf } from '../../src/http/sse/replay.js';
import { aFlag, upsertOf } from '../support/flags.js';

const silent = pino({ level: 'silent' });
const END = Buffer.from('retry: 1000\n\n');
const SNAPSHOT = Buffer.from('event: snapshot\nid: 9\ndata: {}\n\n');

const change = (revision: number): FlagChange => upsertOf(aFlag(`k${revision}`, revision));
const frame = (revision: number) => changeFrame(change(revision), ALL_ENVIRONMENTS);
/** What the client read, as the list of frames it can tell apart. */
const framesIn = (text: string) => text.split(/(?<=\n\n)/).filter(Boolean);
const expected = (...frames: Buffer[]) => frames.map((f) => f.toString());

/** Requests, in arrival order, each answered by the test through its response. */
const arrived: ServerResponse[] = [];
const waiting: Array<(res: ServerResponse) => void> = [];
const server = createServer((_req, res) => {
  const take = waiting.shift();
  if (take) take(res);
  else arrived.push(res);
});
let port: number;

beforeAll(async () => {
  server.listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  port = (server.address() as AddressInfo).port;
});
afterAll(async () => {
  // A stream a failing test left open must not keep the server (and jest) waiting.
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

function nextResponse(): Promise<ServerResponse> {
  const res = arrived.shift();
  return res ? Promise.resolve(res) : new Promise((resolve) => waiting.push(resolve));
}

/**
 * A real client and the server side of its stream: `connection` wraps the server's response; `read`
 * settles when the stream ends or breaks, with everything the client received and whether it ended well.
 */
async function openStream(maxBufferedBytes = 1 << 20) {
  const read = new Promise<{ text: string; complete: boolean }>((resolve) => {
    const req = httpRequest({ host: '127.0.0.1', port, path: '/', agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
      });
      res.on('error', () => {}); // a cut-off shows as an incomplete message below
      res.on('close', () => resolve({ text, complete: res.complete }));
    });
    // Cut off before any response: nothing read.
    req.on('error', () => resolve({ text: '', complete: false }));
    req.end();
  });
  const res = await nextResponse();
  return { res, connection: new Connection('', ALL_ENVIRONMENTS, res, maxBufferedBytes, silent), read };
}

describe('an SSE connection', () => {
  it('writes live changes as they come, and ends with the frame it is given last', async () => {
    const { connection, read } = await openStream();
    expect(connection.isOpen).toBe(true);
    connection.deliverChange(1, frame(1));
    connection.deliverChange(2, frame(2));
    connection.end(END);
    expect(connection.isOpen).toBe(false);
    // Nothing is written after the end, and ending twice is harmless.
    connection.deliverChange(3, frame(3));
    connection.write(frame(4));
    connection.end(END);
    expect(await read).toEqual({ text: expected(frame(1), frame(2), END).join(''), complete: true });
  });

  it('resuming, sends the replay, then the live changes held meanwhile that the replay lacks: none lost, none twice', async () => {
    const { connection, read } = await openStream();
    connection.hold();
    // This instance was at revision 4 when the client subscribed; 3 and 4 reach it late (from another
    // instance), 5 is committed after the log was read.
    connection.deliverChange(3, frame(3));
    connection.deliverChange(5, frame(5));
    connection.deliverChange(4, frame(4));
    connection.release(replayOf([change(3), change(4)], 2, 4, '', ALL_ENVIRONMENTS), () => SNAPSHOT);
    connection.deliverChange(6, frame(6));
    connection.end(END);
    const { text } = await read;
    expect(framesIn(text)).toEqual(expected(frame(3), frame(4), frame(5), frame(6), END));
  });

  it('replays only what this instance had released, then the held live changes after it, in order', async () => {
    const { connection, read } = await openStream();
    connection.hold();
    // At revision 2 when the client subscribed; 3, 4 and 5 arrive live (in order) while the log is read,
    // and the log already holds 3 and 4: they are not replayed ahead of this instance, but sent live once.
    connection.deliverChange(3, frame(3));
    connection.deliverChange(4, frame(4));
    connection.deliverChange(5, frame(5));
    connection.release(replayOf([change(3), change(4)], 2, 2, '', ALL_ENVIRONMENTS), () => SNAPSHOT);
    connection.deliverChange(6, frame(6));
    connection.end(END);
    expect(framesIn((await read).text)).toEqual(expected(frame(3), frame(4), frame(5), frame(6), END));
  });

  it('writes nothing while holding, however many changes arrive', async () => {
    const { res, connection, read } = await openStream();
    connection.hold();
    for (let revision = 1; revision <= 5; revision++) connection.deliverChange(revision, frame(revision));
    // Only what the response itself carries: no frame reached it.
    expect(res.headersSent).toBe(false);
    connection.release(replayOf([], 5, 5, '', ALL_ENVIRONMENTS), () => SNAPSHOT);
    connection.end(END);
    expect(framesIn((await read).text)).toEqual(
      expected(frame(1), frame(2), frame(3), frame(4), frame(5), END),
    );
  });

  it('skips, once, a replayed change this instance had not applied yet when it then arrives live', async () => {
    const { connection, read } = await openStream();
    connection.hold();
    // The shared log is ahead of this instance: 4 and 5 are replayed before they arrive here live.
    connection.release(
      replayOf([change(3), change(4), change(5)], 2, 3, '', ALL_ENVIRONMENTS),
      () => SNAPSHOT,
    );
    connection.deliverChange(4, frame(4));
    connection.deliverChange(5, frame(5));
    connection.deliverChange(6, frame(6));
    connection.end(END);
    expect(framesIn((await read).text)).toEqual(expected(frame(3), frame(4), frame(5), frame(6), END));
  });

  it('skips a held change the replay sent ahead of this instance, and still skips the rest when they arrive', async () => {
    const { connection, read } = await openStream();
    connection.hold();
    connection.deliverChange(4, frame(4));
    connection.release(
      replayOf([change(3), change(4), change(5)], 2, 3, '', ALL_ENVIRONMENTS),
      () => SNAPSHOT,
    );
    connection.deliverChange(5, frame(5));
    connection.deliverChange(6, frame(6));
    connection.end(END);
    expect(framesIn((await read).text)).toEqual(expected(frame(3), frame(4), frame(5), frame(6), END));
  });

  it('without a usable replay, sends a fresh snapshot instead, and none of the changes it already holds', async () => {
    const { connection, read } = await openStream();
    connection.hold();
    connection.deliverChange(3, frame(3));
    connection.release(null, () => SNAPSHOT);
    connection.deliverChange(4, frame(4));
    connection.end(END);
    expect(framesIn((await read).text)).toEqual(expected(SNAPSHOT, frame(4), END));
  });

  it('when the snapshot is replaced during the catch-up, ends it with the fresh snapshot, not the replay', async () => {
    const { connection, read } = await openStream();
    connection.hold();
    connection.deliverChange(3, frame(3));
    connection.deliverReset(Buffer.from('event: snapshot\nid: 3\ndata: {"stale":true}\n\n'));
    connection.deliverChange(4, frame(4)); // part of the state the snapshot on release carries
    connection.release(replayOf([change(3)], 2, 3, '', ALL_ENVIRONMENTS), () => SNAPSHOT);
    connection.deliverChange(5, frame(5));
    connection.end(END);
    expect(framesIn((await read).text)).toEqual(expected(SNAPSHOT, frame(5), END));
  });

  it('after a reset during the catch-up, no longer counts the live changes it will not send against the bound', async () => {
    const size = frame(1).length;
    const { connection, read } = await openStream(2 * size);
    connection.hold();
    connection.deliverReset(SNAPSHOT);
    for (let revision = 1; revision <= 5; revision++) connection.deliverChange(revision, frame(revision));
    expect(connection.isOpen).toBe(true);
    connection.release(null, () => SNAPSHOT);
    connection.end(END);
    expect(await read).toEqual({ text: expected(SNAPSHOT, END).join(''), complete: true });
  });

  it('once live, writes a replaced snapshot at once, and every live change after it', async () => {
    const { connection, read } = await openStream();
    connection.hold();
    // The replay stops at 3, what this instance had released; 4 would come live.
    connection.release(replayOf([change(3), change(4)], 2, 3, '', ALL_ENVIRONMENTS), () => SNAPSHOT);
    const fresh = Buffer.from('event: snapshot\nid: 4\ndata: {"fresh":true}\n\n');
    connection.deliverReset(fresh);
    connection.deliverChange(5, frame(5));
    connection.end(END);
    expect(framesIn((await read).text)).toEqual(expected(frame(3), fresh, frame(5), END));
  });

  it('cuts a catching-up client off when its held changes outgrow the bound, and writes nothing more', async () => {
    const size = frame(1).length;
    const { connection, read } = await openStream(2 * size);
    connection.hold();
    connection.deliverChange(1, frame(1));
    connection.deliverChange(2, frame(2));
    expect(connection.isOpen).toBe(true); // exactly at the bound: still fine
    connection.deliverChange(3, frame(3));
    expect(connection.isOpen).toBe(false);
    connection.release(replayOf([], 0, 0, '', ALL_ENVIRONMENTS), () => SNAPSHOT);
    connection.write(frame(4));
    const { text, complete } = await read;
    expect(complete).toBe(false);
    expect(text).toBe('');
  });

  it('holds up to the bound without cutting off, then releases everything', async () => {
    const size = frame(1).length;
    const { connection, read } = await openStream(2 * size);
    connection.hold();
    connection.deliverChange(1, frame(1));
    connection.deliverChange(2, frame(2));
    connection.release(replayOf([], 0, 0, '', ALL_ENVIRONMENTS), () => SNAPSHOT);
    connection.end(END);
    expect(await read).toEqual({ text: expected(frame(1), frame(2), END).join(''), complete: true });
  });

  it('sends a frame larger than the bound to a client that keeps reading', async () => {
    const big = Buffer.from(`data: ${'x'.repeat(4 << 20)}\n\n`);
    const { connection, read } = await openStream(64 * 1024);
    connection.write(big);
    expect(connection.isOpen).toBe(true);
    connection.end(END);
    const { text, complete } = await read;
    expect(complete).toBe(true);
    expect(text.length).toBe(big.length + END.length);
  });

  it('cuts off a client that stops reading once the unsent backlog passes the bound', async () => {
    // A raw socket that sends its request and never reads: the kernel buffers fill, then the response's.
    const socket = connect(port, '127.0.0.1');
    socket.pause();
    socket.write('GET / HTTP/1.1\r\nHost: test\r\n\r\n');
    const res = await nextResponse();
    const connection = new Connection('', ALL_ENVIRONMENTS, res, 64 * 1024, silent);
    const closed = new Promise((resolve) => res.once('close', resolve));
    connection.write(Buffer.alloc(32 << 20, 'x')); // far more than the kernel takes
    expect(connection.isOpen).toBe(true);
    connection.write(frame(1));
    expect(connection.isOpen).toBe(false);
    await closed;
    socket.destroy();
  });

  it('is not open around a response that has already ended or been destroyed', async () => {
    const ended = await openStream();
    ended.res.end();
    expect(new Connection('', ALL_ENVIRONMENTS, ended.res, 1024, silent).isOpen).toBe(false);
    await ended.read;
    const destroyed = await openStream();
    destroyed.res.destroy();
    expect(new Connection('', ALL_ENVIRONMENTS, destroyed.res, 1024, silent).isOpen).toBe(false);
    await destroyed.read;
  });

  it('closes when the client goes away', async () => {
    const { res, connection, read } = await openStream();
    connection.write(frame(1));
    const closed = new Promise((resolve) => res.once('close', resolve));
    res.socket?.destroy();
    await closed;
    await read;
    expect(connection.isOpen).toBe(false);
  });
});
