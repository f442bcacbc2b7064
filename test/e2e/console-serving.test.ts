import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { consoleSourceHash } from '../../src/console/source-hash.js';
import { startTestApp } from '../support/app.js';

/*
 * The service serves the console's build only while it matches the console's sources (a hash recorded
 * by scripts/build-console.ts). A project root of our own in a temporary folder: real files, real hash.
 */
describe('serving the admin console', () => {
  let root: string;

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'flagwire-console-'));
    await mkdir(join(root, 'console/src'), { recursive: true });
    await mkdir(join(root, 'packages/core/src'), { recursive: true });
    await writeFile(join(root, 'console/src/main.tsx'), 'export const screen = 1;\n');
    await writeFile(join(root, 'packages/core/src/index.ts'), 'export const core = 1;\n');
  });
  afterEach(() => rm(root, { recursive: true, force: true }));

  /** A build of the sources as they are now: index.html, one asset, and the manifest with their hash. */
  async function build(sourceHash?: string) {
    await mkdir(join(root, 'console/dist/assets'), { recursive: true });
    await writeFile(join(root, 'console/dist/index.html'), '<!doctype html><title>console</title>');
    await writeFile(join(root, 'console/dist/assets/app-abc123.js'), 'console.log(1)');
    const manifest = {
      sourceHash: sourceHash ?? (await consoleSourceHash(root)),
      builtAt: new Date().toISOString(),
      firstScreenGzipBytes: 10,
    };
    await writeFile(join(root, 'console/dist/build-manifest.json'), JSON.stringify(manifest));
  }

  async function withApp(check: (url: string) => Promise<void>) {
    const app = await startTestApp({ ADMIN_TOKENS: 'admin-token-0123456789abcdef' }, { consoleRoot: root });
    try {
      await check(app.url);
    } finally {
      await app.stop();
      await app.removeDataDir();
    }
  }

  it('redirects / to /console/ and serves the page at every console path, with a strict CSP', async () => {
    await build();
    await withApp(async (url) => {
      const home = await fetch(`${url}/`, { redirect: 'manual' });
      expect(home.status).toBe(302);
      expect(home.headers.get('location')).toBe('/console/');
      for (const path of ['/console/', '/console/flags/a.b', '/console/playground']) {
        const page = await fetch(`${url}${path}`);
        expect(page.status).toBe(200);
        expect(await page.text()).toContain('<title>console</title>');
        expect(page.headers.get('content-security-policy')).toContain("default-src 'self'");
        expect(page.headers.get('cache-control')).toBe('no-cache');
      }
      const asset = await fetch(`${url}/console/assets/app-abc123.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toContain('immutable');
      const access = await fetch(`${url}/console/access.json`);
      expect(await access.json()).toEqual({ openAccess: false });
    });
  });

  it('refuses a build older than its sources with 503 naming the command, and keeps the API', async () => {
    await build();
    await writeFile(join(root, 'console/src/main.tsx'), 'export const screen = 2;\n');
    await withApp(async (url) => {
      const page = await fetch(`${url}/console/`);
      expect(page.status).toBe(503);
      expect(await page.text()).toMatch(/older than its sources.*npm run build:console/);
      expect((await fetch(`${url}/healthz`)).status).toBe(200);
    });
  });

  it('refuses a build when a source it bundles from @flagwire/core changed', async () => {
    await build();
    await writeFile(join(root, 'packages/core/src/index.ts'), 'export const core = 2;\n');
    await withApp(async (url) => expect((await fetch(`${url}/console/flags/x`)).status).toBe(503));
  });

  it('answers 503 when the console was never built', async () => {
    await withApp(async (url) => {
      const page = await fetch(`${url}/console/`);
      expect(page.status).toBe(503);
      expect(await page.text()).toContain('no console build');
    });
  });
});
