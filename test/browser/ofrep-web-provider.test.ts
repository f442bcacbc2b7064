import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';
import { sendJson, startTestApp } from '../support/app.js';
import { startRedis, type TestRedis } from '../support/redis.js';
import { launchChromium, serveStatic } from './support/browser.js';
import type { PageReport, PageValues } from './support/ofrep-web-page.js';

/*
 * OpenFeature's web SDK with OpenFeature's own OFREP web provider (@openfeature/ofrep-web-provider
 * 0.4.3, not our code) in headless Chromium, against the real app on real Redis, configured as the
 * README says: a frontend token and the service's URL. The page is served from another origin than the
 * service (another port), so every call is cross-origin and goes through CORS as on a real site.
 *
 * 0.4.3 follows OFREP's change events (ADR 0008): it connects an EventSource to the bulk answer's
 * `eventStreams` and re-fetches on `refetchEvaluation`; it does not poll by default (ADR 0010), so the
 * change test below can only pass through the event stream.
 */

const ADMIN = 'admin-token-0123456789abcdef';
const FRONTEND = 'frontend-token-0123456789abcdef';
const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

const BANNER = {
  type: 'string',
  variants: { basic: 'Welcome', pro: 'Welcome back, pro' },
  environments: {
    production: {
      enabled: true,
      offVariant: 'basic',
      rules: [
        { id: 'pro', clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }], serve: { variant: 'pro' } },
      ],
      fallthrough: { variant: 'basic' },
    },
  },
};

/** One response the page got from the service, as the browser's network saw it. */
interface Exchange {
  method: string;
  url: URL;
  resourceType: string;
  status: number;
  ifNoneMatch: string | undefined;
  etag: string | undefined;
}

/** What the page reported and what its network did, in order; `until` waits for one after a position. */
class PageLog {
  readonly reports: PageReport[] = [];
  readonly exchanges: Exchange[] = [];
  private waiters: Array<() => void> = [];

  push(entry: { report: PageReport } | { exchange: Exchange }): void {
    if ('report' in entry) this.reports.push(entry.report);
    else this.exchanges.push(entry.exchange);
    for (const wake of this.waiters.splice(0)) wake();
  }

  async until<T>(find: () => T | undefined, timeoutMs: number, what: string): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = find();
      if (found !== undefined) return found;
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `no ${what} within ${timeoutMs} ms; reports ${JSON.stringify(this.reports)}, exchanges ${JSON.stringify(this.exchanges)}`,
        );
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The bulk evaluations (POST /ofrep/v1/evaluate/flags) answered since position `from`. */
  bulkSince(from: number): Exchange[] {
    return this.exchanges
      .slice(from)
      .filter((e) => e.method === 'POST' && e.url.pathname === '/ofrep/v1/evaluate/flags');
  }
}

let redis: TestRedis;
let browser: Browser;
let site: Awaited<ReturnType<typeof serveStatic>>;
let app: Awaited<ReturnType<typeof startTestApp>>;
let tab: Page;
const log = new PageLog();

/** The page as the frontend origin serves it, and as another origin (the console's) serves it. */
let frontendOrigin: string;
let consoleOrigin: string;

beforeAll(async () => {
  const [started, chromium, bundle] = await Promise.all([
    startRedis(),
    launchChromium(),
    build({
      entryPoints: [join(import.meta.dirname, 'support/ofrep-web-page.ts')],
      bundle: true,
      format: 'iife',
      platform: 'browser',
      target: 'chrome120',
      write: false,
      logLevel: 'silent',
    }),
  ]);
  [redis, browser] = [started, chromium];
  site = await serveStatic({
    '/': {
      type: 'text/html; charset=utf-8',
      body: '<!doctype html><meta charset="utf-8"><script src="/page.js"></script>',
    },
    '/page.js': { type: 'text/javascript; charset=utf-8', body: bundle.outputFiles[0]?.text ?? '' },
  });
  // One static server, two origins: 127.0.0.1 is the site using frontend tokens, localhost a console.
  frontendOrigin = site.url;
  consoleOrigin = site.url.replace('127.0.0.1', 'localhost');
  app = await startTestApp({
    ADMIN_TOKENS: ADMIN,
    FRONTEND_TOKENS: FRONTEND,
    FRONTEND_CORS_ORIGINS: frontendOrigin,
    CORS_ORIGINS: consoleOrigin,
    REDIS_URL: redis.url,
    REDIS_KEY_PREFIX: redis.keyPrefix(),
  });
  for (const [method, path, body] of [
    ['PUT', '/feature-flags/banner', BANNER],
    ['POST', '/feature-flags', { key: 'checkout.enabled', isEnabled: true }],
  ] as const) {
    const res = await sendJson(app, method, path, body, bearer(ADMIN));
    expect(res.status).toBe(201);
  }
  tab = await browser.newPage();
  await tab.exposeFunction('report', (report: PageReport) => log.push({ report }));
  tab.on('response', (res) => {
    const url = new URL(res.url());
    if (!url.pathname.startsWith('/ofrep/')) return;
    const req = res.request();
    void req.allHeaders().then((headers) =>
      log.push({
        exchange: {
          method: req.method(),
          url,
          resourceType: req.resourceType(),
          status: res.status(),
          ifNoneMatch: headers['if-none-match'],
          etag: res.headers().etag,
        },
      }),
    );
  });
  await tab.goto(`${frontendOrigin}/`);
}, 60_000);

