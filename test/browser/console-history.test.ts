import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { sendJson, startTestApp } from '../support/app.js';
import { launchChromium } from './support/browser.js';
import { ensureConsoleBuild } from './support/console-build.js';
import { nav, signIn, until, watchErrors } from './support/console-page.js';

/*
 * The console's history screens in headless Chromium against the real service, with named admin tokens
 * (ADMIN_TOKENS `<name> <token>` entries: the name is the actor of every change the token makes).
 * Screenshots land in test-results/console/ (git-ignored).
 */
const root = join(import.meta.dirname, '../..');
const SHOTS = join(root, 'test-results/console');
const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef00';
const CLIENT = 'client-token-0123456789abcdef';
const FLAG = 'history.checkout';

jest.setTimeout(90_000);

type App = Awaited<ReturnType<typeof startTestApp>>;

/** A REST write as `token`, with a `Flagwire-Comment` when given; throws unless it succeeded. */
async function write(app: App, token: string, method: string, path: string, body: unknown, comment?: string) {
  const res = await sendJson(app, method, path, body, {
    authorization: `Bearer ${token}`,
    ...(comment === undefined ? {} : { 'flagwire-comment': encodeURIComponent(comment) }),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as { version: number; revision: number; definition: Record<string, unknown> };
}

const booleanFlag = {
  type: 'boolean',
  variants: { on: true, off: false },
  environments: {
    production: { enabled: false, offVariant: 'off', fallthrough: { variant: 'on' } },
    staging: { enabled: false, offVariant: 'off', fallthrough: { variant: 'on' } },
  },
};

/** The browser globals a page function uses (the tests are type-checked without the DOM library). */
interface DomGlobals {
  document: {
    querySelector(selector: string): { querySelector(selector: string): unknown } | null;
    documentElement: { scrollWidth: number };
  };
  MutationObserver: new (
    callback: (records: unknown, observer: { disconnect(): void }) => void,
  ) => { observe(target: unknown, options: Record<string, boolean>): void };
}

const entries = (page: Page) => page.locator('ol.history > li.entry');

describe('the console history in headless Chromium', () => {
  let app: App;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    await ensureConsoleBuild();
    [browser, app] = await Promise.all([
      launchChromium(),
      startTestApp({
        ADMIN_TOKENS: `alice ${ALICE}, bob ${BOB}`,
        CLIENT_TOKENS: CLIENT,
        WRITE_RATE_PER_MINUTE: '1000000',
        WRITE_RATE_BURST: '1000000',
      }),
    ]);
    await write(app, BOB, 'POST', '/environments', { key: 'staging', description: 'pre-production' });
    await write(app, BOB, 'PUT', `/feature-flags/${FLAG}`, booleanFlag, 'new checkout flow');
    context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    page = await context.newPage();
    watchErrors(page, errors);
    await signIn(page, app, ALICE);
  }, 300_000);

  afterAll(async () => {
    await context?.close();
    await browser?.close();
    await app?.stop();
    await app?.removeDataDir();
  });

  it('shows a console change with its comment and a REST change by another actor, with who, why and what changed', async () => {
    // alice flips staging on from the flag list, saying why.
    await page.getByLabel('Key prefix').fill('history.');
    await page.getByLabel(/^Comment for the next switch you flip/).fill('launch in staging');
    const staging = page.locator(
      `tr[data-flag="${FLAG}"] td[data-environment="staging"] input[role="switch"]`,
    );
    await staging.click();
    // The switch shows what the service holds once the write is done; the comment went with it.
    await until(() => staging.isChecked(), true);
    expect(await page.getByLabel(/^Comment for the next switch you flip/).inputValue()).toBe('');
    // bob changes the description through REST, with a comment.
    const bobs = await write(
      app,
      BOB,
      'PATCH',
      `/feature-flags/${FLAG}`,
      { description: 'Checkout v2' },
      'rename — INC-42',
    );
    // The list says who made the last change, without a request per flag.
    await page.locator(`tr[data-flag="${FLAG}"] .author`).getByText('by bob').waitFor();

    await page.locator(`tr[data-flag="${FLAG}"]`).getByRole('link', { name: FLAG }).click();
    await page.locator('.last-change-line').getByText('bob').waitFor();
    expect(await page.locator('.last-change-line').textContent()).toContain('(rename — INC-42)');
    await page.getByRole('link', { name: `History of ${FLAG}` }).click();
    await page.getByRole('heading', { name: `History of flag ${FLAG}` }).waitFor();
    expect(new URL(page.url()).pathname).toBe(`/console/flags/${FLAG}/history`);

    await until(() => entries(page).count(), 3);
    const [newest, toggled, created] = [entries(page).nth(0), entries(page).nth(1), entries(page).nth(2)];
    expect(await newest.getAttribute('data-revision')).toBe(String(bobs.revision));
    expect(await newest.locator('.entry-title').textContent()).toMatch(/^bob updated flag history\.checkout/);
    expect(await newest.locator('.comment').textContent()).toBe('Comment: rename — INC-42');
    expect(await newest.locator('.change').allTextContents()).toEqual(['description: "" → "Checkout v2"']);
    expect(await toggled.locator('.entry-title').textContent()).toMatch(
      /^alice toggled flag history\.checkout in staging/,
    );
    expect(await toggled.locator('.comment').textContent()).toBe('Comment: launch in staging');
    expect(await toggled.locator('.change').allTextContents()).toEqual([
      'environments.staging.enabled: false → true',
    ]);
    expect(await toggled.locator('time').getAttribute('datetime')).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(await toggled.locator('.entry-meta').textContent()).toMatch(/just now|seconds? ago/);
    expect(await created.locator('.entry-title').textContent()).toMatch(
      /^bob created flag history\.checkout/,
    );
    expect(await created.locator('.comment').textContent()).toBe('Comment: new checkout flow');

    // The two documents side by side (read when first opened): the flipped line, before and after.
    await toggled.getByText('Before and after, side by side').click();
    const table = toggled.locator('.side-by-side table');
    await table.waitFor();
    expect(await table.locator('thead').textContent()).toMatch(
      /Before \(version \d+\).*After \(version \d+\)/,
    );
    expect((await table.locator('td.removed').allTextContents()).join('')).toContain('"enabled": false');
    expect((await table.locator('td.added').allTextContents()).join('')).toContain('"enabled": true');
    await page.screenshot({ path: join(SHOTS, 'history.png'), fullPage: true });
  });

  it('shows a change made through REST while the history is open at the top, highlighted, within a second, without a reload', async () => {
    await nav(page, 'History').click();
    await page.getByRole('heading', { name: 'History', exact: true }).waitFor();
    await page.locator('.live-indicator.live').waitFor();
    const shown = await entries(page).count();
    const navigations: string[] = [];
    page.on('framenavigated', (frame) => navigations.push(frame.url()));
    // When the first new entry is drawn, by the page's clock (the same machine's): no polling between.
    const drawn = page.evaluate(
      () =>
        new Promise<number>((resolve) => {
          const { document, MutationObserver } = globalThis as unknown as DomGlobals;
          const list = document.querySelector('ol.history');
          new MutationObserver((_, observer) => {
            if (list?.querySelector('li.entry.fresh')) {
              observer.disconnect();
              resolve(Date.now());
            }
          }).observe(list, { childList: true, subtree: true, attributes: true });
        }),
    );
    // graphql-ws gives no "subscribed" acknowledgement (STACK pitfall 4): write until one is drawn, and
    // time the write that was.
    let sent = 0;
    let revision = 0;
    let arrivedAt: number | undefined;
    for (let attempt = 1; arrivedAt === undefined && attempt <= 5; attempt++) {
      sent = Date.now();
      ({ revision } = await write(app, BOB, 'POST', '/feature-flags', {
        key: FLAG,
        description: `live edit ${attempt}`,
      }));
      arrivedAt = await Promise.race([
        drawn,
        new Promise<undefined>((resolve) => setTimeout(() => resolve(undefined), 1500)),
      ]);
    }
    await until(
      async () => (await entries(page).first().getAttribute('data-revision')) === String(revision),
      true,
    );
    const top = entries(page).first();
    expect(await top.getAttribute('data-revision')).toBe(String(revision));
    expect(await top.getAttribute('class')).toContain('fresh');
    expect(await top.locator('.entry-title').textContent()).toContain('bob updated flag history.checkout');
    expect(await entries(page).count()).toBeGreaterThan(shown);
    expect(await page.locator('.live-status').textContent()).toContain(
      'New change: bob updated flag history.checkout',
    );
    expect(navigations).toEqual([]);
    const latency = (arrivedAt ?? Number.POSITIVE_INFINITY) - sent;
    process.stdout.write(`console history: a REST change drawn at the top ${latency} ms after it was sent\n`);
    expect(latency).toBeLessThan(1000);
  });

  it('keeps its filters in the URL: actor, action, environment and time range narrow the history', async () => {
    await page.getByLabel('Actor (token name)', { exact: true }).fill('alice');
    await page.getByLabel('Actor (token name)', { exact: true }).press('Enter');
    await until(async () => new URL(page.url()).searchParams.get('actor'), 'alice');
    await until(() => entries(page).count(), 1);
    expect(await entries(page).first().locator('.actor').textContent()).toBe('alice');

    await page.getByLabel('Actor (token name)', { exact: true }).fill('');
    await page.getByLabel('Action', { exact: true }).selectOption('ENVIRONMENT_CREATE');
    await until(async () => new URL(page.url()).searchParams.get('action'), 'ENVIRONMENT_CREATE');
    await until(() => entries(page).count(), 1);
    expect(await entries(page).first().locator('.entry-title').textContent()).toMatch(
      /^bob created environment staging/,
    );

    // A linked view opens as it was: the filter comes from the URL.
    await page.reload();
    await until(() => entries(page).count(), 1);
    expect(await page.getByLabel('Action', { exact: true }).inputValue()).toBe('ENVIRONMENT_CREATE');

    await page.getByRole('button', { name: 'Clear filters' }).click();
    await page.getByLabel('Environment', { exact: true }).selectOption('staging');
    await until(async () => new URL(page.url()).search, '?environment=staging');
    // Entries that concern staging: its creation, the flag's creation (configures staging), the toggle.
    await until(() => entries(page).count(), 3);

    // A time range that ends before anything was written matches nothing.
    await page.getByLabel('To', { exact: true }).fill('2001-01-01T00:00');
    await page.getByRole('button', { name: 'Apply' }).click();
    await page.getByText('No changes match.').waitFor();
    expect(new URL(page.url()).searchParams.get('until')).toMatch(/^2001-01-01T/);
    await page.getByRole('button', { name: 'Clear filters' }).click();
    await until(async () => new URL(page.url()).search, '');
  });

  it('reads older changes with the cursor when scrolled to, newest first and each once', async () => {
    const key = 'history.busy';
    await write(app, BOB, 'PUT', `/feature-flags/${key}`, booleanFlag);
    for (let i = 1; i <= 40; i++)
      await write(app, BOB, 'POST', '/feature-flags', { key, description: `edit ${i}` });
    await page.goto(`${app.url}/console/flags/${key}/history`);
    await page.getByRole('heading', { name: `History of flag ${key}` }).waitFor();
    await until(() => entries(page).count(), 30);
    const more = page.getByRole('button', { name: /Load older changes|Loading older changes/ });
    await more.scrollIntoViewIfNeeded();
    await until(() => entries(page).count(), 41);
    expect(await more.count()).toBe(0);
    const revisions = await entries(page).evaluateAll((items) =>
      items.map((li) => Number(li.getAttribute('data-revision'))),
    );
    expect(revisions).toEqual([...revisions].sort((a, b) => b - a));
    expect(new Set(revisions).size).toBe(41);
    expect(await entries(page).last().locator('.entry-title').textContent()).toMatch(/^bob created flag/);
  });

  it('keeps the comment of a save in the flag editor, a segment edit and an environment edit', async () => {
    const comment = (where: Page) =>
      where.getByLabel('Comment (optional, shown in the history)', { exact: true });
    // The flag editor: the comment goes with the save.
    await page.goto(`${app.url}/console/flags/${FLAG}`);
    await page.getByLabel('Description', { exact: true }).fill('Checkout v3');
    await comment(page).fill('copy from the design review');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText(/Saved: version \d+/).waitFor();
    expect(await comment(page).inputValue()).toBe('');

    // A segment, created then its own history opened from the segments page.
    await nav(page, 'Segments').click();
    await page.getByRole('button', { name: 'New segment' }).click();
    await page.getByLabel('Key', { exact: true }).fill('beta-testers');
    await page.getByLabel('Included targeting keys (one per line)').fill('user-1');
    await comment(page).fill('beta wave 1');
    await page.getByRole('button', { name: 'Create segment' }).click();
    await page.getByRole('link', { name: 'History of beta-testers' }).click();
    await page.getByRole('heading', { name: 'History of segment beta-testers' }).waitFor();
    await until(() => entries(page).count(), 1);
    expect(await entries(page).first().locator('.entry-title').textContent()).toMatch(
      /^alice created segment beta-testers/,
    );
    expect(await entries(page).first().locator('.comment').textContent()).toBe('Comment: beta wave 1');

    // An environment's description.
    await nav(page, 'Environments').click();
    await page.getByRole('button', { name: 'Edit staging' }).click();
    const form = page.getByRole('form', { name: 'Environment staging' });
    await form.getByLabel('Description', { exact: true }).fill('pre-production, EU');
    await comment(form as unknown as Page).fill('moved to the EU region');
    await form.getByRole('button', { name: 'Save' }).click();
    await page.getByRole('link', { name: 'History of staging' }).click();
    await until(async () => new URL(page.url()).search, '?environment=staging');
    const described = entries(page).filter({ hasText: 'described environment staging' });
    await described.waitFor();
    expect(await described.locator('.comment').textContent()).toBe('Comment: moved to the EU region');
    expect(await described.locator('.change').allTextContents()).toEqual([
      'description: "pre-production" → "pre-production, EU"',
    ]);

    await page.goto(`${app.url}/console/flags/${FLAG}/history`);
    const saved = entries(page).filter({ hasText: 'alice saved flag history.checkout' });
    await saved.waitFor();
    expect(await saved.locator('.comment').textContent()).toBe('Comment: copy from the design review');
    expect(await saved.locator('.change').allTextContents()).toEqual([
      'description: "live edit 1" → "Checkout v3"',
    ]);
  });

  it('is usable 390 px wide', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${app.url}/console/flags/${FLAG}/history`);
    await until(
      () =>
        entries(page)
          .count()
          .then((n) => n >= 4),
      true,
    );
    await entries(page).nth(1).getByText('Before and after, side by side').click();
    await entries(page).nth(1).locator('.side-by-side table').waitFor();
    expect(
      await page.evaluate(() => (globalThis as unknown as DomGlobals).document.documentElement.scrollWidth),
    ).toBeLessThanOrEqual(390);
    await page.screenshot({ path: join(SHOTS, 'history-390.png'), fullPage: true });
    await page.setViewportSize({ width: 1280, height: 900 });
  });

  it('tells a client token the history is not allowed, without breaking', async () => {
    const readOnly = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const tab = await readOnly.newPage();
    watchErrors(tab, errors);
    try {
      await signIn(tab, app, CLIENT);
      await nav(tab, 'History').click();
      const refusal = tab.getByRole('alert').filter({ hasText: 'Not allowed' });
      await refusal.waitFor();
      expect(await refusal.textContent()).toContain('The history (who changed what) is for admin tokens');
      expect(await tab.locator('ol.history').count()).toBe(0);
      // The rest of the console still works.
      await nav(tab, 'Flags').click();
      await tab.getByRole('heading', { name: 'Flags' }).waitFor();
      await tab.locator(`tr[data-flag="${FLAG}"]`).waitFor();
      expect(await tab.locator(`tr[data-flag="${FLAG}"] .author`).count()).toBe(0);
    } finally {
      await readOnly.close();
    }
  });

  it('logged no error in the browser console', () => {
    expect(errors).toEqual([]);
  });
});
