// The throughput baseline: a bare node:http server doing the least possible work for a fixed response
// (a 304 with its ETag; the same 200 bytes from a Buffer). One server per response given in the JSON
// file argv[2]; prints the ports as one JSON line, then serves until SIGTERM.

import { readFileSync } from 'node:fs';
import { createServer, type OutgoingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface BareResponse {
  status: number;
  headers: [string, string][];
  bodyBase64: string;
}

const responses = JSON.parse(readFileSync(process.argv[2] ?? '', 'utf8')) as BareResponse[];
const ports: number[] = [];
const servers: Server[] = [];
for (const spec of responses) {
  const headers: OutgoingHttpHeaders = Object.fromEntries(spec.headers);
  const body = Buffer.from(spec.bodyBase64, 'base64');
  const server =
    body.length === 0
      ? createServer((_req, res) => {
          res.writeHead(spec.status, headers);
          res.end();
        })
      : createServer((_req, res) => {
          res.writeHead(spec.status, headers);
          res.end(body);
        });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  ports.push((server.address() as AddressInfo).port);
  servers.push(server);
}
process.stdout.write(`${JSON.stringify({ ports })}\n`);
process.on('SIGTERM', () => {
  for (const server of servers) server.close();
  for (const server of servers) server.closeAllConnections();
  process.exit(0);
});
