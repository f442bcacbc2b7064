import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mongoose, { type Connection } from 'mongoose';
import { StoreUnavailableError } from '../../src/flags/errors.js';
import { FileFlagStore } from '../../src/flags/store/file-store.js';
import type { FlagStore } from '../../src/flags/store/flag-store.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { MongoFlagStore } from '../../src/flags/store/mongo-store.js';
import { startMongo, type TestMongo } from '../support/mongo.js';
import { describeFlagStoreContract } from './flag-store.contract.js';

describeFlagStoreContract('MemoryFlagStore', async () => {
  const store = new MemoryFlagStore();
  return { store, cleanup: () => store.close() };
});

describeFlagStoreContract('FileFlagStore', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'flagwire-contract-'));
  let current = await FileFlagStore.open(dir);
  return {
    store: current,
    reopen: async () => {
      current = await FileFlagStore.open(dir);
      return current;
    },
    cleanup: async () => {
      await current.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
});

describe('on MongoDB', () => {
  let mongo: TestMongo;
  // Clears the suite's database between tests (the stand-in has no dropDatabase).
  let admin: Connection;
  const opened: FlagStore[] = [];

  beforeAll(async () => {
    mongo = await startMongo();
    admin = await mongoose.createConnection(mongo.uri, { autoCreate: false, autoIndex: false }).asPromise();
  });
  afterAll(async () => {
    await admin?.close();
    await mongo?.stop();
  });

  async function open(): Promise<MongoFlagStore> {
    const store = await MongoFlagStore.open(mongo.uri);
    opened.push(store);
    return store;
  }

  async function cleanup(): Promise<void> {
    await Promise.all(opened.splice(0).map((store) => store.close()));
    await Promise.all(['flags', 'counters'].map((name) => admin.collection(name).deleteMany({})));
  }

  describeFlagStoreContract('MongoFlagStore', async () => ({ store: await open(), reopen: open, cleanup }));

  describe('MongoFlagStore beyond the contract', () => {
    it('shares flags and one revision counter between stores on the same database', async () => {
      try {
        const [a, b] = [await open(), await open()];
        const first = await a.insert('shared', { isEnabled: true, description: '' });
        expect((await b.get('shared'))?.isEnabled).toBe(true);
        const second = await b.update('shared', 1, { isEnabled: false, description: 'via b' });
        if (first.status !== 'ok' || second.status !== 'ok') throw new Error('writes failed');
        expect(second.change.revision).toBeGreaterThan(first.change.revision);
        expect(await a.currentRevision()).toBe(second.change.revision);
        expect(await a.update('shared', 1, { isEnabled: true, description: '' })).toEqual({
          status: 'stale',
          currentVersion: 2,
        });
      } finally {
        await cleanup();
      }
    });

    it('never commits a change with a lower revision than the flag already carries', async () => {
      try {
        const store = await open();
        await store.insert('f', { isEnabled: false, description: '' });
        await store.insert('g', { isEnabled: false, description: '' });
        // As if another writer took the next revision after ours and committed first.
        const next = (await store.currentRevision()) + 1;
        const flags = admin.collection('flags');
        await flags.updateOne({ _id: 'f' } as object, { $set: { revision: next } });
        await flags.updateOne({ _id: 'g' } as object, { $set: { revision: next + 2 } });

        const updated = await store.update('f', 1, { isEnabled: true, description: '' });
        if (updated.status !== 'ok') throw new Error(`update answered ${updated.status}`);
        expect(updated.change.revision).toBeGreaterThan(next);
        const removed = await store.remove('g');
        if (removed.status !== 'ok') throw new Error(`remove answered ${removed.status}`);
        expect(removed.change).toMatchObject({ kind: 'delete', version: 1 });
        expect(removed.change.revision).toBeGreaterThan(next + 2);
      } finally {
        await cleanup();
      }
    });

    it('throws StoreUnavailableError when the server cannot be reached', async () => {
      const unreachable = MongoFlagStore.open('mongodb://127.0.0.1:9/flagwire', {
        serverSelectionTimeoutMS: 300,
      });
      await expect(unreachable).rejects.toBeInstanceOf(StoreUnavailableError);
    });

    it('throws StoreUnavailableError for operations after close', async () => {
      const store = await MongoFlagStore.open(mongo.uri);
      await store.close();
      await expect(store.ping()).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.get('x')).rejects.toBeInstanceOf(StoreUnavailableError);
      await expect(store.insert('x', { isEnabled: true, description: '' })).rejects.toBeInstanceOf(
        StoreUnavailableError,
      );
    });
  });
});
