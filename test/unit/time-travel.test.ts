import { describe, expect, it, jest } from '@jest/globals';
import type { AuditEntry } from '../../src/audit/audit-entry.js';
import { FlagEvaluator } from '../../src/evaluation/flag-evaluator.js';
import type { FlagChange } from '../../src/flags/flag.js';
import { FlagSnapshot } from '../../src/flags/flag-snapshot.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { recordsAt } from '../../src/history/past-records.js';
import { TimeTravel } from '../../src/history/time-travel.js';
import { asCreate, asDelete, asUpdate } from '../support/audit.js';
import { aFlag, legacyBody } from '../support/flags.js';

const OPTIONS = { maxChanges: 1000, memoStates: 4 };

/** A store and a snapshot fed by hand (so a test decides what the view holds and releases). */
function setup() {
  const store = new MemoryFlagStore();
  const snapshot = new FlagSnapshot();
  const history = new TimeTravel(snapshot, new FlagEvaluator(snapshot), store.audit, OPTIONS);
  const changes: FlagChange[] = [];
  const write = async (done: Promise<{ status: string; change?: FlagChange }>) => {
    const result = await done;
    if (result.status !== 'ok' || !result.change) throw new Error(`write ${result.status}`);
    changes.push(result.change);
    return result.change;
  };
  return { store, snapshot, history, changes, write };
}

const keysAt = async (history: TimeTravel, revision: number) =>
  (await history.stateAt({ revision })).records.list('').map((flag) => `${flag.key}@${flag.version}`);

describe('rebuilding the records at a revision from a view and the entries after it', () => {
  const entry = (revision: number, key: string, before: number | null, after: number | null): AuditEntry => {
    const state = (version: number | null) =>
      version === null
        ? null
        : {
            version,
            revision: revision - (after === version ? 0 : 1),
            createdAt: 't0',
            updatedAt: 't',
            definition: aFlag(key, 1).definition,
          };
    return {
      revision,
      at: 't',
      actor: 'a',
      action: 'replace',
      entity: 'flag',
      key,
      environments: [],
      comment: null,
      before: state(before),
      after: state(after),
    };
  };

  it('undoes each change above the target with its before, and redoes those at or below it with their after', () => {
    const current = [aFlag('a', 5, { version: 3 }), aFlag('c', 4, { version: 1 })];
    // Newest first: a 2->3 at 5, c created at 4, a 1->2 at 3, b deleted (v1) at 2.
    const entries = [
      entry(5, 'a', 2, 3),
      entry(4, 'c', null, 1),
      entry(3, 'a', 1, 2),
      entry(2, 'b', 1, null),
    ];
    const at = (target: number) =>
      recordsAt(current, entries, target)
        .map((record) => `${record.key}@${record.version}`)
        .sort();
    expect(at(5)).toEqual(['a@3', 'c@1']);
    expect(at(4)).toEqual(['a@2', 'c@1']);
    expect(at(3)).toEqual(['a@2']);
    expect(at(2)).toEqual(['a@1']);
    expect(at(1)).toEqual(['a@1', 'b@1']);
  });

  it('refuses entries out of revision order instead of answering a wrong state', () => {
    expect(() => recordsAt([], [entry(2, 'a', null, 1), entry(3, 'a', 1, 2)], 1)).toThrow(/out of order/);
  });
});

