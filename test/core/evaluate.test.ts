import {
  bucketOf,
  type EnvironmentConfig,
  type EvaluationContext,
  evaluate,
  FlagDefinition,
  type FlagDefinitionInput,
  murmur3,
  Segment,
} from '@flagwire/core';
import { describe, expect, it } from '@jest/globals';
import fc from 'fast-check';

type EnvInput = NonNullable<FlagDefinitionInput['environments']>[string];

function flag(
  key: string,
  environments: Record<string, EnvInput>,
  variants?: FlagDefinitionInput['variants'],
): FlagDefinition {
  return FlagDefinition.parse({
    key,
    type: 'string',
    variants: variants ?? { control: 'v1', treatment: 'v2', off: 'v0', pro: 'v-pro' },
    environments,
  });
}

const fifty = [
  { variant: 'treatment', weight: 50 },
  { variant: 'control', weight: 50 },
];

/** The example, with a second rule for plan=pro users. */
const production: EnvInput = {
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
      serve: { variant: 'pro' },
    },
    {
      clauses: [{ op: 'segmentMatch', values: ['beta-testers'] }],
      serve: { rollout: { bucketBy: 'targetingKey', weights: fifty } },
    },
  ],
  fallthrough: {
    rollout: {
      weights: [
        { variant: 'treatment', weight: 10 },
        { variant: 'control', weight: 90 },
      ],
    },
  },
};

const checkout = flag('checkout.new-flow', { production });
const gateOn = flag(
  'checkout.enabled',
  { production: { enabled: true, offVariant: 'off', fallthrough: { variant: 'on' } } },
  { on: true, off: false },
);
const gateOff = flag(
  'checkout.enabled',
  { production: { enabled: false, offVariant: 'off', fallthrough: { variant: 'on' } } },
  { on: true, off: false },
);
const betaTesters = Segment.parse({
  key: 'beta-testers',
  included: ['user-7', 'user-17'],
  excluded: ['user-8'],
});
const segments = new Map([['beta-testers', betaTesters]]);

function run(
  subject: FlagDefinition | undefined,
  context: EvaluationContext | undefined,
  options: { environment?: string; gate?: FlagDefinition; expectedType?: 'string' | 'boolean' } = {},
) {
  const flags = new Map([['checkout.enabled', options.gate ?? gateOn]]);
  return evaluate(subject, options.environment ?? 'production', context, {
    defaultValue: 'caller-default',
    flags,
    segments,
    ...(options.expectedType ? { expectedType: options.expectedType } : {}),
  });
}

