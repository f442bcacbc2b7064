import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');

/** A Flagwire instance running as its own process (`src/main.ts` under tsx), as in production. */
export interface ServiceProcess {
  readonly url: string;
  readonly port: number;
  readonly pid: number;
  stop(): Promise<void>;
}

export interface ServiceProcessOptions {
  /** Extra `node` flags, e.g. `--max-old-space-size=4096` or `--cpu-prof`. */
  nodeArgs?: readonly string[];
}

/**
 * Settings every benchmarked instance runs with: the per-token write rate limit is lifted, because the
 * benchmark seeds 1,000 flags and writes its changes as fast as the service takes them (a token bucket
 * check costs the same at any limit). Nothing that is measured is sized up.
 */
export const BENCH_ENV: Readonly<Record<string, string>> = {
  WRITE_RATE_PER_MINUTE: '1000000',
  WRITE_RATE_BURST: '1000000',
};

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (!address || typeof address === 'string') throw new Error('no port');
  return address.port;
}

/**
 * Starts the service with `env` and resolves once `/readyz` answers 200 (or rejects after 30 s). Without
 * `MONGODB_URI` or `DATA_DIR` in `env` it gets a temporary data directory of its own (the embedded store
 * locks its directory), removed again by `stop()`.
 */
export async function startServiceProcess(
  env: Record<string, string>,
  options: ServiceProcessOptions = {},
): Promise<ServiceProcess> {
  const port = await freePort();
  const ownDataDir =
    env.MONGODB_URI || env.DATA_DIR ? undefined : await mkdtemp(join(tmpdir(), 'flagwire-bench-'));
  const child: ChildProcess = spawn(
    process.execPath,
    [...(options.nodeArgs ?? []), '--import', 'tsx', join(root, 'src/main.ts')],
    {
      cwd: root,
      env: {
        ...process.env,
        LOG_LEVEL: 'warn',
        ...BENCH_ENV,
        ...(ownDataDir && { DATA_DIR: ownDataDir }),
        ...env,
        PORT: String(port),
        HOST: '127.0.0.1',
      },
      stdio: ['ignore', 'inherit', 'inherit'],
    },
  );
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const removeDataDir = async () => {
    if (ownDataDir) await rm(ownDataDir, { recursive: true, force: true });
  };
  const url = `http://127.0.0.1:${port}`;
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null) {
      await removeDataDir();
      throw new Error(`service exited with code ${child.exitCode} before it was ready`);
    }
    const ready = await fetch(`${url}/readyz`).then(
      (r) => r.ok,
      () => false,
    );
    if (ready) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      await removeDataDir();
      throw new Error(`service at ${url} not ready within 30 s`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    port,
    pid: child.pid ?? -1,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
      await removeDataDir();
    },
  };
}
