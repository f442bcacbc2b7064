import { open, readFile, rename } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreUnavailableError } from '../flags/errors.js';
import { LocalLeases } from './local-leases.js';
import type { LeaseState, WebhookOutbox } from './outbox.js';

const FORMAT = 1;
const FILE = 'webhooks.json';

interface FileContents {
  format: number;
  /** Endpoint name -> the revision delivered through. */
  cursors: Record<string, number>;
}

/**
 * The outbox of the embedded store: the cursors in `<DATA_DIR>/webhooks.json`, beside `flags.json` and
 * under the same directory lock (one process owns the directory, so leases live in memory). Each change
 * is written whole to a temp file, fsynced, renamed over the file and the directory fsynced before it
 * is answered: a cursor the caller was told moved survives a crash; a crash before leaves the old one
 * (the entry is then delivered again, which at-least-once allows).
 */
export class FileWebhookOutbox implements WebhookOutbox {
  private readonly leases = new LocalLeases();
  private queue: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly dir: string,
    private cursors: Record<string, number>,
  ) {}

  static async open(dir: string): Promise<FileWebhookOutbox> {
    return new FileWebhookOutbox(dir, await readCursors(join(dir, FILE)));
  }

  ensure(endpoint: string, start: number): Promise<number> {
    return this.serially(async () => {
      const existing = this.cursors[endpoint];
      if (existing !== undefined) return existing;
      await this.persist({ ...this.cursors, [endpoint]: start });
      return start;
    });
  }

  async acquire(endpoint: string, holder: string, leaseMs: number, now: number): Promise<LeaseState | null> {
    const delivered = this.cursors[endpoint];
    if (delivered === undefined) return null;
    return { held: this.leases.acquire(endpoint, holder, leaseMs, now), delivered };
  }

  advance(endpoint: string, holder: string, delivered: number): Promise<boolean> {
    return this.serially(async () => {
      const current = this.cursors[endpoint];
      if (current === undefined || current > delivered || !this.leases.holds(endpoint, holder)) return false;
      if (current !== delivered) await this.persist({ ...this.cursors, [endpoint]: delivered });
      return true;
    });
  }

  async release(endpoint: string, holder: string): Promise<void> {
    this.leases.release(endpoint, holder);
  }

  async close(): Promise<void> {
    await this.queue;
  }

  private serially<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work, work);
    this.queue = next.catch(() => {});
    return next;
  }

  /** Writes `cursors` durably, then (and only then) makes them this outbox's state. */
  private async persist(cursors: Record<string, number>): Promise<void> {
    const target = join(this.dir, FILE);
    const temp = `${target}.tmp`;
    try {
      const file = await open(temp, 'w');
      try {
        await file.writeFile(JSON.stringify({ format: FORMAT, cursors } satisfies FileContents));
        await file.sync();
      } finally {
        await file.close();
      }
      await rename(temp, target);
      const directory = await open(this.dir, 'r');
      try {
        await directory.sync();
      } finally {
        await directory.close();
      }
    } catch (err) {
      throw new StoreUnavailableError(err);
    }
    this.cursors = cursors;
  }
}

async function readCursors(path: string): Promise<Record<string, number>> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw err;
  }
  let parsed: Partial<FileContents> | null = null;
  try {
    parsed = JSON.parse(text) as Partial<FileContents> | null;
  } catch {
    // reported below
  }
  const cursors = parsed?.format === FORMAT ? parsed.cursors : undefined;
  if (
    typeof cursors !== 'object' ||
    cursors === null ||
    !Object.values(cursors).every((value) => Number.isSafeInteger(value) && value >= 0)
  ) {
    throw new Error(
      `${path} is not a Flagwire webhook cursor file (format ${FORMAT}): fix or remove it ` +
        '(removed, every endpoint starts again as if new)',
    );
  }
  return { ...cursors };
}
