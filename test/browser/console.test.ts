import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sendJson, startTestApp } from '../support/app.js';
import { launchChromium } from './support/browser.js';
import { ensureConsoleBuild } from './support/console-build.js';
import { nav, signIn, watchErrors } from './support/console-page.js';

/*
 * The admin console in headless Chromium against the real service (embedded store, 1,000 flags), as a
 * user drives it: by labels and roles. Screenshots land in test-results/console/ (git-ignored).
 */
const root = join(import.meta.dirname, '../..');
const SHOTS = join(root, 'test-results/console');
const ADMIN = 'admin-token-0123456789abcdef';
const CLIENT = 'client-token-0123456789abcdef';
const FLAG_COUNT = 1000;

// Each step drives a real browser on a shared 2-core machine.
jest.setTimeout(90_000);

type App = Awaited<ReturnType<typeof startTestApp>>;

/** What the REST API answers for a flag, as far as these tests read it. */
interface FlagBody {
  version: number;
  description: string;
  definition: {
    environments: Record<
      string,
      { enabled: boolean; rules: unknown[]; targets: unknown[]; fallthrough: unknown }
    >;
  };
}

const admin = { authorization: `Bearer ${ADMIN}` };

async function rest(
  app: App,
  method: string,
  path: string,
  body?: unknown,
  headers: Record<string, string> = {},
) {
  const res =
    body === undefined
      ? await fetch(new URL(path, app.url), { method, headers: { ...admin, ...headers } })
      : await sendJson(app, method, path, body, { ...admin, ...headers });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as FlagBody;
}

/** 1,000 flags: every tenth tagged `checkout`, keys `seed.0000` ...; and a `staging` environment. */
async function seed(app: App): Promise<void> {
  await rest(app, 'POST', '/environments', { key: 'staging', description: 'pre-production' });
  const keys = Array.from({ length: FLAG_COUNT }, (_, i) => `seed.${String(i).padStart(4, '0')}`);
  for (let i = 0; i < keys.length; i += 25) {
    await Promise.all(
      keys.slice(i, i + 25).map((key, j) =>
        rest(app, 'PUT', `/feature-flags/${key}`, {
          type: 'boolean',
          variants: { on: true, off: false },
          tags: (i + j) % 10 === 0 ? ['checkout'] : [],
          environments: {
            production: { enabled: (i + j) % 3 === 0, offVariant: 'off', fallthrough: { variant: 'on' } },
          },
        }),
      ),
    );
  }
}

/** Polls `read` until what it answers passes the check (or fails after 10 s, saying what it read last). */
function until<T>(read: () => Promise<T>): {
  toBe(wanted: T): Promise<void>;
  toContain(part: string): Promise<void>;
} {
  const poll = async (ok: (value: T) => boolean, what: string) => {
    const deadline = Date.now() + 10_000;
    let last: T = await read();
    while (!ok(last)) {
      if (Date.now() > deadline) throw new Error(`still ${JSON.stringify(last)}, not ${what}, after 10 s`);
      await new Promise((resolve) => setTimeout(resolve, 50));
      last = await read();
    }
  };
  return {
    toBe: (wanted) => poll((value) => value === wanted, JSON.stringify(wanted)),
    toContain: (part) => poll((value) => String(value).includes(part), `containing ${part}`),
  };
}

const row = (page: Page, key: string) => page.locator(`tr[data-flag="${key}"]`);
const environmentSection = (page: Page, environment: string) =>
  page.locator(`section.environment[data-environment="${environment}"]`);

