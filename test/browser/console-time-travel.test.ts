import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { sendJson, startTestApp } from '../support/app.js';
import { launchChromium } from './support/browser.js';
import { ensureConsoleBuild } from './support/console-build.js';
import { nav, signIn, until, watchErrors } from './support/console-page.js';

/*
 * The console's time travel (the playground `asOf`, a history entry's link to it) and promotion between
 * environments (preview with its diff, version-guarded apply) in headless Chromium against the real
 * service. Screenshots land in test-results/console/ (git-ignored).
 */
const root = join(import.meta.dirname, '../..');
const SHOTS = join(root, 'test-results/console');
const ALICE = 'alice-token-0123456789abcdef';
const BOB = 'bob-token-0123456789abcdef00';
const CLIENT = 'client-token-0123456789abcdef';
const BANNER = 'travel.banner';
const CHECKOUT = 'promo.checkout';
const SAME = 'promo.same';

jest.setTimeout(90_000);

type App = Awaited<ReturnType<typeof startTestApp>>;
interface FlagAnswer {
  version: number;
  revision: number;
  definition: { environments: Record<string, unknown> } & Record<string, unknown>;
}

/** A REST request as bob (another admin than the console's alice); throws unless it succeeded. */
async function rest(app: App, method: string, path: string, body?: unknown): Promise<FlagAnswer> {
  const res =
    body === undefined
      ? await fetch(new URL(path, app.url), { method, headers: { authorization: `Bearer ${BOB}` } })
      : await sendJson(app, method, path, body, { authorization: `Bearer ${BOB}` });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${text}`);
  return JSON.parse(text) as FlagAnswer;
}

const off = { enabled: false, offVariant: 'off', fallthrough: { variant: 'on' } };
const booleanFlag = (environments: Record<string, unknown>) => ({
  type: 'boolean',
  variants: { on: true, off: false },
  environments,
});
/** Staging's configuration to promote: on, with a rule for the pro plan. */
const stagingLaunch = {
  enabled: true,
  offVariant: 'off',
  rules: [{ clauses: [{ attribute: 'plan', op: 'in', values: ['pro'] }], serve: { variant: 'on' } }],
  fallthrough: { variant: 'off' },
};

const servedBy = (page: Page, key: string) =>
  page.locator(`table.results tr[data-flag="${key}"] td code`).textContent();
const widthOf = (page: Page) =>
  page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
        .documentElement.scrollWidth,
  );

describe('the console’s time travel and promotion in headless Chromium', () => {
  let app: App;
  let browser: Browser;
  let context: BrowserContext;
  let page: Page;
  const errors: string[] = [];
  let created: FlagAnswer;
  let toggled: FlagAnswer;
  // The store, to purge the audit history as retention does (the test does not wait for its timer).
  const store = new MemoryFlagStore();

  beforeAll(async () => {
    await mkdir(SHOTS, { recursive: true });
    await ensureConsoleBuild();
    [browser, app] = await Promise.all([
      launchChromium(),
      startTestApp(
        {
          ADMIN_TOKENS: `alice ${ALICE}, bob ${BOB}`,
          CLIENT_TOKENS: CLIENT,
          WRITE_RATE_PER_MINUTE: '1000000',
          WRITE_RATE_BURST: '1000000',
        },
        { store },
      ),
    ]);
    await rest(app, 'POST', '/environments', { key: 'staging', description: 'pre-production' });
    // The banner is off in production, then switched on: two revisions to travel between.
    created = await rest(
      app,
      'PUT',
      `/feature-flags/${BANNER}`,
      booleanFlag({ production: off, staging: off }),
    );
    toggled = await rest(
      app,
      'PUT',
      `/feature-flags/${BANNER}`,
      booleanFlag({ production: { ...off, enabled: true }, staging: off }),
    );
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

  it('shows in the playground what a flag served as of an earlier revision, and what it serves now without asOf', async () => {
    await nav(page, 'Playground').click();
    await page.getByRole('radio', { name: 'a revision' }).check();
    await page.getByLabel('Revision', { exact: true }).fill(String(created.revision));
    await page.getByRole('button', { name: 'Evaluate every flag' }).click();
    const point = page.locator('.history-point');
    await point.waitFor();
    expect(await servedBy(page, BANNER)).toBe('false');
    expect(await point.getAttribute('data-revision')).toBe(String(created.revision));
    // The revision is named with the change it is the state right after: who, what, when.
    expect(await point.textContent()).toMatch(
      new RegExp(`^As of revision ${created.revision}, right after bob created flag ${BANNER}`),
    );
    expect(await page.getByRole('heading', { level: 2 }).first().textContent()).toMatch(
      new RegExp(`in production as of revision ${created.revision}$`),
    );
    // The moment is in the URL: the view can be linked.
    expect(new URL(page.url()).search).toBe(`?asOf=${created.revision}`);
    await page.screenshot({ path: join(SHOTS, 'playground-asof.png'), fullPage: true });

    await page.getByRole('radio', { name: 'now' }).check();
    await page.getByRole('button', { name: 'Evaluate every flag' }).click();
    await until(() => servedBy(page, BANNER), 'true');
    expect(await point.count()).toBe(0);
    expect(new URL(page.url()).search).toBe('');

    // The revision of the switch-on is that state, the current one.
    await page.getByRole('radio', { name: 'a revision' }).check();
    await page.getByLabel('Revision', { exact: true }).fill(String(toggled.revision));
    await page.getByRole('button', { name: 'Evaluate every flag' }).click();
    await until(() => point.getAttribute('data-revision'), String(toggled.revision));
    expect(await servedBy(page, BANNER)).toBe('true');
  });

  it('opens the playground at a history entry’s revision from its link', async () => {
    await page.goto(`${app.url}/console/flags/${BANNER}/history`);
    const link = page.getByRole('link', {
      name: `Playground as of revision ${created.revision}`,
      exact: true,
    });
    await link.click();
    await until(async () => new URL(page.url()).search, `?asOf=${created.revision}`);
    // Opened from the link, it evaluates at once, at that revision.
    await page.locator(`.history-point[data-revision="${created.revision}"]`).waitFor();
    expect(await servedBy(page, BANNER)).toBe('false');
    expect(await page.getByLabel('Revision', { exact: true }).inputValue()).toBe(String(created.revision));
  });

  it('previews a promotion with each flag’s status and diff, applies it, and production then serves staging’s configuration', async () => {
    await rest(app, 'PUT', `/feature-flags/${CHECKOUT}`, booleanFlag({ production: off, staging: off }));
    await rest(app, 'PUT', `/feature-flags/${SAME}`, booleanFlag({ production: off, staging: off }));
    const launched = await rest(
      app,
      'PUT',
      `/feature-flags/${CHECKOUT}`,
      booleanFlag({ production: off, staging: stagingLaunch }),
    );

    await nav(page, 'Environments').click();
    await page.getByRole('link', { name: 'Promote flags between environments' }).click();
    await page.getByRole('heading', { name: 'Promote between environments' }).waitFor();
    await page.getByLabel('From', { exact: true }).selectOption('staging');
    await page.getByLabel('To', { exact: true }).selectOption('production');
    await page.getByLabel('Key prefix (empty: every flag)').fill('promo.');
    await page.getByRole('button', { name: 'Preview', exact: true }).click();

    const preview = page.getByRole('region', { name: 'Preview: staging → production' });
    await preview.waitFor();
    const checkout = preview.locator(`li[data-flag="${CHECKOUT}"]`);
    expect(await checkout.getAttribute('data-status')).toBe('CHANGED');
    expect(await checkout.locator('.status').textContent()).toBe('changed');
    expect(await checkout.locator('.change').allTextContents()).toEqual([
      'environments.production.enabled: false → true',
      'environments.production.fallthrough.variant: "on" → "off"',
      `environments.production.rules[0]: added {"clauses":[{"attribute":"plan","op":"in","values":["pro"],"negate":false}],"serve":{"variant":"on"}}`,
    ]);
    expect(await preview.locator(`li[data-flag="${SAME}"]`).getAttribute('data-status')).toBe('UNCHANGED');
    expect(await preview.textContent()).toContain('1 changed, 1 unchanged');
    // The target's configuration now beside what it becomes.
    await checkout.getByText('production now and after, side by side').click();
    const sides = checkout.locator('.side-by-side');
    await sides.waitFor();
    expect(await sides.locator('td.removed').allTextContents()).toContain('  "enabled": false,\n');
    expect(await sides.locator('td.added').allTextContents()).toContain('  "enabled": true,\n');
    await page.screenshot({ path: join(SHOTS, 'promotion-preview.png'), fullPage: true });

    // Nothing was written by the preview.
    expect((await rest(app, 'GET', `/feature-flags/${CHECKOUT}`)).version).toBe(launched.version);

    await page.getByLabel('Comment (optional, shown in the history)').fill('release 42');
    await page.getByRole('button', { name: 'Apply: promote 1 flag to production' }).click();
    await page.getByRole('heading', { name: 'Promoted 1 flag from staging to production' }).waitFor();
    const promoted = await rest(app, 'GET', `/feature-flags/${CHECKOUT}`);
    expect(promoted.definition.environments.production).toEqual(launched.definition.environments.staging);
    const audit = (await (
      await fetch(new URL(`/audit?flag=${CHECKOUT}&limit=1`, app.url), {
        headers: { authorization: `Bearer ${BOB}` },
      })
    ).json()) as { entries: { actor: string; action: string; from: string; comment: string }[] };
    expect(audit.entries[0]).toMatchObject({
      actor: 'alice',
      action: 'promote',
      from: 'staging',
      comment: 'release 42',
    });
  });

  it('refuses to apply a preview when a flag changed since, names the flag, overwrites nothing and previews again', async () => {
    const staging = { ...stagingLaunch, fallthrough: { variant: 'on' } };
    const mine = await rest(app, 'PUT', `/feature-flags/${CHECKOUT}`, {
      ...booleanFlag({ production: stagingLaunch, staging }),
    });
    await page.goto(`${app.url}/console/environments/promote`);
    await page.getByLabel('From', { exact: true }).selectOption('staging');
    await page.getByLabel('To', { exact: true }).selectOption('production');
    await page.getByRole('radio', { name: 'these flags' }).check();
    // The picker: the filter narrows the list; one flag is ticked from the keyboard, the other by a click.
    const picker = page.getByRole('group', { name: 'Flags to promote' });
    const filter = page.getByLabel('Filter the flags (key or description)');
    await filter.fill('checkout');
    await until(async () => await picker.getByRole('checkbox').count(), 1);
    await picker.getByRole('checkbox', { name: CHECKOUT, exact: true }).press('Space');
    await filter.fill('');
    await picker.getByRole('checkbox', { name: SAME, exact: true }).check();
    expect(await page.getByRole('status').filter({ hasText: 'chosen' }).textContent()).toMatch(
      /^2 of \d+ flags chosen$/,
    );
    await page.getByRole('button', { name: 'Preview', exact: true }).click();
    const checkout = page.locator(`.promotion-preview li[data-flag="${CHECKOUT}"]`);
    await checkout.waitFor();
    // Exactly the two ticked, though the banner was listed beside them.
    const previewedKeys = await page
      .locator('.promotion-preview li[data-flag]')
      .evaluateAll((items) => items.map((item) => item.getAttribute('data-flag')));
    expect(previewedKeys.sort()).toEqual([CHECKOUT, SAME]);
    const previewed = Number(
      (await checkout.locator('.muted').first().textContent())?.match(/version (\d+)/)?.[1],
    );

    // Someone else changes the flag in production between the preview and the apply.
    const theirs = { ...off, enabled: true };
    const concurrent = await rest(
      app,
      'PUT',
      `/feature-flags/${CHECKOUT}`,
      booleanFlag({ production: theirs, staging }),
    );
    expect(concurrent.version).toBe(previewed + 1);
    await page.getByRole('button', { name: 'Apply: promote 1 flag to production' }).click();

    const conflict = page
      .getByRole('alert')
      .filter({ hasText: `Flag ${CHECKOUT} changed since the preview` });
    await conflict.waitFor();
    expect(await conflict.textContent()).toContain(
      `(previewed at version ${previewed}, now version ${previewed + 1})`,
    );
    expect(await conflict.textContent()).toContain('nothing was written');
    expect(await checkout.getAttribute('class')).toContain('conflicted');
    // Theirs stands: nothing was overwritten.
    const after = await rest(app, 'GET', `/feature-flags/${CHECKOUT}`);
    expect(after.version).toBe(previewed + 1);
    expect(after.definition.environments.production).toEqual(concurrent.definition.environments.production);
    expect(after.definition.environments.production).toMatchObject(theirs);

    // Preview again: the current version, and the apply goes through.
    await conflict.getByRole('button', { name: 'Preview again' }).click();
    await until(async () => await conflict.count(), 0);
    await until(
      async () => (await checkout.locator('.muted').first().textContent())?.match(/version (\d+)/)?.[1],
      String(previewed + 1),
    );
    await page.getByRole('button', { name: 'Apply: promote 1 flag to production' }).click();
    await page.getByRole('heading', { name: 'Promoted 1 flag from staging to production' }).waitFor();
    expect((await rest(app, 'GET', `/feature-flags/${CHECKOUT}`)).definition.environments.production).toEqual(
      mine.definition.environments.staging,
    );
  });

  it('is usable 390 px wide: the playground as of a revision and a promotion preview', async () => {
    await page.setViewportSize({ width: 390, height: 844 });
    try {
      await page.goto(`${app.url}/console/playground?asOf=${created.revision}`);
      await page.locator('.history-point').waitFor();
      expect(await widthOf(page)).toBeLessThanOrEqual(390);
      await rest(
        app,
        'PUT',
        `/feature-flags/${SAME}`,
        booleanFlag({ production: off, staging: stagingLaunch }),
      );
      await page.goto(`${app.url}/console/environments/promote`);
      await page.getByLabel('From', { exact: true }).selectOption('staging');
      await page.getByLabel('To', { exact: true }).selectOption('production');
      await page.getByRole('radio', { name: 'these flags' }).check();
      await page.getByRole('group', { name: 'Flags to promote' }).getByRole('checkbox').first().waitFor();
      expect(await widthOf(page)).toBeLessThanOrEqual(390);
      await page.screenshot({ path: join(SHOTS, 'promotion-picker-390.png'), fullPage: true });
      await page.getByRole('radio', { name: 'every flag under a key prefix' }).check();
      await page.getByLabel('Key prefix (empty: every flag)').fill('promo.');
      await page.getByLabel('Key prefix (empty: every flag)').press('Enter');
      const same = page.locator(`.promotion-preview li[data-flag="${SAME}"]`);
      await same.waitFor();
      await same.getByText('production now and after, side by side').click();
      expect(await widthOf(page)).toBeLessThanOrEqual(390);
      await page.screenshot({ path: join(SHOTS, 'promotion-preview-390.png'), fullPage: true });
    } finally {
      await page.setViewportSize({ width: 1280, height: 900 });
    }
  });

  it('shows a client token neither the promote link nor the promotion screen', async () => {
    const tab = await context.browser()?.newContext({ viewport: { width: 1280, height: 900 } });
    if (!tab) throw new Error('no browser');
    try {
      const reader = await tab.newPage();
      watchErrors(reader, errors);
      await signIn(reader, app, CLIENT);
      await nav(reader, 'Environments').click();
      await reader.getByRole('heading', { name: 'production' }).waitFor();
      expect(await reader.getByRole('link', { name: 'Promote flags between environments' }).count()).toBe(0);
      await reader.goto(`${app.url}/console/environments/promote`);
      await reader.getByRole('heading', { name: 'Not allowed' }).waitFor();
      expect(await reader.getByRole('button', { name: 'Preview' }).count()).toBe(0);
      // The playground's asOf is a read: a client token may travel too (its own environment).
      await reader.goto(`${app.url}/console/playground?asOf=${created.revision}`);
      await reader.locator(`.history-point[data-revision="${created.revision}"]`).waitFor();
      expect(await servedBy(reader, BANNER)).toBe('false');
    } finally {
      await tab.close();
    }
  });

  it('shows an asOf older than the history kept beside the field, with the oldest revision that can be asked', async () => {
    // Retention keeps the newest 3 entries: the banner's creation is gone from the history.
    await store.purgeAudit({ maxAgeMs: 1e12, maxCount: 3 });
    // The oldest state that can be rebuilt: right after the last change purged.
    const oldest = (await store.audit.oldestRetained()).purgedThrough;
    expect(oldest).toBeGreaterThan(created.revision);
    await page.goto(`${app.url}/console/playground?asOf=${created.revision}`);
    const field = page.getByLabel('Revision', { exact: true });
    const problem = page.locator('#as-of-problem');
    await until(async () => /Older than the history kept/.test((await problem.textContent()) ?? ''), true);
    expect(await problem.textContent()).toMatch(
      new RegExp(`the oldest moment that can be shown is revision ${oldest} \\(`),
    );
    expect(await field.getAttribute('aria-invalid')).toBe('true');
    expect(await field.getAttribute('aria-describedby')).toBe('as-of-problem');
    expect(await page.locator('table.results').count()).toBe(0);
    // So is a time before the oldest entry kept.
    await page.getByRole('radio', { name: 'a time' }).check();
    expect(await problem.textContent()).toBe('');
    await page.getByLabel('Time (your time zone)').fill('2000-01-01T00:00:00');
    await page.getByRole('button', { name: 'Evaluate every flag' }).click();
    await until(async () => /Older than the history kept/.test((await problem.textContent()) ?? ''), true);
    expect(await page.getByLabel('Time (your time zone)').getAttribute('aria-invalid')).toBe('true');
    // The way out it offers: the oldest revision kept.
    await page.getByRole('button', { name: `Use revision ${oldest}, the oldest kept` }).click();
    expect(await field.inputValue()).toBe(String(oldest));
    await page.getByRole('button', { name: 'Evaluate every flag' }).click();
    await page.locator(`.history-point[data-revision="${oldest}"]`).waitFor();
    expect(await problem.textContent()).toBe('');

    // Not a revision: refused by the field before any request.
    await field.fill('yesterday');
    await page.getByRole('button', { name: 'Evaluate every flag' }).click();
    await until(
      async () => (await problem.textContent()) ?? '',
      'A revision is a whole number, e.g. 42 (the history shows each change’s)',
    );
  });

  it('logged no errors in the browser console', () => {
    expect(errors).toEqual([]);
  });
});
