import type { FlagDefinition } from '@flagwire/core';
import { expect, it } from '@jest/globals';
import type { AuditNote } from '../../src/audit/audit-entry.js';
import type { FlagChange, FlagFields } from '../../src/flags/flag.js';
import type { FlagStore, WriteResult } from '../../src/flags/store/flag-store.js';
import { allEntries, entryMatchesChange, historyProblems } from '../support/audit-check.js';
import { itWhen } from '../support/skip.js';
import { until } from '../support/sse.js';

const alice: AuditNote = { actor: 'alice', comment: 'ticket 42', action: 'create' };
const bob: AuditNote = { actor: 'bob', comment: null, action: 'replace' };

const config = (enabled: boolean, rules: unknown[] = []) => ({
  enabled,
  offVariant: 'off',
  prerequisites: [],
  targets: [],
  rules,
  fallthrough: { variant: 'on' },
});

/** A boolean flag configured in production and staging. */
function flagBody(key: string, production: boolean, staging: boolean, description = ''): FlagFields {
  const definition = {
    key,
    description,
    type: 'boolean',
    variants: { on: true, off: false },
    tags: [],
    environments: { production: config(production), staging: config(staging) },
  } as unknown as FlagDefinition;
  return { kind: 'flag', definition };
}

function ok(result: Awaited<ReturnType<FlagStore['insert']>> | WriteResult): FlagChange {
  if (result.status !== 'ok') throw new Error(`expected ok, got ${result.status}`);
  return result.change;
}

/** Waits until the clock has moved past `iso`, so the next entry is strictly later. */
async function after(iso: string): Promise<void> {
  await until(() => Date.now() > Date.parse(iso), 'the clock to move on');
}

/**
 * The audit history every FlagStore keeps (run by the FlagStore contract for each implementation):
 * an entry if and only if a change committed, exact, readable by filter, page and revision, and
 * trimmed by retention without breaking a reader.
 */