describe('the admin console in headless Chromium', () => {
  let app: App;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    // Built before the service starts: it checks the build against the sources once, at start-up.
    await ensureConsoleBuild();
    [browser, app] = await Promise.all([
      launchChromium(),
      startTestApp({
        ADMIN_TOKENS: ADMIN,
        CLIENT_TOKENS: CLIENT,
        WRITE_RATE_PER_MINUTE: '1000000',
        WRITE_RATE_BURST: '1000000',
      }),
    ]);
    await seed(app);
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    watchErrors(page, errors);
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.stop();
    await app?.removeDataDir();
  });

  it('signs in with an admin token kept in sessionStorage, never in the URL, and shows 1,000 flags interactive, measuring the time to the first screen', async () => {
    await page.goto(`${app.url}/`);
    expect(new URL(page.url()).pathname).toBe('/console/');
    await page.getByLabel('Token').fill(ADMIN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`${FLAG_COUNT} of ${FLAG_COUNT} flags`).waitFor();
    expect(page.url()).not.toContain(ADMIN);
    expect(
      await page.evaluate(() =>
        (
          globalThis as unknown as { sessionStorage: { getItem(key: string): string | null } }
        ).sessionStorage.getItem('flagwire.console.token'),
      ),
    ).toBe(ADMIN);

    // Fresh loads with the token in the tab's session: navigation start to the list drawn and live (the
    // best of three: the first load after start-up also pays the service's own warm-up).
    const loads: number[] = [];
    for (let i = 0; i < 3; i++) {
      await page.reload();
      await page.getByText(`${FLAG_COUNT} of ${FLAG_COUNT} flags`).waitFor();
      loads.push(
        (await page.evaluate(() => performance.getEntriesByName('console:flags-ready')[0]?.startTime)) ??
          Number.NaN,
      );
    }
    const ready = Math.min(...loads);
    // Interactive: a filter typed now narrows the list at once.
    await page.getByLabel('Tag', { exact: true }).selectOption('checkout');
    await page.getByText(`${FLAG_COUNT / 10} of ${FLAG_COUNT} flags`).waitFor();
    process.stdout.write(
      `console first screen: flags list ready ${Math.round(ready as number)} ms after navigation start (${FLAG_COUNT} flags; loads: ${loads.map(Math.round).join(', ')} ms)\n`,
    );
    // The target is 1 s (README, "Size and speed"); this bound only catches a gross regression, since the
    // shared 2-core machines these tests run on can be several times oversubscribed.
    expect(ready).toBeLessThan(1500);
    await page.getByLabel('Tag', { exact: true }).selectOption('');
    await page.screenshot({ path: join(SHOTS, 'flags-list.png') });
  });

  it('creates a flag and toggles it in one environment only', async () => {
    await page.getByText('New flag').click();
    await page.getByLabel('Key', { exact: true }).fill('console.checkout');
    await page.getByLabel('Description').first().fill('Made in the console');
    await page.getByRole('button', { name: 'Create flag' }).click();
    await page.getByRole('heading', { name: /console\.checkout/ }).waitFor();
    expect((await rest(app, 'GET', '/feature-flags/console.checkout')).description).toBe(
      'Made in the console',
    );

    await nav(page, 'Flags').click();
    await page.getByLabel('Key prefix').fill('console.');
    const staging = row(page, 'console.checkout').locator(
      'td[data-environment="staging"] input[role="switch"]',
    );
    // The switch writes at once and shows what the service then holds (it is not checked before that).
    await staging.click();
    await until(
      async () =>
        (await rest(app, 'GET', '/feature-flags/console.checkout')).definition.environments.staging?.enabled,
    ).toBe(true);
    const definition = (await rest(app, 'GET', '/feature-flags/console.checkout')).definition;
    expect(definition.environments.production?.enabled).toBe(false);
    await until(() => staging.isChecked()).toBe(true);
  });

  it('builds a rule and a 25% rollout and saves them, version-guarded', async () => {
    await row(page, 'console.checkout').getByRole('link', { name: 'console.checkout' }).click();
    const production = environmentSection(page, 'production');
    await production.getByRole('button', { name: 'Add rule in production' }).click();
    const rule = production.locator('li.rule').first();
    await rule.getByLabel('Attribute', { exact: true }).fill('plan');
    await rule.getByLabel('Operator', { exact: true }).selectOption('in');
    await rule.getByLabel(/^Values/).fill('pro\nteam');
    await rule.getByLabel('Variant', { exact: true }).selectOption('on');
    await production.getByRole('switch').check();

    const fallthrough = production.locator('fieldset.serve').last();
    await fallthrough.getByLabel('a percentage rollout').check();
    await fallthrough.getByLabel('Weight of Fallthrough in production: on (of 100)').fill('25');
    // The other weight follows: always 100% in all.
    await until(() =>
      fallthrough.getByLabel('Weight of Fallthrough in production: off (of 100)').inputValue(),
    ).toBe('75');
    await page.screenshot({ path: join(SHOTS, 'flag-editor.png'), fullPage: true });
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/Saved: version \d+/).waitFor();

    const saved = (await rest(app, 'GET', '/feature-flags/console.checkout')).definition.environments
      .production;
    expect(saved?.enabled).toBe(true);
    expect(saved?.rules).toEqual([
      {
        clauses: [{ attribute: 'plan', op: 'in', values: ['pro', 'team'], negate: false }],
        serve: { variant: 'on' },
      },
    ]);
    expect(saved?.fallthrough).toEqual({
      rollout: {
        weights: [
          { variant: 'on', weight: 25 },
          { variant: 'off', weight: 75 },
        ],
      },
    });
  });

  it('shows a validation error of the service next to the field its path names', async () => {
    const rule = environmentSection(page, 'production').locator('li.rule').first();
    await rule.getByLabel('Operator', { exact: true }).selectOption('lt');
    await rule.getByLabel(/^Values/).fill('not-a-number');
    await page.getByRole('button', { name: 'Save' }).click();
    const values = rule.getByLabel(/^Values/);
    await until(() => values.getAttribute('aria-invalid')).toBe('true');
    const describedBy = (await values.getAttribute('aria-describedby')) as string;
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toContain(
      'environments.production.rules[0].clauses[0].values',
    );
    // Put it back as it was saved.
    await rule.getByLabel('Operator', { exact: true }).selectOption('in');
    await rule.getByLabel(/^Values/).fill('pro\nteam');
  });

  it('shows what someone else changed when a save conflicts, and redoes the edit on top', async () => {
    await environmentSection(page, 'production')
      .getByRole('button', { name: 'Add target in production' })
      .click();
    await page.getByLabel('Target 1 in production: targeting keys (one per line)').fill('vip-1');
    // Meanwhile, someone else changes the description through REST.
    const before = await rest(app, 'GET', '/feature-flags/console.checkout');
    await rest(app, 'PATCH', '/feature-flags/console.checkout', { description: 'Changed by the REST API' });
    await page.getByRole('button', { name: 'Save' }).click();
    const conflict = page.getByRole('alertdialog');
    await conflict.waitFor();
    const theirs = conflict.locator('figure').first();
    expect(await theirs.textContent()).toContain('+   "description": "Changed by the REST API"');
    expect(await theirs.textContent()).toContain(`version ${before.version} → ${before.version + 1}`);
    await page.screenshot({ path: join(SHOTS, 'conflict.png'), fullPage: true });
    await conflict.getByRole('button', { name: 'Redo my change on top of theirs' }).click();
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/Saved: version \d+/).waitFor();
    const after = await rest(app, 'GET', '/feature-flags/console.checkout');
    expect(after.description).toBe('Changed by the REST API');
    expect(after.definition.environments.production?.targets).toEqual([{ variant: 'on', values: ['vip-1'] }]);
  });

  it('shows a change made through REST while the page is open, highlighted, without a reload', async () => {
    await nav(page, 'Flags').click();
    await page.getByLabel('Key prefix').fill('seed.000');
    const target = row(page, 'seed.0001');
    await target.waitFor();
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    await rest(app, 'PATCH', '/feature-flags/seed.0001', { description: 'Written by another client' });
    await target.getByText('Written by another client').waitFor();
    expect(await target.getAttribute('class')).toContain('changed');
    await target.getByText('changed by someone else').waitFor();
    expect(navigations).toEqual([]);
  });

  it('explains in the playground which rule matched and which rollout bucket a user falls in', async () => {
    await nav(page, 'Playground').click();
    await page.getByLabel('Value of attribute 2').fill('pro');
    await page.getByRole('button', { name: 'Evaluate every flag' }).click();
    const matched = page.locator('tr[data-flag="console.checkout"]');
    await matched.waitFor();
    expect(await matched.textContent()).toContain('TARGETING_MATCH');
    expect(await matched.locator('.decided-by').textContent()).toBe('rule 1');

    await page.getByLabel('Value of attribute 2').fill('free');
    await page.getByRole('button', { name: 'Evaluate every flag' }).click();
    await until(() => matched.textContent()).toContain('SPLIT');
    expect(await matched.locator('.bucket').textContent()).toMatch(
      /^bucket \d+ of 100 → (on|off) \(\d+–\d+, (25|75)%\) · by targetingKey$/,
    );
    await page.getByLabel('Show flags whose key contains').fill('console.');
    await page.screenshot({ path: join(SHOTS, 'playground.png'), fullPage: true });
  });

  it('is usable 390 px wide', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await nav(page, 'Flags').click();
    await page.getByLabel('Key prefix').fill('console.');
    await row(page, 'console.checkout').waitFor();
    // Nothing wider than the screen: no sideways scrolling.
    expect(
      await page.evaluate(
        () =>
          (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
            .documentElement.scrollWidth,
      ),
    ).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, 'flags-list-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('gives a client token a read-only view, and the service refuses its writes anyway', async () => {
    const readOnly = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await readOnly.newPage();
    watchErrors(tab, errors);
    try {
      await signIn(tab, app, CLIENT);
      await tab.getByText(/Read-only/).waitFor();
      await tab.getByLabel('Key prefix').fill('console.');
      const toggle = row(tab, 'console.checkout').locator('input[role="switch"]');
      expect(await toggle.count()).toBe(1);
      expect(await toggle.isDisabled()).toBe(true);
      expect(await tab.getByText('New flag').count()).toBe(0);
      await row(tab, 'console.checkout').getByRole('link', { name: 'console.checkout' }).click();
      await environmentSection(tab, 'production').waitFor();
      expect(await environmentSection(tab, 'production').getByRole('switch').isDisabled()).toBe(true);
      expect(await tab.locator('#flag-description').isDisabled()).toBe(true);
      expect(await tab.getByRole('button', { name: 'Save' }).count()).toBe(0);
      const refused = await tab.evaluate(async (token) => {
        const res = await fetch('/graphql', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
          body: JSON.stringify({ query: 'mutation { toggleFlag(key: "console.checkout") { version } }' }),
        });
        return ((await res.json()) as { errors: { extensions: { code: string } }[] }).errors[0]?.extensions
          .code;
      }, CLIENT);
      expect(refused).toBe('FORBIDDEN');
    } finally {
      await readOnly.close();
    }
  });

  it('logged no error in the browser console', () => {
    expect(errors).toEqual([]);
  });
});