describe('evaluation order (DESIGN.md "Flags that decide")', () => {
  // Each row is decided by one layer; the context also satisfies the layers below it, so a layer checked
  // out of order (a target before the prerequisite, a rule before a target...) turns a row red.
  it.each([
    [
      'an unknown flag answers the default with FLAG_NOT_FOUND',
      undefined,
      { targetingKey: 'user-17', plan: 'pro' },
      {},
      {
        value: 'caller-default',
        reason: 'ERROR',
        errorCode: 'FLAG_NOT_FOUND',
        decision: { kind: 'flagNotFound' },
      },
    ],
    [
      'an environment the flag is not configured in answers the default, DISABLED',
      checkout,
      { targetingKey: 'user-17', plan: 'pro' },
      { environment: 'staging' },
      {
        value: 'caller-default',
        reason: 'DISABLED',
        decision: { kind: 'environmentNotConfigured', environment: 'staging' },
      },
    ],
    [
      'a disabled flag serves its offVariant before any targeting',
      flag('checkout.new-flow', { production: { ...production, enabled: false } }),
      { targetingKey: 'user-17', plan: 'pro' },
      {},
      { value: 'v0', variant: 'off', reason: 'DISABLED', decision: { kind: 'disabled' } },
    ],
    [
      'a failed prerequisite serves the offVariant before targets',
      checkout,
      { targetingKey: 'user-17', plan: 'pro' },
      { gate: gateOff },
      {
        value: 'v0',
        variant: 'off',
        reason: 'DISABLED',
        decision: {
          kind: 'prerequisite',
          flag: 'checkout.enabled',
          index: 0,
          variants: ['on'],
          served: 'off',
          reason: 'DISABLED',
        },
      },
    ],
    [
      'an individual target wins over rules',
      checkout,
      { targetingKey: 'user-17', plan: 'pro' },
      {},
      {
        value: 'v2',
        variant: 'treatment',
        reason: 'TARGETING_MATCH',
        decision: { kind: 'target', index: 0 },
      },
    ],
    [
      'the first matching rule serves its variant',
      checkout,
      { targetingKey: 'user-7', plan: 'pro' },
      {},
      {
        value: 'v-pro',
        variant: 'pro',
        reason: 'TARGETING_MATCH',
        decision: { kind: 'rule', index: 0, id: 'pro-plans' },
      },
    ],
    [
      'a later rule serving a rollout is a SPLIT',
      checkout,
      { targetingKey: 'user-7', plan: 'free' },
      {},
      { reason: 'SPLIT', decision: { kind: 'rule', index: 1 } },
    ],
    [
      'no rule matching: the fallthrough rollout is a SPLIT',
      checkout,
      { targetingKey: 'user-9', plan: 'free' },
      {},
      { reason: 'SPLIT', decision: { kind: 'fallthrough' } },
    ],
    [
      'a fixed-variant rule needs no targetingKey',
      checkout,
      { plan: 'team' },
      {},
      { value: 'v-pro', variant: 'pro', reason: 'TARGETING_MATCH' },
    ],
    [
      'a rollout without its bucketBy value answers the default with TARGETING_KEY_MISSING',
      checkout,
      { plan: 'free' },
      {},
      {
        value: 'caller-default',
        reason: 'ERROR',
        errorCode: 'TARGETING_KEY_MISSING',
        decision: { kind: 'fallthrough' },
      },
    ],
    [
      'a value of the wrong type for the caller answers the default with TYPE_MISMATCH',
      checkout,
      { targetingKey: 'user-7', plan: 'pro' },
      { expectedType: 'boolean' as const },
      {
        value: 'caller-default',
        reason: 'ERROR',
        errorCode: 'TYPE_MISMATCH',
        decision: { kind: 'rule', index: 0 },
      },
    ],
  ])('%s', (_name, subject, context, options, expected) => {
    const result = run(subject, context, options);
    expect(result).toMatchObject(expected);
    if (result.errorCode) expect(result.variant).toBeUndefined();
  });
});

