import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { LoadOptions, LoadResult } from '../loadgen/protocol.js';
import { root } from './service-process.js';

/** The environment for bench children: without jest's NODE_OPTIONS (vm modules) when run from a test. */
function childEnv(): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _ignored, ...env } = process.env;
  return env;
}

/** Runs a TypeScript file of this repository (under tsx) as its own process. */
export function spawnTs(
  file: string,
  args: readonly string[],
  options: { ipc?: boolean; nodeArgs?: readonly string[] } = {},
): ChildProcess {
  return spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', join(root, file), ...args],
    {
      cwd: root,
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'inherit', ...(options.ipc ? (['ipc'] as const) : [])],
    },
  );
}

/** Runs a child that prints one JSON line on stdout and exits; resolves with that value. */
export async function runJsonChild<T>(file: string, args: readonly string[]): Promise<T> {
  const child = spawnTs(file, args);
  let stdout = '';
  child.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (exitCode) => resolve(exitCode));
  });
  const line = stdout.trim().split('\n').at(-1);
  if (code !== 0 || !line) throw new Error(`${file} exited with code ${code}: ${stdout.slice(-500)}`);
  return JSON.parse(line) as T;
}

/** Past this, the load generator's options go through a file: an argument list has a size limit (E2BIG). */
const MAX_ARGUMENT_BYTES = 64 * 1024;

/**
 * One autocannon run from its own process (bench/loadgen/http.ts): its options as JSON in the argument,
 * or, when large (thousands of distinct requests), in a temporary file named by `@<path>`.
 */
export async function runLoad(options: LoadOptions): Promise<LoadResult> {
  const json = JSON.stringify(options);
  if (json.length <= MAX_ARGUMENT_BYTES) return runJsonChild<LoadResult>('bench/loadgen/http.ts', [json]);
  const dir = await mkdtemp(join(tmpdir(), 'flagwire-bench-load-'));
  try {
    const file = join(dir, 'options.json');
    await writeFile(file, json);
    return await runJsonChild<LoadResult>('bench/loadgen/http.ts', [`@${file}`]);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** A server process that prints one JSON line (its address) when it listens, and stops on SIGTERM. */
export interface ServerChild<T> {
  readonly info: T;
  readonly pid: number;
  stop(): Promise<void>;
}

export async function startServerChild<T>(file: string, args: readonly string[]): Promise<ServerChild<T>> {
  const child = spawnTs(file, args);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stdout = child.stdout;
  if (!stdout) throw new Error(`${file} has no stdout`);
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: stdout }).once('line', resolve);
    child.once('exit', (code) => reject(new Error(`${file} exited (${code}) before listening`)));
  });
  return {
    info: JSON.parse(first) as T,
    pid: child.pid ?? -1,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}
