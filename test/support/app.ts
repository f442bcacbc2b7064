import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppOverrides, createApp, type RunningApp } from '../../src/app.js';
import { type Config, loadConfig } from '../../src/config.js';

export interface TestApp extends RunningApp {
  readonly config: Config;
}

/**
 * Starts the real app on a free port (127.0.0.1:0) with its own temporary DATA_DIR unless the env
 * overrides it. `stop()` stops the app; `removeDataDir` also deletes the directory.
 */
export async function startTestApp(
  env: Record<string, string> = {},
  overrides: AppOverrides = {},
): Promise<TestApp & { dataDir: string; removeDataDir(): Promise<void> }> {
  const dataDir = env.DATA_DIR ?? (await mkdtemp(join(tmpdir(), 'flagwire-test-')));
  const config = loadConfig({ PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'silent', DATA_DIR: dataDir, ...env });
  const running = await createApp(config, overrides).start();
  return {
    ...running,
    config,
    dataDir,
    removeDataDir: () => rm(dataDir, { recursive: true, force: true }),
  };
}

/** `fetch` against the app, resolving paths relative to its URL. */
export function client(app: Pick<RunningApp, 'url'>) {
  return (path: string, init?: RequestInit) => fetch(new URL(path, app.url), init);
}

/** A JSON request helper: `send(app, 'POST', '/feature-flags', {...})`. */
export function sendJson(
  app: Pick<RunningApp, 'url'>,
  method: string,
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
) {
  return fetch(new URL(path, app.url), {
    method,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}
