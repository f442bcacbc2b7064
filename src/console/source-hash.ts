import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';

/**
 * What the console bundle is built from, relative to the project root: the console's own folder (less
 * its build output and installs) and @flagwire/core's sources, which the flag editor bundles.
 */
export const CONSOLE_SOURCES = ['console', 'packages/core/src'] as const;

/** Folders under a source folder that are not sources (build output, installs, caches). */
const NOT_SOURCES = new Set(['dist', 'node_modules', '.vite', '.build-lock']);

/** Where the console's build lands, relative to the project root. */
export const CONSOLE_BUILD_DIR = 'console/dist';

/** The file, in the build folder, that says what the build was made from (written by scripts/build-console.ts). */
export const BUILD_MANIFEST = 'build-manifest.json';

async function filesUnder(dir: string): Promise<string[]> {
  let entries: import('node:fs').Dirent[];
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const files: string[] = [];
  for (const entry of entries) {
    if (NOT_SOURCES.has(entry.name)) continue;
    const path = join(dir, entry.name);
    if (entry.isDirectory()) files.push(...(await filesUnder(path)));
    else if (entry.isFile()) files.push(path);
  }
  return files;
}

/**
 * A SHA-256 over every console source file (its path relative to `root`, with `/` separators, and its
 * bytes), in sorted order: any edit, addition, removal or rename changes it. `undefined` when none of
 * the source folders exist (an image that ships only the build).
 */
export async function consoleSourceHash(root: string): Promise<string | undefined> {
  const files = (await Promise.all(CONSOLE_SOURCES.map((dir) => filesUnder(join(root, dir))))).flat();
  if (files.length === 0) return undefined;
  const named = files.map((path) => ({ path, name: relative(root, path).split(sep).join('/') }));
  named.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const hash = createHash('sha256');
  for (const { path, name } of named) {
    hash.update(name).update('\0');
    hash.update(await readFile(path)).update('\0');
  }
  return hash.digest('hex');
}
