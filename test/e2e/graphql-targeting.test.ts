import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sendJson, startTestApp } from '../support/app.js';

/*
 * The typed flag document and the targeting mutations of the GraphQL API (replaceFlag, toggleFlag per
 * environment, setRules, setRollout): ids stable enough for normalised caches, version guards, and
 * refusals that name the path in the document.
 */

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

interface GraphQLResponse<T> {
  data?: T | null;
  errors?: { message: string; extensions?: Record<string, unknown> }[];
}

const TYPED = `id key version type tags
  variants { id name value }
  environments {
    id environment enabled offVariant
    prerequisites { flag variants }
    targets { variant values }
    rules { id ruleId name description clauses { attribute op values negate }
            serve { variant rollout { bucketBy seed weights { variant weight } } } }
    fallthrough { variant rollout { bucketBy seed weights { variant weight } } }
  }`;

const REPLACE = `mutation Replace($key: String!, $definition: JSON!, $expectedVersion: Int) {
  replaceFlag(key: $key, definition: $definition, expectedVersion: $expectedVersion) {
    created flag { ${TYPED} }
  }
}`;
const TOGGLE = `mutation Toggle($key: String!, $environment: String, $expectedVersion: Int) {
  toggleFlag(key: $key, environment: $environment, expectedVersion: $expectedVersion) { id isEnabled version }
}`;
const SET_RULES = `mutation SetRules($key: String!, $environment: String!, $rules: JSON!, $expectedVersion: Int) {
  setRules(key: $key, environment: $environment, rules: $rules, expectedVersion: $expectedVersion) { ${TYPED} }
}`;
const SET_ROLLOUT = `mutation SetRollout($key: String!, $environment: String!, $ruleId: String,
    $rollout: RolloutInput!, $expectedVersion: Int) {
  setRollout(key: $key, environment: $environment, ruleId: $ruleId, rollout: $rollout,
             expectedVersion: $expectedVersion) { ${TYPED} }
}`;
const DELETE = `mutation Delete($key: String!) { deleteFlag(key: $key) { key query { flags { id } } } }`;
const GET = `query Get($key: String!) { flag(key: $key) { ${TYPED} } }`;

interface Serve {
  variant: string | null;
  rollout: {
    bucketBy: string | null;
    seed: string | null;
    weights: { variant: string; weight: number }[];
  } | null;
}
interface TypedFlag {
  id: string;
  key: string;
  version: number;
  type: string;
  tags: string[];
  variants: { id: string; name: string; value: unknown }[];
  environments: {
    id: string;
    environment: string;
    enabled: boolean;
    offVariant: string;
    prerequisites: { flag: string; variants: string[] }[];
    targets: { variant: string; values: string[] }[];
    rules: {
      id: string;
      ruleId: string;
      name: string | null;
      description: string | null;
      clauses: { attribute: string | null; op: string; values: unknown[]; negate: boolean }[];
      serve: Serve;
    }[];
    fallthrough: Serve;
  }[];
}

/** The example document (checkout.enabled is its prerequisite), trimmed of the segment rule. */
function checkout() {
  return {
    description: 'New checkout',
    type: 'string',
    variants: { control: 'v1', treatment: 'v2', off: 'v0' },
    tags: ['checkout'],
    environments: {
      production: {
        enabled: true,
        offVariant: 'off',
        prerequisites: [{ flag: 'checkout.enabled', variants: ['on'] }],
        targets: [{ variant: 'treatment', values: ['user-17', 'user-42'] }],
        rules: [
          {
            id: 'pro-plans',
            clauses: [
              { attribute: 'plan', op: 'in', values: ['pro', 'team'] },
              { attribute: 'country', op: 'in', values: ['FR'], negate: true },
            ],
            serve: { variant: 'treatment' },
          },
          { clauses: [{ attribute: 'age', op: 'gte', values: [18] }], serve: { variant: 'control' } },
        ],
        fallthrough: {
          rollout: {
            weights: [
              { variant: 'treatment', weight: 10 },
              { variant: 'control', weight: 90 },
            ],
          },
        },
      },
    },
  };
}

