import { type FlagDefinition, fromLegacyFlag, MAX_PREREQUISITE_DEPTH, validateFlag } from '@flagwire/core';
import { describe, expect, it } from '@jest/globals';
import { storeContext } from './support.js';

/** A boolean flag whose `env` requires each of `prerequisites` to serve `on`. */
function flag(key: string, prerequisites: string[] = [], env = 'production'): FlagDefinition {
  const def = fromLegacyFlag({ key, isEnabled: true });
  const config = def.environments.production;
  if (config === undefined) throw new Error('no production');
  def.environments = {
    [env]: { ...config, prerequisites: prerequisites.map((p) => ({ flag: p, variants: ['on'] })) },
  };
  return def;
}

function issuesOf(result: ReturnType<typeof validateFlag>) {
  return result.ok ? [] : result.issues.map(({ path, code, message }) => ({ path, code, message }));
}

/** key-0 <- key-1 <- ... <- key-n: each flag requires the one before it. */
function chain(length: number): FlagDefinition[] {
  return Array.from({ length }, (_, i) => flag(`f${i}`, i === 0 ? [] : [`f${i - 1}`]));
}

describe('validateFlag: prerequisites', () => {
  it('refuses a cycle through stored flags (A -> B -> A), naming the path through it', () => {
    const ctx = storeContext({ flags: [flag('b', ['a']), flag('a')] });
    expect(issuesOf(validateFlag(flag('a', ['b']), ctx))).toEqual([
      {
        path: 'environments.production.prerequisites[0].flag',
        code: 'PREREQUISITE_CYCLE',
        message: "prerequisite cycle in 'production': a -> b -> a",
      },
    ]);
  });

  it('refuses a longer cycle (A -> B -> C -> A) and names every flag on it', () => {
    const ctx = storeContext({ flags: [flag('a'), flag('b', ['c']), flag('c', ['a'])] });
    const issues = issuesOf(
      validateFlag(flag('a', ['x', 'b']), storeContext({ flags: [...ctx.flagsList(), flag('x')] })),
    );
    expect(issues).toEqual([
      {
        path: 'environments.production.prerequisites[1].flag',
        code: 'PREREQUISITE_CYCLE',
        message: "prerequisite cycle in 'production': a -> b -> c -> a",
      },
    ]);
  });

  it('accepts the same edges in different environments (each environment is its own graph)', () => {
    const ctx = storeContext({ flags: [flag('b', ['a'], 'staging'), flag('a')] });
    expect(validateFlag(flag('a', ['b']), ctx).ok).toBe(true);
  });

  it('accepts a diamond (A -> B, A -> C, B -> D, C -> D): shared prerequisites are not a cycle', () => {
    const ctx = storeContext({ flags: [flag('b', ['d']), flag('c', ['d']), flag('d')] });
    expect(validateFlag(flag('a', ['b', 'c']), ctx)).toMatchObject({ ok: true });
  });

  it(`accepts a chain of ${MAX_PREREQUISITE_DEPTH} levels below the flag and refuses one more`, () => {
    // new -> f(n-1) -> ... -> f0 is n levels.
    const atLimit = chain(MAX_PREREQUISITE_DEPTH);
    expect(
      validateFlag(flag('new', [`f${MAX_PREREQUISITE_DEPTH - 1}`]), storeContext({ flags: atLimit })).ok,
    ).toBe(true);
    const top = `f${MAX_PREREQUISITE_DEPTH}`;
    const issues = issuesOf(
      validateFlag(flag('new', [top]), storeContext({ flags: chain(MAX_PREREQUISITE_DEPTH + 1) })),
    );
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'environments.production.prerequisites[0].flag',
        code: 'PREREQUISITE_DEPTH',
      }),
    ]);
    expect(issues[0]?.message).toContain(`new -> ${top} -> `);
    expect(issues[0]?.message).toContain(
      `(${MAX_PREREQUISITE_DEPTH + 1} levels, at most ${MAX_PREREQUISITE_DEPTH})`,
    );
  });

  it('counts the stored flags that depend on this one when the store lists its keys', () => {
    // f0 <- f1 <- ... <- f7: f0 is at the bottom of a full chain; giving f0 a prerequisite makes it too deep.
    const stored = [...chain(MAX_PREREQUISITE_DEPTH + 1), flag('leaf')];
    const update = flag('f0', ['leaf']);
    const issues = issuesOf(validateFlag(update, storeContext({ flags: stored })));
    expect(issues).toEqual([
      expect.objectContaining({
        path: 'environments.production.prerequisites[0].flag',
        code: 'PREREQUISITE_DEPTH',
      }),
    ]);
    expect(issues[0]?.message).toContain(`f${MAX_PREREQUISITE_DEPTH} -> `);
    const { flagKeys: _ignored, ...withoutKeys } = storeContext({ flags: stored });
    expect(validateFlag(update, withoutKeys).ok).toBe(true);
  });

  it('tolerates a cycle already among stored flags that does not involve this one', () => {
    const ctx = storeContext({ flags: [flag('b', ['c']), flag('c', ['b'])] });
    expect(validateFlag(flag('a', ['b']), ctx).ok).toBe(true);
  });
});
