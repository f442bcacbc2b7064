import { createApp } from '../src/app.js';
import { loadConfig } from '../src/config.js';
import { createLogger } from '../src/logger.js';
import type { Output } from './output.js';

/**
 * Uses the service at `url` when it answers; otherwise starts one in this process on that host and
 * port (embedded store under DATA_DIR, default ./data), so the demo needs no other terminal.
 */
export async function ensureService(url: string, out: Output): Promise<{ stop(): Promise<void> }> {
  const answered = await fetch(`${url}/healthz`, { signal: AbortSignal.timeout(1000) }).then(
    (res) => res.ok,
    () => false,
  );
  if (answered) {
    out.line('DEMO', `using the service at ${url}`);
    return { stop: async () => {} };
  }
  const target = new URL(url);
  const config = loadConfig({
    ...process.env,
    PORT: target.port || (target.protocol === 'https:' ? '443' : '80'),
    HOST: target.hostname === 'localhost' ? '127.0.0.1' : target.hostname,
    LOG_LEVEL: process.env.LOG_LEVEL ?? 'warn',
  });
  const running = await createApp(config, { logger: createLogger(config.logLevel) }).start();
  out.line(
    'DEMO',
    `nothing answered at ${url}: started an embedded service there (data in ${config.dataDir})`,
  );
  return running;
}
