import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import type { FlagChange, FlagFields, StoredRecord } from '../../src/flags/flag.js';
import { segmentRecordKey } from '../../src/flags/flag.js';
import { FlagSnapshot } from '../../src/flags/flag-snapshot.js';
import { SegmentService } from '../../src/flags/segment-service.js';
import type { FlagStore, WriteResult } from '../../src/flags/store/flag-store.js';
import { asCreate, asDelete, asUpdate, by } from '../support/audit.js';
import { body } from '../support/flags.js';
import { itWhen } from '../support/skip.js';
import { describeAuditContract } from './audit-log.contract.js';

/** What a contract run needs from one implementation, made fresh for every test. */
export interface StoreUnderTest {
  store: FlagStore;
  /** For durable stores: opens the same data again (the contract closes `store` first). */
  reopen?: () => Promise<FlagStore>;
  /** Closes whatever store is still open and removes its data, so the next test starts empty. */
  cleanup(): Promise<void>;
}

type AnyWriteResult = WriteResult | Awaited<ReturnType<FlagStore['insert']>>;

const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const ON: FlagFields = body(true, 'on');
const OFF: FlagFields = body(false, '');

/**
 * The behaviour every {@link FlagStore} promises; each implementation's test file runs it once. A
 * store that is not `durable` (default: durable, and then the factory must give `reopen`) shows the
 * tests of durability as skipped.
 */
