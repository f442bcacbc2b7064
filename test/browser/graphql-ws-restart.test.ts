import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser } from 'playwright-core';
import { sendJson, startTestApp } from '../support/app.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { fileText, launchChromium, serveStatic } from './support/browser.js';

const root = join(import.meta.dirname, '../..');

/** What the page reports about one graphql-ws client, in the order it happened. */
interface PageRecord {
  client: 'defaults' | 'recipe';
  type: 'connected' | 'closed' | 'socket-error' | 'data' | 'subscription-error' | 'complete';
  wasRetry?: boolean;
  code?: number;
  what?: string;
  revision?: number;
}

/** The `resilientOptions` object literal of client/README.md: the recipe under test is the one users read. */
async function readmeRecipe(): Promise<string> {
  const readme = await readFile(join(root, 'client/README.md'), 'utf8');
  const recipe = /const resilientOptions = \{[\s\S]*?\n\};/.exec(readme)?.[0];
  if (!recipe) throw new Error('client/README.md has no `const resilientOptions = { ... };` block');
  return recipe;
}

// The browser side: graphql-ws's UMD build (global `graphqlWs`), and `subscribe(name, url, useRecipe)`
// that opens one client with the defaults or the README's options and reports everything to `report`.
const page = (recipe: string) => `<!doctype html>
<meta charset="utf-8">
<title>graphql-ws across a service restart</title>
<script src="/graphql-ws.js"></script>
<script>
${recipe}
const what = (error) =>
  error && typeof error.code === 'number' ? 'close ' + error.code
  : error instanceof Event ? 'event ' + error.type
  : String(error);
window.subscribe = (client, url, useRecipe) => {
  const report = (entry) => window.report({ client, ...entry });
  const ws = graphqlWs.createClient({
    url,
    ...(useRecipe ? resilientOptions : {}),
    on: {
      connected: (socket, payload, wasRetry) => report({ type: 'connected', wasRetry }),
      closed: (event) => report({ type: 'closed', code: event.code }),
      error: (error) => report({ type: 'socket-error', what: what(error) }),
    },
  });
  ws.subscribe(
    {
      query: 'subscription ($prefix: String) { flagChanged(prefix: $prefix) { kind key revision } }',
      variables: { prefix: 'browser.' },
    },
    {
      next: (result) => report({ type: 'data', revision: result.data && result.data.flagChanged.revision }),
      error: (error) => report({ type: 'subscription-error', what: what(error) }),
      complete: () => report({ type: 'complete' }),
    },
  );
};
</script>
`;

/** The page's reports as they arrive; `until` waits for one after a given position. */
class PageLog {
  readonly records: PageRecord[] = [];
  private waiters: Array<() => void> = [];

  push(record: PageRecord): void {
    this.records.push(record);
    for (const wake of this.waiters.splice(0)) wake();
  }

  get length(): number {
    return this.records.length;
  }

  since(from: number, client: PageRecord['client']): PageRecord[] {
    return this.records.slice(from).filter((record) => record.client === client);
  }

