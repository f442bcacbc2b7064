import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import mongoose, { type Connection } from 'mongoose';
import { StoreUnavailableError } from '../../src/flags/errors.js';
import type { FlagChange } from '../../src/flags/flag.js';
import { FlagSnapshot } from '../../src/flags/flag-snapshot.js';
import type { Deadline } from '../../src/flags/store/deadline.js';
import { FileFlagStore } from '../../src/flags/store/file-store.js';
import type { FlagStore } from '../../src/flags/store/flag-store.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { MongoFlagStore, TOMBSTONE_GRACE_MS } from '../../src/flags/store/mongo-store.js';
import { asCreate, asDelete, asUpdate } from '../support/audit.js';
import { allEntries, historyProblems } from '../support/audit-check.js';
import { body, isEnabledOf } from '../support/flags.js';
import { startMongo, type TestMongo } from '../support/mongo.js';
import { itWithOwnMongo } from '../support/skip.js';
import { describeFlagStoreContract } from './flag-store.contract.js';

// Runs once, right after the next revision a GatedStore takes: lets a test commit another write in the
// window between an operation taking its revision and committing its change.
let afterNextRevision: ((revision: number) => Promise<void>) | undefined;

/** The real store, with a deterministic hook between taking a revision and writing. */
class GatedStore extends MongoFlagStore {
  protected override async nextRevision(deadline: Deadline): Promise<number> {
    const revision = await super.nextRevision(deadline);
    const hook = afterNextRevision;
    afterNextRevision = undefined;
    await hook?.(revision);
    return revision;
  }
}

/** A writer that dies right after each commit, before draining the entry its write carries. */
class DiesAfterCommitStore extends MongoFlagStore {
  protected override async settle(): Promise<void> {}
}