export function describeFlagStoreContract(
  name: string,
  factory: () => Promise<StoreUnderTest>,
  { durable = true }: { durable?: boolean } = {},
): void {
  const itWhenDurable = itWhen(durable, 'a non-durable store promises nothing across close');
  describe(`${name} (FlagStore contract)`, () => {
    let subject: StoreUnderTest;
    let store: FlagStore;

    beforeEach(async () => {
      subject = await factory();
      store = subject.store;
    });
    afterEach(async () => {
      await subject.cleanup();
    });

    async function inserted(key: string, fields: FlagFields = ON): Promise<StoredRecord> {
      const result = await store.insert(key, fields, asCreate);
      if (result.status !== 'ok' || result.change.kind !== 'upsert') throw new Error(`insert ${key} failed`);
      return result.change.flag;
    }

    function changeOf(result: AnyWriteResult): FlagChange {
      if (result.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
      return result.change;
    }

    it('starts empty at revision 0 and answers ping', async () => {
      expect(await store.list('')).toEqual([]);
      expect(await store.currentRevision()).toBe(0);
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('insert creates the flag at version 1 with a revision and equal ISO timestamps', async () => {
      const result = await store.insert('checkout.v2', body(true, 'new checkout'), asCreate);
      if (result.status !== 'ok' || result.change.kind !== 'upsert') {
        throw new Error(`insert answered ${JSON.stringify(result)}`);
      }
      const { flag, revision, key } = result.change;
      expect(key).toBe('checkout.v2');
      expect(flag).toStrictEqual({
        key: 'checkout.v2',
        ...body(true, 'new checkout'),
        version: 1,
        revision,
        createdAt: flag.createdAt,
        updatedAt: flag.createdAt,
      });
      expect(revision).toBeGreaterThan(0);
      expect(flag.createdAt).toMatch(ISO_UTC);
      expect(await store.get('checkout.v2')).toStrictEqual(flag);
    });

    it('insert keeps an empty description and only the writable fields', async () => {
      const extra = { ...OFF, version: 99, revision: 99, key: 'other' } as unknown as FlagFields;
      const flag = await inserted('plain', extra);
      expect(flag).toMatchObject({ key: 'plain', ...OFF, version: 1 });
      expect(await store.get('plain')).toStrictEqual(flag);
      expect(await store.get('other')).toBeNull();
    });

    it('insert of an existing key answers exists and does not overwrite it', async () => {
      const original = await inserted('taken', ON);
      expect(await store.insert('taken', OFF, asCreate)).toEqual({ status: 'exists' });
      expect(await store.get('taken')).toStrictEqual(original);
    });

    it('get of a missing key answers null', async () => {
      expect(await store.get('nope')).toBeNull();
    });

    it('list returns every flag sorted by key, or those whose key starts with the prefix', async () => {
      for (const key of ['b.two', 'a.one', 'b.one', 'c', 'b']) await inserted(key);
      const keys = async (prefix: string) => (await store.list(prefix)).map((flag) => flag.key);
      expect(await keys('')).toEqual(['a.one', 'b', 'b.one', 'b.two', 'c']);
      expect(await keys('b')).toEqual(['b', 'b.one', 'b.two']);
      expect(await keys('b.')).toEqual(['b.one', 'b.two']);
      expect(await keys('b.one')).toEqual(['b.one']);
      expect(await keys('zzz')).toEqual([]);
      expect(await keys('one')).toEqual([]);
      expect(await store.list('a')).toStrictEqual([await store.get('a.one')]);
    });

    it('list treats regular-expression characters in the prefix literally', async () => {
      for (const key of ['a.b', 'aXb', 'a.b.c', 'a-b', 'a_b', 'a:b']) await inserted(key);
      const keys = async (prefix: string) => (await store.list(prefix)).map((flag) => flag.key);
      expect(await keys('a.')).toEqual(['a.b', 'a.b.c']);
      expect(await keys('a.b')).toEqual(['a.b', 'a.b.c']);
      expect(await keys('a-')).toEqual(['a-b']);
      expect(await keys('a_')).toEqual(['a_b']);
      expect(await keys('a:')).toEqual(['a:b']);
      expect(await keys('.*')).toEqual([]);
      expect(await keys('a.*')).toEqual([]);
    });

    it('update at the current version bumps version and revision, keeps createdAt', async () => {
      const before = await inserted('f', OFF);
      const change = changeOf(await store.update('f', 1, body(true, 'now on'), asUpdate));
      if (change.kind !== 'upsert') throw new Error('update answered a delete');
      expect(change.key).toBe('f');
      expect(change.revision).toBeGreaterThan(before.revision);
      expect(change.flag).toMatchObject({ key: 'f', ...body(true, 'now on'), version: 2 });
      expect(change.flag.revision).toBe(change.revision);
      expect(change.flag.createdAt).toBe(before.createdAt);
      expect(change.flag.updatedAt).toMatch(ISO_UTC);
      expect(change.flag.updatedAt >= before.updatedAt).toBe(true);
      expect(await store.get('f')).toStrictEqual(change.flag);
    });

    it('update with a stale version answers stale with the current version and changes nothing', async () => {
      await inserted('f', OFF);
      changeOf(await store.update('f', 1, ON, asUpdate));
      const current = await store.get('f');
      expect(await store.update('f', 1, OFF, asUpdate)).toEqual({ status: 'stale', currentVersion: 2 });
      expect(await store.update('f', 3, OFF, asUpdate)).toEqual({ status: 'stale', currentVersion: 2 });
      expect(await store.get('f')).toStrictEqual(current);
    });

    it('update and remove of a missing key answer missing', async () => {
      expect(await store.update('ghost', 1, ON, asUpdate)).toEqual({ status: 'missing' });
      expect(await store.remove('ghost', 1, asDelete)).toEqual({ status: 'missing' });
      expect(await store.remove('ghost', undefined, asDelete)).toEqual({ status: 'missing' });
      expect(await store.get('ghost')).toBeNull();
    });

    it('remove with a stale version answers stale and keeps the flag', async () => {
      await inserted('f');
      changeOf(await store.update('f', 1, OFF, asUpdate));
      const current = await store.get('f');
      expect(await store.remove('f', 1, asDelete)).toEqual({ status: 'stale', currentVersion: 2 });
      expect(await store.get('f')).toStrictEqual(current);
    });

    it('remove deletes the flag, reports the deleted version, and the key can be inserted again', async () => {
      await inserted('f');
      changeOf(await store.update('f', 1, OFF, asUpdate));
      const guarded = changeOf(await store.remove('f', 2, asDelete));
      expect(guarded).toMatchObject({ kind: 'delete', key: 'f', version: 2 });
      expect(await store.get('f')).toBeNull();
      expect(await store.list('')).toEqual([]);

      const again = await inserted('f', OFF);
      expect(again.version).toBe(1);
      expect(again.revision).toBeGreaterThan(guarded.revision);
      const unguarded = changeOf(await store.remove('f', undefined, asDelete));
      expect(unguarded).toMatchObject({ kind: 'delete', key: 'f', version: 1 });
      expect(unguarded.revision).toBeGreaterThan(again.revision);
    });

    it('revision strictly increases across every kind of write; currentRevision is never below a committed one', async () => {
      const revisions: number[] = [];
      // The promise is the weak one: the highest revision taken, which a losing write may have burned.
      const committed = async (result: AnyWriteResult) => {
        revisions.push(changeOf(result).revision);
        expect(await store.currentRevision()).toBeGreaterThanOrEqual(Math.max(...revisions));
      };
      await committed(await store.insert('a', ON, asCreate));
      await committed(await store.insert('b', ON, asCreate));
      await committed(await store.update('a', 1, OFF, asUpdate));
      await committed(await store.remove('b', 1, asDelete));
      // Writes that lose in between must not make a later revision go backwards.
      expect((await store.update('a', 1, ON, asUpdate)).status).toBe('stale');
      expect((await store.insert('a', ON, asCreate)).status).toBe('exists');
      expect((await store.remove('ghost', undefined, asDelete)).status).toBe('missing');
      await committed(await store.update('a', 2, ON, asUpdate));
      await committed(await store.remove('a', undefined, asDelete));
      await committed(await store.insert('c', ON, asCreate));
      for (let i = 1; i < revisions.length; i++) {
        expect(revisions[i]).toBeGreaterThan(revisions[i - 1] ?? Number.POSITIVE_INFINITY);
      }
      expect((await store.get('c'))?.revision).toBe(revisions.at(-1));
    });

    it('a deleted flag is gone for every read and write: get, list, update and remove answer as for a missing key', async () => {
      await inserted('gone', ON);
      await inserted('kept', OFF);
      changeOf(await store.update('gone', 1, OFF, asUpdate));
      changeOf(await store.remove('gone', 2, asDelete));
      expect(await store.get('gone')).toBeNull();
      expect((await store.list('')).map((flag) => flag.key)).toEqual(['kept']);
      expect(await store.list('gone')).toEqual([]);
      expect(await store.update('gone', 2, ON, asUpdate)).toEqual({ status: 'missing' });
      expect(await store.remove('gone', 2, asDelete)).toEqual({ status: 'missing' });
      expect(await store.remove('gone', undefined, asDelete)).toEqual({ status: 'missing' });
      expect(await store.get('gone')).toBeNull();
    });

    it('a key deleted and inserted again, even concurrently, ends with the insert above the delete', async () => {
      const changes: FlagChange[] = [];
      const keep = (result: AnyWriteResult) => {
        if (result.status === 'ok') changes.push(result.change);
      };
      keep(await store.insert('k', ON, asCreate));
      keep(await store.remove('k', undefined, asDelete));
      keep(await store.insert('k', OFF, asCreate));
      // Inserts and deletes of one key racing: each insert succeeds only on a free key and each delete
      // only on a live one, so in commit order they alternate. Listeners apply changes by revision, so
      // revision order must be that same order, and the last change by revision what the store holds.
      // Independent workers drift out of step, so inserts and deletes overlap at every phase.
      // A store that bounds its retries (MongoDB) may answer WRITE_CONFLICT when the other writers win
      // every attempt: that write committed nothing, and the order of the others must still hold.
      const committedOrConflict = async (write: Promise<AnyWriteResult>) => {
        try {
          keep(await write);
        } catch (err) {
          if ((err as { code?: unknown }).code !== 'WRITE_CONFLICT') throw err;
        }
      };
      const worker = async (w: number) => {
        for (let i = 0; i < 12; i++) {
          const fields = body(true, `w${w}.${i}`);
          await committedOrConflict(
            (w + i) % 2 === 0 ? store.insert('k', fields, asCreate) : store.remove('k', undefined, asDelete),
          );
        }
      };
      await Promise.all(Array.from({ length: 6 }, (_, w) => worker(w)));
      changes.sort((a, b) => a.revision - b.revision);
      changes.forEach((change, i) => {
        expect(`${i}: ${change.kind}`).toBe(`${i}: ${i % 2 === 0 ? 'upsert' : 'delete'}`);
      });
      const last = changes.at(-1);
      expect(await store.get('k')).toStrictEqual(last?.kind === 'upsert' ? last.flag : null);
    });

    it('of 20 concurrent updates at the same version exactly one wins; the rest are stale', async () => {
      await inserted('hot', OFF);
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.update('hot', 1, body(true, `w${i}`), asUpdate)),
      );
      const winners = results.filter((result) => result.status === 'ok');
      expect(winners).toHaveLength(1);
      expect(results.filter((result) => result.status === 'stale')).toHaveLength(19);
      for (const result of results) {
        if (result.status === 'stale') expect(result.currentVersion).toBe(2);
      }
      const flag = await store.get('hot');
      expect(flag?.version).toBe(2);
      const [winner] = winners;
      if (winner?.status === 'ok' && winner.change.kind === 'upsert') {
        expect(flag).toStrictEqual(winner.change.flag);
      }
    });

    it('of concurrent inserts of the same key exactly one wins; the rest answer exists', async () => {
      const results = await Promise.all(
        Array.from({ length: 10 }, (_, i) => store.insert('race', body(false, `i${i}`), asCreate)),
      );
      expect(results.filter((result) => result.status === 'ok')).toHaveLength(1);
      expect(results.filter((result) => result.status === 'exists')).toHaveLength(9);
      expect((await store.get('race'))?.version).toBe(1);
    });

    itWhenDurable('flags and the revision survive close and reopen; revisions keep increasing', async () => {
      if (!subject.reopen) throw new Error(`${name} is durable: its factory must give reopen`);
      await inserted('keep', ON);
      await inserted('gone', OFF);
      changeOf(await store.update('keep', 1, body(false, 'edited'), asUpdate));
      changeOf(await store.remove('gone', undefined, asDelete));
      const flags = await store.list('');
      const revision = await store.currentRevision();
      await store.close();

      store = await subject.reopen();
      expect(await store.list('')).toStrictEqual(flags);
      expect(await store.currentRevision()).toBe(revision);
      const next = await inserted('after');
      expect(next.revision).toBeGreaterThan(revision);
      const change = changeOf(await store.update('keep', 2, ON, asUpdate));
      expect(change.revision).toBeGreaterThan(next.revision);
      expect(await store.currentRevision()).toBeGreaterThanOrEqual(change.revision);
    });

    it('keeps segments written by the SegmentService beside flags: versioned, guarded, deleted; across reopen when durable', async () => {
      const snapshot = new FlagSnapshot();
      const segments = new SegmentService(
        store,
        { publish: async (change) => void snapshot.apply(change) },
        snapshot,
      );
      await inserted('flag.a', ON);
      const created = await segments.create(by, { key: 'beta', included: ['user-1'] });
      expect(created).toMatchObject({ key: segmentRecordKey('beta'), kind: 'segment', version: 1 });
      const { segment: replaced } = await segments.replace(
        by,
        'beta',
        { excluded: ['user-2'] },
        { expectedVersion: 1 },
      );
      expect(replaced.version).toBe(2);
      expect(replaced.definition).toMatchObject({ key: 'beta', included: [], excluded: ['user-2'] });
      await expect(segments.replace(by, 'beta', {}, { expectedVersion: 1 })).rejects.toMatchObject({
        code: 'VERSION_MISMATCH',
      });
      expect(await store.get(segmentRecordKey('beta'))).toStrictEqual(replaced);
      await segments.create(by, { key: 'gone' });
      await segments.remove(by, 'gone', 1);
      expect(await store.get(segmentRecordKey('gone'))).toBeNull();
      // One keyspace: the segment is a record like the flag, listed with everything.
      expect((await store.list('')).map((record) => record.key)).toEqual([
        segmentRecordKey('beta'),
        'flag.a',
      ]);
      if (!durable || !subject.reopen) return;
      await store.close();
      store = await subject.reopen();
      expect(await store.get(segmentRecordKey('beta'))).toStrictEqual(replaced);
    });

    describe('audit history', () => {
      describeAuditContract(() => ({ store, reopen: subject.reopen }), durable);
    });
  });
}
