import { randomUUID } from 'node:crypto';
import { mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditNote } from '../../audit/audit-entry.js';
import { AuditIndex, IndexedAuditLog, rowOf } from '../../audit/audit-index.js';
import type { PurgeOutcome, RetentionPolicy } from '../../audit/audit-log.js';
import { StoreUnavailableError } from '../errors.js';
import type { FlagChange, FlagFields, StoredRecord } from '../flag.js';
import { readStoredRecord } from '../record-format.js';
import { AuditSegments, type SegmentLocator } from './audit-segments.js';
import { acquireDirLock, type DirLock } from './dir-lock.js';
import type { FlagStore, WriteResult } from './flag-store.js';
import { type Applied, type Clock, FlagTable, systemClock } from './flag-table.js';

const FORMAT = 1;

interface FileContents {
  format: number;
  /** This data's identity ({@link FlagStore.identity}); files written before it existed lack it. */
  storeId?: string;
  revision: number;
  /**
   * Audit entries at or below this revision are gone: purged by retention, or from before the audit
   * history existed (a data file written before it starts its history at its revision then).
   */
  auditPurgedThrough?: number;
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
 *
 * Audit entries live beside it in `audit/` (see {@link AuditSegments}): each write appends its entry
 * durably first, then replaces `flags.json`, whose revision is the commit point; at open, entries above
 * it are cut off. So an entry exists if and only if its change committed, whenever the process dies.
 */
export class FileFlagStore implements FlagStore {
  private writeQueue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private closing: Promise<void> | undefined;
  /** Set when a failed write could not be taken back out of the audit segment: writes stop until restart. */
  private broken: unknown;
  readonly audit: IndexedAuditLog<SegmentLocator>;

  private constructor(
    private readonly dir: string,
    private readonly table: FlagTable,
    private readonly lock: DirLock,
    private readonly storeId: string,
    private readonly segments: AuditSegments,
    private readonly index: AuditIndex<SegmentLocator>,
    private readonly clock: Clock,
  ) {
    this.audit = new IndexedAuditLog(
      index,
      (rows) => segments.read(rows.map((row) => row.locator)),
      () => table.currentRevision,
    );
  }