afterAll(async () => {
  await browser?.close();
  await site?.close();
  await app?.stop();
  await app?.removeDataDir();
  await redis?.stop();
});

/** Calls one of the page's functions (support/ofrep-web-page.ts). */
function call<T>(name: string, ...args: unknown[]): Promise<T> {
  return tab.evaluate(
    ([fn, rest]) =>
      (globalThis as unknown as { ofrep: Record<string, (...a: unknown[]) => unknown> }).ofrep[
        fn as string
      ]?.(...(rest as unknown[])),
    [name, args] as const,
  ) as Promise<T>;
}

describe('@openfeature/ofrep-web-provider with @openfeature/web-sdk in headless Chromium, with a frontend token', () => {
  it('evaluates every flag at start (a cross-origin bulk request), and opens the event stream the answer names', async () => {
    const values = await call<PageValues>('start', app.url, FRONTEND, {
      targetingKey: 'user-1',
      plan: 'free',
    });
    expect(values).toEqual({
      banner: { value: 'Welcome', variant: 'basic', reason: 'DEFAULT' },
      enabled: true,
    });
    const first = await log.until(() => log.bulkSince(0)[0], 5000, 'the bulk evaluation');
    expect(first).toMatchObject({ status: 200, ifNoneMatch: undefined, etag: expect.stringMatching(/^"/) });
    const stream = await log.until(
      () => log.exchanges.find((e) => e.url.pathname === '/ofrep/events'),
      5000,
      'event stream',
    );
    expect(stream).toMatchObject({ method: 'GET', resourceType: 'eventsource', status: 200 });
    expect(stream.url.searchParams.get('ticket')).toMatch(/^[\w-]{43}$/);
  });

  it('re-evaluates when the context changes but not its targetingKey: the request carries the previous ETag and is answered 200, not a stale 304', async () => {
    const from = log.exchanges.length;
    const reportsFrom = log.reports.length;
    const [previous] = log.bulkSince(0);
    await call('setContext', { targetingKey: 'user-1', plan: 'pro' });
    // The provider may answer from its local cache first (the same targetingKey), then refreshes: the
    // change is reported once the refresh is in.
    const changed = await log.until(
      () =>
        log.reports
          .slice(reportsFrom)
          .find((r) => r.type === 'changed' && r.values.banner.value === 'Welcome back, pro'),
      5000,
      'the pro banner',
    );
    expect(changed).toMatchObject({ flagsChanged: ['banner'] });
    await log.until(() => log.bulkSince(from)[0], 5000, 'the re-fetch');
    const refetch = log.bulkSince(from);
    expect(refetch[0]).toMatchObject({ ifNoneMatch: previous?.etag, status: 200 });
    expect(refetch.every((e) => e.status !== 304)).toBe(true);
    expect(await call<PageValues>('values')).toMatchObject({
      banner: { value: 'Welcome back, pro', reason: 'TARGETING_MATCH' },
    });
  });

  it('shows a flag change within a second: pushed through the event stream, then re-fetched with its flagConfigEtag', async () => {
    const from = log.exchanges.length;
    const reportsFrom = log.reports.length;
    const started = performance.now();
    const changed = { ...BANNER, variants: { ...BANNER.variants, pro: 'Welcome back, pro (v2)' } };
    const put = await sendJson(app, 'PUT', '/feature-flags/banner', changed, bearer(ADMIN));
    expect(put.status).toBe(200);
    const { revision } = (await put.json()) as { revision: number };
    await log.until(
      () =>
        log.reports
          .slice(reportsFrom)
          .find((r) => r.type === 'changed' && r.values.banner.value === 'Welcome back, pro (v2)'),
      5000,
      'the changed banner',
    );
    const elapsedMs = performance.now() - started;
    expect(elapsedMs).toBeLessThan(1000);
    const refetch = await log.until(() => log.bulkSince(from)[0], 5000, 'the re-fetch');
    expect(refetch).toMatchObject({ status: 200 });
    expect(refetch.url.searchParams.get('flagConfigEtag')).toBe(`"${revision}"`);
  });

  it('cannot read definitions with its frontend token: /feature-flags and /graphql answer 403, even to an origin CORS lets read them', async () => {
    const from = log.exchanges.length;
    const targets: [string, string | undefined][] = [
      [`${app.url}/feature-flags`, undefined],
      [`${app.url}/feature-flags/banner`, undefined],
      [`${app.url}/graphql`, JSON.stringify({ query: '{ flags { key definition } }' })],
    ];
    // From the site's own origin: definitions are no OFREP route, so CORS refuses the preflight and
    // the browser never even sends the token.
    for (const [url, body] of targets)
      expect(await call<number | string>('status', url, FRONTEND, body)).toMatch(/^no response/);
    // From the console's origin (CORS_ORIGINS): the page reads the answer, and it is 403.
    const consoleTab = await browser.newPage();
    try {
      await consoleTab.exposeFunction('report', () => {});
      await consoleTab.goto(`${consoleOrigin}/`);
      for (const [url, body] of targets) {
        const status = await consoleTab.evaluate(
          ([u, t, b]) =>
            (
              globalThis as unknown as {
                ofrep: { status(u: string, t: string, b?: string): Promise<number> };
              }
            ).ofrep.status(u as string, t as string, b ?? undefined),
          [url, FRONTEND, body ?? null] as const,
        );
        expect({ url, status }).toEqual({ url, status: 403 });
      }
    } finally {
      await consoleTab.close();
    }
    expect(log.exchanges.length).toBe(from);
  });
});
