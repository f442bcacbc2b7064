import { describe, expect, it } from '@jest/globals';
import type { AuditNote } from '../../src/audit/audit-entry.js';
import { InProcessFeed } from '../../src/feed/in-process-feed.js';
import type { FlagFields } from '../../src/flags/flag.js';
import { FlagService } from '../../src/flags/flag-service.js';
import { FlagSnapshot } from '../../src/flags/flag-snapshot.js';
import type { WriteResult } from '../../src/flags/store/flag-store.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { asUpdate, by } from '../support/audit.js';

/** A real store in which another writer changes the description between this writer's read and its write. */
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

function serviceOver(store: MemoryFlagStore): FlagService {
  return new FlagService(store, new InProcessFeed(), new FlagSnapshot());
}

const BETA_RULE = {
  id: 'beta',
  clauses: [{ attribute: 'plan', op: 'in', values: ['beta'] }],
  serve: { variant: 'on' },
};
const HALF = {
  weights: [
    { variant: 'on', weight: 1 },
    { variant: 'off', weight: 1 },
  ],
};

describe('FlagService targeting writes (setRules, setRollout)', () => {
  it('setRules without an expected version re-reads and retries, keeping what the other writers wrote', async () => {
    const store = new RacedStore(2);
    const service = serviceOver(store);
    await service.create(by, { key: 'k' });
    const flag = await service.setRules(by, 'k', 'production', [BETA_RULE]);
    expect(flag.version).toBe(4);
    expect(flag.definition.description).toBe('racer 0');
    expect(flag.definition.environments.production?.rules).toEqual([
      { ...BETA_RULE, clauses: [{ ...BETA_RULE.clauses[0], negate: false }] },
    ]);
  });

  it('setRollout with an expected version that loses the race is a VERSION_MISMATCH at once, changing nothing of ours', async () => {
    const store = new RacedStore(1);
    const service = serviceOver(store);
    await service.create(by, { key: 'k' });
    await expect(service.setRollout(by, 'k', 'production', null, HALF, 1)).rejects.toMatchObject({
      code: 'VERSION_MISMATCH',
      details: { expectedVersion: 1, currentVersion: 2 },
    });
    const stored = await store.get('k');
    expect(stored?.kind === 'flag' && stored.definition.environments.production?.fallthrough).toEqual({
      variant: 'on',
    });
  });

  it('setRollout without an expected version lands on top of the latest version', async () => {
    const service = serviceOver(new RacedStore(1));
    await service.create(by, { key: 'k' });
    const flag = await service.setRollout(by, 'k', 'production', null, HALF);
    expect(flag.version).toBe(3);
    expect(flag.definition.environments.production?.fallthrough).toEqual({ rollout: HALF });
  });

  it('validates the written document like replace: a refusal names the path and stores nothing', async () => {
    const store = new MemoryFlagStore();
    const service = serviceOver(store);
    await service.create(by, { key: 'k' });
    await expect(
      service.setRules(by, 'k', 'production', [{ ...BETA_RULE, serve: { variant: 'gold' } }]),
    ).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'environments.production.rules[0].serve.variant' },
    });
    await expect(service.setRollout(by, 'k', 'production', 'missing', HALF)).rejects.toMatchObject({
      code: 'VALIDATION_FAILED',
      details: { field: 'ruleId' },
    });
    expect((await store.get('k'))?.version).toBe(1);
  });

  it('refuses an environment that does not exist before reading the flag', async () => {
    const service = serviceOver(new MemoryFlagStore());
    await expect(service.setRules(by, 'k', 'staging', [])).rejects.toMatchObject({
      code: 'ENVIRONMENT_NOT_FOUND',
      details: { environment: 'staging' },
    });
  });
});
