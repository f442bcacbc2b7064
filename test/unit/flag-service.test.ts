import { describe, expect, it } from '@jest/globals';
import { InProcessFeed } from '../../src/feed/in-process-feed.js';
import type { FlagChange, FlagFields } from '../../src/flags/flag.js';
import { FlagService } from '../../src/flags/flag-service.js';
import type { WriteResult } from '../../src/flags/store/flag-store.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';

function setup(store = new MemoryFlagStore()) {
  const feed = new InProcessFeed();
  const published: FlagChange[] = [];
  feed.subscribe((change) => published.push(change));
  return { store, feed, published, service: new FlagService(store, feed) };
}

/** A real store in which another writer gets in between this writer's read and its write, `times` times. */
class RacedStore extends MemoryFlagStore {
  constructor(private races: number) {
    super();
  }
  override async update(key: string, expectedVersion: number, fields: FlagFields): Promise<WriteResult> {
    if (this.races > 0) {
      this.races--;
      const current = await this.get(key);
      if (current)
        await super.update(key, current.version, { ...current, description: `racer ${this.races}` });
    }
    return super.update(key, expectedVersion, fields);
  }
}

describe('FlagService', () => {
  it('publishes exactly one change per committed write, with increasing revisions', async () => {
    const { service, published } = setup();
    await service.create({ key: 'a', isEnabled: true });
    await service.toggle('a');
    await service.update('a', { description: 'x' });
    await service.upsert({ key: 'a', isEnabled: true });
    await service.remove('a');
    expect(published.map((c) => c.kind)).toEqual(['upsert', 'upsert', 'upsert', 'upsert', 'delete']);
    expect(published.map((c) => c.revision)).toEqual([1, 2, 3, 4, 5]);
  });

  it('creates with defaults and refuses to create a key twice', async () => {
    const { service, published } = setup();
    const flag = await service.create({ key: 'beta.checkout' });
    expect(flag).toMatchObject({
      key: 'beta.checkout',
      isEnabled: false,
      description: '',
      version: 1,
      revision: 1,
    });
    await expect(service.create({ key: 'beta.checkout', isEnabled: true })).rejects.toMatchObject({
      code: 'FLAG_ALREADY_EXISTS',
    });
    expect(published).toHaveLength(1);
  });

  it('upsert creates, then updates only the fields given', async () => {
    const { service } = setup();
    expect(await service.upsert({ key: 'k', isEnabled: true, description: 'first' })).toMatchObject({
      created: true,
      flag: { isEnabled: true, description: 'first', version: 1 },
    });
    expect(await service.upsert({ key: 'k', isEnabled: false })).toMatchObject({
      created: false,
      flag: { isEnabled: false, description: 'first', version: 2 },
    });
  });

  it('an unconditional update re-reads and retries when another writer got in first, losing neither write', async () => {
    const { service } = setup(new RacedStore(2));
    await service.create({ key: 'k' });
    const flag = await service.toggle('k');
    // Two racers each bumped the version; our toggle landed on top of the latest.
    expect(flag).toMatchObject({ isEnabled: true, version: 4, description: 'racer 0' });
  });

  it('gives up with WRITE_CONFLICT when other writers win every attempt', async () => {
    const store = new RacedStore(100);
    const { service } = setup(store);
    await service.create({ key: 'k' });
    await expect(service.toggle('k')).rejects.toMatchObject({ code: 'WRITE_CONFLICT' });
    expect((await store.get('k'))?.isEnabled).toBe(false);
  });

  it('a conditional write with a stale expected version fails with VERSION_MISMATCH and changes nothing', async () => {
    const { service, store, published } = setup();
    await service.create({ key: 'k' });
    await service.toggle('k', 1);
    await expect(service.toggle('k', 1)).rejects.toMatchObject({
      code: 'VERSION_MISMATCH',
      details: { expectedVersion: 1, currentVersion: 2 },
    });
    await expect(service.remove('k', 1)).rejects.toMatchObject({ code: 'VERSION_MISMATCH' });
    expect(await store.get('k')).toMatchObject({ version: 2, isEnabled: true });
    expect(published).toHaveLength(2);
  });

  it('refuses bad input before touching the store', async () => {
    const { service, store, published } = setup();
    const bad: Array<() => Promise<unknown>> = [
      () => service.create({ key: '' }),
      () => service.create({ key: '-starts-with-dash' }),
      () => service.create({ key: 'has space' }),
      () => service.create({ key: 'x'.repeat(129) }),
      () => service.create({ key: 'ok', description: 'x'.repeat(1001) }),
      () => service.create({ key: 'ok', description: 'bell\u0007' }),
      () => service.create({ key: 'ok', description: 'lone \ud800 surrogate' }),
      () => service.create({ key: 'ok', isEnabled: 'yes' as unknown as boolean }),
      () => service.toggle('ok', 0),
      () => service.toggle('ok', 1.5),
    ];
    for (const attempt of bad) await expect(attempt()).rejects.toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(await store.list('')).toEqual([]);
    expect(published).toEqual([]);
  });

  it('accepts every character the key rules allow', async () => {
    const { service } = setup();
    const key = `A1.b_c-d:e${'z'.repeat(118)}`;
    expect(key).toHaveLength(128);
    await expect(service.create({ key })).resolves.toMatchObject({ key });
  });

  it('answers FLAG_NOT_FOUND for writes to a missing flag', async () => {
    const { service } = setup();
    await expect(service.update('nope', { isEnabled: true })).rejects.toMatchObject({
      code: 'FLAG_NOT_FOUND',
    });
    await expect(service.toggle('nope')).rejects.toMatchObject({ code: 'FLAG_NOT_FOUND' });
    await expect(service.remove('nope')).rejects.toMatchObject({ code: 'FLAG_NOT_FOUND' });
  });
});
