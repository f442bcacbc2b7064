import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { BenchReport } from '../../bench/support/results.js';
import { SCENARIOS } from '../../bench/support/results.js';

// Only that the harness runs end to end and writes its files with every scenario: `--quick` sizes are
// far too small (and this machine too busy during a test run) for any figure to mean something.
describe('npm run bench -- --quick', () => {
  let out: string;
  let exitCode: number | null;
  let stderr = '';

  beforeAll(async () => {
    out = await mkdtemp(join(tmpdir(), 'flagwire-bench-test-'));
    // Without jest's NODE_OPTIONS (vm modules): the bench's processes are ordinary Node processes.
    const { NODE_OPTIONS: _ignored, ...env } = process.env;
    const child = spawn(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--quick', '--out', out], {
      cwd: join(import.meta.dirname, '../..'),
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-20_000);
    });
    exitCode = await new Promise<number | null>((resolve) => child.once('exit', resolve));
  }, 600_000); // every scenario at --quick size, on a machine running the other suites too

  afterAll(async () => {
    await rm(out, { recursive: true, force: true });
  });

  it('exits cleanly', () => {
    expect({ exitCode, stderr: exitCode === 0 ? '' : stderr }).toEqual({ exitCode: 0, stderr: '' });
  });

  it('writes latest.json with every scenario, each measured (not failed; the comparison may be skipped)', async () => {
    const report = JSON.parse(await readFile(join(out, 'latest.json'), 'utf8')) as BenchReport;
    expect(report.quick).toBe(true);
    expect(report.scenarios.map((s) => s.id)).toEqual([...SCENARIOS]);
    for (const scenario of report.scenarios) {
      expect({ id: scenario.id, error: scenario.error }).toEqual({ id: scenario.id, error: undefined });
      // evaluator-comparison needs bench/compare's packages: skipped, with the reason, where npm cannot get them.
      const allowed =
        scenario.id === 'evaluator-comparison' ? ['reported', 'skipped'] : ['met', 'missed', 'reported'];
      expect(allowed).toContain(scenario.status);
    }
    expect(report.machine.cores).toBeGreaterThan(0);
    expect(report.machine.node).toBe(process.version);
  });

  it('writes latest.md with a row per scenario', async () => {
    const markdown = await readFile(join(out, 'latest.md'), 'utf8');
    for (const id of SCENARIOS) expect(markdown).toContain(`| ${id} |`);
  });

  it('writes chart.svg with the throughput ratios and the latencies', async () => {
    const svg = await readFile(join(out, 'chart.svg'), 'utf8');
    expect(svg.startsWith('<svg')).toBe(true);
    for (const id of ['poll-304', 'poll-200', 'sse-fanout', 'subscription-fanout', 'cross-instance-sse'])
      expect(svg).toContain(`>${id}<`);
  });
});
