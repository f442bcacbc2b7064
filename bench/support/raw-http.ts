import { connect } from 'node:net';

/** One HTTP/1.1 exchange as bytes on the wire (keep-alive, as a poller sends it). */
export interface Exchange {
  requestBytes: number;
  /** Status line + headers + blank line. */
  headBytes: number;
  bodyBytes: number;
  status: number;
  /** Header lines as sent, in order (without the status line). */
  headers: [string, string][];
  body: Buffer;
}

/** The request as a client sends it: request line, Host, the given headers, and the body if any. */
export function requestText(
  port: number,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body = '',
): string {
  const lines = [`${method} ${path} HTTP/1.1`, `Host: 127.0.0.1:${port}`, 'Connection: keep-alive'];
  for (const [name, value] of Object.entries(headers)) lines.push(`${name}: ${value}`);
  if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
  return `${lines.join('\r\n')}\r\n\r\n${body}`;
}

/**
 * Sends `request` on a fresh connection and reads exactly one response (Content-Length or none, as a
 * 304 has); counts the bytes each way.
 */
export function exchange(port: number, request: string): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let received = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no complete response from port ${port} within 10 s`));
    }, 10_000);
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('data', (chunk: Buffer) => {
      received = Buffer.concat([received, chunk]);
      const end = received.indexOf('\r\n\r\n');
      if (end < 0) return;
      const head = received.subarray(0, end).toString('latin1');
      const [statusLine = '', ...lines] = head.split('\r\n');
      const headers = lines.map((line): [string, string] => {
        const colon = line.indexOf(':');
        return [line.slice(0, colon), line.slice(colon + 1).trim()];
      });
      const status = Number(statusLine.split(' ')[1]);
      const length = Number(headers.find(([name]) => name.toLowerCase() === 'content-length')?.[1] ?? 0);
      if (received.length < end + 4 + length) return;
      clearTimeout(timer);
      socket.destroy();
      resolve({
        requestBytes: Buffer.byteLength(request),
        headBytes: end + 4,
        bodyBytes: length,
        status,
        headers,
        body: received.subarray(end + 4, end + 4 + length),
      });
    });
    socket.write(request);
  });
}

/** Headers Node's http server adds by itself (and the Date that differs every second). */
const AUTOMATIC = new Set(['date', 'connection', 'keep-alive', 'transfer-encoding']);

/** The headers an application set, i.e. what a bare server must send to give the same response. */
export function applicationHeaders(headers: readonly [string, string][]): [string, string][] {
  return headers.filter(([name]) => !AUTOMATIC.has(name.toLowerCase()));
}

/** Whether two responses are the same bytes apart from the Date header's value. */
export function sameResponse(a: Exchange, b: Exchange): boolean {
  const norm = (e: Exchange) =>
    JSON.stringify([
      e.status,
      e.headers.filter(([n]) => n.toLowerCase() !== 'date'),
      e.body.toString('base64'),
    ]);
  return a.headBytes === b.headBytes && norm(a) === norm(b);
}
