import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sendJson, startTestApp } from '../support/app.js';

/** The GraphQL the console reads: `viewer`, `evaluateAll` with `decision`, and `updateEnvironment`. */
describe('GraphQL for the console', () => {
  const ADMIN = 'admin-token-0123456789abcdef';
  const CLIENT = 'staging client-token-0123456789abcdef';
  let app: Awaited<ReturnType<typeof startTestApp>>;
  const gql = async (token: string, query: string, variables: Record<string, unknown> = {}) =>
    (await (
      await sendJson(app, 'POST', '/graphql', { query, variables }, { authorization: `Bearer ${token}` })
    ).json()) as {
      data?: Record<string, unknown>;
      errors?: { extensions: { code: string } }[];
    };

  beforeAll(async () => {
    app = await startTestApp({ ADMIN_TOKENS: ADMIN, CLIENT_TOKENS: CLIENT });
    await sendJson(app, 'POST', '/environments', { key: 'staging' }, { authorization: `Bearer ${ADMIN}` });
    await sendJson(
      app,
      'PUT',
      '/feature-flags/checkout',
      {
        type: 'string',
        variants: { a: 'A', b: 'B' },
        environments: {
          production: {
            enabled: true,
            offVariant: 'a',
            rules: [
              {
                id: 'pros',
                clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }],
                serve: { variant: 'b' },
              },
            ],
            fallthrough: {
              rollout: {
                weights: [
                  { variant: 'a', weight: 25 },
                  { variant: 'b', weight: 75 },
                ],
              },
            },
          },
        },
      },
      { authorization: `Bearer ${ADMIN}` },
    );
  });
  afterAll(async () => {
    await app.stop();
    await app.removeDataDir();
  });

  it('says what a token may do', async () => {
    expect((await gql(ADMIN, '{ viewer { canWrite environment openAccess } }')).data).toEqual({
      viewer: { canWrite: true, environment: null, openAccess: false },
    });
    expect((await gql('client-token-0123456789abcdef', '{ viewer { canWrite environment } }')).data).toEqual({
      viewer: { canWrite: false, environment: 'staging' },
    });
  });

  it('evaluates every flag for a context and names the rule or the rollout draw that decided', async () => {
    const query = `query ($context: JSON!) { evaluateAll(context: $context) { key variant reason
      decision { kind index ruleId rollout { bucketBy bucket totalWeight index } } } }`;
    const pro = await gql(ADMIN, query, { context: { targetingKey: 'u1', plan: 'pro' } });
    expect(pro.data).toEqual({
      evaluateAll: [
        {
          key: 'checkout',
          variant: 'b',
          reason: 'TARGETING_MATCH',
          decision: { kind: 'RULE', index: 0, ruleId: 'pros', rollout: null },
        },
      ],
    });
    const free = await gql(ADMIN, query, { context: { targetingKey: 'u1', plan: 'free' } });
    const [row] = (
      free.data as {
        evaluateAll: {
          variant: string;
          decision: { kind: string; rollout: { bucket: number; totalWeight: number; index: number } };
        }[];
      }
    ).evaluateAll;
    expect(row?.decision.kind).toBe('FALLTHROUGH');
    expect(row?.decision.rollout.totalWeight).toBe(100);
    // The draw explains the variant: bucket < 25 is `a` (index 0), the rest `b`.
    expect(row?.decision.rollout.index).toBe(row && row.decision.rollout.bucket < 25 ? 0 : 1);
    expect(row?.variant).toBe(row?.decision.rollout.index === 0 ? 'a' : 'b');
  });

  it('changes an environment’s description for admins only', async () => {
    const mutation =
      'mutation { updateEnvironment(key: "staging", input: { description: "pre-prod" }) { key description } }';
    expect((await gql(ADMIN, mutation)).data).toEqual({
      updateEnvironment: { key: 'staging', description: 'pre-prod' },
    });
    expect((await gql('client-token-0123456789abcdef', mutation)).errors?.[0]?.extensions.code).toBe(
      'FORBIDDEN',
    );
    const missing = await gql(
      ADMIN,
      'mutation { updateEnvironment(key: "nowhere", input: { description: "x" }) { key } }',
    );
    expect(missing.errors?.[0]?.extensions.code).toBe('ENVIRONMENT_NOT_FOUND');
  });
});
