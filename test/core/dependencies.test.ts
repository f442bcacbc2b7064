import {
  affectedFlags,
  decisionMetadata,
  FlagDefinition,
  type FlagDefinitionInput,
  prerequisitesOf,
  segmentsNamedBy,
} from '@flagwire/core';
import { describe, expect, it } from '@jest/globals';

type EnvInput = NonNullable<FlagDefinitionInput['environments']>[string];

/** A boolean flag with these environments (each on, off variant `off`, fallthrough `on` unless given). */
function flag(key: string, environments: Record<string, Partial<EnvInput>> = {}): FlagDefinition {
  const filled: Record<string, EnvInput> = {};
  for (const [name, env] of Object.entries(environments))
    filled[name] = { enabled: true, offVariant: 'off', fallthrough: { variant: 'on' }, ...env };
  return FlagDefinition.parse({
    key,
    type: 'boolean',
    variants: { on: true, off: false },
    environments: filled,
  });
}

const inSegments = (...segments: string[]) => ({
  rules: [{ clauses: [{ op: 'segmentMatch' as const, values: segments }], serve: { variant: 'on' } }],
});
const requires = (...flags: string[]) => ({
  prerequisites: flags.map((key) => ({ flag: key, variants: ['on'] })),
});

describe('what a flag depends on (dependencies.ts)', () => {
  it('segmentsNamedBy and prerequisitesOf read every environment', () => {
    const definition = flag('f', {
      production: { ...inSegments('beta', 'staff'), ...requires('a') },
      staging: { ...inSegments('qa'), ...requires('b', 'a') },
    });
    expect([...segmentsNamedBy(definition)].sort()).toEqual(['beta', 'qa', 'staff']);
    expect([...prerequisitesOf(definition)].sort()).toEqual(['a', 'b']);
    expect(segmentsNamedBy(flag('plain', { production: {} })).size).toBe(0);
  });

  const flags = [
    flag('member', { production: inSegments('beta') }),
    flag('staging-member', { staging: inSegments('qa') }),
    flag('child', { production: requires('member') }),
    flag('grandchild', { production: requires('child') }),
    flag('bystander', { production: {} }),
    flag('loop-a', { production: requires('loop-b') }),
    flag('loop-b', { production: requires('loop-a') }),
  ];

  it('a changed flag names itself and, transitively, every flag requiring it', () => {
    expect(affectedFlags(flags, ['member'], [])).toEqual(['child', 'grandchild', 'member']);
    expect(affectedFlags(flags, ['grandchild'], [])).toEqual(['grandchild']);
    expect(affectedFlags(flags, ['bystander'], [])).toEqual(['bystander']);
  });

  it('a changed segment names the flags whose rules name it, in any environment, and their dependents', () => {
    expect(affectedFlags(flags, [], ['beta'])).toEqual(['child', 'grandchild', 'member']);
    expect(affectedFlags(flags, [], ['qa'])).toEqual(['staging-member']);
    expect(affectedFlags(flags, [], ['unused'])).toEqual([]);
  });

  it('a deleted flag (no longer held) is named, with the flags still requiring it; a cycle ends', () => {
    const held = flags.filter((f) => f.key !== 'member');
    expect(affectedFlags(held, ['member'], [])).toEqual(['child', 'grandchild', 'member']);
    expect(affectedFlags(flags, ['loop-a'], [])).toEqual(['loop-a', 'loop-b']);
  });
});

describe('decisionMetadata', () => {
  it('says what decided, with the rule, target or prerequisite', () => {
    expect(decisionMetadata(undefined)).toEqual({});
    expect(decisionMetadata({ kind: 'fallthrough' })).toEqual({ decidedBy: 'fallthrough' });
    expect(decisionMetadata({ kind: 'rule', index: 2, id: 'pro' })).toEqual({
      decidedBy: 'rule',
      ruleIndex: 2,
      ruleId: 'pro',
    });
    expect(decisionMetadata({ kind: 'rule', index: 0 })).toEqual({ decidedBy: 'rule', ruleIndex: 0 });
    expect(decisionMetadata({ kind: 'target', index: 1 })).toEqual({ decidedBy: 'target', targetIndex: 1 });
    expect(
      decisionMetadata({
        kind: 'prerequisite',
        flag: 'gate',
        index: 0,
        variants: ['on'],
        reason: 'DISABLED',
      }),
    ).toEqual({ decidedBy: 'prerequisite', prerequisite: 'gate' });
  });
});