  static async open(dir: string, clock: Clock = systemClock): Promise<FileFlagStore> {
    await mkdir(dir, { recursive: true });
    const lock = await acquireDirLock(join(dir, 'flags.lock'));
    try {
      const contents = await readContents(join(dir, 'flags.json'));
      await unlink(join(dir, 'flags.json.tmp')).catch(() => {});
      // A data file from before the audit history has none of its past: the history starts here.
      const purgedThrough = contents.auditPurgedThrough ?? contents.revision;
      const { segments, rows } = await AuditSegments.open(dir, contents.revision, purgedThrough);
      const index = new AuditIndex<SegmentLocator>(purgedThrough);
      for (const row of rows) index.add(row);
      const store = new FileFlagStore(
        dir,
        new FlagTable(clock, contents),
        lock,
        contents.storeId ?? randomUUID(),
        segments,
        index,
        clock,
      );
      // A new data file (or one from before identities or audit) gets its id and history start on disk
      // before anyone is told: a restart must answer the same id, or the Redis bus it claimed would
      // refuse it.
      if (contents.storeId === undefined || contents.auditPurgedThrough === undefined)
        await store.writeContents();
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
  insert(key: string, fields: FlagFields, note: AuditNote) {
    return this.durably(() => this.table.insert(key, fields, note));
  }
  update(key: string, expectedVersion: number, fields: FlagFields, note: AuditNote): Promise<WriteResult> {
    return this.durably(() => this.table.update(key, expectedVersion, fields, note));
  }
  remove(key: string, expectedVersion: number | undefined, note: AuditNote): Promise<WriteResult> {
    return this.durably(() => this.table.remove(key, expectedVersion, note));
  }

  /**
   * Retention, in the write queue: the new horizon goes into `flags.json` first (entries at or below it
   * are not read, nor loaded again), then the segments wholly below it are deleted.
   */
  purgeAudit(policy: RetentionPolicy, now?: number): Promise<PurgeOutcome> {
    return this.queued(async () => {
      const { through, more } = this.index.purgeTarget(policy, now ?? Date.parse(this.clock()));
      if (through <= this.index.purgedThrough) return { purged: 0, more: false };
      const serialized = this.serialize(through);
      try {
        await this.replaceFile(serialized);
        await this.syncDirectory();
      } catch (err) {
        throw new StoreUnavailableError(err);
      }
      const purged = this.index.purgeThrough(through).length;
      await this.segments.dropThrough(through);
      return { purged, more };
    });
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
    return this.queued(async () => {
      const { result, undo, entry } = operation();
      if (result.status !== 'ok' || !result.change || !entry) return result;
      // Serialise the new state, then take it back out of memory until it is on disk: readers must
      // never see a change that a crash could still lose.
      const serialized = this.serialize(this.index.purgedThrough);
      undo();
      // The entry and the new flags.json (as a temp file) are made durable side by side, one fsync's
      // wait instead of two; only then does the rename of flags.json commit both (see AuditSegments).
      const [entryWrite, tempWrite] = await Promise.allSettled([
        this.segments.append(entry),
        this.writeTemp(serialized),
      ]);
      const appended = entryWrite.status === 'fulfilled' ? entryWrite.value : undefined;
      let locator: SegmentLocator;
      try {
        if (entryWrite.status === 'rejected') throw entryWrite.reason;
        if (tempWrite.status === 'rejected') throw tempWrite.reason;
        await rename(tempWrite.value, this.filePath);
        locator = entryWrite.value.locator;
      } catch (err) {
        await appended?.undo().catch((undoErr: unknown) => {
          // The line stays above the committed revision: harmless after a restart (cut off at open),
          // but the next write would take the same revision after it. Stop writing until then.
          this.broken = undoErr;
        });
        throw new StoreUnavailableError(err);
      }
      // The rename is durable only once the directory entry is. If that fsync fails the change is still
      // committed and reported: flags.json already holds it, so this process, a restart and any crash
      // short of a power cut see it, and each later write syncs the directory again. Reporting failure
      // would be the lie (a retry would then answer 'exists'), and rolling the file back would need
      // another rename whose durability hangs on the same failing sync.
      await this.syncDirectory().catch(() => {});
      this.table.applyCommitted(result.change);
      this.index.add(rowOf(entry, locator));
      return result;
    });
  }

  /** Runs `work` after every write already accepted, one at a time. */
  private queued<R>(work: () => Promise<R>): Promise<R> {
    // Checked when the write is asked for, not when its turn comes: a graceful shutdown completes what
    // callers were already promised.
    if (this.closed) return Promise.reject(new StoreUnavailableError(new Error('store is closed')));
    const run = () => {
      if (this.broken !== undefined)
        throw new StoreUnavailableError(new Error('an audit segment could not be repaired: restart'));
      return work();
    };
    const next = this.writeQueue.then(run, run);
    this.writeQueue = next.catch(() => {});
    return next;
  }

  private serialize(auditPurgedThrough: number): string {
    const { flags, revision } = this.table.dump();
    return JSON.stringify({
      format: FORMAT,
      storeId: this.storeId,
      revision,
      auditPurgedThrough,
      flags,
    } satisfies FileContents);
  }

  /** The current contents, durably (at open, to persist a new identity or history start). */
  private async writeContents(): Promise<void> {
    await this.replaceFile(this.serialize(this.index.purgedThrough));
    await this.syncDirectory();
  }

  private get filePath(): string {
    return join(this.dir, 'flags.json');
  }

  // Whole new contents to a temp file, made durable, then renamed over flags.json: a crash at any point
  // leaves the old file or the new one, never a torn one.
  private async replaceFile(serialized: string): Promise<void> {
    await rename(await this.writeTemp(serialized), this.filePath);
  }

  /** Writes `serialized` to flags.json's temp file and fsyncs it; answers the temp file's path. */
  private async writeTemp(serialized: string): Promise<string> {
    const temp = `${this.filePath}.tmp`;
    const file = await open(temp, 'w');
    try {
      await file.writeFile(serialized);
      await file.sync();
    } finally {
      await file.close();
    }
    return temp;
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
): Promise<{ flags: StoredRecord[]; revision: number; storeId?: string; auditPurgedThrough?: number }> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT')
      return { flags: [], revision: 0, auditPurgedThrough: 0 };
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
    (parsed.storeId !== undefined && (typeof parsed.storeId !== 'string' || parsed.storeId === '')) ||
    (parsed.auditPurgedThrough !== undefined &&
      !(Number.isSafeInteger(parsed.auditPurgedThrough) && parsed.auditPurgedThrough <= parsed.revision))
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
  const { revision, storeId, auditPurgedThrough } = parsed;
  return {
    flags,
    revision,
    ...(storeId === undefined ? {} : { storeId }),
    ...(auditPurgedThrough === undefined ? {} : { auditPurgedThrough }),
  };
}
