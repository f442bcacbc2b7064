import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { linkSync, readFileSync, renameSync, unlinkSync, writeFileSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';

// What another process would see of the lock file at that moment ('absent' if there is none).
function lockAsSeenByAnother(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
    throw err;
  }
}

// The lock module gets the real node:fs/promises, with every call followed by a look at the lock file
// from outside: each of those is a moment at which a concurrent opener may read it.
let watched: { path: string; seen: string[] } | undefined;
const probed = Object.fromEntries(
  Object.entries(fs).map(([name, value]) => [
    name,
    typeof value !== 'function' || name === 'default'
      ? value
      : async (...args: unknown[]) => {
          try {
            return await (value as (...a: unknown[]) => Promise<unknown>)(...args);
          } finally {
            if (watched) watched.seen.push(lockAsSeenByAnother(watched.path));
          }
        },
  ]),
);
jest.unstable_mockModule('node:fs/promises', () => probed);
const { acquireDirLock } = await import('../../src/flags/store/dir-lock.js');

// The PID of a process that has certainly exited: a child we started and waited for.
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid;
  await once(child, 'exit');
  if (pid === undefined) throw new Error('child had no pid');
  return pid;
}

describe('acquireDirLock', () => {
  let dir: string;
  let lock: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flagwire-dir-lock-'));
    lock = join(dir, 'flags.lock');
  });
  afterEach(async () => {
    watched = undefined;
    jest.restoreAllMocks();
    await rm(dir, { recursive: true, force: true });
  });

  it('never lets another opener see the lock file without our PID in it', async () => {
    watched = { path: lock, seen: [] };
    const held = await acquireDirLock(lock);
    const seen = watched.seen;
    watched = undefined;
    expect(seen.length).toBeGreaterThan(0);
    expect(seen.filter((content) => content !== 'absent' && content !== String(process.pid))).toEqual([]);
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    await held.release();
    expect(lockAsSeenByAnother(lock)).toBe('absent');
  });

  it('takes over a stale lock without ever showing another opener an empty lock file', async () => {
    const stale = String(await deadPid());
    await writeFile(lock, stale);
    watched = { path: lock, seen: [] };
    const held = await acquireDirLock(lock);
    const seen = watched.seen;
    watched = undefined;
    expect(
      seen.filter((content) => content !== 'absent' && content !== stale && content !== String(process.pid)),
    ).toEqual([]);
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    await held.release();
  });

  it('a takeover racing another leaves the other opener its fresh lock and refuses', async () => {
    const stale = await deadPid();
    await writeFile(lock, String(stale));
    // The other process (our parent stands in: it is alive) takes the stale lock over just after we
    // judged it stale: it moves the stale file away and creates its own, complete with its PID.
    const other = process.ppid;
    const realKill = process.kill.bind(process);
    let raced = false;
    jest.spyOn(process, 'kill').mockImplementation((pid: number, signal?: string | number) => {
      if (pid === stale && !raced) {
        raced = true;
        renameSync(lock, `${lock}.other-aside`);
        writeFileSync(`${lock}.other-tmp`, String(other));
        linkSync(`${lock}.other-tmp`, lock);
        unlinkSync(`${lock}.other-tmp`);
      }
      return realKill(pid, signal);
    });

    await expect(acquireDirLock(lock)).rejects.toThrow(`held by running process ${other}`);
    expect(raced).toBe(true);
    expect(await readFile(lock, 'utf8')).toBe(String(other));
  });

  it('releases only its own lock file, and the directory can then be locked again', async () => {
    const first = await acquireDirLock(lock);
    // Should another process ever have replaced our lock, releasing ours must not free theirs.
    renameSync(lock, `${lock}.ours`);
    writeFileSync(lock, String(process.ppid));
    await first.release();
    expect(readFileSync(lock, 'utf8')).toBe(String(process.ppid));
    unlinkSync(lock);
    const second = await acquireDirLock(lock);
    expect(readFileSync(lock, 'utf8')).toBe(String(process.pid));
    // A stale handle released again neither frees the new lock nor its claim in this process.
    await first.release();
    await expect(acquireDirLock(lock)).rejects.toThrow(/already held by this process/);
    await second.release();
    expect(lockAsSeenByAnother(lock)).toBe('absent');
  });
});
