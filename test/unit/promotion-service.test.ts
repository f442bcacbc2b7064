import { describe, expect, it } from '@jest/globals';
import type { AuditNote } from '../../src/audit/audit-entry.js';
import type { FlagFields } from '../../src/flags/flag.js';
import { FlagSnapshot } from '../../src/flags/flag-snapshot.js';
import { PromotionService } from '../../src/flags/promotion-service.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { asCreate, by } from '../support/audit.js';

const flag = (key: string, staging: boolean) => ({
  kind: 'flag' as const,
  definition: {
    key,
    description: '',
    type: 'boolean' as const,
    variants: { on: true, off: false },
    tags: [],
    environments: {
      production: {
        enabled: false,
        offVariant: 'off',
        prerequisites: [],
        targets: [],
        rules: [],
        fallthrough: { variant: 'on' },
      },
      staging: {
        enabled: staging,
        offVariant: 'off',
        prerequisites: [],
        targets: [],
        rules: [],
        fallthrough: { variant: 'on' },
      },
    },
  },
});

/** A memory store in which another writer changes `racedKey` just before the promotion's write to it. */
class RacedStore extends MemoryFlagStore {
  constructor(private readonly racedKey: string) {
    super();
  }
  override async update(key: string, expectedVersion: number, fields: FlagFields, note: AuditNote) {
    if (key === this.racedKey && note.action === 'promote') {
      const current = await this.get(key);
      if (current) await super.update(key, current.version, fields, { ...by, action: 'replace' });
    }
    return super.update(key, expectedVersion, fields, note);
  }
}

describe('PromotionService', () => {
  it('stops at a flag changed between the check and its write, naming it and the flags already promoted', async () => {
    const store = new RacedStore('b');
    const snapshot = new FlagSnapshot();
    for (const key of ['a', 'b', 'c']) {
      const result = await store.insert(key, flag(key, true), asCreate);
      if (result.status === 'ok') snapshot.apply(result.change);
    }
    // `staging` exists for validation's sake.
    const env = await store.insert(
      '$environment/staging',
      { kind: 'environment', definition: { key: 'staging', description: '' } },
      { ...by, action: 'environment-create' },
    );
    if (env.status === 'ok') snapshot.apply(env.change);
    const published: number[] = [];
    const promotions = new PromotionService(
      store,
      { publish: async (change) => void published.push(change.revision) },
      snapshot,
    );
    await expect(
      promotions.promote(by, {
        from: 'staging',
        to: 'production',
        flags: ['a', 'b', 'c'],
        dryRun: false,
        expectedVersions: { a: 1, b: 1, c: 1 },
      }),
    ).rejects.toMatchObject({
      code: 'VERSION_MISMATCH',
      details: { key: 'b', expectedVersion: 1, currentVersion: 2, promoted: ['a'] },
    });
    const page = await store.audit.query({ actions: ['promote'] }, 10);
    expect(page.entries.map((entry) => [entry.key, entry.from, entry.environments])).toEqual([
      ['a', 'staging', ['production']],
    ]);
    expect((await store.get('a'))?.version).toBe(2);
    expect((await store.get('c'))?.version).toBe(1);
    expect(published).toHaveLength(1);
  });
});
