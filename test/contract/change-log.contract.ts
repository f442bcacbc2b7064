import { afterEach, describe, expect, it } from '@jest/globals';
import type { ChangeLog } from '../../src/feed/change-log.js';
import type { FlagChange } from '../../src/flags/flag.js';
import { aFlag, upsertOf } from '../support/flags.js';

/** What a contract run needs from one implementation: a fresh, empty log per call. */
export interface LogUnderTest {
  log: ChangeLog;
  /** Closes the log and removes its data. */
  cleanup(): Promise<void>;
}

const T = '2024-01-01T00:00:00.000Z';

function upsert(revision: number, key = `k${revision}`): FlagChange {
  const fields = { isEnabled: revision % 2 === 0, description: `r${revision}`, createdAt: T, updatedAt: T };
  return upsertOf(aFlag(key, revision, fields));
}

const revisionsOf = (changes: FlagChange[] | null) => changes?.map((change) => change.revision) ?? null;

/** The behaviour every {@link ChangeLog} promises; each implementation's test file runs it once. */
export function describeChangeLogContract(
  name: string,
  factory: (options: { capacity?: number }) => Promise<LogUnderTest>,
): void {
  describe(`${name} (ChangeLog contract)`, () => {
    const subjects: LogUnderTest[] = [];
    afterEach(async () => {
      await Promise.all(subjects.splice(0).map((subject) => subject.cleanup()));
    });

    async function open(capacity?: number): Promise<ChangeLog> {
      const subject = await factory(capacity === undefined ? {} : { capacity });
      subjects.push(subject);
      return subject.log;
    }

    async function appended(log: ChangeLog, revisions: number[]): Promise<void> {
      for (const revision of revisions) await log.append(upsert(revision));
    }

    it('since answers null while the log covers nothing yet (no floor)', async () => {
      const log = await open();
      expect(await log.since(0)).toBeNull();
      expect(await log.since(100)).toBeNull();
    });

    it('after init(r), since answers [] from r on and null below r', async () => {
      const log = await open();
      await log.init(10);
      expect(await log.since(10)).toEqual([]);
      expect(await log.since(50)).toEqual([]);
      expect(await log.since(9)).toBeNull();
    });

    it('since(after) answers every change above after, oldest first, with its content intact', async () => {
      const log = await open();
      await log.init(10);
      const deleted: FlagChange = { kind: 'delete', key: 'k11', revision: 13, version: 4 };
      for (const change of [upsert(11), upsert(12), deleted]) await log.append(change);
      expect(await log.since(10)).toEqual([upsert(11), upsert(12), deleted]);
      expect(await log.since(11)).toEqual([upsert(12), deleted]);
      expect(await log.since(13)).toEqual([]);
    });

    it('init never lowers (nor moves) a floor already set', async () => {
      const log = await open();
      await log.init(10);
      await log.init(5);
      expect(await log.since(5)).toBeNull();
      await appended(log, [11, 12]);
      await log.init(20);
      expect(revisionsOf(await log.since(10))).toEqual([11, 12]);
    });

    it('an append to a log with no floor makes it cover from that change on', async () => {
      const log = await open();
      await log.append(upsert(7));
      expect(await log.since(6)).toEqual([upsert(7)]);
      expect(await log.since(5)).toBeNull();
      await log.init(3); // a floor exists now: init leaves it
      expect(await log.since(5)).toBeNull();
    });

    it('changes appended out of revision order read back sorted by revision', async () => {
      const log = await open();
      await log.init(0);
      await appended(log, [3, 1, 4, 2]);
      expect(revisionsOf(await log.since(0))).toEqual([1, 2, 3, 4]);
      expect(revisionsOf(await log.since(2))).toEqual([3, 4]);
    });

    it('a change appended late, below one already read, is found by the next read from the same point', async () => {
      // Two writers: revision 2 logged first, revision 1 (a slower writer) after a reader read past it.
      const log = await open();
      await log.init(0);
      await appended(log, [2]);
      expect(revisionsOf(await log.since(0))).toEqual([2]);
      await appended(log, [1]);
      expect(revisionsOf(await log.since(0))).toEqual([1, 2]);
      expect(await log.since(0)).toEqual([upsert(1), upsert(2)]);
    });

    it('the same revision appended twice is logged once', async () => {
      const log = await open();
      await log.init(0);
      await appended(log, [1, 2, 1]);
      expect(await log.since(0)).toEqual([upsert(1), upsert(2)]);
    });

    it('past capacity the oldest changes are dropped and the floor rises to the last one dropped', async () => {
      const log = await open(3);
      await log.init(0);
      await appended(log, [1, 2, 3, 4, 5]);
      expect(revisionsOf(await log.since(2))).toEqual([3, 4, 5]);
      expect(await log.since(1)).toBeNull();
      expect(await log.since(0)).toBeNull();
    });

    it('trimming after out-of-order appends drops the lowest revisions', async () => {
      const log = await open(2);
      await log.init(0);
      await appended(log, [3, 1, 2]);
      expect(revisionsOf(await log.since(1))).toEqual([2, 3]);
      expect(await log.since(0)).toBeNull();
    });

    it('a late append at or below the floor is not logged (the log never reaches below its floor)', async () => {
      const log = await open(2);
      await log.init(10);
      await appended(log, [9, 10, 11]);
      expect(revisionsOf(await log.since(10))).toEqual([11]);
      await appended(log, [12, 13]); // trims 11: floor 11
      await appended(log, [11]);
      expect(revisionsOf(await log.since(11))).toEqual([12, 13]);
    });
  });
}
