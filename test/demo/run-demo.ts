import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Inbox } from '../support/listeners.js';
import { freePort } from '../support/ports.js';

const root = join(import.meta.dirname, '../..');

/** One line of the demo's output: `<time> <LABEL>  <text>`. */
export interface Line {
  label: string;
  text: string;
}

const cleanups: Array<() => Promise<void>> = [];

/** Kills what `runDemo` started and removes its data (call it in `afterEach`). */
export async function stopDemos(): Promise<void> {
  for (const cleanup of cleanups.splice(0)) await cleanup();
}

/**
 * Runs `npm run demo`'s entry point with `args` against `url` (a running app), or against a free port
 * where it starts its embedded service itself.
 */
export async function runDemo(args: string[], url?: string) {
  const dataDir = await mkdtemp(join(tmpdir(), 'flagwire-demo-'));
  const target = url ?? `http://127.0.0.1:${await freePort()}`;
  const child: ChildProcess = spawn(
    process.execPath,
    ['--import', 'tsx', join(root, 'demo/main.ts'), '--url', target, '--no-color', ...args],
    {
      cwd: root,
      env: { ...process.env, DATA_DIR: dataDir, FLAGWIRE_TOKEN: '' },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const lines: Line[] = [];
  const inbox = new Inbox<Line>();
  createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (raw) => {
    const match = /^\S+ (\S+)\s+(.*)$/.exec(raw);
    if (!match) return;
    const line = { label: match[1] as string, text: match[2] as string };
    lines.push(line);
    inbox.push(line);
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  cleanups.push(async () => {
    if (child.exitCode === null) child.kill('SIGKILL');
    await exited;
    await rm(dataDir, { recursive: true, force: true });
  });
  /** Waits until a line satisfying `match` arrives (lines already seen count). */
  const waitFor = async (match: (line: Line) => boolean, what: string) => {
    if (lines.some(match)) return;
    for (;;) if (match(await inbox.next(15_000, what))) return;
  };
  return { url: target, child, lines, exited, waitFor };
}