describe('reasons', () => {
  const only = (env: EnvInput) => flag('f', { production: env });

  it('STATIC: no prerequisites, targets or rules, and a fixed fallthrough variant', () => {
    const result = run(only({ enabled: true, offVariant: 'off', fallthrough: { variant: 'control' } }), {});
    expect(result).toEqual({
      value: 'v1',
      variant: 'control',
      reason: 'STATIC',
      decision: { kind: 'fallthrough' },
    });
  });

  it.each([
    ['a target list', { targets: [{ variant: 'treatment', values: ['someone-else'] }] }],
    [
      'a rule',
      { rules: [{ clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }], serve: { variant: 'pro' } }] },
    ],
    ['a (satisfied) prerequisite', { prerequisites: [{ flag: 'checkout.enabled', variants: ['on'] }] }],
  ] as [string, Partial<EnvInput>][])(
    'DEFAULT: the fixed fallthrough variant of an environment with %s',
    (_what, targeting) => {
      const result = run(
        only({ enabled: true, offVariant: 'off', fallthrough: { variant: 'control' }, ...targeting }),
        {
          targetingKey: 'u',
        },
      );
      expect(result).toMatchObject({ value: 'v1', variant: 'control', reason: 'DEFAULT' });
    },
  );

  it('SPLIT: a fallthrough rollout reports the bucket and total weight that decided', () => {
    const subject = only({ enabled: true, offVariant: 'off', fallthrough: { rollout: { weights: fifty } } });
    const result = run(subject, { targetingKey: 'alice' });
    const hash = murmur3('falice');
    const bucket = bucketOf(hash, 100);
    expect(result).toMatchObject({
      reason: 'SPLIT',
      variant: bucket < 50 ? 'treatment' : 'control',
      decision: {
        kind: 'fallthrough',
        rollout: {
          bucketBy: 'targetingKey',
          seed: 'f',
          hash,
          bucket,
          totalWeight: 100,
          index: bucket < 50 ? 0 : 1,
        },
      },
    });
  });

  it('a rollout buckets by the attribute named, with the seed given, and reads a number as its text', () => {
    const subject = only({
      enabled: true,
      offVariant: 'off',
      fallthrough: { rollout: { bucketBy: 'companyId', seed: 'exp-1/', weights: fifty } },
    });
    const byNumber = run(subject, { targetingKey: 'ignored', companyId: 1234 });
    const byString = run(subject, { companyId: '1234' });
    expect(byNumber.decision).toMatchObject({
      rollout: { hash: murmur3('exp-1/1234'), seed: 'exp-1/', bucketBy: 'companyId' },
    });
    expect(byString).toEqual(byNumber);
  });

  it.each([
    ['absent', {}],
    ['empty', { targetingKey: '' }],
    ['a boolean', { targetingKey: true }],
    ['an object', { targetingKey: { id: 'x' } }],
    ['null', { targetingKey: null }],
  ])('TARGETING_KEY_MISSING when the bucketBy value is %s', (_what, context) => {
    const subject = only({ enabled: true, offVariant: 'off', fallthrough: { rollout: { weights: fifty } } });
    expect(run(subject, context as EvaluationContext)).toMatchObject({
      value: 'caller-default',
      errorCode: 'TARGETING_KEY_MISSING',
    });
  });

  it.each([
    ['boolean', { on: true, off: false }, true],
    ['string', { on: 'yes', off: 'no' }, 'yes'],
    ['number', { on: 3, off: 0 }, 3],
    ['object', { on: { a: 1 }, off: {} }, { a: 1 }],
    ['object', { on: [1, 2], off: [] }, [1, 2]],
  ] as const)('serves a %s value to a caller expecting that type', (type, variants, value) => {
    const subject = FlagDefinition.parse({
      key: 't',
      type,
      variants,
      environments: { production: { enabled: true, offVariant: 'off', fallthrough: { variant: 'on' } } },
    });
    expect(evaluate(subject, 'production', {}, { defaultValue: null, expectedType: type })).toMatchObject({
      value,
      variant: 'on',
    });
    const other = type === 'string' ? 'number' : 'string';
    expect(evaluate(subject, 'production', {}, { defaultValue: null, expectedType: other })).toMatchObject({
      value: null,
      reason: 'ERROR',
      errorCode: 'TYPE_MISMATCH',
    });
  });

  it("checks the type of a disabled flag's offVariant too", () => {
    const subject = only({ enabled: false, offVariant: 'off', fallthrough: { variant: 'control' } });
    expect(run(subject, {}, { expectedType: 'boolean' })).toMatchObject({ errorCode: 'TYPE_MISMATCH' });
    expect(run(subject, {}, { expectedType: 'string' })).toMatchObject({ value: 'v0', reason: 'DISABLED' });
  });
});

