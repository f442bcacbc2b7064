import { describe, expect, it } from '@jest/globals';
import type { AuditNote } from '../../src/audit/audit-entry.js';
import { InProcessFeed } from '../../src/feed/in-process-feed.js';
import type { FlagChange, FlagFields } from '../../src/flags/flag.js';
import { FlagService } from '../../src/flags/flag-service.js';
import { FlagSnapshot } from '../../src/flags/flag-snapshot.js';
import type { WriteResult } from '../../src/flags/store/flag-store.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { asCreate, asDelete, asUpdate, by } from '../support/audit.js';
import { body, isEnabledOf, seen } from '../support/flags.js';

function setup(store = new MemoryFlagStore()) {
  const feed = new InProcessFeed();
  const published: FlagChange[] = [];
  feed.subscribe((change) => published.push(change));
  return { store, feed, published, service: new FlagService(store, feed, new FlagSnapshot()) };
}

/** A real store in which another writer gets in between this writer's read and its write, `times` times. */
class RacedStore extends MemoryFlagStore {
  constructor(private races: number) {
    super();
  }
  override async update(
    key: string,
    expectedVersion: number,
    fields: FlagFields,
    note: AuditNote,
  ): Promise<WriteResult> {
    if (this.races > 0) {
      this.races--;
      const current = await this.get(key);
      if (current?.kind === 'flag') {
        const definition = { ...current.definition, description: `racer ${this.races}` };
        await super.update(key, current.version, { kind: 'flag', definition }, asUpdate);
      }
    }
    return super.update(key, expectedVersion, fields, note);
  }
}

/** A real store in which another writer creates the key between this writer's read and its insert, once. */
class CreateRacedStore extends MemoryFlagStore {
  private raced = false;
  override async insert(key: string, fields: FlagFields, note: AuditNote) {
    if (!this.raced) {
      this.raced = true;
      await super.insert(key, body(false, 'created by the racer'), asCreate);
    }
    return super.insert(key, fields, note);
  }
}

/** A real store in which another writer deletes the flag between this writer's read and its update. */
class DeleteRacedStore extends MemoryFlagStore {
  override async update(
    key: string,
    expectedVersion: number,
    fields: FlagFields,
    note: AuditNote,
  ): Promise<WriteResult> {
    await super.remove(key, undefined, asDelete);
    return super.update(key, expectedVersion, fields, note);
  }
}

