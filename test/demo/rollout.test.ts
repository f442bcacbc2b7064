import { type EvaluationContext, evaluate, FlagDefinition, type FlagDefinitionInput } from '@flagwire/core';
import { afterEach, describe, expect, it } from '@jest/globals';
import { simulatedUsers } from '../../demo/rollout/population.js';
import { sendJson, startTestApp } from '../support/app.js';
import { type Line, runDemo, stopDemos } from './run-demo.js';

const KEY = 'checkout.new-flow';
const users = simulatedUsers();

const apps: Array<{ stop(): Promise<void>; removeDataDir(): Promise<void> }> = [];
afterEach(async () => {
  await stopDemos();
  for (const app of apps.splice(0)) {
    await app.stop();
    await app.removeDataDir();
  }
});

async function startApp() {
  const app = await startTestApp();
  apps.push(app);
  return app;
}

/**
 * What the rollout is expected to be at each step, written here independently of the demo's own
 * builder: the fallthrough lists `first` then `second`, and a rule sends pro plans outside France to
 * the preview.
 */
function definition(weights: Array<[variant: string, weight: number]>, rule = false): FlagDefinitionInput {
  return {
    key: KEY,
    type: 'string',
    variants: { control: 'v1', treatment: 'v2', preview: 'v3', off: 'v0' },
    environments: {
      production: {
        enabled: true,
        offVariant: 'off',
        rules: rule
          ? [
              {
                clauses: [
                  { attribute: 'plan', op: 'in', values: ['pro'] },
                  { attribute: 'country', op: 'in', values: ['FR'], negate: true },
                ],
                serve: { variant: 'preview' },
              },
            ]
          : [],
        fallthrough: { rollout: { weights: weights.map(([variant, weight]) => ({ variant, weight })) } },
      },
    },
  };
}

/** The variant @flagwire/core's evaluator serves each simulated user (what the panel must count). */
function served(input: FlagDefinitionInput): string[] {
  const flag = FlagDefinition.parse(input);
  return users.map(
    (user: EvaluationContext) =>
      evaluate(flag, 'production', user, { defaultValue: 'none', expectedType: 'string' }).variant ?? '?',
  );
}

function countsOf(variants: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = { control: 0, treatment: 0, preview: 0, off: 0 };
  for (const variant of variants) counts[variant] = (counts[variant] ?? 0) + 1;
  return counts;
}

/** A panel line: `rollout 10% (no rules): control 902, treatment 98, ... — 98 changed, flip-backs 0`. */
interface PanelRound {
  percent: number;
  rules: number;
  counts: Record<string, number>;
  changed: number;
  flipBacks: number;
}

function parseRound(line: Line): PanelRound | undefined {
  const match =
    /^rollout ([\d.]+)% (?:\(no rules\)|\+ (\d+) rule\(s\)): (.*) — (\d+) changed, flip-backs (\d+)(?: \(.*\))?$/.exec(
      line.text,
    );
  if (line.label !== 'ROLLOUT' || !match) return undefined;
  const counts: Record<string, number> = {};
  for (const part of (match[3] as string).split(', ')) {
    const [variant, count] = part.split(' ');
    counts[variant as string] = Number(count);
  }
  return {
    percent: Number(match[1]),
    rules: Number(match[2] ?? 0),
    counts,
    changed: Number(match[4]),
    flipBacks: Number(match[5]),
  };
}

const roundsIn = (lines: readonly Line[]) => lines.flatMap((line) => parseRound(line) ?? []);

