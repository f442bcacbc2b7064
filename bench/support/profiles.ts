import { readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { type FunctionShare, summarizeProfile } from '../profile-summary.js';
import type { BenchReport } from './results.js';

const TOP = 15;

/**
 * After a `--cpu-prof` run: for every scenario, where its service processes spent their CPU during the
 * measurement (only the samples in its windows), from the profiles node wrote into `dir`. Writes
 * `dir/summary.md` and returns its path.
 */
export async function summarizeProfiles(report: BenchReport, dir: string): Promise<string> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  const lines = [`# Where the service spent its CPU (${report.command})`, ''];
  const done = new Map<string, string>();
  for (const scenario of report.scenarios) {
    for (const target of scenario.profile ?? []) {
      // Two rows measured together (cross-instance) share their processes and windows: summed up once.
      const key = `${target.pid} ${JSON.stringify(target.windows)}`;
      const already = done.get(key);
      if (already) {
        lines.push(`## ${scenario.id}${target.label ? `, ${target.label}` : ''}`, '', `See ${already}.`, '');
        continue;
      }
      done.set(key, `${scenario.id}${target.label ? `, ${target.label}` : ''}`);
      // CPU.<date>.<time>.<pid>.<thread>.<seq>.cpuprofile: the main thread is thread 0.
      const file = files.find((f) => f.split('.')[3] === String(target.pid) && f.split('.')[4] === '0');
      lines.push(`## ${scenario.id}${target.label ? `, ${target.label}` : ''} (pid ${target.pid})`, '');
      if (!file) {
        lines.push('no profile found', '');
        continue;
      }
      const profile = JSON.parse(await readFile(join(dir, file), 'utf8'));
      const { busy, idle, functions } = summarizeProfile(profile, target.windows);
      const row = (f: FunctionShare) =>
        `| ${f.selfPercent.toFixed(1)}% | ${f.inclusivePercent.toFixed(1)}% | \`${f.name}\` |`;
      lines.push(
        `${file}: ${busy} busy samples in the measurement windows, ${idle} idle (busy ${((100 * busy) / Math.max(1, busy + idle)).toFixed(1)}%). Shares of the busy samples:`,
        '',
        '| self | inclusive | function (by self time) |',
        '| --- | --- | --- |',
        ...[...functions]
          .sort((a, b) => b.selfPercent - a.selfPercent)
          .slice(0, TOP)
          .map(row),
        '',
        '| self | inclusive | application code (by inclusive time) |',
        '| --- | --- | --- |',
        ...functions
          .filter((f) => f.name.includes(' src/'))
          .sort((a, b) => b.inclusivePercent - a.inclusivePercent)
          .slice(0, TOP)
          .map(row),
        '',
      );
    }
  }
  const path = join(dir, 'summary.md');
  await writeFile(path, lines.join('\n'));
  return path;
}
