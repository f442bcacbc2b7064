import { createServer, type IncomingHttpHeaders, request } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { connect } from 'node:net';

/** What the proxy does with `GET /feature-flags/stream`: pass it on, answer 500, or answer and go silent. */
export type StreamBehaviour = 'forward' | 'fail' | 'stall';

export interface SeenRequest {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

/**
 * A tiny HTTP + WebSocket proxy in front of the app, to break one transport while the rest works,
 * and to see what the client sends. Switch `stream` and `websocket` at any time; the new behaviour
 * applies to the next request or upgrade.
 */
export async function startProxy(target: string) {
  const upstream = new URL(target);
  const state = {
    stream: 'forward' as StreamBehaviour,
    websocket: 'forward' as 'forward' | 'refuse',
  };
  const requests: SeenRequest[] = [];
  const sockets = new Set<Socket>();

  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', url: req.url ?? '/', headers: req.headers });
    if (req.url?.startsWith('/feature-flags/stream') && state.stream !== 'forward') {
      if (state.stream === 'fail') {
        res.writeHead(500, { 'content-type': 'application/json; charset=utf-8' });
        res.end(JSON.stringify({ error: { code: 'INTERNAL', message: 'stream broken by the test proxy' } }));
      } else {
        res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8' });
        res.flushHeaders(); // and never a byte more
      }
      return;
    }
    const forward = request(
      new URL(req.url ?? '/', upstream),
      { method: req.method, headers: req.headers },
      (answer) => {
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        answer.pipe(res);
      },
    );
    forward.on('error', () => res.destroy());
    res.on('close', () => forward.destroy());
    req.pipe(forward);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('upgrade', (req, socket: Socket, head: Buffer) => {
    requests.push({ method: 'UPGRADE', url: req.url ?? '/', headers: req.headers });
    if (state.websocket === 'refuse') {
      socket.end('HTTP/1.1 503 Service Unavailable\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    const back = connect(Number(upstream.port), upstream.hostname, () => {
      const headers = Object.entries(req.headers).flatMap(([name, value]) =>
        (Array.isArray(value) ? value : [value ?? '']).map((v) => `${name}: ${v}`),
      );
      back.write(`${req.method} ${req.url} HTTP/1.1\r\n${headers.join('\r\n')}\r\n\r\n`);
      back.write(head);
      socket.pipe(back).pipe(socket);
    });
    sockets.add(back);
    back.on('close', () => sockets.delete(back));
    back.on('error', () => socket.destroy());
    socket.on('error', () => back.destroy());
    socket.on('close', () => back.destroy());
  });

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    state,
    requests,
    /** The requests whose path (without the query) is `path`. */
    seen: (path: string) => requests.filter((r) => r.url.split('?')[0] === path),
    /** Cuts every connection through the proxy, as a network failure would. */
    dropConnections() {
      for (const socket of sockets) socket.destroy();
    },
    async close() {
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

export type TestProxy = Awaited<ReturnType<typeof startProxy>>;
