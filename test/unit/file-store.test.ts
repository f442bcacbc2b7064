import { spawn } from 'node:child_process';
import { once } from 'node:events';
import * as fs from 'node:fs/promises';
import { mkdtemp, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { StoreUnavailableError } from '../../src/flags/errors.js';
import type { StoredRecord } from '../../src/flags/flag.js';
import { asCreate, asDelete, asUpdate } from '../support/audit.js';
import { body } from '../support/flags.js';

// The store gets the real node:fs/promises, except that fsync of the directory named here fails, as a
// disk error would: the only way to reach the store's handling of it without touching its code.
let failSyncOf: string | undefined;
jest.unstable_mockModule('node:fs/promises', () => ({
  ...fs,
  open: async (...args: Parameters<typeof fs.open>) => {
    const handle = await fs.open(...args);
    if (failSyncOf !== undefined && args[0] === failSyncOf) {
      handle.sync = () => Promise.reject(Object.assign(new Error('EIO: i/o error, fsync'), { code: 'EIO' }));
    }
    return handle;
  },
}));
const { FileFlagStore } = await import('../../src/flags/store/file-store.js');
type FileFlagStore = Awaited<ReturnType<typeof FileFlagStore.open>>;

interface OnDisk {
  format: number;
  storeId: string;
  revision: number;
  flags: StoredRecord[];
}

// The PID of a process that has certainly exited: a child we started and waited for.
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', ''], { stdio: 'ignore' });
  const pid = child.pid;
  await once(child, 'exit');
  if (pid === undefined) throw new Error('child had no pid');
  return pid;
}

