import { open, readFile, unlink } from 'node:fs/promises';

// A lock file naming our own PID but not in this set was left by an earlier process that had the
// same PID (typical for PID 1 in a container): it is stale.
const heldHere = new Set<string>();

export interface DirLock {
  release(): Promise<void>;
}

/**
 * Claims a data directory for this process with an exclusive lock file holding our PID. A lock left by
 * a process that no longer runs (kill -9, crash) is taken over; one held by a live process is refused,
 * because two processes rewriting the same file would lose each other's writes.
 */
export async function acquireDirLock(path: string): Promise<DirLock> {
  if (heldHere.has(path)) throw new Error(`${path} is already held by this process: one store per DATA_DIR`);
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const handle = await open(path, 'wx');
      await handle.writeFile(String(process.pid));
      await handle.close();
      heldHere.add(path);
      return {
        release: async () => {
          heldHere.delete(path);
          await unlink(path).catch(() => {});
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const holder = Number.parseInt(await readFile(path, 'utf8').catch(() => ''), 10);
    if (Number.isInteger(holder) && holder !== process.pid && isAlive(holder)) {
      throw new Error(`${path} is held by running process ${holder}: one Flagwire process per DATA_DIR`);
    }
    await unlink(path).catch(() => {});
  }
  throw new Error(`could not lock ${path}`);
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}
