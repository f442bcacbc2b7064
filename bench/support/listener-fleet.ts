import type { ChildProcess } from 'node:child_process';
import type { FromListeners, ListenerReport, ToListeners } from '../loadgen/protocol.js';
import { spawnTs } from './child.js';
import type { CpuUse } from './proc.js';

const FILES = { sse: 'bench/loadgen/sse-clients.ts', ws: 'bench/loadgen/ws-subscribers.ts' } as const;

interface Member {
  child: ChildProcess;
  count: number;
  live: number;
  failed: number;
  delivered: Set<number>;
  exited: Promise<void>;
}

export interface FleetOptions {
  kind: keyof typeof FILES;
  url: string;
  prefix: string;
  total: number;
  /** At most this many connections per process (each is one open file). */
  perProcess: number;
  /** Connections being opened at once, per process. */
  concurrency: number;
  /** Give up connecting after this long. */
  connectTimeoutMs: number;
  onProgress?: (live: number, failed: number) => void;
}

/**
 * Listener processes (SSE clients or graphql-ws subscribers), `total` connections spread over
 * ceil(total / perProcess) processes (at least 2 when there are 2 connections or more).
 */
export class ListenerFleet {
  private constructor(
    private readonly members: Member[],
    readonly connectCpu: CpuUse[],
  ) {}

  get live(): number {
    return this.members.reduce((sum, m) => sum + m.live, 0);
  }

  get failed(): number {
    return this.members.reduce((sum, m) => sum + m.failed, 0);
  }

  get processes(): number {
    return this.members.length;
  }

  static async start(options: FleetOptions): Promise<ListenerFleet> {
    const processes = Math.max(Math.min(2, options.total), Math.ceil(options.total / options.perProcess));
    const members: Member[] = [];
    for (let i = 0; i < processes; i++) {
      const count = Math.floor(options.total / processes) + (i < options.total % processes ? 1 : 0);
      const child = spawnTs(FILES[options.kind], [], { ipc: true });
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      members.push({ child, count, live: 0, failed: 0, delivered: new Set(), exited });
    }
    const fleet = new ListenerFleet(members, []);
    const report = () => options.onProgress?.(fleet.live, fleet.failed);
    const ready = members.map(
      (member) =>
        new Promise<CpuUse>((resolve, reject) => {
          member.child.on('message', (message: FromListeners) => {
            if (message.type === 'progress' || message.type === 'ready') {
              member.live = message.live;
              member.failed = message.failed;
              report();
            }
            if (message.type === 'ready') resolve(message.cpu);
            else if (message.type === 'delivered') member.delivered.add(message.revision);
            else if (message.type === 'error') reject(new Error(message.message));
          });
          member.child.once('exit', (code) => reject(new Error(`listener process exited (${code})`)));
          send(member, {
            type: 'connect',
            url: options.url,
            prefix: options.prefix,
            count: member.count,
            concurrency: options.concurrency,
          });
        }),
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`listeners not connected within ${options.connectTimeoutMs} ms`)),
        options.connectTimeoutMs,
      );
    });
    try {
      fleet.connectCpu.push(...(await Promise.race([Promise.all(ready), timeout])));
    } catch (err) {
      await fleet.close();
      throw err;
    } finally {
      clearTimeout(timer);
    }
    return fleet;
  }

  /** Whether every live connection of every process has parsed `revision`, waiting up to `timeoutMs`. */
  async waitDelivered(revision: number, timeoutMs: number): Promise<boolean> {
    const deadline = performance.now() + timeoutMs;
    for (;;) {
      if (this.members.every((m) => m.live === 0 || m.delivered.has(revision))) return true;
      if (performance.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
  }

  /** Every process's receipts and the CPU it used since it was ready (or since the last report). */
  async report(): Promise<ListenerReport[]> {
    return Promise.all(
      this.members.map(
        (member) =>
          new Promise<ListenerReport>((resolve, reject) => {
            const onMessage = (message: FromListeners) => {
              if (message.type !== 'report') return;
              member.child.off('message', onMessage);
              member.live = message.report.live;
              member.failed = message.report.failed;
              resolve(message.report);
            };
            member.child.on('message', onMessage);
            member.child.once('exit', () => reject(new Error('listener process exited before reporting')));
            send(member, { type: 'report' });
          }),
      ),
    );
  }

  async close(): Promise<void> {
    for (const member of this.members) {
      if (member.child.connected) send(member, { type: 'close' });
      else if (member.child.exitCode === null) member.child.kill('SIGKILL');
    }
    const deadline = setTimeout(() => {
      for (const member of this.members) if (member.child.exitCode === null) member.child.kill('SIGKILL');
    }, 10_000);
    await Promise.all(this.members.map((m) => m.exited));
    clearTimeout(deadline);
  }
}

function send(member: Member, message: ToListeners): void {
  member.child.send(message);
}
