import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

/** What arrived: the raw body as sent, its parsed event, the headers, and what the receiver answered. */
export interface Arrival {
  readonly body: string;
  readonly event: {
    type: 'audit-entry' | 'entries-purged';
    id: string;
    revision?: number;
    fromRevision?: number;
    throughRevision?: number;
    entry?: Record<string, unknown> & { revision: number };
  };
  readonly headers: IncomingHttpHeaders;
  /** The status answered; 'dropped' when the connection was cut without an answer. */
  status: number | 'dropped' | 'pending';
  readonly receivedAt: number;
}

/**
 * How the receiver answers one request: a status, after a delay; by cutting the connection (`drop`);
 * or never (`hold`: it stays pending until the sender goes away, then counts as dropped).
 */
export type Answer = { status: number; delayMs?: number; headers?: Record<string, string> } | 'drop' | 'hold';

/**
 * A webhook receiver for tests: a real node:http server on a free port. It answers as `behave` says
 * (200 by default), can refuse connections altogether for a while (`refuse`/`accept`, same port), and
 * lets a test wait on what arrives.
 */
export class TestReceiver {
  readonly arrivals: Arrival[] = [];
  /** The most requests this receiver had open at once (read and not yet answered or dropped). */
  maxInFlight = 0;
  private inFlight = 0;
  private behaviour: (arrival: Arrival, index: number) => Answer = () => ({ status: 200 });
  private readonly sockets = new Set<Socket>();
  private readonly watchers = new Set<() => void>();
  private readonly pendingTimers = new Set<NodeJS.Timeout>();

  private constructor(
    private server: Server,
    readonly port: number,
    readonly path = '/hooks/flagwire',
  ) {}

  static async start(): Promise<TestReceiver> {
    const receiver = new TestReceiver(createServer(), 0);
    const port = await receiver.listen(0);
    return Object.assign(receiver, { port });
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}${this.path}`;
  }

  behave(behaviour: (arrival: Arrival, index: number) => Answer): void {
    this.behaviour = behaviour;
  }

  /** Stops listening and cuts every open connection: new attempts get ECONNREFUSED. */
  async refuse(): Promise<void> {
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.cutAll();
    });
  }

  /** Listens again on the same port. */
  async accept(): Promise<void> {
    this.server = createServer();
    await this.listen(this.port);
  }

  /** Resolves once `condition()` holds, re-checked on every arrival and answer; fails after `timeoutMs`. */
  waitFor(condition: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
    if (condition()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const check = () => {
        if (!condition()) return;
        clearTimeout(timer);
        this.watchers.delete(check);
        resolve();
      };
      const timer = setTimeout(() => {
        this.watchers.delete(check);
        reject(new Error(`receiver: timed out after ${timeoutMs} ms waiting for ${what}`));
      }, timeoutMs);
      this.watchers.add(check);
    });
  }

  /** Entry revisions answered 2xx, in the order the answers went out (with redeliveries). */
  acknowledgedRevisions(): number[] {
    return this.arrivals
      .filter((a) => typeof a.status === 'number' && a.status < 300 && a.event.type === 'audit-entry')
      .map((a) => a.event.revision as number);
  }

  /** Each acknowledged revision once, in the order first acknowledged. */
  distinctAcknowledged(): number[] {
    return [...new Set(this.acknowledgedRevisions())];
  }

  async stop(): Promise<void> {
    for (const timer of this.pendingTimers) clearTimeout(timer);
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.cutAll();
    });
  }

  private cutAll(): void {
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
  }

  private notify(): void {
    for (const watcher of [...this.watchers]) watcher();
  }

  private listen(port: number): Promise<number> {
    const server = this.server;
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.once('close', () => this.sockets.delete(socket));
    });
    server.on('request', (req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        const arrival: Arrival = {
          body,
          event: JSON.parse(body) as Arrival['event'],
          headers: req.headers,
          status: 'pending',
          receivedAt: performance.now(),
        };
        const index = this.arrivals.push(arrival) - 1;
        this.inFlight++;
        this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
        const answer = this.behaviour(arrival, index);
        this.notify();
        if (answer === 'hold') {
          req.socket.once('close', () => {
            this.inFlight--;
            arrival.status = 'dropped';
            this.notify();
          });
          return;
        }
        const respond = () => {
          this.inFlight--;
          if (answer === 'drop') {
            arrival.status = 'dropped';
            req.socket.destroy();
          } else {
            arrival.status = answer.status;
            res.writeHead(answer.status, { 'content-type': 'text/plain', ...answer.headers }).end('ok');
          }
          this.notify();
        };
        const delay = answer === 'drop' ? 0 : (answer.delayMs ?? 0);
        if (delay === 0) respond();
        else {
          const timer = setTimeout(() => {
            this.pendingTimers.delete(timer);
            respond();
          }, delay);
          this.pendingTimers.add(timer);
        }
      });
    });
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        server.off('error', reject);
        resolve((server.address() as AddressInfo).port);
      });
    });
  }
}

/**
 * A receiver's check of `Flagwire-Signature`, written from PROTOCOL.md independently of the server's
 * code: HMAC-SHA256 over `<t>.<raw body>`, constant-time compare, timestamp within the tolerance.
 */
export function verifyFlagwireSignature(
  secret: string,
  header: string | undefined,
  rawBody: string,
  toleranceSec = 300,
): boolean {
  if (!header) return false;
  const fields = new Map<string, string[]>();
  for (const part of header.split(',')) {
    const [key, value] = part.split('=', 2);
    if (key && value) fields.set(key, [...(fields.get(key) ?? []), value]);
  }
  const t = Number(fields.get('t')?.[0]);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSec) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  return (fields.get('v1') ?? []).some((hex) => {
    const given = Buffer.from(hex, 'hex');
    return given.length === expected.length && timingSafeEqual(given, expected);
  });
}
