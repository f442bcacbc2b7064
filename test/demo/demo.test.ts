import { afterEach, describe, expect, it } from '@jest/globals';
import { type Line, runDemo, stopDemos } from './run-demo.js';

const LABELS = ['POLL', 'SSE', 'BETA-SSE', 'GRAPHQL'] as const;

afterEach(stopDemos);

const changeLine = (line: Line) => / \(revision \d+\) — \d+ ms after the write$/.test(line.text);

describe('npm run demo', () => {
  it('with --drive, every client reacts: the poller with 200s and 304s, the beta client only to beta flags', async () => {
    const demo = await runDemo([
      '--drive',
      '--drive-every',
      '600',
      '--poll-interval',
      '400',
      '--duration',
      '7',
    ]);
    expect(await demo.exited).toBe(0);
    for (const label of LABELS) {
      expect(demo.lines.filter((l) => l.label === label && changeLine(l)).length).toBeGreaterThan(0);
      expect(demo.lines.some((l) => l.label === label && l.text.startsWith('summary:'))).toBe(true);
    }
    const beta = demo.lines.filter((l) => l.label === 'BETA-SSE' && changeLine(l));
    expect(beta.every((l) => l.text.startsWith('beta.'))).toBe(true);
    expect(demo.lines.some((l) => l.label === 'SSE' && changeLine(l) && !l.text.startsWith('beta.'))).toBe(
      true,
    );
    expect(demo.lines.some((l) => l.label === 'POLL' && l.text.startsWith('304 Not Modified'))).toBe(true);
    expect(demo.lines.some((l) => l.label === 'POLL' && l.text.startsWith('200 OK'))).toBe(true);
    expect(demo.lines.some((l) => l.label === 'DRIVER')).toBe(true);
  }, 30_000);

  it("shows the seed's curl POST in the real-time, polling and GraphQL clients, not in the beta one, and stops on Ctrl-C", async () => {
    const demo = await runDemo(['--poll-interval', '500']);
    for (const label of LABELS)
      await demo.waitFor((l) => l.label === label && l.text.startsWith('ready'), `${label} ready`);

    const posted = await fetch(`${demo.url}/feature-flags`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"key": "new-feature", "isEnabled": true, "description": "Test flag"}',
    });
    expect(posted.status).toBe(201);
    for (const label of ['SSE', 'GRAPHQL', 'POLL']) {
      await demo.waitFor(
        (l) => l.label === label && l.text.startsWith('new-feature ON'),
        `${label} sees new-feature`,
      );
    }
    // The beta client heard nothing of it: the next thing it reports is the next beta change.
    await fetch(`${demo.url}/feature-flags`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: '{"key": "beta.checkout", "isEnabled": true}',
    });
    await demo.waitFor((l) => l.label === 'BETA-SSE' && changeLine(l), 'a beta change');
    expect(
      demo.lines.filter((l) => l.label === 'BETA-SSE' && changeLine(l)).map((l) => l.text.split(' ')[0]),
    ).toEqual(['beta.checkout']);

    demo.child.kill('SIGINT');
    expect(await demo.exited).toBe(0);
    expect(demo.lines.some((l) => l.label === 'DEMO' && l.text.startsWith('Ctrl-C: stopping'))).toBe(true);
  }, 30_000);
});