describe('prerequisites', () => {
  const onOff = { on: true, off: false };
  const gated = (prerequisites: EnvironmentConfig['prerequisites']) =>
    flag('gated', {
      production: { enabled: true, offVariant: 'off', prerequisites, fallthrough: { variant: 'treatment' } },
    });
  const evalWith = (
    subject: FlagDefinition,
    flags: FlagDefinition[],
    context: EvaluationContext = { targetingKey: 'u' },
  ) =>
    evaluate(subject, 'production', context, {
      defaultValue: 'default',
      flags: new Map(flags.map((f) => [f.key, f])),
    });
  const simple = (key: string, env: EnvInput | undefined) => flag(key, env ? { production: env } : {}, onOff);

  it('passes when each prerequisite serves one of its listed variants', () => {
    const a = simple('a', { enabled: true, offVariant: 'off', fallthrough: { variant: 'on' } });
    const b = simple('b', { enabled: false, offVariant: 'off', fallthrough: { variant: 'on' } });
    // b is disabled, but serves `off`, which this prerequisite accepts.
    const subject = gated([
      { flag: 'a', variants: ['on'] },
      { flag: 'b', variants: ['on', 'off'] },
    ]);
    expect(evalWith(subject, [a, b])).toMatchObject({ variant: 'treatment', reason: 'DEFAULT' });
  });

  it.each([
    ['is unknown', [], { errorCode: 'FLAG_NOT_FOUND', reason: 'ERROR' }],
    ['is not configured in the environment', [simple('a', undefined)], { reason: 'DISABLED' }],
    [
      'is disabled (its offVariant is not listed)',
      [simple('a', { enabled: false, offVariant: 'off', fallthrough: { variant: 'on' } })],
      { reason: 'DISABLED', served: 'off' },
    ],
    [
      'serves another variant',
      [simple('a', { enabled: true, offVariant: 'on', fallthrough: { variant: 'off' } })],
      { reason: 'STATIC', served: 'off' },
    ],
    [
      'cannot be evaluated',
      [simple('a', { enabled: true, offVariant: 'off', fallthrough: { variant: 'nope' } })],
      { reason: 'ERROR', errorCode: 'PARSE_ERROR' },
    ],
  ])('serves the offVariant, DISABLED, naming the prerequisite, when it %s', (_what, flags, failure) => {
    const subject = gated([{ flag: 'a', variants: ['on'] }]);
    expect(evalWith(subject, flags as FlagDefinition[])).toEqual({
      value: 'v0',
      variant: 'off',
      reason: 'DISABLED',
      decision: { kind: 'prerequisite', flag: 'a', index: 0, variants: ['on'], ...failure },
    });
  });

  it('names the first failing prerequisite in list order', () => {
    const on = simple('a', { enabled: true, offVariant: 'off', fallthrough: { variant: 'on' } });
    const subject = gated([
      { flag: 'a', variants: ['on'] },
      { flag: 'missing-1', variants: ['on'] },
      { flag: 'missing-2', variants: ['on'] },
    ]);
    expect(evalWith(subject, [on]).decision).toMatchObject({
      kind: 'prerequisite',
      flag: 'missing-1',
      index: 1,
    });
  });

  it('evaluates a prerequisite recursively, in the same environment, for the same context', () => {
    const plan = simple('plan-gate', {
      enabled: true,
      offVariant: 'off',
      rules: [{ clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }], serve: { variant: 'on' } }],
      fallthrough: { variant: 'off' },
    });
    const middle = FlagDefinition.parse({
      ...simple('middle', {
        enabled: true,
        offVariant: 'off',
        prerequisites: [{ flag: 'plan-gate', variants: ['on'] }],
        fallthrough: { variant: 'on' },
      }),
      environments: {
        production: {
          enabled: true,
          offVariant: 'off',
          prerequisites: [{ flag: 'plan-gate', variants: ['on'] }],
          fallthrough: { variant: 'on' },
        },
        staging: { enabled: true, offVariant: 'off', fallthrough: { variant: 'off' } },
      },
    });
    const subject = gated([{ flag: 'middle', variants: ['on'] }]);
    expect(evalWith(subject, [plan, middle], { plan: 'pro' })).toMatchObject({ variant: 'treatment' });
    expect(evalWith(subject, [plan, middle], { plan: 'free' })).toMatchObject({
      variant: 'off',
      decision: { kind: 'prerequisite', flag: 'middle', served: 'off', reason: 'DISABLED' },
    });
  });

  it('survives a cycle (which validation refuses): a -> b -> a fails the prerequisite, no throw', () => {
    const a = simple('a', {
      enabled: true,
      offVariant: 'off',
      prerequisites: [{ flag: 'b', variants: ['on'] }],
      fallthrough: { variant: 'on' },
    });
    const b = simple('b', {
      enabled: true,
      offVariant: 'off',
      prerequisites: [{ flag: 'a', variants: ['on'] }],
      fallthrough: { variant: 'on' },
    });
    expect(evalWith(a, [a, b])).toMatchObject({
      variant: 'off',
      reason: 'DISABLED',
      decision: { flag: 'b', served: 'off' },
    });
    const self = simple('self', {
      enabled: true,
      offVariant: 'off',
      prerequisites: [{ flag: 'self', variants: ['on'] }],
      fallthrough: { variant: 'on' },
    });
    expect(evalWith(self, [self])).toMatchObject({
      variant: 'off',
      decision: { flag: 'self', errorCode: 'PARSE_ERROR' },
    });
  });

  it('stops a chain deeper than MAX_EVALUATION_DEPTH', () => {
    const chain = Array.from({ length: 30 }, (_, i) =>
      simple(`c${i}`, {
        enabled: true,
        offVariant: 'off',
        prerequisites: i < 29 ? [{ flag: `c${i + 1}`, variants: ['on'] }] : [],
        fallthrough: { variant: 'on' },
      }),
    );
    expect(evalWith(chain[0] as FlagDefinition, chain)).toMatchObject({ variant: 'off', reason: 'DISABLED' });
    expect(evalWith(chain[25] as FlagDefinition, chain)).toMatchObject({ variant: 'on', reason: 'DEFAULT' });
  });
});