describe('FileFlagStore on disk', () => {
  let dir: string;
  const opened: FileFlagStore[] = [];
  const open = async () => {
    const store = await FileFlagStore.open(dir);
    opened.push(store);
    return store;
  };
  const onDisk = async (): Promise<OnDisk> => JSON.parse(await readFile(join(dir, 'flags.json'), 'utf8'));

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'flagwire-file-store-'));
  });
  afterEach(async () => {
    failSyncOf = undefined;
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await rm(dir, { recursive: true, force: true });
  });

  it('refuses a second open of the same directory while the first is open', async () => {
    const first = await open();
    await expect(FileFlagStore.open(dir)).rejects.toThrow(/already held by this process/);
    await first.close();
    // Closing releases the directory.
    const second = await open();
    expect(await second.list('')).toEqual([]);
  });

  it('refuses a second open of the same directory under another spelling (relative, symlinks)', async () => {
    await open();
    const link = `${dir}-link`;
    const parentLink = `${dir}-parent-link`;
    await symlink(dir, link);
    await symlink(dirname(dir), parentLink);
    try {
      for (const spelling of [relative(process.cwd(), dir), link, join(parentLink, basename(dir))]) {
        await expect(FileFlagStore.open(spelling)).rejects.toThrow(/already held by this process/);
      }
      expect(await readFile(join(dir, 'flags.lock'), 'utf8')).toBe(String(process.pid));
    } finally {
      await Promise.all([rm(link), rm(parentLink)]);
    }
  });

  it('refuses a directory whose lock names another running process', async () => {
    await writeFile(join(dir, 'flags.lock'), String(process.ppid));
    await expect(FileFlagStore.open(dir)).rejects.toThrow(`held by running process ${process.ppid}`);
    expect(await readFile(join(dir, 'flags.lock'), 'utf8')).toBe(String(process.ppid));
  });

  it('takes over a stale lock left by a process that no longer runs', async () => {
    await writeFile(join(dir, 'flags.lock'), String(await deadPid()));
    const store = await open();
    expect(await readFile(join(dir, 'flags.lock'), 'utf8')).toBe(String(process.pid));
    expect((await store.insert('a', body(true, ''), asCreate)).status).toBe('ok');
    await store.close();
    await expect(stat(join(dir, 'flags.lock'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('ignores a leftover flags.json.tmp from a crash mid-write and keeps the previous contents', async () => {
    const store = await open();
    await store.insert('kept', body(true, 'before the crash'), asCreate);
    await store.close();
    const before = await readFile(join(dir, 'flags.json'), 'utf8');
    await writeFile(join(dir, 'flags.json.tmp'), '{"format":1,"revision":99,"flags":[{"key":"torn');

    const reopened = await open();
    expect((await reopened.list('')).map((flag) => flag.key)).toEqual(['kept']);
    expect(await reopened.currentRevision()).toBe(1);
    expect(await readFile(join(dir, 'flags.json'), 'utf8')).toBe(before);
    await expect(stat(join(dir, 'flags.json.tmp'))).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('refuses to open a flags.json of an unknown format, naming the file, and releases the lock', async () => {
    await writeFile(join(dir, 'flags.json'), JSON.stringify({ format: 2, revision: 0, flags: [] }));
    await expect(FileFlagStore.open(dir)).rejects.toThrow(/flags\.json is not a Flagwire data file/);
    await writeFile(join(dir, 'flags.json'), JSON.stringify({ some: 'other app' }));
    await expect(FileFlagStore.open(dir)).rejects.toThrow(/flags\.json is not a Flagwire data file/);
    await rm(join(dir, 'flags.json'));
    expect(await (await open()).list('')).toEqual([]);
  });

  it('refuses to open a flags.json that is not JSON, naming the file and the fix, and releases the lock', async () => {
    const path = join(dir, 'flags.json');
    await writeFile(path, '{"format":1,"revision":3,"flags":[{"key"');
    const failure = FileFlagStore.open(dir);
    await expect(failure).rejects.toThrow(`${path} is not valid JSON`);
    await expect(failure).rejects.toThrow(/restore it from a backup.*or move it away/);
    await expect(failure).rejects.toMatchObject({ cause: expect.any(SyntaxError) });
    await writeFile(path, 'null');
    await expect(FileFlagStore.open(dir)).rejects.toThrow(`${path} is not a Flagwire data file`);
    await rm(path);
    expect(await (await open()).list('')).toEqual([]);
  });

  it('close lets writes accepted before it complete, and rejects writes started after it', async () => {
    const store = await open();
    const accepted = [store.insert('a', body(true, ''), asCreate), store.remove('a', undefined, asDelete)];
    const closing = store.close();
    await expect(store.insert('late', body(true, ''), asCreate)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect((await Promise.all(accepted)).map((result) => result.status)).toEqual(['ok', 'ok']);
    await closing;
    await expect(store.update('a', 1, body(false, ''), asUpdate)).rejects.toBeInstanceOf(
      StoreUnavailableError,
    );
    expect(await onDisk()).toEqual({
      format: 1,
      storeId: await store.identity(),
      revision: 2,
      auditPurgedThrough: 0,
      flags: [],
    });
    expect(await (await open()).currentRevision()).toBe(2);
  });

  it('commits a write once flags.json is renamed into place, even if the directory fsync then fails', async () => {
    const store = await open();
    failSyncOf = dir;
    const inserted = await store.insert('a', body(true, 'renamed'), asCreate);
    if (inserted.status !== 'ok' || inserted.change.kind !== 'upsert') throw new Error('insert failed');
    // What the store answers, what it serves and what the file holds agree.
    expect(await store.get('a')).toStrictEqual(inserted.change.flag);
    expect(await onDisk()).toEqual({
      format: 1,
      storeId: await store.identity(),
      revision: 1,
      auditPurgedThrough: 0,
      flags: [inserted.change.flag],
    });
    failSyncOf = undefined;
    expect((await store.update('a', 1, body(false, ''), asUpdate)).status).toBe('ok');
    await store.close();
    expect((await (await open()).get('a'))?.version).toBe(2);
  });

  it('does not commit a write whose temp file cannot be made durable', async () => {
    const store = await open();
    failSyncOf = join(dir, 'flags.json.tmp');
    await expect(store.insert('a', body(true, ''), asCreate)).rejects.toBeInstanceOf(StoreUnavailableError);
    expect(await store.get('a')).toBeNull();
    // flags.json holds what open wrote (the store's identity), not the write.
    expect(await onDisk()).toEqual({
      format: 1,
      storeId: await store.identity(),
      revision: 0,
      auditPurgedThrough: 0,
      flags: [],
    });
    // Its audit entry, made durable beside the temp file, was taken back out of the segment.
    const segment = join(dir, 'audit', `${'1'.padStart(12, '0')}.ndjson`);
    expect(await readFile(segment, 'utf8')).toBe('');
    expect((await store.audit.query({}, 10)).entries).toEqual([]);
    failSyncOf = undefined;
    expect((await store.insert('a', body(true, ''), asCreate)).status).toBe('ok');
    expect((await readFile(segment, 'utf8')).trim().split('\n')).toHaveLength(1);
  });

  it('has each write in flags.json before its promise resolves', async () => {
    const store = await open();
    const inserted = await store.insert('a', body(true, 'one'), asCreate);
    if (inserted.status !== 'ok' || inserted.change.kind !== 'upsert') throw new Error('insert failed');
    expect(await onDisk()).toEqual({
      format: 1,
      storeId: await store.identity(),
      revision: 1,
      auditPurgedThrough: 0,
      flags: [inserted.change.flag],
    });

    const updated = await store.update('a', 1, body(false, 'two'), asUpdate);
    if (updated.status !== 'ok' || updated.change.kind !== 'upsert') throw new Error('update failed');
    expect(await onDisk()).toEqual({
      format: 1,
      storeId: await store.identity(),
      revision: 2,
      auditPurgedThrough: 0,
      flags: [updated.change.flag],
    });

    expect((await store.remove('a', 2, asDelete)).status).toBe('ok');
    expect(await onDisk()).toEqual({
      format: 1,
      storeId: await store.identity(),
      revision: 3,
      auditPurgedThrough: 0,
      flags: [],
    });
    // Answers that change nothing do not rewrite the file.
    expect((await store.update('a', 2, body(true, ''), asUpdate)).status).toBe('missing');
    expect(await onDisk()).toEqual({
      format: 1,
      storeId: await store.identity(),
      revision: 3,
      auditPurgedThrough: 0,
      flags: [],
    });
  });
});
