import { makeExecutableSchema } from '@graphql-tools/schema';
import { describe, expect, it } from '@jest/globals';
import { type ExecutionResult, parse } from 'graphql';
import { subscribeSharingExecution } from '../../src/graphql/shared-execution.js';

/** A schema whose one subscription yields the given events and counts how often a field is resolved. */
function setup(events: object[]) {
  const counted = { resolved: 0 };
  const schema = makeExecutableSchema({
    typeDefs: 'type Query { ok: Boolean } type Tick { n: Int } type Subscription { tick(scale: Int): Tick }',
    resolvers: {
      Subscription: {
        tick: {
          subscribe: async function* () {
            yield* events;
          },
          resolve: (event: { n: number }) => event,
        },
      },
      Tick: {
        n: (
          event: { n: number },
          _args: unknown,
          _ctx: unknown,
          info: { variableValues: { s?: number } },
        ) => {
          counted.resolved++;
          return event.n * (info.variableValues.s ?? 1);
        },
      },
    },
  });
  return { schema, counted };
}

async function collect(
  result: Awaited<ReturnType<typeof subscribeSharingExecution>>,
): Promise<ExecutionResult[]> {
  const out: ExecutionResult[] = [];
  for await (const item of result as AsyncIterable<ExecutionResult>) out.push(item);
  return out;
}

describe('subscribeSharingExecution', () => {
  it('executes each event once for all subscribers with the same document and variables', async () => {
    const events = [{ n: 1 }, { n: 2 }];
    const { schema, counted } = setup(events);
    const document = parse('subscription { tick { n } }');
    const results = await Promise.all(
      Array.from({ length: 50 }, async () => collect(await subscribeSharingExecution({ schema, document }))),
    );
    for (const result of results)
      expect(result).toEqual([{ data: { tick: { n: 1 } } }, { data: { tick: { n: 2 } } }]);
    expect(counted.resolved).toBe(2);
  });

  it('executes separately for different variables, so nobody gets another one’s answer', async () => {
    const { schema, counted } = setup([{ n: 3 }]);
    const document = parse('subscription ($s: Int) { tick(scale: $s) { n } }');
    const [one, ten] = await Promise.all([
      subscribeSharingExecution({ schema, document, variableValues: { s: 1 } }).then(collect),
      subscribeSharingExecution({ schema, document, variableValues: { s: 10 } }).then(collect),
    ]);
    expect(one).toEqual([{ data: { tick: { n: 3 } } }]);
    expect(ten).toEqual([{ data: { tick: { n: 30 } } }]);
    expect(counted.resolved).toBe(2);
  });

  it('executes separately for principals that may read different things, and shares between tokens that may read the same', async () => {
    const { schema, counted } = setup([{ n: 4 }]);
    const document = parse('subscription { tick { n } }');
    const as = (principal: object) =>
      subscribeSharingExecution({ schema, document, contextValue: { principal } }).then(collect);
    await Promise.all([
      as({ scope: 'admin', id: 'a1' }),
      as({ scope: 'admin', id: 'a2' }),
      as({ scope: 'client', id: 'c1', environment: 'staging' }),
      as({ scope: 'client', id: 'c2', environment: 'production' }),
    ]);
    // One execution for both admins; one for each client environment.
    expect(counted.resolved).toBe(3);
  });
});