describe('corrupt definitions (validation refuses them; the evaluator still answers)', () => {
  const env = (patch: Partial<EnvInput>): FlagDefinition =>
    flag('corrupt', {
      production: { enabled: true, offVariant: 'off', fallthrough: { variant: 'control' }, ...patch },
    });

  it.each([
    ['an unknown offVariant', env({ enabled: false, offVariant: 'ghost' }), /unknown variant "ghost"/],
    ['an unknown fallthrough variant', env({ fallthrough: { variant: 'ghost' } }), /unknown variant/],
    [
      'a rollout naming an unknown variant',
      env({ fallthrough: { rollout: { weights: [{ variant: 'ghost', weight: 1 }] } } }),
      /unknown variant/,
    ],
    [
      'rollout weights totalling 0',
      env({ fallthrough: { rollout: { weights: [{ variant: 'control', weight: 0 }] } } }),
      /weights/,
    ],
    [
      'negative rollout weights',
      env({
        fallthrough: {
          rollout: {
            weights: [
              { variant: 'control', weight: -1 },
              { variant: 'off', weight: 2 },
            ],
          },
        },
      }),
      /weights/,
    ],
    [
      'fractional rollout weights',
      env({ fallthrough: { rollout: { weights: [{ variant: 'control', weight: 0.5 }] } } }),
      /weights/,
    ],
    [
      'an invalid regular expression',
      env({
        rules: [
          { clauses: [{ attribute: 'a', op: 'matches', values: ['(unclosed'] }], serve: { variant: 'pro' } },
        ],
      }),
      /regular expression/,
    ],
    [
      'a number clause value that is not a number',
      env({
        rules: [{ clauses: [{ attribute: 'a', op: 'lt', values: ['ten'] }], serve: { variant: 'pro' } }],
      }),
      /not a number/,
    ],
    [
      'a date clause value that is not a date',
      env({
        rules: [
          { clauses: [{ attribute: 'a', op: 'before', values: ['yesterday'] }], serve: { variant: 'pro' } },
        ],
      }),
      /ISO-8601/,
    ],
    [
      'a version clause value that is not a version',
      env({
        rules: [
          { clauses: [{ attribute: 'a', op: 'semverLt', values: ['1.2'] }], serve: { variant: 'pro' } },
        ],
      }),
      /semantic version/,
    ],
  ])('%s answers the default with PARSE_ERROR', (_what, subject, message) => {
    const result = run(subject, { targetingKey: 'u', a: subject.key === 'corrupt' ? 5 : 5 });
    expect(result).toMatchObject({ value: 'caller-default', reason: 'ERROR', errorCode: 'PARSE_ERROR' });
    expect(result.errorMessage).toMatch(message);
  });

  it('answers PARSE_ERROR for every context, also those a matching rule decides before the corrupt part', () => {
    const subject = env({
      rules: [
        { clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }], serve: { variant: 'pro' } },
        { clauses: [{ attribute: 'a', op: 'matches', values: ['(unclosed'] }], serve: { variant: 'pro' } },
      ],
    });
    for (const context of [{ plan: 'pro' }, { plan: 'free' }, {}])
      expect(run(subject, context)).toMatchObject({ value: 'caller-default', errorCode: 'PARSE_ERROR' });
    const disabled = env({ enabled: false, fallthrough: { variant: 'ghost' } });
    expect(run(disabled, {})).toMatchObject({
      errorCode: 'PARSE_ERROR',
      errorMessage: expect.stringContaining('fallthrough'),
    });
  });

  it('lists that are not lists answer PARSE_ERROR; other shape errors the evaluator cannot name answer GENERAL', () => {
    const base = env({});
    const notLists = {
      ...base,
      environments: { production: { enabled: true, rules: 'not-a-list' } },
    } as unknown as FlagDefinition;
    expect(run(notLists, { targetingKey: 'u' })).toMatchObject({
      value: 'caller-default',
      errorCode: 'PARSE_ERROR',
    });
    const noEnvironments = { ...base, environments: null } as unknown as FlagDefinition;
    expect(run(noEnvironments, { targetingKey: 'u' })).toMatchObject({
      value: 'caller-default',
      reason: 'ERROR',
      errorCode: 'GENERAL',
    });
  });

  it('a segment or prerequisite lookup that throws answers GENERAL', () => {
    const subject = env({
      rules: [{ clauses: [{ op: 'segmentMatch', values: ['s'] }], serve: { variant: 'pro' } }],
    });
    const result = evaluate(
      subject,
      'production',
      {},
      {
        defaultValue: 'd',
        segments: () => {
          throw new Error('store down');
        },
      },
    );
    expect(result).toMatchObject({
      value: 'd',
      errorCode: 'GENERAL',
      errorMessage: expect.stringContaining('store down'),
    });
  });

  it('never throws, whatever the flag, environment, context and lookups', () => {
    fc.assert(
      fc.property(
        fc.anything(),
        fc.string(),
        fc.anything(),
        fc.anything(),
        (subject, environment, context, lookups) => {
          const result = evaluate(subject as FlagDefinition, environment, context as EvaluationContext, {
            defaultValue: 'd',
            flags: lookups as never,
            segments: lookups as never,
          });
          expect(typeof result.reason).toBe('string');
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('never throws on well-formed flags with arbitrary contexts, environment keys and variant names', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('production', 'staging', '__proto__', 'constructor', 'toString'),
        fc.dictionary(
          fc.constantFrom('targetingKey', 'plan', 'country', '__proto__', 'constructor'),
          fc.jsonValue(),
        ),
        (environment, context) => {
          const result = run(checkout, context as EvaluationContext, { environment });
          expect(['SPLIT', 'TARGETING_MATCH', 'DISABLED', 'ERROR']).toContain(result.reason);
        },
      ),
      { numRuns: 1000 },
    );
  });
});
