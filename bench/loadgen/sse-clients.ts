// N raw SSE clients in one process, one TCP socket each (node:net: the HTTP/1.1 request written by
// hand, the chunked response decoded here), parsing `event:`/`id:`/`data:` frames and recording when
// each change was parsed. Lighter than node:http's client, so that the clients take as little of the
// machine's CPU from the server as they can. Driven by the orchestrator over IPC (protocol.ts).
import { connect } from 'node:net';
import { Receipts, serveOrchestrator } from './receipts.js';

const receipts = new Receipts();
const OPEN_TIMEOUT_MS = 60_000;

function open(url: string, prefix: string): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    let live = false;
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const socket = connect(Number(port), hostname);
    const timer = setTimeout(() => {
      socket.destroy();
      settle(new Error('no snapshot in time'));
    }, OPEN_TIMEOUT_MS);
    socket.on('error', () => undefined); // 'close' follows and reports it
    socket.on('close', () => {
      if (live) {
        live = false;
        receipts.lost();
      }
      settle(new Error('stream ended before its snapshot'));
    });
    socket.write(
      `GET /feature-flags/stream?prefix=${encodeURIComponent(prefix)} HTTP/1.1\r\n` +
        `Host: ${hostname}:${port}\r\nAccept: text/event-stream\r\n\r\n`,
    );

    // Everything is handled as latin1 (one char per byte) until a frame's data is JSON-parsed.
    let raw = '';
    let headDone = false;
    /** Bytes left in the current chunk; -1: reading a chunk-size line; -2: expecting the CRLF after data. */
    let need = -1;
    let text = '';
    let last = 0;

    const onFrame = (frame: string) => {
      let event = 'message';
      let data = '';
      for (const line of frame.split('\n')) {
        if (line.startsWith('event: ')) event = line.slice(7);
        else if (line.startsWith('data: ')) data = data ? `${data}\n${line.slice(6)}` : line.slice(6);
      }
      if (event === 'snapshot') {
        if (!live) {
          live = true;
          receipts.live++;
          settle();
        }
      } else if (event === 'upsert' || event === 'delete') {
        const change = JSON.parse(Buffer.from(data, 'latin1').toString('utf8')) as { revision: number };
        receipts.received(change.revision, last);
        last = Math.max(last, change.revision);
      }
    };

    socket.on('data', (chunk: Buffer) => {
      raw += chunk.toString('latin1');
      if (!headDone) {
        const end = raw.indexOf('\r\n\r\n');
        if (end < 0) return;
        const head = raw.slice(0, end);
        raw = raw.slice(end + 4);
        headDone = true;
        if (!head.startsWith('HTTP/1.1 200') || !/\r\ntransfer-encoding: chunked/i.test(head)) {
          socket.destroy();
          settle(new Error(`unexpected response: ${head.split('\r\n')[0]}`));
          return;
        }
      }
      // De-chunk into `text`.
      for (;;) {
        if (need === -1) {
          const eol = raw.indexOf('\r\n');
          if (eol < 0) break;
          need = Number.parseInt(raw.slice(0, eol), 16);
          raw = raw.slice(eol + 2);
          if (need === 0) {
            socket.end();
            break;
          }
        } else if (need === -2) {
          if (raw.length < 2) break;
          raw = raw.slice(2);
          need = -1;
        } else if (raw.length >= need) {
          text += raw.slice(0, need);
          raw = raw.slice(need);
          need = -2;
        } else {
          text += raw;
          need -= raw.length;
          raw = '';
          break;
        }
      }
      for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
        const frame = text.slice(0, end);
        text = text.slice(end + 2);
        onFrame(frame);
      }
    });
  });
}

serveOrchestrator(receipts, open);
