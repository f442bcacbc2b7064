import {
  evaluate,
  type FlagDefinition,
  fromLegacyFlag,
  MAX_PREREQUISITE_DEPTH,
  MAX_PREREQUISITES,
  validateFlag,
} from '@flagwire/core';
import { describe, expect, it } from '@jest/globals';

/**
 * A wide diamond chain: `top` requires every flag of level 1, and every flag of level i requires every
 * flag of level i + 1. Without memoising, one evaluation of `top` walks every path: width^depth
 * evaluations (20^7 = 1.28 billion here); with it, each flag once.
 */
function diamond(width: number, depth: number): Map<string, FlagDefinition> {
  const flags = new Map<string, FlagDefinition>();
  const level = (i: number) => Array.from({ length: width }, (_, j) => `l${i}.f${j}`);
  const withPrerequisites = (key: string, below: string[]): FlagDefinition => {
    const flag = fromLegacyFlag({ key, isEnabled: true });
    const production = flag.environments.production;
    if (production !== undefined)
      production.prerequisites = below.map((name) => ({ flag: name, variants: ['on'] }));
    return flag;
  };
  for (let i = depth; i >= 1; i--) {
    for (const key of level(i)) flags.set(key, withPrerequisites(key, i < depth ? level(i + 1) : []));
  }
  flags.set('top', withPrerequisites('top', level(1)));
  return flags;
}

describe('prerequisites shared by several flags (a diamond)', () => {
  it('are each evaluated once per evaluation, so a wide diamond chain of valid depth costs its number of flags, not its number of paths', () => {
    const width = MAX_PREREQUISITES;
    const depth = MAX_PREREQUISITE_DEPTH - 1;
    const flags = diamond(width, depth);
    // The chain is one validation accepts: the promise is about definitions that can be stored.
    const top = flags.get('top') as FlagDefinition;
    expect(validateFlag(top, { flags: (key) => flags.get(key), segments: () => false })).toMatchObject({
      ok: true,
    });
    let lookups = 0;
    const lookup = (key: string) => {
      lookups++;
      // A walk of every path would take hours; stop it early (a throwing lookup answers GENERAL).
      if (lookups > 100_000) throw new Error('prerequisites are walked path by path');
      return flags.get(key);
    };
    const result = evaluate(top, 'production', { targetingKey: 'u' }, { defaultValue: false, flags: lookup });
    expect(result).toMatchObject({ value: true, variant: 'on', reason: 'DEFAULT' });
    expect(lookups).toBe(width * depth);
  });

  it('are evaluated afresh by the next evaluation (results are remembered within one only)', () => {
    const flags = diamond(3, 3);
    const top = flags.get('top') as FlagDefinition;
    let lookups = 0;
    const lookup = (key: string) => {
      lookups++;
      return flags.get(key);
    };
    evaluate(top, 'production', { targetingKey: 'u' }, { defaultValue: false, flags: lookup });
    evaluate(top, 'production', { targetingKey: 'u' }, { defaultValue: false, flags: lookup });
    expect(lookups).toBe(2 * 3 * 3);
  });
});