export function describeAuditContract(
  subject: () => { store: FlagStore; reopen?: (() => Promise<FlagStore>) | undefined },
  durable: boolean,
): void {
  const store = () => subject().store;
  /** Everything is written when a test reads: every revision up to the counter is settled. */
  const everything = async (s = store()) => allEntries(s.audit, await s.currentRevision());

  it('records exactly one entry per committed change, with who, why, what, before and after; refused writes record none', async () => {
    const s = store();
    const changes = [
      ok(await s.insert('a', flagBody('a', false, false), alice)),
      ok(await s.update('a', 1, flagBody('a', true, false), { ...bob, environment: 'production' })),
    ];
    // Refused: stale, exists, missing. None of these may leave an entry.
    expect((await s.update('a', 1, flagBody('a', false, false), bob)).status).toBe('stale');
    expect((await s.insert('a', flagBody('a', false, false), alice)).status).toBe('exists');
    expect((await s.remove('ghost', undefined, { ...bob, action: 'delete' })).status).toBe('missing');
    changes.push(ok(await s.remove('a', 2, { actor: 'carol', comment: 'cleanup', action: 'delete' })));

    const entries = await everything();
    expect(entries.map((entry) => entry.revision)).toEqual(changes.map((change) => change.revision));
    changes.forEach((change, i) => {
      expect(entryMatchesChange(entries[i], change)).toBe(true);
    });
    const [created, toggled, deleted] = entries;
    expect(created).toMatchObject({
      actor: 'alice',
      comment: 'ticket 42',
      action: 'create',
      entity: 'flag',
      key: 'a',
    });
    expect(created?.before).toBeNull();
    expect(created?.environments).toEqual(['production', 'staging']);
    expect(toggled).toMatchObject({
      actor: 'bob',
      comment: null,
      action: 'replace',
      environments: ['production'],
    });
    expect(toggled?.before).toEqual(created?.after);
    expect(deleted).toMatchObject({ actor: 'carol', action: 'delete', after: null });
    expect(deleted?.before).toEqual(toggled?.after);
    expect(Date.parse(created?.at ?? '')).toBeLessThanOrEqual(Date.parse(deleted?.at ?? ''));
  });

  it('names the environments a change concerns: the one addressed, else those whose configuration changed', async () => {
    const s = store();
    ok(await s.insert('f', flagBody('f', false, false), alice));
    ok(await s.update('f', 1, flagBody('f', false, true), bob));
    ok(await s.update('f', 2, flagBody('f', false, true, 'described'), bob));
    ok(
      await s.insert(
        '$segment/beta',
        {
          kind: 'segment',
          definition: { key: 'beta', description: '', included: [], excluded: [], rules: [] },
        },
        { ...alice, action: 'segment-create' },
      ),
    );
    ok(
      await s.insert(
        '$environment/qa',
        { kind: 'environment', definition: { key: 'qa', description: '' } },
        { ...alice, action: 'environment-create' },
      ),
    );
    const entries = await everything();
    expect(entries.map((entry) => [entry.entity, entry.key, entry.environments])).toEqual([
      ['flag', 'f', ['production', 'staging']],
      ['flag', 'f', ['staging']],
      ['flag', 'f', []],
      ['segment', 'beta', []],
      ['environment', 'qa', ['qa']],
    ]);
  });

  it('keeps entries exact under concurrent writers: every committed change has its entry, and the history replays to the state', async () => {
    const s = store();
    const committed: FlagChange[] = [];
    const keys = ['x', 'y', 'z'];
    const worker = async (w: number) => {
      for (let i = 0; i < 8; i++) {
        const key = keys[(w + i) % keys.length] as string;
        const note: AuditNote = { actor: `w${w}`, comment: `${i}`, action: 'replace' };
        try {
          const current = await s.get(key);
          const result =
            current === null
              ? await s.insert(key, flagBody(key, i % 2 === 0, false, `w${w}.${i}`), {
                  ...note,
                  action: 'create',
                })
              : i % 3 === 0
                ? await s.remove(key, current.version, { ...note, action: 'delete' })
                : await s.update(key, current.version, flagBody(key, i % 2 === 0, true, `w${w}.${i}`), note);
          if (result.status === 'ok') committed.push(result.change);
        } catch (err) {
          if ((err as { code?: unknown }).code !== 'WRITE_CONFLICT') throw err;
        }
      }
    };
    await Promise.all(Array.from({ length: 5 }, (_, w) => worker(w)));
    committed.sort((a, b) => a.revision - b.revision);
    const entries = await everything();
    expect(entries.map((entry) => entry.revision)).toEqual(committed.map((change) => change.revision));
    committed.forEach((change, i) => {
      expect(entryMatchesChange(entries[i], change)).toBe(true);
    });
    expect(historyProblems(entries, await s.list(''), keys)).toEqual([]);
  });

  it('answers a query newest first, filtered by entity and key, environment, actor, action, revision and time', async () => {
    const s = store();
    const a1 = ok(await s.insert('a', flagBody('a', false, false), alice));
    const b1 = ok(await s.insert('b', flagBody('b', false, false), { ...bob, action: 'create' }));
    const a2 = ok(
      await s.update('a', 1, flagBody('a', false, true), {
        ...bob,
        action: 'toggle',
        environment: 'staging',
      }),
    );
    const stamp = (await everything()).at(-1)?.at as string;
    await after(stamp);
    const b2 = ok(await s.remove('b', 1, { ...alice, action: 'delete' }));
    const revisions = async (filter: Parameters<FlagStore['audit']['query']>[0]) =>
      (await s.audit.query(filter, 50)).entries.map((entry) => entry.revision);

    expect(await revisions({})).toEqual([b2, a2, b1, a1].map((c) => c.revision));
    expect(await revisions({ entity: 'flag', key: 'a' })).toEqual([a2, a1].map((c) => c.revision));
    expect(await revisions({ environment: 'staging' })).toEqual([b2, a2, b1, a1].map((c) => c.revision));
    expect(await revisions({ environment: 'staging', actor: 'bob' })).toEqual(
      [a2, b1].map((c) => c.revision),
    );
    expect(await revisions({ actions: ['toggle', 'delete'] })).toEqual([b2, a2].map((c) => c.revision));
    expect(await revisions({ sinceRevision: b1.revision, untilRevision: a2.revision })).toEqual(
      [a2, b1].map((c) => c.revision),
    );
    expect(await revisions({ since: new Date(Date.parse(stamp) + 1).toISOString() })).toEqual([b2.revision]);
    expect(await revisions({ until: stamp })).toEqual([a2, b1, a1].map((c) => c.revision));
    expect(await revisions({ entity: 'segment' })).toEqual([]);
  });

  it('pages with an opaque cursor, stable while writes go on, and refuses a cursor issued for other filters', async () => {
    const s = store();
    const written: number[] = [];
    for (let i = 0; i < 7; i++)
      written.push(ok(await s.insert(`k${i}`, flagBody(`k${i}`, false, false), alice)).revision);
    const seen: number[] = [];
    let page = await s.audit.query({}, 3);
    for (;;) {
      seen.push(...page.entries.map((entry) => entry.revision));
      // Writes between pages take higher revisions: they never shift or repeat what a cursor pages through.
      ok(await s.insert(`late${seen.length}`, flagBody('late', false, false), bob));
      if (!page.nextCursor) break;
      page = await s.audit.query({}, 3, page.nextCursor);
    }
    expect(seen).toEqual([...written].reverse());
    expect(page.truncated).toBe(false);

    const first = await s.audit.query({ actor: 'alice' }, 2);
    await expect(s.audit.query({ actor: 'bob' }, 2, first.nextCursor as string)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'cursor' },
    });
    await expect(s.audit.query({}, 2, 'not-a-cursor')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });

  it('reads after any revision in revision order, resumable at `through`', async () => {
    const s = store();
    const revisions: number[] = [];
    for (let i = 0; i < 5; i++)
      revisions.push(ok(await s.insert(`r${i}`, flagBody(`r${i}`, false, false), alice)).revision);
    const settled = await s.currentRevision();
    const batch = await s.audit.readAfter(revisions[1] as number, 2, settled);
    expect(batch.entries.map((entry) => entry.revision)).toEqual(revisions.slice(2, 4));
    expect(batch.through).toBe(revisions[3]);
    const rest = await s.audit.readAfter(batch.through, 10, settled);
    expect(rest.entries.map((entry) => entry.revision)).toEqual(revisions.slice(4));
    expect(rest.through).toBeGreaterThanOrEqual(revisions[4] as number);
    expect((await s.audit.readAfter(rest.through, 10, settled)).entries).toEqual([]);
    expect(batch.truncated).toBe(false);
  });

  it('purges by count and by age, always a prefix in revision order, and says where the history now starts', async () => {
    const s = store();
    const changes: FlagChange[] = [];
    for (let i = 0; i < 6; i++) {
      changes.push(ok(await s.insert(`p${i}`, flagBody(`p${i}`, false, false), alice)));
      await after((await everything()).at(-1)?.at as string);
    }
    const keep = { maxAgeMs: 3_600_000, maxCount: 4 };
    expect(await s.purgeAudit(keep)).toEqual({ purged: 2, more: false });
    expect(await s.purgeAudit(keep)).toEqual({ purged: 0, more: false });
    const horizon = await s.audit.oldestRetained();
    expect(horizon.purgedThrough).toBe(changes[1]?.revision);
    expect(horizon.oldest?.revision).toBe(changes[2]?.revision);
    // By age: everything older than the fourth entry.
    const entries = await everything();
    const fourth = entries.find((entry) => entry.revision === changes[3]?.revision);
    const now = Date.parse(fourth?.at as string) + 60_000;
    expect(await s.purgeAudit({ maxAgeMs: 60_000, maxCount: 100 }, now)).toEqual({ purged: 1, more: false });
    expect((await everything()).map((entry) => entry.revision)).toEqual(
      changes.slice(3).map((c) => c.revision),
    );
    expect((await s.audit.oldestRetained()).purgedThrough).toBe(changes[2]?.revision);
  });

  it('ends a reader in the purged range cleanly: an empty page that says truncated, a batch that says so', async () => {
    const s = store();
    for (let i = 0; i < 6; i++) ok(await s.insert(`c${i}`, flagBody(`c${i}`, false, false), alice));
    const first = await s.audit.query({}, 2);
    const second = await s.audit.query({}, 2, first.nextCursor as string);
    expect(await s.purgeAudit({ maxAgeMs: 3_600_000, maxCount: 3 })).toMatchObject({ purged: 3 });
    // The cursor points below the horizon now: nothing skipped silently, nothing thrown.
    const third = await s.audit.query({}, 2, second.nextCursor as string);
    expect(third).toEqual({ entries: [], nextCursor: null, truncated: true });
    // A page that reaches the horizon says so; one whose filter starts above it does not.
    const all = await s.audit.query({}, 50);
    expect(all.truncated).toBe(true);
    const horizon = await s.audit.oldestRetained();
    expect((await s.audit.query({ sinceRevision: horizon.purgedThrough + 1 }, 50)).truncated).toBe(false);
    const batch = await s.audit.readAfter(0, 50, await s.currentRevision());
    expect(batch.truncated).toBe(true);
    expect(batch.entries.map((entry) => entry.revision)).toEqual(
      all.entries.map((e) => e.revision).reverse(),
    );
  });

  itWhen(durable, 'a non-durable store promises nothing across close')(
    'keeps its entries and its retention horizon across close and reopen',
    async () => {
      const { reopen } = subject();
      if (!reopen) throw new Error('a durable store gives reopen');
      const s = store();
      for (let i = 0; i < 4; i++) ok(await s.insert(`d${i}`, flagBody(`d${i}`, i % 2 === 0, false), alice));
      ok(await s.remove('d0', 1, { ...bob, action: 'delete' }));
      await s.purgeAudit({ maxAgeMs: 3_600_000, maxCount: 3 });
      const before = await everything(s);
      const horizon = await s.audit.oldestRetained();
      await s.close();
      const again = await reopen();
      expect(await everything(again)).toEqual(before);
      expect(await again.audit.oldestRetained()).toEqual(horizon);
      const next = ok(await again.insert('d9', flagBody('d9', false, false), alice));
      expect((await everything(again)).at(-1)?.revision).toBe(next.revision);
    },
  );
}