describe('TimeTravel', () => {
  it('answers the live view for a revision at or after the current one', async () => {
    const { snapshot, history, store, write } = setup();
    snapshot.apply(await write(store.insert('a', legacyBody('a'), asCreate)));
    const state = await history.stateAt({ revision: 99 });
    expect(state.live).toBe(true);
    expect(state.records).toBe(snapshot);
    expect(state.revision).toBe(1);
  });

  it('is exact when the view holds a change whose lower revisions have not arrived yet', async () => {
    const { snapshot, history, store, write } = setup();
    snapshot.holdUntilReleased();
    const first = await write(store.insert('a', legacyBody('a'), asCreate));
    const second = await write(store.insert('b', legacyBody('b'), asCreate));
    const third = await write(store.update('a', 1, legacyBody('a', true), asUpdate));
    // Concurrent writers: revision 2 arrived, 1 and 3 have not; nothing is released (exact through 0).
    snapshot.apply(second);
    expect(snapshot.releasedRevision).toBe(0);
    expect(await keysAt(history, 1)).toEqual(['a@1']);
    // Not final while revision 1 may still arrive: not kept.
    expect(history.keptStates).toBe(0);
    snapshot.apply(third);
    snapshot.apply(first);
    snapshot.release(3);
    expect(await keysAt(history, 2)).toEqual(['a@1', 'b@1']);
    expect(history.keptStates).toBe(1);
  });

  it('keeps rebuilt states by revision and answers a repeated read without reading the history again', async () => {
    const { snapshot, history, store, write } = setup();
    for (let i = 0; i < 5; i++)
      snapshot.apply(await write(store.insert(`f${i}`, legacyBody(`f${i}`), asCreate)));
    snapshot.apply(await write(store.remove('f0', undefined, asDelete)));
    const query = jest.spyOn(store.audit, 'query');
    const first = await history.stateAt({ revision: 2 });
    const reads = query.mock.calls.length;
    expect(reads).toBeGreaterThan(0);
    const again = await history.stateAt({ revision: 2 });
    expect(again).toBe(first);
    expect(query.mock.calls.length).toBe(reads);
    expect(first.records.list('').map((flag) => flag.key)).toEqual(['f0', 'f1']);
    // Bounded: the least recently used goes.
    for (const revision of [3, 4, 5, 1]) await history.stateAt({ revision });
    expect(history.keptStates).toBe(OPTIONS.memoStates);
    expect(await history.stateAt({ revision: 2 })).not.toBe(first);
  });

  it('steps back from the nearest state kept above the target: only the changes in between are read', async () => {
    const { snapshot, history, store, write } = setup();
    for (let i = 0; i < 6; i++)
      snapshot.apply(await write(store.insert(`f${i}`, legacyBody(`f${i}`), asCreate)));
    await history.stateAt({ revision: 4 });
    const query = jest.spyOn(store.audit, 'query');
    expect(await keysAt(history, 2)).toEqual(['f0@1', 'f1@1']);
    expect(query.mock.calls.map(([filter]) => filter)).toEqual([{ sinceRevision: 3, untilRevision: 4 }]);
  });

  it('maps a time to the last revision committed at or before it', async () => {
    let now = Date.parse('2030-01-01T00:00:00.000Z');
    const store = new MemoryFlagStore(() => {
      now += 1000;
      return new Date(now).toISOString();
    });
    const snapshot = new FlagSnapshot();
    const history = new TimeTravel(snapshot, new FlagEvaluator(snapshot), store.audit, OPTIONS);
    for (const key of ['a', 'b', 'c']) {
      const result = await store.insert(key, legacyBody(key), asCreate);
      if (result.status === 'ok') snapshot.apply(result.change);
    }
    // Entries at :01, :02, :03.
    const at = async (time: string) => (await history.stateAt({ time })).records.list('').map((f) => f.key);
    expect(await at('2030-01-01T00:00:00.500Z')).toEqual([]);
    expect(await at('2030-01-01T00:00:01.000Z')).toEqual(['a']);
    expect(await at('2030-01-01T00:00:02.999Z')).toEqual(['a', 'b']);
    expect((await history.stateAt({ time: '2031-01-01T00:00:00.000Z' })).live).toBe(true);
  });

  it('refuses a revision below the retention horizon, and a time before the oldest entry kept', async () => {
    const { snapshot, history, store, write } = setup();
    for (let i = 0; i < 5; i++)
      snapshot.apply(await write(store.insert(`f${i}`, legacyBody(`f${i}`), asCreate)));
    await store.purgeAudit({ maxAgeMs: 1e12, maxCount: 2 });
    const oldest = (await store.audit.oldestRetained()).oldest;
    const refusal = {
      code: 'AS_OF_BEYOND_RETENTION',
      details: { oldestRevision: 3, oldestTime: oldest?.at },
    };
    await expect(history.stateAt({ revision: 2 })).rejects.toMatchObject(refusal);
    expect(await keysAt(history, 3)).toEqual(['f0@1', 'f1@1', 'f2@1']);
    await expect(history.stateAt({ time: '2000-01-01T00:00:00.000Z' })).rejects.toMatchObject(refusal);
  });

  it('refuses a revision more than maxChanges changes back', async () => {
    const store = new MemoryFlagStore();
    const snapshot = new FlagSnapshot();
    const history = new TimeTravel(snapshot, new FlagEvaluator(snapshot), store.audit, {
      maxChanges: 3,
      memoStates: 0,
    });
    for (let i = 0; i < 5; i++) {
      const result = await store.insert(`f${i}`, legacyBody(`f${i}`), asCreate);
      if (result.status === 'ok') snapshot.apply(result.change);
    }
    await expect(history.stateAt({ revision: 1 })).rejects.toMatchObject({
      code: 'AS_OF_TOO_MANY_CHANGES',
      details: { maxChanges: 3 },
    });
    expect(await keysAt(history, 2)).toEqual(['f0@1', 'f1@1']);
  });
});
