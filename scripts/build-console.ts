/**
 * Builds the admin console (console/, Vite) into console/dist and records what it was built from
 * (build-manifest.json: the sources' hash, which the service compares at start-up, and the gzipped size
 * of the first screen's JavaScript).
 *
 *   tsx scripts/build-console.ts             build
 *   tsx scripts/build-console.ts --if-stale  build only when the sources changed since the last build
 *                                            (`npm start` runs this first: see package.json `prestart`)
 */
import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { type BuildManifest, readBuildManifest } from '../src/console/build-state.js';
import { BUILD_MANIFEST, CONSOLE_BUILD_DIR, consoleSourceHash } from '../src/console/source-hash.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, CONSOLE_BUILD_DIR);

/** Vite's manifest (build.manifest): each chunk with its file and the chunks it imports statically. */
type ViteManifest = Record<string, { file: string; isEntry?: boolean; imports?: string[] }>;

/** Gzipped bytes of the JavaScript a first visit loads: the entry chunk and its static imports, transitively. */
async function firstScreenGzipBytes(): Promise<number> {
  const manifest = JSON.parse(await readFile(join(outDir, '.vite/manifest.json'), 'utf8')) as ViteManifest;
  const seen = new Set<string>();
  const visit = (id: string) => {
    if (seen.has(id)) return;
    seen.add(id);
    for (const imported of manifest[id]?.imports ?? []) visit(imported);
  };
  for (const [id, chunk] of Object.entries(manifest)) if (chunk.isEntry) visit(id);
  let bytes = 0;
  for (const id of seen) {
    const file = manifest[id]?.file;
    if (file?.endsWith('.js')) bytes += gzipSync(await readFile(join(outDir, file)), { level: 9 }).length;
  }
  return bytes;
}

/** Builds unless `ifStale` and the last build matches the sources; answers the manifest in force. */
export async function buildConsole(options: { ifStale?: boolean } = {}): Promise<BuildManifest> {
  // Two builds at once (two test suites, `npm start` beside a test run) would write one console/dist
  // together: one builds, the other waits and then finds the build current.
  const release = await buildLock();
  try {
    return await buildUnlocked(options);
  } finally {
    await release();
  }
}

/** A build older than this holding the lock crashed: its lock is taken over. */
const STALE_LOCK_MS = 5 * 60_000;

/** Takes console/.build-lock (a directory: mkdir is atomic); resolves with its release. */
async function buildLock(): Promise<() => Promise<void>> {
  const lock = join(root, 'console/.build-lock');
  for (;;) {
    try {
      await mkdir(lock);
      return () => rm(lock, { recursive: true, force: true });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      const held = await stat(lock).catch(() => undefined);
      if (held && Date.now() - held.mtimeMs > STALE_LOCK_MS) await rm(lock, { recursive: true, force: true });
      else await new Promise((resolve) => setTimeout(resolve, 250)); // another build is running
    }
  }
}

async function buildUnlocked(options: { ifStale?: boolean }): Promise<BuildManifest> {
  const sourceHash = await consoleSourceHash(root);
  if (sourceHash === undefined) throw new Error('console/ has no sources to build');
  if (options.ifStale) {
    const current = await readBuildManifest(outDir);
    if (current?.sourceHash === sourceHash) return current;
  }
  // Always the production bundle (minified, React's production build), whatever NODE_ENV the caller
  // runs under: Jest sets NODE_ENV=test, and Vite would otherwise bundle React's development build, which
  // `npm start` would then serve as current (the source hash is the same).
  process.env.NODE_ENV = 'production';
  await build({ configFile: join(root, 'console/vite.config.ts'), logLevel: 'warn', mode: 'production' });
  const manifest: BuildManifest = {
    sourceHash,
    builtAt: new Date().toISOString(),
    firstScreenGzipBytes: await firstScreenGzipBytes(),
  };
  await writeFile(join(outDir, BUILD_MANIFEST), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const ifStale = process.argv.includes('--if-stale');
  const started = Date.now();
  const before = ifStale ? (await readBuildManifest(outDir))?.builtAt : undefined;
  const manifest = await buildConsole({ ifStale });
  const rebuilt = manifest.builtAt !== before;
  process.stdout.write(
    rebuilt
      ? `console built into ${CONSOLE_BUILD_DIR} in ${((Date.now() - started) / 1000).toFixed(1)} s; first screen ${(manifest.firstScreenGzipBytes / 1024).toFixed(1)} KB of JavaScript gzipped\n`
      : `console build is up to date (${CONSOLE_BUILD_DIR}, built ${manifest.builtAt})\n`,
  );
}