describeFlagStoreContract(
  'MemoryFlagStore',
  async () => {
    const store = new MemoryFlagStore();
    return { store, cleanup: () => store.close() };
  },
  { durable: false },
);

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
    await Promise.all(
      ['flags', 'counters', 'audit', 'meta'].map((name) => admin.collection(name).deleteMany({})),
    );
  }

  describeFlagStoreContract('MongoFlagStore', async () => ({ store: await open(), reopen: open, cleanup }));

  describe('MongoFlagStore beyond the contract', () => {
    it('shares flags and one revision counter between stores on the same database', async () => {
      try {
        const [a, b] = [await open(), await open()];
        const first = await a.insert('shared', body(true, ''), asCreate);
        expect(isEnabledOf(await b.get('shared'))).toBe(true);
        const second = await b.update('shared', 1, body(false, 'via b'), asUpdate);
        if (first.status !== 'ok' || second.status !== 'ok') throw new Error('writes failed');
        expect(second.change.revision).toBeGreaterThan(first.change.revision);
        expect(await a.currentRevision()).toBe(second.change.revision);
        expect(await a.update('shared', 1, body(true, ''), asUpdate)).toEqual({
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
        await store.insert('f', body(false, ''), asCreate);
        await store.insert('g', body(false, ''), asCreate);
        // As if another writer took the next revision after ours and committed first.
        const next = (await store.currentRevision()) + 1;
        const flags = admin.collection('flags');
        await flags.updateOne({ _id: 'f' } as object, { $set: { revision: next } });
        await flags.updateOne({ _id: 'g' } as object, { $set: { revision: next + 2 } });

        const updated = await store.update('f', 1, body(true, ''), asUpdate);
        if (updated.status !== 'ok') throw new Error(`update answered ${updated.status}`);
        expect(updated.change.revision).toBeGreaterThan(next);
        const removed = await store.remove('g', undefined, asDelete);
        if (removed.status !== 'ok') throw new Error(`remove answered ${removed.status}`);
        expect(removed.change).toMatchObject({ kind: 'delete', version: 1 });
        expect(removed.change.revision).toBeGreaterThan(next + 2);
      } finally {
        await cleanup();
      }
    });

    it('never commits an insert below a delete of the key that took a later revision but committed first', async () => {
      try {
        const inserter = await GatedStore.open(mongo.uri);
        opened.push(inserter);
        const deleter = await open();
        await deleter.insert('k', body(true, 'first'), asCreate);
        await deleter.remove('k', undefined, asDelete);
        let taken = 0;
        const between: FlagChange[] = [];
        // The inserter has read the tombstone and taken its revision; the key is created and deleted
        // again (both above that revision) before the inserter writes.
        afterNextRevision = async (revision) => {
          taken = revision;
          for (const write of [
            await deleter.insert('k', body(true, 'between'), asCreate),
            await deleter.remove('k', undefined, asDelete),
          ])
            if (write.status === 'ok') between.push(write.change);
        };
        const inserted = await inserter.insert('k', body(false, 'second'), asCreate);

        const deleted = between.at(-1);
        if (between.length !== 2 || deleted?.kind !== 'delete')
          throw new Error('the key did not change in between');
        expect(deleted.revision).toBeGreaterThan(taken);
        if (inserted.status !== 'ok') throw new Error(`insert answered ${inserted.status}`);
        // Retried with a fresh read and revision: never committed at `taken`, below the delete.
        expect(inserted.change.revision).toBeGreaterThan(deleted.revision);
        const stored = await deleter.get('k');
        expect(stored).toStrictEqual(inserted.change.kind === 'upsert' ? inserted.change.flag : null);
        expect(stored?.version).toBe(1);
        // Every instance applying the committed changes by revision, in any order, agrees with the store.
        const committed = [...between, inserted.change];
        for (const order of [
          [0, 1, 2],
          [2, 1, 0],
          [1, 2, 0],
        ]) {
          const snapshot = new FlagSnapshot();
          for (const i of order) snapshot.apply(committed[i] as FlagChange);
          expect(snapshot.get('k')).toStrictEqual(stored);
        }
      } finally {
        afterNextRevision = undefined;
        await cleanup();
      }
    });

    it('keeps an entry whose writer died right after the commit on its record until a reader drains it', async () => {
      try {
        const dying = await DiesAfterCommitStore.open(mongo.uri);
        opened.push(dying);
        const inserted = await dying.insert('k', body(true, 'one'), asCreate);
        const raw = await admin.collection('flags').findOne({ _id: 'k' } as object);
        expect(raw?.auditPending).toBe(inserted.status === 'ok' ? inserted.change.revision : -1);
        expect(await admin.collection('audit').countDocuments({})).toBe(0);
        // Any reader of the history finishes the drain first: the entry is there, once, and off the record.
        const reader = await open();
        const page = await reader.audit.query({}, 10);
        expect(page.entries.map((entry) => [entry.revision, entry.action])).toEqual([
          [inserted.status === 'ok' ? inserted.change.revision : -1, 'create'],
        ]);
        expect(
          (await admin.collection('flags').findOne({ _id: 'k' } as object))?.auditPending,
        ).toBeUndefined();
        expect((await reader.audit.query({}, 10)).entries).toHaveLength(1);
      } finally {
        await cleanup();
      }
    });

    it('never overwrites a pending entry: the next write to the record drains it first', async () => {
      try {
        const dying = await DiesAfterCommitStore.open(mongo.uri);
        opened.push(dying);
        const changes: FlagChange[] = [];
        for (const write of [
          () => dying.insert('k', body(true, 'one'), asCreate),
          () => dying.update('k', 1, body(false, 'two'), asUpdate),
          () => dying.remove('k', 2, asDelete),
          () => dying.insert('k', body(true, 'three'), asCreate),
        ]) {
          const result = await write();
          if (result.status !== 'ok') throw new Error(`write answered ${result.status}`);
          changes.push(result.change);
        }
        // Only the last change's entry can still be pending; the others were drained by the next write.
        expect(await admin.collection('audit').countDocuments({})).toBe(3);
        const entries = await allEntries((await open()).audit, await dying.currentRevision());
        expect(entries.map((entry) => entry.revision)).toEqual(changes.map((change) => change.revision));
        expect(historyProblems(entries, await dying.list(''))).toEqual([]);
      } finally {
        await cleanup();
      }
    });

    it('answers a write before draining its entry, and close waits for that drain', async () => {
      try {
        const store = await open();
        const inserted = await store.insert('quick', body(true, ''), asCreate);
        if (inserted.status !== 'ok') throw new Error(`insert answered ${inserted.status}`);
        // Whatever the drain's progress, a reader of the history sees the entry (readers drain first).
        const reader = await open();
        const { entries } = await reader.audit.query({}, 10);
        expect(entries.map((entry) => entry.revision)).toEqual([inserted.change.revision]);
        await store.update('quick', 1, body(false, ''), asUpdate);
        await store.close();
        // Closed: nothing of the last write's entry is left pending on the record.
        const raw = await admin.collection('flags').findOne({ _id: 'quick' } as object);
        expect(raw?.auditPending).toBeUndefined();
        expect(await admin.collection('audit').countDocuments({})).toBe(2);
      } finally {
        await cleanup();
      }
    });

    it('gives a tombstone its deletedAt only once its entry is drained, so no undrained delete ever expires', async () => {
      try {
        const dying = await DiesAfterCommitStore.open(mongo.uri);
        opened.push(dying);
        await dying.insert('gone', body(true, ''), asCreate);
        await (await open()).audit.oldestRetained(); // drains the insert's entry
        await dying.remove('gone', undefined, asDelete);
        const pending = await admin.collection('flags').findOne({ _id: 'gone' } as object);
        expect(pending).toMatchObject({ deleted: true });
        expect(pending?.deletedAt).toBeUndefined();
        await dying.purgeTombstones();
        expect(await admin.collection('flags').countDocuments({ _id: 'gone' } as object)).toBe(1);
        await (await open()).audit.oldestRetained();
        const drained = await admin.collection('flags').findOne({ _id: 'gone' } as object);
        expect(drained?.deletedAt).toBeInstanceOf(Date);
        expect(drained?.auditPending).toBeUndefined();
      } finally {
        await cleanup();
      }
    });

    it('never reads past a revision that may still commit: readAfter stops below a write in flight', async () => {
      try {
        const slow = await GatedStore.open(mongo.uri);
        opened.push(slow);
        const fast = await open();
        const reader = await open();
        await fast.insert('first', body(true, ''), asCreate);
        let whileInFlight: Awaited<ReturnType<MongoFlagStore['audit']['readAfter']>> | undefined;
        let taken = 0;
        afterNextRevision = async (revision) => {
          taken = revision;
          // A later revision commits first, while `taken` is still on its way.
          await fast.insert('later', body(true, ''), asCreate);
          whileInFlight = await reader.audit.readAfter(0, 10);
        };
        await slow.insert('slow', body(true, ''), asCreate);
        expect(whileInFlight?.entries.map((entry) => entry.key)).toEqual(['first']);
        expect(whileInFlight?.through).toBeLessThan(taken);
        // Once it has committed there is no hole: all three, in revision order.
        const after = await reader.audit.readAfter(whileInFlight?.through ?? 0, 10);
        expect(after.entries.map((entry) => entry.key)).toEqual(['slow', 'later']);
      } finally {
        afterNextRevision = undefined;
        await cleanup();
      }
    });

    it('keeps only a small tombstone for a deleted key, which no read returns and an insert replaces', async () => {
      try {
        const store = await open();
        await store.insert('gone', body(true, 'x'.repeat(500)), asCreate);
        const removed = await store.remove('gone', undefined, asDelete);
        if (removed.status !== 'ok') throw new Error(`remove answered ${removed.status}`);
        // The entry is drained just after the write answers: the tombstone is small once it is.
        await store.settled();
        const raw = await admin.collection('flags').findOne({ _id: 'gone' } as object);
        expect(raw && Object.keys(raw).sort()).toEqual([
          '_id',
          'deleted',
          'deletedAt',
          'revision',
          'version',
        ]);
        expect(raw).toMatchObject({ deleted: true, revision: removed.change.revision, version: 1 });
        expect(await store.get('gone')).toBeNull();
        expect(await store.list('')).toEqual([]);
        // Inserting the key again replaces the tombstone by a plain flag: nothing of it is left over.
        expect((await store.insert('gone', body(false, ''), asCreate)).status).toBe('ok');
        await store.settled();
        const again = await admin.collection('flags').findOne({ _id: 'gone' } as object);
        expect(again && Object.keys(again).sort()).toEqual([
          '_id',
          'createdAt',
          'definition',
          'revision',
          'updatedAt',
          'version',
        ]);
      } finally {
        await cleanup();
      }
    });

    it('purges the tombstones of deletes older than the grace, and keeps younger ones and every live flag', async () => {
      try {
        const store = await open();
        for (const key of ['old', 'young', 'fresh', 'live']) {
          await store.insert(key, body(true, ''), asCreate);
        }
        for (const key of ['old', 'young', 'fresh']) await store.remove(key, undefined, asDelete);
        // Age two tombstones as if deleted long ago: one just past the grace, one just inside it.
        const flags = admin.collection('flags');
        const agedBy = async (key: string, ms: number) =>
          flags.updateOne({ _id: key } as object, { $set: { deletedAt: new Date(Date.now() - ms) } });
        await agedBy('old', TOMBSTONE_GRACE_MS + 1000);
        await agedBy('young', TOMBSTONE_GRACE_MS - 60_000);

        await store.purgeTombstones();
        const left = await flags.find({}).sort({ _id: 1 }).toArray();
        expect(left.map((doc) => [doc._id, doc.deleted ?? false])).toEqual([
          ['fresh', true],
          ['live', false],
          ['young', true],
        ]);
        // A purged key is free again, like one never used.
        const again = await store.insert('old', body(false, ''), asCreate);
        expect(again.status).toBe('ok');
      } finally {
        await cleanup();
      }
    });

    it('declares a TTL index on deletedAt with the grace, so MongoDB purges even while no instance runs', async () => {
      try {
        await open();
        const indexes = await admin.collection('flags').indexes();
        expect(indexes.find((index) => index.key.deletedAt === 1)).toMatchObject({
          expireAfterSeconds: TOMBSTONE_GRACE_MS / 1000,
        });
      } finally {
        await cleanup();
      }
    });

    it('purges tombstones past the grace when a store opens', async () => {
      try {
        const store = await open();
        await store.insert('stale', body(true, ''), asCreate);
        await store.remove('stale', undefined, asDelete);
        await store.settled();
        await admin.collection('flags').updateOne({ _id: 'stale' } as object, {
          $set: { deletedAt: new Date(Date.now() - 2 * TOMBSTONE_GRACE_MS) },
        });
        await open();
        expect(await admin.collection('flags').countDocuments({})).toBe(0);
      } finally {
        await cleanup();
      }
    });

    it('a purge right after a delete still never lets an insert that took an older revision commit below it', async () => {
      try {
        const inserter = await GatedStore.open(mongo.uri);
        opened.push(inserter);
        const deleter = await open();
        await deleter.insert('k', body(true, 'first'), asCreate);
        await deleter.remove('k', undefined, asDelete);
        let taken = 0;
        let deleted: FlagChange | undefined;
        afterNextRevision = async (revision) => {
          taken = revision;
          await deleter.insert('k', body(true, 'between'), asCreate);
          const removed = await deleter.remove('k', undefined, asDelete);
          if (removed.status === 'ok') deleted = removed.change;
          // Any instance may purge at any moment, here in the worst one: the insert is still to come.
          await deleter.purgeTombstones();
        };
        const inserted = await inserter.insert('k', body(false, 'second'), asCreate);

        if (!deleted) throw new Error('the delete did not commit in between');
        expect(deleted.revision).toBeGreaterThan(taken);
        if (inserted.status !== 'ok') throw new Error(`insert answered ${inserted.status}`);
        expect(inserted.change.revision).toBeGreaterThan(deleted.revision);
        expect(await deleter.get('k')).toStrictEqual(
          inserted.change.kind === 'upsert' ? inserted.change.flag : null,
        );
      } finally {
        afterNextRevision = undefined;
        await cleanup();
      }
    });

    itWithOwnMongo(
      'every operation gives up on a frozen server within its timeout, and none commits after the thaw',
      async () => {
        const timeoutMs = 1000;
        try {
          const store = await MongoFlagStore.open(mongo.uri, { timeoutMs });
          opened.push(store);
          await store.insert('f', body(true, ''), asCreate);
          await store.insert('gone', body(true, ''), asCreate);
          const fields = body(false, 'changed');
          const operations: Array<[string, () => Promise<unknown>]> = [
            ['get', () => store.get('f')],
            ['update', () => store.update('f', 1, fields, asUpdate)],
            ['insert', () => store.insert('new', fields, asCreate)],
            ['remove', () => store.remove('gone', undefined, asDelete)],
            ['list', () => store.list('')],
            ['currentRevision', () => store.currentRevision()],
            ['ping', () => store.ping()],
          ];
          await mongo.pause();
          const took: Record<string, number> = {};
          try {
            for (const [name, operation] of operations) {
              const started = performance.now();
              await expect(operation()).rejects.toBeInstanceOf(StoreUnavailableError);
              took[name] = performance.now() - started;
            }
          } finally {
            mongo.resume();
          }
          for (const ms of Object.values(took)) expect(ms).toBeLessThan(timeoutMs + 750);
          // Once the server runs what it had queued, the flags are as before: no write began below it.
          await eventually(() => store.ping(), 'the store answers after the thaw');
          expect(await store.list('')).toMatchObject([
            { key: 'f', version: 1, ...body(true, '') },
            { key: 'gone', version: 1 },
          ]);
        } finally {
          await cleanup();
        }
      },
      30_000,
    );

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
      await expect(store.insert('x', body(true, ''), asCreate)).rejects.toBeInstanceOf(StoreUnavailableError);
    });
  });
});

/** Retries `attempt` until it resolves (bounded): for a server coming back, which has no event to wait on. */
async function eventually(attempt: () => Promise<unknown>, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await attempt();
      return;
    } catch (err) {
      if (Date.now() > deadline) throw new Error(`not within ${timeoutMs} ms: ${what}`, { cause: err });
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }
}
