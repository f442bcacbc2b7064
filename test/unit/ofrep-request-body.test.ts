import { once } from 'node:events';
import { Agent, createServer, type IncomingMessage, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from '@jest/globals';
import { AppError } from '../../src/errors.js';
import { readBody } from '../../src/ofrep/request-body.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  server?.close();
  server = undefined;
});

/** A server answering with what readBody gave (its length, or the error's code); resolves its port. */
async function serve(limitBytes: number, seen: (req: IncomingMessage) => void = () => {}): Promise<number> {
  server = createServer((req, res) => {
    seen(req);
    readBody(req, limitBytes).then(
      (body) => res.end(`read ${body.length} ${body.toString('utf8').slice(0, 20)}`),
      (err: unknown) => res.end(err instanceof AppError ? err.code : 'other'),
    );
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return (server.address() as AddressInfo).port;
}

/** POSTs `chunks` one write each (chunked: no Content-Length), on a connection kept alive. */
async function post(port: number, chunks: string[], agent?: Agent): Promise<string> {
  const req = request({ port, method: 'POST', host: '127.0.0.1', agent });
  for (const chunk of chunks) req.write(chunk);
  req.end();
  const [res] = (await once(req, 'response')) as [IncomingMessage];
  let text = '';
  for await (const part of res) text += String(part);
  return text;
}

describe('readBody (an OFREP request body)', () => {
  it('gathers a body sent in many chunks, and an empty one', async () => {
    const port = await serve(100);
    expect(await post(port, ['{"con', 'text"', ':{}}'])).toBe('read 14 {"context":{}}');
    expect(await post(port, [])).toBe('read 0 ');
  });

  it('refuses a body that grows past the limit while read; the connection serves the next request', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const sockets = new Set<unknown>();
    const port = await serve(10, (req) => sockets.add(req.socket));
    expect(await post(port, ['0123456789', 'abcdef', 'more'], agent)).toBe('PAYLOAD_TOO_LARGE');
    expect(await post(port, ['0123456789'], agent)).toBe('read 10 0123456789');
    expect(sockets.size).toBe(1);
    agent.destroy();
  });
});
