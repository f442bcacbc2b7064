import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { freePort } from '../support/ports.js';

const root = join(import.meta.dirname, '../..');

/** `src/main.ts` as its own process, as in production; resolves once it answers /readyz. */
async function startService(dataDir: string, port: number): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', join(root, 'src/main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      PORT: String(port),
      HOST: '127.0.0.1',
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      SSE_RETRY_MS: '1234',
    },
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    if (child.exitCode !== null) throw new Error(`service exited early (${child.exitCode})`);
    if (
      await fetch(`${url}/readyz`).then(
        (r) => r.ok,
        () => false,
      )
    )
      return { child, url };
    if (attempt > 300) throw new Error('service not ready within 30 s');
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('graceful shutdown on SIGTERM', () => {
  it('tells stream clients to reconnect, closes websockets with 1001, finishes in-flight writes and exits 0 in time', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'flagwire-shutdown-'));
    const port = await freePort();
    try {
      const { child, url } = await startService(dataDir, port);
      const exited = new Promise<{ code: number | null; at: number }>((resolve) =>
        child.once('exit', (code) => resolve({ code, at: performance.now() })),
      );

      // An SSE stream, read to its end.
      const stream = await fetch(`${url}/feature-flags/stream`);
      const streamText = stream.text();
      // A graphql-ws subscriber, recording how its socket closes.
      const socketClosed = new Promise<number>((resolve) => {
        const ws = createClient({
          url: `${url.replace('http', 'ws')}/graphql`,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          lazy: false,
          // The close is what these tests observe (on 'closed'); graphql-ws would also print it.
          onNonLazyError: () => {},
        });
        ws.on('closed', (event) => resolve((event as { code: number }).code));
      });

      // A burst of writes, with SIGTERM sent as soon as the first is acknowledged.
      const writes = Array.from({ length: 30 }, (_, i) =>
        fetch(`${url}/feature-flags`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ key: `shutdown.${i}`, isEnabled: true }),
        }).then(
          (res) => ({ key: `shutdown.${i}`, acknowledged: res.status === 201 }),
          () => ({ key: `shutdown.${i}`, acknowledged: false }),
        ),
      );
      await Promise.race(writes);
      const signalledAt = performance.now();
      child.kill('SIGTERM');

      const results = await Promise.all(writes);
      const { code, at } = await exited;
      expect(code).toBe(0);
      expect(at - signalledAt).toBeLessThan(10_000);
      expect(await socketClosed).toBe(1001);
      expect(await streamText).toMatch(/retry: 1234\n\n$/);

      // Every write the service acknowledged is there after a restart on the same data.
      const acknowledged = results.filter((r) => r.acknowledged).map((r) => r.key);
      expect(acknowledged.length).toBeGreaterThan(0);
      const again = await startService(dataDir, port);
      try {
        const flags = (await (await fetch(`${again.url}/feature-flags?prefix=shutdown`)).json()) as Array<{
          key: string;
        }>;
        const stored = new Set(flags.map((f) => f.key));
        for (const key of acknowledged) expect(stored.has(key)).toBe(true);
      } finally {
        again.child.kill('SIGTERM');
        await new Promise((resolve) => again.child.once('exit', resolve));
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
