import { link, open, realpath, rename, stat, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

// Lock paths (resolved: see acquireDirLock) held by stores of this process. A lock file naming our own
// PID but not in this set was left by an earlier process that had the same PID (typical for PID 1 in a
// container): it is stale.
const heldHere = new Set<string>();

// Each round either takes the lock, refuses, or clears one stale or vanished lock; a handful suffices.
const MAX_ATTEMPTS = 5;

export interface DirLock {
  release(): Promise<void>;
}

/** What a lock file held when we looked: the holder's PID as written, and which file it was. */
interface Seen {
  readonly text: string;
  readonly ino: number;
}

/**
 * Claims a data directory for this process with an exclusive lock file holding our PID. A lock left by
 * a process that no longer runs (kill -9, crash) is taken over; one held by a live process is refused,
 * because two processes rewriting the same file would lose each other's writes.
 *
 * The lock file appears with the PID already in it (written to a file of our own, then hard-linked into
 * place), so no opener can ever read it empty and mistake it for stale. A takeover first renames the
 * stale file aside, which only one contender can do to a given file, and checks that what it moved is
 * the file it judged stale; a fresh lock moved by mistake is put back. Remaining hazard: should a third
 * opener create its lock in the instant between such a mistaken move and its restore, both it and the
 * lock's owner would believe they hold the directory; that needs three processes starting on one stale
 * directory within milliseconds, one of them stalled exactly there.
 */
export async function acquireDirLock(path: string): Promise<DirLock> {
  // The same directory may be reached as ./data, /abs/data or through a symlink: key it by its real path.
  const lockPath = join(await realpath(dirname(path)), basename(path));
  if (heldHere.has(lockPath)) {
    throw new Error(`${lockPath} is already held by this process: one store per DATA_DIR`);
  }
  // Claimed before the first await, so a concurrent open of the same directory in this process is refused.
  heldHere.add(lockPath);
  // Unique among live processes (PIDs are). A leftover from a dead process with our PID may be another
  // name of its lock file: remove it rather than write into it, so ours is a new file.
  const ours = `${lockPath}.${process.pid}.tmp`;
  try {
    await unlink(ours).catch(() => {});
    await writeFile(ours, String(process.pid), { flag: 'wx' });
    const ino = (await stat(ours)).ino;
    for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
      try {
        await link(ours, lockPath);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      }
      // Whether we just created it or not: the lock is ours only if the file there is the one we wrote
      // (a racing takeover may have moved ours aside; it puts a fresh lock back, or we go round again).
      const seen = await look(lockPath);
      if (!seen) continue;
      if (seen.ino === ino) return held(lockPath, ino);
      const holder = Number.parseInt(seen.text, 10);
      if (holder > 0 && holder !== process.pid && isAlive(holder)) {
        throw new Error(
          `${lockPath} is held by running process ${holder}: one Flagwire process per DATA_DIR`,
        );
      }
      await removeStale(lockPath, seen);
    }
    throw new Error(`could not lock ${lockPath}: other processes kept taking it over`);
  } catch (err) {
    heldHere.delete(lockPath);
    throw err;
  } finally {
    await unlink(ours).catch(() => {});
  }
}

function held(lockPath: string, ino: number): DirLock {
  let released = false;
  return {
    release: async () => {
      // Once only: a later call must not drop the in-process claim of a newer lock on the same path.
      if (released) return;
      released = true;
      // Deletes only our own file: if another process ever replaced it, removing theirs would unlock it.
      if ((await look(lockPath))?.ino === ino) await unlink(lockPath).catch(() => {});
      heldHere.delete(lockPath);
    },
  };
}

// Removes the stale lock `seen` unless it is no longer the file at `lockPath`. Renaming is atomic, so of
// several contenders only one moves a given file; checking what was moved catches a contender that
// looked, then lost the race to another's whole takeover and moved that one's fresh lock.
async function removeStale(lockPath: string, seen: Seen): Promise<void> {
  const aside = `${lockPath}.${process.pid}.stale`;
  await unlink(aside).catch(() => {});
  try {
    await rename(lockPath, aside);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return; // someone else moved it: look again
    throw err;
  }
  const moved = await look(aside);
  if (moved && (moved.ino !== seen.ino || moved.text !== seen.text)) {
    // A fresh lock: put it back, unless yet another has been created meanwhile (that one stands).
    await link(aside, lockPath).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== 'EEXIST') throw err;
    });
  }
  await unlink(aside).catch(() => {});
}

// The lock file's content and identity read through one handle, so they belong to the same file.
async function look(path: string): Promise<Seen | null> {
  let handle: Awaited<ReturnType<typeof open>>;
  try {
    handle = await open(path, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  try {
    const { ino } = await handle.stat();
    return { text: await handle.readFile('utf8'), ino };
  } finally {
    await handle.close();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