describe('GraphQL typed flags and targeting mutations', () => {
  let app: TestApp;

  beforeAll(async () => {
    app = await startTestApp();
    const res = await sendJson(app, 'POST', '/feature-flags', { key: 'checkout.enabled', isEnabled: true });
    expect(res.status).toBe(201);
  });

  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  async function graphql<T>(query: string, variables: Record<string, unknown>): Promise<GraphQLResponse<T>> {
    const res = await sendJson(app, 'POST', '/graphql', { query, variables });
    return (await res.json()) as GraphQLResponse<T>;
  }

  async function ok<T>(query: string, variables: Record<string, unknown>): Promise<T> {
    const res = await graphql<T>(query, variables);
    expect(res.errors).toBeUndefined();
    return res.data as T;
  }

  /** The single error's extensions (code, and the details beside it). */
  async function refusal(query: string, variables: Record<string, unknown>) {
    const res = await graphql(query, variables);
    expect(res.data ?? null).toBeNull();
    expect(res.errors).toHaveLength(1);
    return res.errors?.[0]?.extensions ?? {};
  }

  async function replaced(key: string, definition: unknown = checkout()): Promise<TypedFlag> {
    const data = await ok<{ replaceFlag: { flag: TypedFlag } }>(REPLACE, { key, definition });
    return data.replaceFlag.flag;
  }

  async function stored(key: string): Promise<TypedFlag> {
    return (await ok<{ flag: TypedFlag }>(GET, { key })).flag;
  }

  it('serves the definition typed, every cacheable object with an id built from the flag key', async () => {
    const { replaceFlag } = await ok<{ replaceFlag: { created: boolean; flag: TypedFlag } }>(REPLACE, {
      key: 'checkout.typed',
      definition: checkout(),
    });
    expect(replaceFlag.created).toBe(true);
    const flag = replaceFlag.flag;
    expect(flag).toMatchObject({
      id: 'checkout.typed',
      key: 'checkout.typed',
      type: 'string',
      tags: ['checkout'],
    });
    expect(flag.variants).toEqual([
      { id: 'checkout.typed/variants/control', name: 'control', value: 'v1' },
      { id: 'checkout.typed/variants/treatment', name: 'treatment', value: 'v2' },
      { id: 'checkout.typed/variants/off', name: 'off', value: 'v0' },
    ]);
    const [production] = flag.environments;
    expect(production).toMatchObject({
      id: 'checkout.typed/production',
      environment: 'production',
      enabled: true,
      offVariant: 'off',
      prerequisites: [{ flag: 'checkout.enabled', variants: ['on'] }],
      targets: [{ variant: 'treatment', values: ['user-17', 'user-42'] }],
      fallthrough: {
        variant: null,
        rollout: {
          bucketBy: null,
          seed: null,
          weights: [
            { variant: 'treatment', weight: 10 },
            { variant: 'control', weight: 90 },
          ],
        },
      },
    });
    expect(production?.rules).toEqual([
      {
        id: 'checkout.typed/production/id:pro-plans',
        ruleId: 'pro-plans',
        name: 'pro-plans',
        description: null,
        clauses: [
          { attribute: 'plan', op: 'in', values: ['pro', 'team'], negate: false },
          { attribute: 'country', op: 'in', values: ['FR'], negate: true },
        ],
        serve: { variant: 'treatment', rollout: null },
      },
      {
        id: 'checkout.typed/production/#1',
        ruleId: '#1',
        name: null,
        description: null,
        clauses: [{ attribute: 'age', op: 'gte', values: [18], negate: false }],
        serve: { variant: 'control', rollout: null },
      },
    ]);
    // The same ids on a later read: a cache merges, never duplicates.
    expect(await stored('checkout.typed')).toEqual(flag);
  });

  it('replaceFlag replaces an existing flag at the expected version and refuses a stale one with VERSION_MISMATCH', async () => {
    const first = await replaced('checkout.replace');
    const next = { ...checkout(), description: 'second', tags: ['two'] };
    const { replaceFlag } = await ok<{ replaceFlag: { created: boolean; flag: TypedFlag } }>(REPLACE, {
      key: 'checkout.replace',
      definition: next,
      expectedVersion: first.version,
    });
    expect(replaceFlag).toMatchObject({
      created: false,
      flag: { version: first.version + 1, tags: ['two'] },
    });
    const stale = await refusal(REPLACE, {
      key: 'checkout.replace',
      definition: checkout(),
      expectedVersion: first.version,
    });
    expect(stale.code).toBe('VERSION_MISMATCH');
    expect((await stored('checkout.replace')).tags).toEqual(['two']);
  });

  it('replaceFlag with an expectedVersion never creates: FLAG_NOT_FOUND for an absent key', async () => {
    const absent = await refusal(REPLACE, {
      key: 'checkout.absent',
      definition: checkout(),
      expectedVersion: 1,
    });
    expect(absent.code).toBe('FLAG_NOT_FOUND');
  });

  it('replaceFlag refuses a document that cannot be evaluated, naming the path, and stores nothing', async () => {
    const bad = checkout();
    bad.environments.production.offVariant = 'missing';
    const refused = await refusal(REPLACE, { key: 'checkout.refused', definition: bad });
    expect(refused).toMatchObject({ code: 'VALIDATION_FAILED', field: 'environments.production.offVariant' });
    expect((await graphql<{ flag: null }>(GET, { key: 'checkout.refused' })).data?.flag).toBeNull();
  });

  it('replaceFlag refuses a document whose key is not the key argument, naming the key path', async () => {
    const refused = await refusal(REPLACE, {
      key: 'checkout.one',
      definition: { ...checkout(), key: 'checkout.two' },
    });
    expect(refused).toMatchObject({ code: 'VALIDATION_FAILED', field: 'key' });
  });

  it('toggleFlag without an environment flips production, which is what isEnabled reports', async () => {
    const flag = await replaced('checkout.toggle');
    const { toggleFlag } = await ok<{ toggleFlag: { isEnabled: boolean; version: number } }>(TOGGLE, {
      key: 'checkout.toggle',
    });
    expect(toggleFlag).toEqual({ id: 'checkout.toggle', isEnabled: false, version: flag.version + 1 });
    const explicit = await ok<{ toggleFlag: { isEnabled: boolean } }>(TOGGLE, {
      key: 'checkout.toggle',
      environment: 'production',
    });
    expect(explicit.toggleFlag.isEnabled).toBe(true);
    const explicitNull = await ok<{ toggleFlag: { isEnabled: boolean } }>(TOGGLE, {
      key: 'checkout.toggle',
      environment: null,
    });
    expect(explicitNull.toggleFlag.isEnabled).toBe(false);
  });

  it('toggleFlag refuses an environment that does not exist (ENVIRONMENT_NOT_FOUND) and a stale version', async () => {
    const flag = await replaced('checkout.toggle-guard');
    const unknown = await refusal(TOGGLE, { key: 'checkout.toggle-guard', environment: 'nowhere' });
    expect(unknown).toMatchObject({ code: 'ENVIRONMENT_NOT_FOUND', environment: 'nowhere' });
    const stale = await refusal(TOGGLE, { key: 'checkout.toggle-guard', expectedVersion: flag.version + 5 });
    expect(stale.code).toBe('VERSION_MISMATCH');
    expect((await stored('checkout.toggle-guard')).version).toBe(flag.version);
  });

  it('toggleFlag and setRules in another environment change only that environment', async () => {
    const created = await graphql('mutation { createEnvironment(input: { key: "staging" }) { key } }', {});
    expect(created.errors).toBeUndefined();
    const document = checkout();
    const staging = { ...document.environments.production, enabled: false, rules: [] };
    await replaced('checkout.staged', { ...document, environments: { ...document.environments, staging } });
    const { toggleFlag } = await ok<{ toggleFlag: { isEnabled: boolean } }>(TOGGLE, {
      key: 'checkout.staged',
      environment: 'staging',
    });
    expect(toggleFlag.isEnabled).toBe(true);
    const rules = [
      {
        id: 'qa',
        clauses: [{ attribute: 'team', op: 'in', values: ['qa'] }],
        serve: { variant: 'treatment' },
      },
    ];
    await ok(SET_RULES, { key: 'checkout.staged', environment: 'staging', rules });
    const flag = await stored('checkout.staged');
    const byEnvironment = Object.fromEntries(flag.environments.map((part) => [part.environment, part]));
    expect(byEnvironment.staging).toMatchObject({ id: 'checkout.staged/staging', enabled: true });
    expect(byEnvironment.staging?.rules.map((rule) => rule.id)).toEqual(['checkout.staged/staging/id:qa']);
    expect(byEnvironment.production?.enabled).toBe(true);
    expect(byEnvironment.production?.rules.map((rule) => rule.ruleId)).toEqual(['pro-plans', '#1']);
  });

  it('setRules replaces the environment rules and keeps the rest of the document', async () => {
    const flag = await replaced('checkout.rules');
    const rules = [
      {
        id: 'beta',
        clauses: [{ attribute: 'email', op: 'endsWith', values: ['@example.com'] }],
        serve: { variant: 'treatment' },
      },
    ];
    const { setRules } = await ok<{ setRules: TypedFlag }>(SET_RULES, {
      key: 'checkout.rules',
      environment: 'production',
      rules,
      expectedVersion: flag.version,
    });
    expect(setRules.version).toBe(flag.version + 1);
    const [production] = setRules.environments;
    expect(production?.rules.map((rule) => rule.id)).toEqual(['checkout.rules/production/id:beta']);
    expect(production?.rules[0]?.clauses).toEqual([
      { attribute: 'email', op: 'endsWith', values: ['@example.com'], negate: false },
    ]);
    expect(production?.targets).toEqual(flag.environments[0]?.targets);
    expect(production?.fallthrough).toEqual(flag.environments[0]?.fallthrough);
  });

  it('setRules refuses rules that cannot be evaluated, naming the path in the whole document', async () => {
    const flag = await replaced('checkout.rules-refused');
    const refused = await refusal(SET_RULES, {
      key: 'checkout.rules-refused',
      environment: 'production',
      rules: [{ clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }], serve: { variant: 'gold' } }],
    });
    expect(refused).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'environments.production.rules[0].serve.variant',
    });
    const notAList = await refusal(SET_RULES, {
      key: 'checkout.rules-refused',
      environment: 'production',
      rules: 'all',
    });
    expect(notAList).toMatchObject({ code: 'VALIDATION_FAILED', field: 'environments.production.rules' });
    expect(await stored('checkout.rules-refused')).toEqual(flag);
  });

  it('setRules is version-guarded: a stale expectedVersion is VERSION_MISMATCH and changes nothing', async () => {
    const flag = await replaced('checkout.rules-guard');
    const stale = await refusal(SET_RULES, {
      key: 'checkout.rules-guard',
      environment: 'production',
      rules: [],
      expectedVersion: flag.version + 1,
    });
    expect(stale.code).toBe('VERSION_MISMATCH');
    expect(await stored('checkout.rules-guard')).toEqual(flag);
  });

  it('setRules and setRollout refuse an environment the flag has no configuration for, naming it', async () => {
    const bare = { type: 'boolean', variants: { on: true, off: false } };
    await replaced('checkout.unconfigured', bare);
    const rules = await refusal(SET_RULES, {
      key: 'checkout.unconfigured',
      environment: 'production',
      rules: [],
    });
    expect(rules).toMatchObject({ code: 'VALIDATION_FAILED', field: 'environments.production' });
    const rollout = await refusal(SET_ROLLOUT, {
      key: 'checkout.unconfigured',
      environment: 'production',
      rollout: { weights: [{ variant: 'on', weight: 1 }] },
    });
    expect(rollout).toMatchObject({ code: 'VALIDATION_FAILED', field: 'environments.production' });
  });

  it('setRules and setRollout answer FLAG_NOT_FOUND for a flag that does not exist', async () => {
    const rules = await refusal(SET_RULES, { key: 'checkout.none', environment: 'production', rules: [] });
    expect(rules.code).toBe('FLAG_NOT_FOUND');
    const rollout = await refusal(SET_ROLLOUT, {
      key: 'checkout.none',
      environment: 'production',
      rollout: { weights: [{ variant: 'on', weight: 1 }] },
    });
    expect(rollout.code).toBe('FLAG_NOT_FOUND');
  });

  it('setRollout without a ruleId sets the fallthrough rollout, keeping the rules', async () => {
    const flag = await replaced('checkout.fallthrough');
    const rollout = {
      bucketBy: 'accountId',
      seed: 'checkout-2026',
      weights: [
        { variant: 'treatment', weight: 50 },
        { variant: 'control', weight: 50 },
      ],
    };
    const { setRollout } = await ok<{ setRollout: TypedFlag }>(SET_ROLLOUT, {
      key: 'checkout.fallthrough',
      environment: 'production',
      rollout,
      expectedVersion: flag.version,
    });
    const [production] = setRollout.environments;
    expect(production?.fallthrough).toEqual({ variant: null, rollout });
    expect(production?.rules).toEqual(flag.environments[0]?.rules);
  });

  it('setRollout addresses a rule by its id, or by #position when it has none', async () => {
    await replaced('checkout.rule-rollout');
    const weights = [
      { variant: 'treatment', weight: 25 },
      { variant: 'control', weight: 75 },
    ];
    const byId = await ok<{ setRollout: TypedFlag }>(SET_ROLLOUT, {
      key: 'checkout.rule-rollout',
      environment: 'production',
      ruleId: 'pro-plans',
      rollout: { weights, bucketBy: null },
    });
    const afterId = byId.setRollout.environments[0]?.rules ?? [];
    expect(afterId.map((rule) => rule.serve)).toEqual([
      { variant: null, rollout: { bucketBy: null, seed: null, weights } },
      { variant: 'control', rollout: null },
    ]);
    const byPosition = await ok<{ setRollout: TypedFlag }>(SET_ROLLOUT, {
      key: 'checkout.rule-rollout',
      environment: 'production',
      ruleId: '#1',
      rollout: { weights },
    });
    const afterPosition = byPosition.setRollout.environments[0]?.rules ?? [];
    expect(afterPosition[1]).toMatchObject({
      id: 'checkout.rule-rollout/production/#1',
      serve: { variant: null, rollout: { weights } },
    });
  });

  it('setRollout refuses a rule that is not there (a named rule is not addressed by #position) with field ruleId', async () => {
    const flag = await replaced('checkout.rule-missing');
    for (const ruleId of ['nope', '#0', '#2', '#01']) {
      const refused = await refusal(SET_ROLLOUT, {
        key: 'checkout.rule-missing',
        environment: 'production',
        ruleId,
        rollout: { weights: [{ variant: 'control', weight: 1 }] },
      });
      expect(refused).toMatchObject({ code: 'VALIDATION_FAILED', field: 'ruleId', ruleId });
    }
    expect(await stored('checkout.rule-missing')).toEqual(flag);
  });

  it('setRollout refuses weights that cannot be served, naming the path, and a stale version', async () => {
    const flag = await replaced('checkout.weights');
    const unknownVariant = await refusal(SET_ROLLOUT, {
      key: 'checkout.weights',
      environment: 'production',
      rollout: { weights: [{ variant: 'gold', weight: 1 }] },
    });
    expect(unknownVariant).toMatchObject({
      code: 'VALIDATION_FAILED',
      field: 'environments.production.fallthrough.rollout.weights[0].variant',
    });
    const zero = await refusal(SET_ROLLOUT, {
      key: 'checkout.weights',
      environment: 'production',
      ruleId: 'pro-plans',
      rollout: { weights: [{ variant: 'control', weight: 0 }] },
    });
    expect(zero).toMatchObject({ code: 'VALIDATION_FAILED' });
    expect(String(zero.field)).toMatch(/^environments\.production\.rules\[0\]\.serve\.rollout\.weights/);
    const stale = await refusal(SET_ROLLOUT, {
      key: 'checkout.weights',
      environment: 'production',
      rollout: { weights: [{ variant: 'control', weight: 1 }] },
      expectedVersion: flag.version + 1,
    });
    expect(stale.code).toBe('VERSION_MISMATCH');
    expect(await stored('checkout.weights')).toEqual(flag);
  });

  it('deleteFlag answers the lists as they are after the delete, through its query field', async () => {
    await replaced('checkout.deleted');
    const { deleteFlag } = await ok<{ deleteFlag: { key: string; query: { flags: { id: string }[] } } }>(
      DELETE,
      {
        key: 'checkout.deleted',
      },
    );
    expect(deleteFlag.key).toBe('checkout.deleted');
    const ids = deleteFlag.query.flags.map((flag) => flag.id);
    expect(ids).not.toContain('checkout.deleted');
    expect(ids).toContain('checkout.enabled');
  });

  it('accepts a full typed listing of every flag, read through a mutation payload, within the limits', async () => {
    await replaced('checkout.listed');
    const { deleteFlag } = await ok<{ deleteFlag: { query: { flags: TypedFlag[] } } }>(
      `mutation Delete($key: String!) { deleteFlag(key: $key) { query { flags { ${TYPED} } } } }`,
      { key: 'checkout.listed' },
    );
    expect(deleteFlag.query.flags.map((flag) => flag.id)).toContain('checkout.enabled');
  });
});
