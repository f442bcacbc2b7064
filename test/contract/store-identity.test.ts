import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { FileFlagStore } from '../../src/flags/store/file-store.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { MongoFlagStore } from '../../src/flags/store/mongo-store.js';
import { asCreate } from '../support/audit.js';
import { aFlag, body } from '../support/flags.js';
import { startMongo, type TestMongo, uniqueDatabaseName, withDatabase } from '../support/mongo.js';

/**
 * A store's identity names its data: the same data answers the same id in every process that opens it
 * (so instances of one store share a Redis bus), other data another id (so a second store is refused).
 */
describe('store identity', () => {
  it('MemoryFlagStore: each instance is a store of its own, with one id for its lifetime', async () => {
    const [a, b] = [new MemoryFlagStore(), new MemoryFlagStore()];
    expect(await a.identity()).toBe(await a.identity());
    expect(await a.identity()).not.toBe(await b.identity());
  });

  describe('FileFlagStore', () => {
    let dirs: string[] = [];
    const newDir = async () => {
      const dir = await mkdtemp(join(tmpdir(), 'flagwire-identity-'));
      dirs.push(dir);
      return dir;
    };
    beforeEach(() => {
      dirs = [];
    });
    afterEach(async () => {
      await Promise.all(dirs.map((dir) => rm(dir, { recursive: true, force: true })));
    });

    it('answers the same id after a restart, written to disk before it is first answered', async () => {
      const dir = await newDir();
      const first = await FileFlagStore.open(dir);
      const id = await first.identity();
      // On disk already, with no write yet: a crash now must not change it.
      expect(JSON.parse(await readFile(join(dir, 'flags.json'), 'utf8'))).toMatchObject({ storeId: id });
      await first.close();
      const again = await FileFlagStore.open(dir);
      expect(await again.identity()).toBe(id);
      await again.insert('a', body(true, ''), asCreate);
      await again.close();
      const third = await FileFlagStore.open(dir);
      expect(await third.identity()).toBe(id);
      await third.close();
    });

    it('answers different ids for different data directories', async () => {
      const [a, b] = await Promise.all([
        FileFlagStore.open(await newDir()),
        FileFlagStore.open(await newDir()),
      ]);
      expect(await a.identity()).not.toBe(await b.identity());
      await Promise.all([a.close(), b.close()]);
    });

    it('gives a data file written before identities one, keeping its flags and revision', async () => {
      const dir = await newDir();
      const flag = aFlag('kept', 7);
      await writeFile(join(dir, 'flags.json'), JSON.stringify({ format: 1, revision: 7, flags: [flag] }));
      const store = await FileFlagStore.open(dir);
      const id = await store.identity();
      expect(await store.list('')).toEqual([flag]);
      expect(await store.currentRevision()).toBe(7);
      await store.close();
      const reopened = await FileFlagStore.open(dir);
      expect(await reopened.identity()).toBe(id);
      await reopened.close();
    });
  });

  describe('MongoFlagStore', () => {
    let mongo: TestMongo;
    beforeAll(async () => {
      mongo = await startMongo();
    }, 30_000);
    afterAll(async () => {
      await mongo?.stop();
    });

    it('answers one id for every process on the same database, even when they ask at once', async () => {
      const uri = withDatabase(mongo.uri, uniqueDatabaseName());
      const stores = await Promise.all([1, 2, 3].map(() => MongoFlagStore.open(uri)));
      try {
        const ids = await Promise.all(stores.map((store) => store.identity()));
        expect(new Set(ids).size).toBe(1);
        const later = await MongoFlagStore.open(uri);
        expect(await later.identity()).toBe(ids[0]);
        await later.close();
      } finally {
        await Promise.all(stores.map((store) => store.close()));
      }
    });

    it('answers different ids for different databases', async () => {
      const [a, b] = await Promise.all([
        MongoFlagStore.open(withDatabase(mongo.uri, uniqueDatabaseName())),
        MongoFlagStore.open(withDatabase(mongo.uri, uniqueDatabaseName())),
      ]);
      try {
        expect(await a.identity()).not.toBe(await b.identity());
      } finally {
        await Promise.all([a.close(), b.close()]);
      }
    });
  });
});
