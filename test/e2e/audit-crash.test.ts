import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { FileFlagStore } from '../../src/flags/store/file-store.js';
import type { FlagStore } from '../../src/flags/store/flag-store.js';
import { MongoFlagStore } from '../../src/flags/store/mongo-store.js';
import { allEntries, historyProblems } from '../support/audit-check.js';
import { startMongo, type TestMongo } from '../support/mongo.js';

const KEYS = Array.from({ length: 12 }, (_, i) => `crash-${i}`);

/** Runs the writer until it has acknowledged `atLeast` writes, then SIGKILLs it mid-stream; answers the acks. */
async function killWriterAfter(kind: 'file' | 'mongo', where: string, atLeast: number): Promise<number[]> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, '../support/audit-crash-writer.ts'), kind, where],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const exited = new Promise((resolve) => child.once('exit', resolve));
  const acked: number[] = [];
  for await (const line of createInterface({ input: child.stdout })) {
    acked.push(Number(line.split(' ')[1]));
    if (acked.length === atLeast) {
      // At a random moment of the writes in flight, not right after one was acknowledged.
      setTimeout(() => child.kill('SIGKILL'), Math.random() * 40);
    }
  }
  await exited;
  return acked;
}

/** What must hold after any crash: the entries are exactly the committed changes, acknowledged ones included. */
async function expectEntriesExactlyTheChanges(store: FlagStore, acked: readonly number[]): Promise<number> {
  // No writer is left: every revision taken has committed or never will.
  const entries = await allEntries(store.audit, await store.currentRevision());
  expect(historyProblems(entries, await store.list(''), KEYS)).toEqual([]);
  const revisions = new Set(entries.map((entry) => entry.revision));
  expect(acked.filter((revision) => !revisions.has(revision))).toEqual([]);
  return entries.length;
}

describe('the audit history under kill -9', () => {
  it('the file store: an entry exists if and only if its change committed, whenever the writer dies', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flagwire-audit-crash-'));
    try {
      for (let round = 1; round <= 5; round++) {
        const acked = await killWriterAfter('file', dir, 25 + round * 11);
        const store = await FileFlagStore.open(dir);
        const count = await expectEntriesExactlyTheChanges(store, acked);
        // One process takes revisions one by one at commit: no holes, so one entry per revision.
        expect(count).toBe(await store.currentRevision());
        await store.close();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }, 120_000);

  describe('on MongoDB', () => {
    let mongo: TestMongo;
    beforeAll(async () => {
      mongo = await startMongo();
    });
    afterAll(async () => {
      await mongo?.stop();
    });

    it('the MongoDB store: an entry exists if and only if its change committed, whenever the writer dies', async () => {
      for (let round = 1; round <= 5; round++) {
        const acked = await killWriterAfter('mongo', mongo.uri, 15 + round * 7);
        const store = await MongoFlagStore.open(mongo.uri);
        try {
          await expectEntriesExactlyTheChanges(store, acked);
        } finally {
          await store.close();
        }
      }
    }, 180_000);
  });
});