describe('the rollout panel of npm run demo', () => {
  it('simulates a thousand distinct users, user-0 to user-999, with a plan and a country', () => {
    expect(users.map((u) => u.targetingKey)).toEqual(Array.from({ length: 1000 }, (_, i) => `user-${i}`));
    expect(new Set(users.map((u) => u.plan))).toEqual(new Set(['free', 'pro', 'team']));
    expect(new Set(users.map((u) => u.country)).size).toBeGreaterThan(1);
  });

  it('with --drive, counts exactly what the evaluator serves at 0, 10, 50 and 100%, then with the rule, and no user ever flips back', async () => {
    const app = await startApp();
    const demo = await runDemo(['--drive', '--drive-every', '250', '--poll-interval', '5000'], app.url);
    await demo.waitFor((l) => parseRound(l)?.rules === 1, 'the panel showing the rule');

    const steps = [
      definition([
        ['treatment', 0],
        ['control', 100],
      ]),
      definition([
        ['treatment', 10],
        ['control', 90],
      ]),
      definition([
        ['treatment', 50],
        ['control', 50],
      ]),
      definition([
        ['treatment', 100],
        ['control', 0],
      ]),
      definition(
        [
          ['treatment', 100],
          ['control', 0],
        ],
        true,
      ),
    ].map(served);
    const expected = steps.map((variants, i) => ({
      percent: [0, 10, 50, 100, 100][i],
      rules: i === 4 ? 1 : 0,
      counts: countsOf(variants),
      // Before the first step the flag is unknown: every user got the default, so all of them change.
      changed: variants.filter((v, u) => i === 0 || v !== steps[i - 1]?.[u]).length,
      flipBacks: 0,
    }));
    // The buckets are deterministic, so the counts are exact, not "about 10%". They are also close to
    // the weights: 9.8% and 50.6%, within 1 point (one binomial standard deviation over 1,000 users is
    // about 0.95 point at 10% and 1.6 at 50%).
    expect(expected.map((e) => e.counts.treatment)).toEqual([0, 98, 506, 1000, 760]);
    expect(expected[4]?.counts.preview).toBe(
      users.filter((u) => u.plan === 'pro' && u.country !== 'FR').length,
    );
    expect(roundsIn(demo.lines).slice(0, 5)).toEqual(expected);

    // Then the drive starts again from 0%: a rollback, which sends everyone to control and is no flip-back.
    await demo.waitFor(
      (l) => parseRound(l)?.percent === 0 && l.text.endsWith('a rollback, counted afresh)'),
      'the rollback',
    );
    expect(roundsIn(demo.lines)[5]).toMatchObject({ percent: 0, counts: { control: 1000 }, flipBacks: 0 });

    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    expect(demo.lines.filter((l) => l.label === 'ROLLOUT' && l.text.startsWith('summary:'))).toEqual([
      { label: 'ROLLOUT', text: expect.stringMatching(/, flip-backs 0$/) },
    ]);
  }, 30_000);

  it('shows, user by user, the flip-backs of a rollout whose weights were reordered as it grew', async () => {
    const app = await startApp();
    const demo = await runDemo(['--poll-interval', '5000'], app.url);
    await demo.waitFor((l) => l.label === 'ROLLOUT' && l.text.startsWith('rollout not defined'), 'the panel');

    const atTen = definition([
      ['treatment', 10],
      ['control', 90],
    ]);
    // The mistake the demo's driver avoids: control listed first moves treatment to the other end.
    const atFifty = definition([
      ['control', 50],
      ['treatment', 50],
    ]);
    const created = await sendJson(app, 'PUT', `/feature-flags/${KEY}`, atTen);
    expect(created.status).toBe(201);
    await demo.waitFor((l) => parseRound(l)?.percent === 10, 'the panel at 10%');
    const replaced = await sendJson(app, 'PUT', `/feature-flags/${KEY}`, atFifty, { 'If-Match': '"1"' });
    expect(replaced.status).toBe(200);
    await demo.waitFor((l) => parseRound(l)?.percent === 50, 'the panel at 50%');

    const before = served(atTen);
    const after = served(atFifty);
    const flippedBack = users.filter((_, u) => before[u] === 'treatment' && after[u] === 'control');
    expect(flippedBack.length).toBeGreaterThan(0);
    expect(roundsIn(demo.lines).at(-1)?.flipBacks).toBe(flippedBack.length);
    // The panel prints the first flipped-back users' histories right after the round's line.
    const example = flippedBack[0]?.targetingKey;
    const history = `flip-back: ${example} (default)@0% -> treatment@10% -> control@50%`;
    await demo.waitFor((l) => l.label === 'ROLLOUT' && l.text === history, "a flipped-back user's history");
  }, 30_000);
});
