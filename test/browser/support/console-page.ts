// What the console's browser tests share: signing in, the main navigation, the page's errors, polling.
import type { Page } from 'playwright-core';

/** Every console error and uncaught exception of a page, pushed to `into`. */
export function watchErrors(page: Page, into: string[]): void {
  page.on('console', (message) => {
    if (message.type() === 'error') into.push(`console.error: ${message.text()}`);
  });
  page.on('pageerror', (error) => into.push(`uncaught: ${error.message}`));
}

/** Signs in at the console's start page with `token` and waits for the flag list. */
export async function signIn(page: Page, app: { url: string }, token: string): Promise<void> {
  await page.goto(`${app.url}/`);
  await page.getByLabel('Token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Flags' }).waitFor();
}

/** A link of the main navigation. */
export const nav = (page: Page, name: string) =>
  page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name, exact: true });

/** Polls `read` until it answers `wanted` (compared as JSON; 10 s at most, then fails saying what it read last). */
export async function until<T>(read: () => Promise<T>, wanted: T): Promise<void> {
  const deadline = Date.now() + 10_000;
  let last = await read();
  while (JSON.stringify(last) !== JSON.stringify(wanted)) {
    if (Date.now() > deadline)
      throw new Error(`still ${JSON.stringify(last)}, not ${JSON.stringify(wanted)}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    last = await read();
  }
}
