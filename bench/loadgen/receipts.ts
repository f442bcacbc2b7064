import { ownCpuSince } from '../support/proc.js';
import type { FromListeners, ListenerReport, ToListeners } from './protocol.js';
import { sharedNow } from './protocol.js';

/**
 * The bookkeeping shared by the listener processes: when each connection parsed each change, how many
 * connections are live, and the IPC with the orchestrator.
 */
export class Receipts {
  live = 0;
  failed = 0;
  dropped = 0;
  duplicates = 0;
  private readonly times = new Map<number, number[]>();
  private cpuFrom = process.cpuUsage();
  private cpuStartedAt = performance.now();

  /** A connection parsed the change of `revision` (its previous one was `previous`). */
  received(revision: number, previous: number): void {
    const at = sharedNow();
    if (revision <= previous) {
      this.duplicates++;
      return;
    }
    let list = this.times.get(revision);
    if (!list) {
      list = [];
      this.times.set(revision, list);
    }
    list.push(at);
    if (list.length === this.live) send({ type: 'delivered', revision });
  }

  /** A live connection ended or failed. */
  lost(): void {
    this.live--;
    this.dropped++;
  }

  progress(): void {
    send({ type: 'progress', live: this.live, failed: this.failed });
  }

  ready(): void {
    send({ type: 'ready', live: this.live, failed: this.failed, cpu: this.cpuSinceMark() });
  }

  report(): ListenerReport {
    const receipts: Record<string, number[]> = {};
    for (const [revision, list] of this.times) receipts[String(revision)] = list;
    return {
      live: this.live,
      failed: this.failed,
      dropped: this.dropped,
      duplicates: this.duplicates,
      receipts,
      cpu: this.cpuSinceMark(),
    };
  }

  private cpuSinceMark() {
    const cpu = ownCpuSince(this.cpuFrom, this.cpuStartedAt);
    this.cpuFrom = process.cpuUsage();
    this.cpuStartedAt = performance.now();
    return cpu;
  }
}

export function send(message: FromListeners): void {
  process.send?.(message);
}

/**
 * Runs a listener process: `open(url, prefix)` opens one connection and resolves once it is live (or
 * rejects); `concurrency` connections are being opened at any time.
 */
export function serveOrchestrator(receipts: Receipts, open: (url: string, prefix: string) => Promise<void>) {
  process.on('message', (message: ToListeners) => {
    if (message.type === 'connect') {
      void connectAll(message.url, message.prefix, message.count, message.concurrency).then(
        () => receipts.ready(),
        (err: unknown) => send({ type: 'error', message: String(err) }),
      );
    } else if (message.type === 'report') {
      send({ type: 'report', report: receipts.report() });
    } else if (message.type === 'close') {
      process.exit(0);
    }
  });
  // The orchestrator went away: do not linger with thousands of sockets.
  process.on('disconnect', () => process.exit(0));

  async function connectAll(url: string, prefix: string, count: number, concurrency: number) {
    let next = 0;
    let lastProgress = performance.now();
    const worker = async () => {
      while (next < count) {
        next++;
        try {
          await open(url, prefix);
        } catch {
          receipts.failed++;
        }
        if (performance.now() - lastProgress > 1000) {
          lastProgress = performance.now();
          receipts.progress();
        }
      }
    };
    await Promise.all(Array.from({ length: Math.min(concurrency, count) }, worker));
  }
}
