import { mkdir, open, readdir, readFile, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { AuditEntry } from '../../audit/audit-entry.js';
import { EntriesGoneError, type IndexRow, rowOf } from '../../audit/audit-index.js';

/** Where one entry lies: a segment file and a byte range of it (its line, newline excluded). */
export interface SegmentLocator {
  readonly segment: string;
  readonly offset: number;
  readonly length: number;
}

/** A segment is closed (the next entry starts a new file) past this many entries or bytes. */
const SEGMENT_ENTRIES = 1000;
const SEGMENT_BYTES = 8 * 1024 * 1024;
const SEGMENT_NAME = /^(\d{12})\.ndjson$/;

interface Segment {
  readonly name: string;
  /** Highest revision it holds (0 while empty). */
  last: number;
  entries: number;
  /** Its size in bytes: where the next line goes. */
  size: number;
}

/**
 * The embedded store's audit entries on disk: NDJSON segment files under `<data dir>/audit/`, each
 * named by the first revision it holds, appended to and never rewritten; retention deletes whole files.
 *
 * How an entry is made atomic with its change (see FileFlagStore): the entry's line is appended and
 * fsynced *before* `flags.json` is replaced, and `flags.json` (its `revision`) is the commit point. At
 * open, lines above that revision belong to writes that never committed (a crash between the append
 * and the rename, or a write that failed) and are cut off; a revision that appears twice was written
 * again after a failed attempt, and its last line is the committed one. So after any crash, the entries
 * are exactly the committed changes.
 */
export class AuditSegments {
  private constructor(
    private readonly dir: string,
    private readonly segments: Segment[],
  ) {}

  /**
   * Opens `<dataDir>/audit`, keeping the entries of revisions in (purgedThrough, committed] and cutting
   * off what lies above `committed`. Answers the index rows of what it kept.
   */
  static async open(
    dataDir: string,
    committed: number,
    purgedThrough: number,
  ): Promise<{ segments: AuditSegments; rows: IndexRow<SegmentLocator>[] }> {
    const dir = join(dataDir, 'audit');
    await mkdir(dir, { recursive: true });
    const names = (await readdir(dir)).filter((name) => SEGMENT_NAME.test(name)).sort();
    const segments: Segment[] = [];
    const rows: IndexRow<SegmentLocator>[] = [];
    for (const [position, name] of names.entries()) {
      const path = join(dir, name);
      const text = await readFile(path);
      const segment: Segment = { name, last: 0, entries: 0, size: 0 };
      let offset = 0;
      while (offset < text.length) {
        const end = text.indexOf(0x0a, offset);
        // A line without its newline is the torn tail of the last write, which never committed.
        if (end === -1 && position === names.length - 1) break;
        const entry = end === -1 ? undefined : parseLine(text.subarray(offset, end).toString('utf8'));
        if (!entry)
          throw new Error(`${path} holds an unreadable line at byte ${offset}; restore or remove it`);
        // Appended for a write that never committed (its flags.json was never replaced).
        if (entry.revision > committed) break;
        const locator = { segment: name, offset, length: end - offset };
        if (entry.revision > purgedThrough) {
          const previous = rows.at(-1);
          if (previous && previous.revision === entry.revision) rows.pop();
          rows.push(rowOf(entry, locator));
        }
        segment.last = entry.revision;
        segment.entries++;
        offset = end + 1;
      }
      if (offset < text.length) await truncate(path, offset);
      segment.size = offset;
      if (segment.entries === 0 || segment.last <= purgedThrough) await unlink(path);
      else segments.push(segment);
    }
    await syncDir(dir);
    return { segments: new AuditSegments(dir, segments), rows };
  }

  /**
   * Appends `entry` durably (written and fsynced; a new segment's directory entry too) and answers where
   * it lies and how to take it back (if the change it records cannot commit).
   */
  async append(entry: AuditEntry): Promise<{ locator: SegmentLocator; undo: () => Promise<void> }> {
    let segment = this.segments.at(-1);
    if (!segment || segment.entries >= SEGMENT_ENTRIES || segment.size >= SEGMENT_BYTES) {
      segment = { name: `${String(entry.revision).padStart(12, '0')}.ndjson`, last: 0, entries: 0, size: 0 };
      await (await open(join(this.dir, segment.name), 'a')).close();
      await syncDir(this.dir);
      this.segments.push(segment);
    }
    const line = Buffer.from(`${JSON.stringify(entry)}\n`);
    const target = segment;
    const before = { last: target.last, entries: target.entries, size: target.size };
    const path = join(this.dir, target.name);
    const undo = async () => {
      await truncate(path, before.size);
      Object.assign(target, before);
    };
    const file = await open(path, 'a');
    try {
      await file.write(line, 0, line.length, before.size);
      await file.sync();
    } catch (err) {
      await file.close().catch(() => {});
      await undo();
      throw err;
    }
    await file.close();
    Object.assign(target, {
      last: entry.revision,
      entries: before.entries + 1,
      size: before.size + line.length,
    });
    return { locator: { segment: target.name, offset: before.size, length: line.length - 1 }, undo };
  }

  /**
   * The whole entries at `locators`, in their order. EntriesGoneError when retention deleted a segment
   * meanwhile. Lines near each other in a segment are read together, in one read per run (a page of
   * history is usually one run): time travel reads thousands of consecutive entries at once.
   */
  async read(locators: readonly SegmentLocator[]): Promise<AuditEntry[]> {
    const out: AuditEntry[] = new Array(locators.length);
    const bySegment = new Map<string, number[]>();
    locators.forEach((locator, i) => {
      const positions = bySegment.get(locator.segment) ?? [];
      positions.push(i);
      bySegment.set(locator.segment, positions);
    });
    for (const [name, positions] of bySegment) {
      let file: Awaited<ReturnType<typeof open>>;
      try {
        file = await open(join(this.dir, name), 'r');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw new EntriesGoneError(name);
        throw err;
      }
      try {
        for (const run of runsOf(positions.map((i) => ({ i, ...(locators[i] as SegmentLocator) })))) {
          const start = (run[0] as Located).offset;
          const end = Math.max(...run.map((line) => line.offset + line.length));
          const buffer = Buffer.alloc(end - start);
          await file.read(buffer, 0, buffer.length, start);
          for (const { i, offset, length } of run) {
            const entry = parseLine(buffer.toString('utf8', offset - start, offset - start + length));
            if (!entry) throw new Error(`audit/${name} changed under its index at byte ${offset}`);
            out[i] = entry;
          }
        }
      } finally {
        await file.close();
      }
    }
    return out;
  }

  /** Deletes every segment whose entries are all at or below `through` (retention). */
  async dropThrough(through: number): Promise<void> {
    while (this.segments.length > 0 && (this.segments[0] as Segment).last <= through) {
      const segment = this.segments.shift() as Segment;
      await unlink(join(this.dir, segment.name)).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'ENOENT') throw err;
      });
    }
  }
}

type Located = SegmentLocator & { readonly i: number };

/** Bytes between two wanted lines that are read rather than split into two reads. */
const MAX_GAP_BYTES = 16 * 1024;

/** `lines` (of one segment) in runs by offset, each run's lines at most MAX_GAP_BYTES apart. */
function runsOf(lines: Located[]): Located[][] {
  lines.sort((a, b) => a.offset - b.offset);
  const runs: Located[][] = [];
  let end = Number.NEGATIVE_INFINITY;
  for (const line of lines) {
    const run = runs.at(-1);
    if (run && line.offset - end <= MAX_GAP_BYTES) run.push(line);
    else runs.push([line]);
    end = Math.max(end, line.offset + line.length);
  }
  return runs;
}

function parseLine(line: string): AuditEntry | undefined {
  try {
    const entry = JSON.parse(line) as AuditEntry | null;
    return entry && typeof entry === 'object' && Number.isSafeInteger(entry.revision) ? entry : undefined;
  } catch {
    return undefined;
  }
}

async function syncDir(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