describe('FlagService', () => {
  it('publishes exactly one change per committed write, with increasing revisions', async () => {
    const { service, published } = setup();
    await service.create(by, { key: 'a', isEnabled: true });
    await service.toggle(by, 'a');
    await service.update(by, 'a', { description: 'x' });
    await service.upsert(by, { key: 'a', isEnabled: true });
    await service.remove(by, 'a');
    expect(published.map((c) => c.kind)).toEqual(['upsert', 'upsert', 'upsert', 'upsert', 'delete']);
    expect(published.map((c) => c.revision)).toEqual([1, 2, 3, 4, 5]);
  });

  it('creates with defaults and refuses to create a key twice', async () => {
    const { service, published } = setup();
    const flag = await service.create(by, { key: 'beta.checkout' });
    expect(seen(flag)).toMatchObject({
      key: 'beta.checkout',
      isEnabled: false,
      description: '',
      version: 1,
      revision: 1,
    });
    await expect(service.create(by, { key: 'beta.checkout', isEnabled: true })).rejects.toMatchObject({
      code: 'FLAG_ALREADY_EXISTS',
    });
    expect(published).toHaveLength(1);
  });

  it('upsert creates, then updates only the fields given', async () => {
    const { service } = setup();
    expect(seen(await service.upsert(by, { key: 'k', isEnabled: true, description: 'first' }))).toMatchObject(
      {
        created: true,
        flag: { isEnabled: true, description: 'first', version: 1 },
      },
    );
    expect(seen(await service.upsert(by, { key: 'k', isEnabled: false }))).toMatchObject({
      created: false,
      flag: { isEnabled: false, description: 'first', version: 2 },
    });
  });

  it('an unconditional update re-reads and retries when another writer got in first, losing neither write', async () => {
    const { service } = setup(new RacedStore(2));
    await service.create(by, { key: 'k' });
    const flag = await service.toggle(by, 'k');
    // Two racers each bumped the version; our toggle landed on top of the latest.
    expect(seen(flag)).toMatchObject({ isEnabled: true, version: 4, description: 'racer 0' });
  });

  it('gives up with WRITE_CONFLICT when other writers win every attempt', async () => {
    const store = new RacedStore(100);
    const { service } = setup(store);
    await service.create(by, { key: 'k' });
    await expect(service.toggle(by, 'k')).rejects.toMatchObject({ code: 'WRITE_CONFLICT' });
    expect(isEnabledOf(await store.get('k'))).toBe(false);
  });

  it('a conditional write with a stale expected version fails with VERSION_MISMATCH and changes nothing', async () => {
    const { service, store, published } = setup();
    await service.create(by, { key: 'k' });
    await service.toggle(by, 'k', 1);
    await expect(service.toggle(by, 'k', 1)).rejects.toMatchObject({
      code: 'VERSION_MISMATCH',
      details: { expectedVersion: 1, currentVersion: 2 },
    });
    await expect(service.remove(by, 'k', 1)).rejects.toMatchObject({ code: 'VERSION_MISMATCH' });
    expect(seen(await store.get('k'))).toMatchObject({ version: 2, isEnabled: true });
    expect(published).toHaveLength(2);
  });

  it('refuses bad input before touching the store', async () => {
    const { service, store, published } = setup();
    const bad: Array<() => Promise<unknown>> = [
      () => service.create(by, { key: '' }),
      () => service.create(by, { key: '-starts-with-dash' }),
      () => service.create(by, { key: 'has space' }),
      () => service.create(by, { key: 'x'.repeat(129) }),
      () => service.create(by, { key: 'ok', description: 'x'.repeat(1001) }),
      () => service.create(by, { key: 'ok', description: 'bell\u0007' }),
      () => service.create(by, { key: 'ok', description: 'lone \ud800 surrogate' }),
      () => service.create(by, { key: 'ok', isEnabled: 'yes' as unknown as boolean }),
      () => service.toggle(by, 'ok', 0),
      () => service.toggle(by, 'ok', 1.5),
    ];
    for (const attempt of bad) await expect(attempt()).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await store.list('')).toEqual([]);
    expect(published).toEqual([]);
  });

  it('accepts every character the key rules allow', async () => {
    const { service } = setup();
    const key = `A1.b_c-d:e${'z'.repeat(118)}`;
    expect(key).toHaveLength(128);
    await expect(service.create(by, { key })).resolves.toMatchObject({ key });
  });

  it('answers FLAG_NOT_FOUND for writes to a missing flag', async () => {
    const { service } = setup();
    await expect(service.update(by, 'nope', { isEnabled: true })).rejects.toMatchObject({
      code: 'FLAG_NOT_FOUND',
    });
    await expect(service.toggle(by, 'nope')).rejects.toMatchObject({ code: 'FLAG_NOT_FOUND' });
    await expect(service.remove(by, 'nope')).rejects.toMatchObject({ code: 'FLAG_NOT_FOUND' });
  });

  it('upsert creates with the defaults for the fields left out', async () => {
    const { service } = setup();
    expect(seen(await service.upsert(by, { key: 'bare' }))).toMatchObject({
      created: true,
      flag: { key: 'bare', isEnabled: false, description: '', version: 1 },
    });
  });

  it("upsert that loses the race to create the key updates the racer's flag instead, keeping its other fields", async () => {
    const { service, published } = setup(new CreateRacedStore());
    expect(seen(await service.upsert(by, { key: 'k', isEnabled: true }))).toMatchObject({
      created: false,
      flag: { isEnabled: true, description: 'created by the racer', version: 2 },
    });
    // The racer's create went to the store directly: our one write is the one we published.
    expect(published.map((c) => c.revision)).toEqual([2]);
  });

  it('upsert gives up with WRITE_CONFLICT when other writers win every attempt', async () => {
    const store = new RacedStore(100);
    const { service } = setup(store);
    await service.create(by, { key: 'k' });
    await expect(service.upsert(by, { key: 'k', isEnabled: true })).rejects.toMatchObject({
      code: 'WRITE_CONFLICT',
      message: "Flag 'k' kept changing under 5 attempts; retry",
    });
    expect(isEnabledOf(await store.get('k'))).toBe(false);
  });

  it('an unconditional write gets as many attempts as configured, the last one included', async () => {
    const writes = {
      toggle: (service: FlagService) => service.toggle(by, 'k'),
      upsert: async (service: FlagService) => (await service.upsert(by, { key: 'k', isEnabled: true })).flag,
    };
    for (const [name, write] of Object.entries(writes)) {
      // Four racers win the first four attempts; the fifth and last is ours.
      const lastWins = setup(new RacedStore(4)).service;
      await lastWins.create(by, { key: 'k' });
      expect({ name, flag: seen(await write(lastWins)) }).toMatchObject({
        name,
        flag: { isEnabled: true, version: 6 },
      });
      // Five racers: no attempt left.
      const allLost = setup(new RacedStore(5)).service;
      await allLost.create(by, { key: 'k' });
      await expect(write(allLost)).rejects.toMatchObject({ code: 'WRITE_CONFLICT' });
    }
  });

  it('update changes only the fields given', async () => {
    const { service } = setup();
    await service.create(by, { key: 'k', isEnabled: true, description: 'kept' });
    expect(seen(await service.update(by, 'k', { isEnabled: false }))).toMatchObject({
      isEnabled: false,
      description: 'kept',
      version: 2,
    });
    expect(seen(await service.update(by, 'k', { description: 'new' }))).toMatchObject({
      isEnabled: false,
      description: 'new',
      version: 3,
    });
  });

  it("a conditional write that loses the race between its read and its write is a VERSION_MISMATCH at once, naming the winner's version", async () => {
    const { service, store } = setup(new RacedStore(1));
    await service.create(by, { key: 'k' });
    await expect(service.toggle(by, 'k', 1)).rejects.toMatchObject({
      code: 'VERSION_MISMATCH',
      details: { expectedVersion: 1, currentVersion: 2 },
    });
    expect(seen(await store.get('k'))).toMatchObject({
      version: 2,
      isEnabled: false,
      description: 'racer 0',
    });
  });

  it('a write to a flag deleted between its read and its write answers FLAG_NOT_FOUND, with or without an expected version', async () => {
    const { service } = setup(new DeleteRacedStore());
    await service.create(by, { key: 'a' });
    await expect(service.update(by, 'a', { isEnabled: true })).rejects.toMatchObject({
      code: 'FLAG_NOT_FOUND',
    });
    await service.create(by, { key: 'b' });
    await expect(service.toggle(by, 'b', 1)).rejects.toMatchObject({ code: 'FLAG_NOT_FOUND' });
  });

  it('remove answers what was deleted: the key, its last version and the revision of the delete', async () => {
    const { service, published } = setup();
    await service.create(by, { key: 'k' });
    await service.toggle(by, 'k');
    expect(await service.remove(by, 'k', 2)).toEqual({ key: 'k', version: 2, revision: 3 });
    expect(published.at(-1)).toEqual({ kind: 'delete', key: 'k', version: 2, revision: 3 });
  });

  it('a remove with a stale expected version names the expected and the current version', async () => {
    const { service } = setup();
    await service.create(by, { key: 'k' });
    await service.toggle(by, 'k');
    await expect(service.remove(by, 'k', 1)).rejects.toMatchObject({
      code: 'VERSION_MISMATCH',
      details: { key: 'k', expectedVersion: 1, currentVersion: 2 },
    });
  });

  it('current() reads the store itself, after checking the key', async () => {
    const { service, store } = setup();
    expect(await service.current('k')).toBeNull();
    await store.insert('k', body(true, 'written behind any cache'), asCreate);
    expect(seen(await service.current('k'))).toMatchObject({ key: 'k', isEnabled: true });
    await expect(service.current('bad key')).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
  });
});
