import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { describe, expect, it } from '@jest/globals';
import { FileFlagStore } from '../../src/flags/store/file-store.js';

/** Runs the writer until it has acknowledged `atLeast` more writes, then SIGKILLs it mid-stream. */
async function killWriterAfter(dir: string, atLeast: number): Promise<number> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, '../support/crash-writer.ts'), dir],
    {
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  let acked = -1;
  let seen = 0;
  // Read to the end, past the kill: acknowledgements the writer printed before the signal landed may
  // still sit in the pipe, and each of them counts.
  for await (const line of createInterface({ input: child.stdout })) {
    acked = Number(line.split(' ')[1]);
    if (++seen === atLeast) child.kill('SIGKILL');
  }
  await exited;
  return acked;
}

describe('the embedded file store under kill -9', () => {
  it('never loses an acknowledged write nor leaves a file it cannot open', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flagwire-crash-'));
    try {
      let lastAcked = -1;
      for (let round = 1; round <= 8; round++) {
        lastAcked = await killWriterAfter(dir, 40 + round * 13);
        const store = await FileFlagStore.open(dir);
        const flags = await store.list('');
        // Every acknowledged write is there; at most the one in flight beyond it.
        expect(flags.length).toBeGreaterThanOrEqual(lastAcked + 1);
        expect(flags.length).toBeLessThanOrEqual(lastAcked + 2);
        expect(await store.currentRevision()).toBe(flags.length);
        expect(flags.map((f) => f.key)).toEqual(flags.map((_f, i) => `flag-${String(i).padStart(6, '0')}`));
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 180_000); // 8 writer processes, two fsyncs per write (the audit entry, then the data file): slow on a busy disk
});
