// Where a service process spent its CPU: summarises a `.cpuprofile` written by `npm run bench --
// --cpu-prof` (or `node --cpu-prof`). Self time and inclusive time per function, as a share of the busy
// (not idle) samples, optionally only those within CLOCK_MONOTONIC windows in µs (latest.json records
// the phases that way: details.*.phaseMonotonicUs, details.subject[].monotonicUs).
//   npx tsx bench/profile-summary.ts <file.cpuprofile> [--window <from-µs>:<to-µs>]... [--top 25]
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { root } from './support/service-process.js';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface Profile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

export interface FunctionShare {
  name: string;
  selfPercent: number;
  inclusivePercent: number;
}

const IDLE = new Set(['(idle)', '(program)']);

/** Self and inclusive shares of the busy samples taken within `windows` (all when none). */
export function summarizeProfile(profile: Profile, windows: readonly (readonly [number, number])[] = []) {
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes) for (const child of node.children ?? []) parent.set(child, node.id);
  const label = (node: ProfileNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const file = url ? relative(root, url.replace(/^file:\/\//, '')) : '';
    return `${functionName || '(anonymous)'}${file ? ` ${file}:${lineNumber + 1}` : ''}`;
  };
  const self = new Map<string, number>();
  const inclusive = new Map<string, number>();
  let total = 0;
  let idle = 0;
  let t = profile.startTime;
  profile.samples.forEach((id, i) => {
    t += profile.timeDeltas[i] ?? 0;
    if (windows.length > 0 && !windows.some(([from, to]) => t >= from && t <= to)) return;
    const node = byId.get(id);
    if (!node) return;
    if (IDLE.has(node.callFrame.functionName)) {
      idle++;
      return;
    }
    total++;
    const own = label(node);
    self.set(own, (self.get(own) ?? 0) + 1);
    const seen = new Set<string>();
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at);
      if (!frame) break;
      const name = label(frame);
      if (seen.has(name)) continue;
      seen.add(name);
      inclusive.set(name, (inclusive.get(name) ?? 0) + 1);
    }
  });
  const share = (n: number) => (total > 0 ? (100 * n) / total : 0);
  const functions: FunctionShare[] = [...inclusive.keys()].map((name) => ({
    name,
    selfPercent: share(self.get(name) ?? 0),
    inclusivePercent: share(inclusive.get(name) ?? 0),
  }));
  return { busy: total, idle, functions };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const args = process.argv.slice(2);
  const file = args.find((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
  if (!file) throw new Error('usage: profile-summary.ts <file.cpuprofile> [--window from:to]... [--top n]');
  const windows = args.flatMap((arg, i) => {
    if (arg !== '--window') return [];
    const [from, to] = (args[i + 1] ?? '').split(':').map(Number);
    return from !== undefined && to !== undefined ? [[from, to] as const] : [];
  });
  const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
  const { busy, idle, functions } = summarizeProfile(profile, windows);
  const topAt = args.indexOf('--top');
  const top = topAt >= 0 ? Number(args[topAt + 1]) : 25;
  const line = (f: FunctionShare) =>
    `${f.selfPercent.toFixed(1).padStart(6)}% ${f.inclusivePercent.toFixed(1).padStart(6)}%  ${f.name}`;
  process.stdout.write(
    `${busy} busy samples (${idle} idle; busy ${((100 * busy) / Math.max(1, busy + idle)).toFixed(1)}%); shares of the busy ones\n\n  self  incl.  (by self time)\n`,
  );
  for (const f of [...functions].sort((a, b) => b.selfPercent - a.selfPercent).slice(0, top))
    process.stdout.write(`${line(f)}\n`);
  process.stdout.write('\n  self  incl.  (by inclusive time, application code)\n');
  for (const f of [...functions]
    .filter((f) => f.name.includes(' src/'))
    .sort((a, b) => b.inclusivePercent - a.inclusivePercent)
    .slice(0, top))
    process.stdout.write(`${line(f)}\n`);
}
