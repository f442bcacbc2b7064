// `npm run interop:ofrep`: OpenFeature's server SDK with its own OFREP provider (@openfeature/ofrep-provider,
// not our code) against a running Flagwire, configured with nothing but the URL and a client token. Every
// answer is checked against what the flags say; exits non-zero on the first difference.
import { deepStrictEqual } from 'node:assert/strict';
import { OFREPProvider } from '@openfeature/ofrep-provider';
import { type EvaluationDetails, type FlagValue, OpenFeature } from '@openfeature/server-sdk';
import { sendJson, startTestApp } from '../../test/support/app.js';

const ADMIN = 'interop-admin-token-0123456789';
const CLIENT = 'interop-client-token-0123456789';

const COLOR = {
  type: 'string',
  variants: { red: 'r', blue: 'b' },
  environments: {
    production: {
      enabled: true,
      offVariant: 'red',
      rules: [
        {
          id: 'pro',
          clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }],
          serve: { variant: 'blue' },
        },
      ],
      fallthrough: { variant: 'red' },
    },
  },
};

/** What the provider answered, without the metadata (checked where it matters) and the message. */
function essentials(details: EvaluationDetails<FlagValue>) {
  const { value, variant, reason, errorCode } = details;
  return { value, variant, reason, errorCode };
}

const app = await startTestApp({ ADMIN_TOKENS: ADMIN, CLIENT_TOKENS: CLIENT });
try {
  const admin = { authorization: `Bearer ${ADMIN}` };
  for (const [key, definition] of [
    ['color', COLOR],
    [
      'limit',
      {
        type: 'number',
        variants: { low: 5, high: 50 },
        environments: { production: { enabled: false, offVariant: 'low', fallthrough: { variant: 'high' } } },
      },
    ],
    [
      'rollout',
      {
        type: 'boolean',
        variants: { on: true, off: false },
        environments: {
          production: {
            enabled: true,
            offVariant: 'off',
            fallthrough: { rollout: { weights: [{ variant: 'on', weight: 1 }] } },
          },
        },
      },
    ],
  ] as const) {
    const res = await sendJson(app, 'PUT', `/feature-flags/${key}`, definition, admin);
    if (res.status !== 201) throw new Error(`PUT ${key}: ${res.status} ${await res.text()}`);
  }

  await OpenFeature.setProviderAndWait(
    new OFREPProvider({ baseUrl: app.url, headers: [['Authorization', `Bearer ${CLIENT}`]] }),
  );
  const client = OpenFeature.getClient();
  const pro = await client.getStringDetails('color', 'default', { targetingKey: 'u1', plan: 'pro' });
  deepStrictEqual(essentials(pro), {
    value: 'b',
    variant: 'blue',
    reason: 'TARGETING_MATCH',
    errorCode: undefined,
  });
  deepStrictEqual(pro.flagMetadata, {
    environment: 'production',
    flagVersion: 1,
    decidedBy: 'rule',
    ruleIndex: 0,
    ruleId: 'pro',
  });
  deepStrictEqual(essentials(await client.getStringDetails('color', 'default', { targetingKey: 'u1' })), {
    value: 'r',
    variant: 'red',
    reason: 'DEFAULT',
    errorCode: undefined,
  });
  deepStrictEqual(essentials(await client.getNumberDetails('limit', 0, { targetingKey: 'u1' })), {
    value: 5,
    variant: 'low',
    reason: 'DISABLED',
    errorCode: undefined,
  });
  deepStrictEqual(essentials(await client.getBooleanDetails('rollout', false, { targetingKey: 'u1' })), {
    value: true,
    variant: 'on',
    reason: 'SPLIT',
    errorCode: undefined,
  });
  // Errors: the caller's default, with OpenFeature's code (TYPE_MISMATCH is the provider's own check).
  deepStrictEqual(essentials(await client.getBooleanDetails('rollout', false, {})), {
    value: false,
    variant: undefined,
    reason: 'ERROR',
    errorCode: 'TARGETING_KEY_MISSING',
  });
  deepStrictEqual(essentials(await client.getBooleanDetails('missing', true, { targetingKey: 'u1' })), {
    value: true,
    variant: undefined,
    reason: 'ERROR',
    errorCode: 'FLAG_NOT_FOUND',
  });
  deepStrictEqual(essentials(await client.getBooleanDetails('color', true, { targetingKey: 'u1' })), {
    value: true,
    variant: undefined,
    reason: 'ERROR',
    errorCode: 'TYPE_MISMATCH',
  });
  process.stdout.write(
    'ofrep-interop: @openfeature/ofrep-provider 0.1.3 agrees with Flagwire on every answer\n',
  );
} finally {
  await OpenFeature.close();
  await app.stop();
  await app.removeDataDir();
}
