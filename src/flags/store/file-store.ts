import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { StoreUnavailableError } from '../errors.js';
import type { FlagChange, FlagFields, StoredRecord } from '../flag.js';
import { readStoredRecord } from '../record-format.js';
import { acquireDirLock, type DirLock } from './dir-lock.js';
import type { FlagStore, WriteResult } from './flag-store.js';
import { type Applied, type Clock, FlagTable, systemClock } from './flag-table.js';

const FORMAT = 1;

interface FileContents {
  format: number;
  /** This data's identity ({@link FlagStore.identity}); files written before it existed lack it. */
  storeId?: string;
  revision: number;
  flags: unknown[];
}

/**
 * The embedded default: flags in one JSON file under a data directory, served from memory.
 *
 * A write becomes visible to readers only after it is durable: the whole table is written to a temp
 * file, fsynced, renamed over `flags.json` and the directory fsynced (a write whose rename succeeded is
 * committed even if that last fsync fails; see `durably`). A crash at any point leaves either the old
 * file or the new one, never a torn one. Writes are serialised; reads never wait. One process owns a
 * data directory at a time (a lock file enforces it); `close()` lets accepted writes finish first.
 */
export class FileFlagStore implements FlagStore {
  private writeQueue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private closing: Promise<void> | undefined;

  private constructor(
    private readonly dir: string,
    private readonly table: FlagTable,
    private readonly lock: DirLock,
    private readonly storeId: string,
  ) {}

  static async open(dir: string, clock: Clock = systemClock): Promise<FileFlagStore> {
    await mkdir(dir, { recursive: true });
    const lock = await acquireDirLock(join(dir, 'flags.lock'));
    try {
      const contents = await readContents(join(dir, 'flags.json'));
      await unlink(join(dir, 'flags.json.tmp')).catch(() => {});
      const store = new FileFlagStore(
        dir,
        new FlagTable(clock, contents),
        lock,
        contents.storeId ?? randomUUID(),
      );
      // A new data file (or one from before identities) gets its id on disk before anyone is told it:
      // a restart must answer the same id, or the Redis bus it claimed would refuse it.
      if (contents.storeId === undefined) await store.writeContents();
      return store;
    } catch (err) {
      await lock.release();
      throw err;
    }
  }

  async list(prefix: string) {
    return this.table.list(prefix);
  }
  async get(key: string) {
    return this.table.get(key);
  }
  insert(key: string, fields: FlagFields) {
    return this.durably(() => this.table.insert(key, fields));
  }
  update(key: string, expectedVersion: number, fields: FlagFields): Promise<WriteResult> {
    return this.durably(() => this.table.update(key, expectedVersion, fields));
  }
  remove(key: string, expectedVersion?: number): Promise<WriteResult> {
    return this.durably(() => this.table.remove(key, expectedVersion));
  }
  async currentRevision() {
    return this.table.currentRevision;
  }
  async identity() {
    return this.storeId;
  }
  async ping() {
    if (this.closed) throw new StoreUnavailableError(new Error('store is closed'));
  }

  /** Lets the writes already accepted finish, then releases the directory. Writes after this reject. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.closed = true;
      await this.writeQueue;
      await this.lock.release();
    })();
    return this.closing;
  }

  private durably<R extends { status: string; change?: FlagChange }>(
    operation: () => Applied<R>,
  ): Promise<R> {
    // Checked when the write is asked for, not when its turn comes: a graceful shutdown completes what
    // callers were already promised.
    if (this.closed) return Promise.reject(new StoreUnavailableError(new Error('store is closed')));
    const run = async (): Promise<R> => {
      const { result, undo } = operation();
      if (result.status !== 'ok' || !result.change) return result;
      // Serialise the new state, then take it back out of memory until it is on disk: readers must
      // never see a change that a crash could still lose.
      const serialized = this.serialize();
      undo();
      try {
        await this.replaceFile(serialized);
      } catch (err) {
        throw new StoreUnavailableError(err);
      }
      // The rename is durable only once the directory entry is. If that fsync fails the change is still
      // committed and reported: flags.json already holds it, so this process, a restart and any crash
      // short of a power cut see it, and each later write syncs the directory again. Reporting failure
      // would be the lie (a retry would then answer 'exists'), and rolling the file back would need
      // another rename whose durability hangs on the same failing sync.
      await this.syncDirectory().catch(() => {});
      this.table.applyCommitted(result.change);
      return result;
    };
    const next = this.writeQueue.then(run, run);
    this.writeQueue = next.catch(() => {});
    return next;
  }

  private serialize(): string {
    return JSON.stringify({
      format: FORMAT,
      storeId: this.storeId,
      ...this.table.dump(),
    } satisfies FileContents);
  }

  /** The current contents, durably (at open, to persist a new identity). */
  private async writeContents(): Promise<void> {
    await this.replaceFile(this.serialize());
    await this.syncDirectory();
  }

  // Whole new contents to a temp file, made durable, then renamed over flags.json: a crash at any point
  // leaves the old file or the new one, never a torn one.
  private async replaceFile(serialized: string): Promise<void> {
    const target = join(this.dir, 'flags.json');
    const temp = `${target}.tmp`;
    const file = await open(temp, 'w');
    try {
      await file.writeFile(serialized);
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, target);
  }

  private async syncDirectory(): Promise<void> {
    const dir = await open(this.dir, 'r');
    try {
      await dir.sync();
    } finally {
      await dir.close();
    }
  }
}

async function readContents(
  path: string,
): Promise<{ flags: StoredRecord[]; revision: number; storeId?: string }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { flags: [], revision: 0 };
    throw err;
  }
  let parsed: Partial<FileContents> | null;
  try {
    parsed = JSON.parse(text) as Partial<FileContents> | null;
  } catch (err) {
    // JSON.parse's own message names neither the file nor what to do about it.
    throw new Error(
      `${path} is not valid JSON (${(err as Error).message}): restore it from a backup or repair it, ` +
        'or move it away to start with no flags',
      { cause: err },
    );
  }
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    parsed.format !== FORMAT ||
    !Array.isArray(parsed.flags) ||
    typeof parsed.revision !== 'number' ||
    (parsed.storeId !== undefined && (typeof parsed.storeId !== 'string' || parsed.storeId === ''))
  ) {
    throw new Error(`${path} is not a Flagwire data file (format ${FORMAT}); move it away or fix DATA_DIR`);
  }
  const flags: StoredRecord[] = [];
  for (const [index, item] of parsed.flags.entries()) {
    // Records in the format before definitions load as the boolean flags they stand for.
    const record = readStoredRecord(item);
    if (!record) throw new Error(`${path} holds an unreadable record at flags[${index}]; fix or restore it`);
    flags.push(record);
  }
  const { revision, storeId } = parsed;
  return storeId === undefined ? { flags, revision } : { flags, revision, storeId };
}
