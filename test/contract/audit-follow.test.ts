import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { AuditEntry } from '../../src/audit/audit-entry.js';
import { FileFlagStore } from '../../src/flags/store/file-store.js';
import type { FlagStore } from '../../src/flags/store/flag-store.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { MongoFlagStore } from '../../src/flags/store/mongo-store.js';
import { asCreate } from '../support/audit.js';
import { legacyBody } from '../support/flags.js';
import { startMongo, type TestMongo } from '../support/mongo.js';

/**
 * What a webhook outbox relies on: following the history with readAfter, resuming at each answer's
 * `through` while writes commit concurrently, misses no entry. (A `through` read after the entries were
 * looked up would pass over an entry committed in between.)
 */
async function followWhileWriting(
  store: FlagStore,
  writes: number,
): Promise<{ seen: number[]; committed: number[] }> {
  const seen: number[] = [];
  const committed: number[] = [];
  let writing = true;
  const reader = (async () => {
    let from = 0;
    for (;;) {
      const done = !writing;
      const batch = await store.audit.readAfter(from, 100);
      seen.push(...batch.entries.map((entry: AuditEntry) => entry.revision));
      from = batch.through;
      // Let the writers' I/O run between reads (an empty read may not wait for any).
      await new Promise((resolve) => setImmediate(resolve));
      if (done && batch.entries.length === 0 && from >= (committed.at(-1) ?? 0)) return;
    }
  })();
  // Two writers at once, so commits land while the reader is between its index lookup and its answer.
  await Promise.all(
    [0, 1].map(async (writer) => {
      for (let n = 0; n < writes / 2; n++) {
        const result = await store.insert(
          `follow.${writer}.${n}`,
          legacyBody(`follow.${writer}.${n}`, true),
          asCreate,
        );
        if (result.status === 'ok') committed.push(result.change.revision);
      }
    }),
  );
  writing = false;
  await reader;
  return { seen, committed: committed.sort((a, b) => a - b) };
}

describe('following the audit history with readAfter while writes commit', () => {
  it('misses no entry: the memory store', async () => {
    const store = new MemoryFlagStore();
    const { seen, committed } = await followWhileWriting(store, 400);
    expect(seen).toEqual(committed);
  });

  it('misses no entry: the file store', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'flagwire-follow-'));
    const store = await FileFlagStore.open(dir);
    try {
      const { seen, committed } = await followWhileWriting(store, 200);
      expect(seen).toEqual(committed);
    } finally {
      await store.close();
      await rm(dir, { recursive: true, force: true });
    }
  });

  describe('on MongoDB', () => {
    let mongo: TestMongo;
    beforeAll(async () => {
      mongo = await startMongo();
    });
    afterAll(async () => {
      await mongo?.stop();
    });

    it('misses no entry: the MongoDB store', async () => {
      const store = await MongoFlagStore.open(mongo.uri);
      try {
        const { seen, committed } = await followWhileWriting(store, 100);
        expect(seen).toEqual(committed);
      } finally {
        await store.close();
      }
    }, 60_000);
  });
});