  async until(from: number, match: (record: PageRecord) => boolean, timeoutMs: number, what: string) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.records.slice(from).find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`no ${what} within ${timeoutMs} ms; the page reported ${this.describe(from)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  private describe(from: number): string {
    return JSON.stringify(this.records.slice(from));
  }
}

type App = Awaited<ReturnType<typeof startTestApp>>;

/** A write to the watched flag; answers its revision. */
async function flip(app: App, isEnabled: boolean): Promise<number> {
  const res = await sendJson(app, 'POST', '/feature-flags', { key: 'browser.flag', isEnabled });
  if (!res.ok) throw new Error(`POST answered ${res.status}`);
  return ((await res.json()) as { revision: number }).revision;
}

/**
 * Writes until `clients` receive a change made by one of these writes (graphql-ws acknowledges no
 * subscription, so a write made before the subscription is live would be missed; STACK pitfall 4).
 */
async function writeUntilReceived(
  app: App,
  log: PageLog,
  clients: PageRecord['client'][],
  timeoutMs: number,
) {
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    const from = log.length;
    const revision = await flip(app, i % 2 === 0);
    try {
      for (const client of clients) {
        await log.until(
          from,
          (r) => r.client === client && r.type === 'data' && (r.revision ?? 0) >= revision,
          Math.min(1000, Math.max(1, deadline - Date.now())),
          `change (revision ${revision}) in the ${client} client`,
        );
      }
      return revision;
    } catch (err) {
      if (Date.now() >= deadline) throw err;
    }
  }
}

describe('a browser graphql-ws subscription across a service restart (headless Chromium)', () => {
  let redis: TestRedis;
  let browser: Browser;
  let site: Awaited<ReturnType<typeof serveStatic>>;

  beforeAll(async () => {
    [redis, browser] = await Promise.all([startRedis(), launchChromium()]);
    site = await serveStatic({
      '/': { type: 'text/html; charset=utf-8', body: page(await readmeRecipe()) },
      '/graphql-ws.js': {
        type: 'text/javascript; charset=utf-8',
        body: fileText(join(root, 'node_modules/graphql-ws/umd/graphql-ws.js')),
      },
    });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await site?.close();
    await redis?.stop();
  });

  it("keeps the subscription with client/README.md's recipe and receives a change made after the restart on the same port, while graphql-ws's defaults give up", async () => {
    const env = { REDIS_URL: redis.url, REDIS_KEY_PREFIX: redis.keyPrefix() };
    const first = await startTestApp(env);
    let second: App | undefined;
    const tab = await browser.newPage();
    try {
      const log = new PageLog();
      await tab.exposeFunction('report', (record: PageRecord) => log.push(record));
      await tab.goto(`${site.url}/`);
      const wsUrl = `${first.url.replace('http', 'ws')}/graphql`;
      await tab.evaluate((url) => {
        // Runs in the page, where globalThis is its window.
        const w = globalThis as unknown as { subscribe(name: string, url: string, useRecipe: boolean): void };
        w.subscribe('defaults', url, false);
        w.subscribe('recipe', url, true);
      }, wsUrl);
      await writeUntilReceived(first, log, ['defaults', 'recipe'], 15_000);

      // The service stops (sockets closed with 1001); both clients retry while it is down.
      const stoppedAt = log.length;
      await first.stop();
      const gaveUp = await log.until(
        stoppedAt,
        (r) => r.client === 'defaults' && r.type === 'subscription-error',
        20_000,
        'subscription error in the defaults client (did it recover on its own?)',
      );
      await log.until(
        stoppedAt,
        (r) => r.client === 'recipe' && r.type === 'socket-error',
        20_000,
        'failed reconnection in the recipe client',
      );

      // The same service back on the same port, with the same store and Redis.
      second = await startTestApp({ ...env, PORT: new URL(first.url).port, DATA_DIR: first.dataDir });
      const restartedAt = log.length;
      const revision = await writeUntilReceived(second, log, ['recipe'], 30_000);

      expect(log.since(restartedAt, 'recipe')).toEqual(
        expect.arrayContaining([
          { client: 'recipe', type: 'connected', wasRetry: true },
          { client: 'recipe', type: 'data', revision },
        ]),
      );
      // The defaults: a failed reconnection fired `error` before `close`, the default shouldRetry
      // (close events only) refused it, and the subscription ended with that error: nothing since.
      expect(gaveUp.what).toBe('event error');
      const defaults = log.since(stoppedAt, 'defaults');
      expect(defaults.filter((r) => r.type === 'connected' || r.type === 'data')).toEqual([]);
      expect(defaults.slice(defaults.indexOf(gaveUp) + 1).filter((r) => r.type !== 'closed')).toEqual([]);
    } finally {
      await tab.close();
      await (second ?? first).stop().catch(() => {});
      await first.removeDataDir();
    }
  }, 90_000);
});
