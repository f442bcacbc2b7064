// The fan-out baseline: a bare node:http server (plus `ws` for the graphql-transport-ws protocol) doing
// the least possible work to deliver the same events as the service: each change is serialised once
// and written to every open SSE response / sent to every subscriber. No store, no GraphQL execution.
//   GET  /feature-flags/stream  an SSE stream: retry, a snapshot of `beta`-like flags, then the changes
//   WS   /graphql               connection_init -> connection_ack; subscribe -> `next` per change
//   POST /feature-flags         {key, description}: a change to everyone; answers {"revision": r}
// Prints {"port": p} as one JSON line, then serves until SIGTERM.
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fromLegacyFlag } from '@flagwire/core';
import { type WebSocket, WebSocketServer } from 'ws';
import { PREFIX } from '../support/seed.js';

const streams = new Set<ServerResponse>();
const subscribers = new Map<WebSocket, Set<string>>();
let revision = 100;

// The same fields as the service serves, the definition included, so both deliver the same bytes.
const flag = (key: string, description: string, version: number, rev: number) => ({
  key,
  isEnabled: false,
  description,
  version,
  revision: rev,
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: new Date().toISOString(),
  definition: fromLegacyFlag({ key, isEnabled: false, description }),
});
const snapshot = Array.from({ length: 100 }, (_, i) =>
  flag(`${PREFIX}.flag-${String(i * 10).padStart(4, '0')}`, `Seeded flag ${i}`, 1, i + 1),
);
const head = Buffer.from(
  `retry: 3000\n\nevent: snapshot\nid: ${revision}\ndata: ${JSON.stringify({ revision, flags: snapshot, segments: [] })}\n\n`,
);

const server = createServer((req, res) => {
  if (req.method === 'GET' && req.url?.startsWith('/feature-flags/stream')) {
    res.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
    });
    res.write(head);
    streams.add(res);
    res.on('close', () => streams.delete(res));
    return;
  }
  if (req.method === 'POST' && req.url === '/feature-flags') {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (chunk: string) => {
      body += chunk;
    });
    req.on('end', () => {
      const { key, description } = JSON.parse(body) as { key: string; description: string };
      const rev = ++revision;
      const changed = flag(key, description, rev, rev);
      if (streams.size > 0) {
        const frame = Buffer.from(
          `event: upsert\nid: ${rev}\ndata: ${JSON.stringify({ kind: 'upsert', key, revision: rev, flag: changed })}\n\n`,
        );
        for (const stream of streams) stream.write(frame);
      }
      if (subscribers.size > 0) {
        const payload = JSON.stringify({
          data: {
            flagChanged: {
              kind: 'UPSERT',
              key,
              revision: rev,
              version: rev,
              flag: { key, isEnabled: changed.isEnabled },
            },
          },
        });
        for (const [socket, ids] of subscribers)
          for (const id of ids)
            socket.send(`{"id":${JSON.stringify(id)},"type":"next","payload":${payload}}`);
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ revision: rev }));
    });
    return;
  }
  res.writeHead(404);
  res.end();
});

const wss = new WebSocketServer({ server, path: '/graphql' });
wss.on('connection', (socket) => {
  socket.on('message', (data) => {
    const message = JSON.parse(String(data)) as { type: string; id?: string };
    if (message.type === 'connection_init') socket.send('{"type":"connection_ack"}');
    else if (message.type === 'ping') socket.send('{"type":"pong"}');
    else if (message.type === 'subscribe' && message.id !== undefined) {
      const ids = subscribers.get(socket) ?? new Set<string>();
      ids.add(message.id);
      subscribers.set(socket, ids);
    } else if (message.type === 'complete' && message.id !== undefined)
      subscribers.get(socket)?.delete(message.id);
  });
  socket.on('close', () => subscribers.delete(socket));
});

await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
process.stdout.write(`${JSON.stringify({ port: (server.address() as AddressInfo).port })}\n`);
process.on('SIGTERM', () => {
  for (const socket of wss.clients) socket.terminate();
  for (const stream of streams) stream.destroy();
  server.close();
  process.exit(0);
});
