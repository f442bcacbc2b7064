import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { BUILD_MANIFEST, CONSOLE_BUILD_DIR, consoleSourceHash } from './source-hash.js';

/** What scripts/build-console.ts records beside the bundle. */
export const BuildManifest = z.object({
  /** {@link consoleSourceHash} of the sources the bundle was built from. */
  sourceHash: z.string(),
  builtAt: z.string(),
  /** The JavaScript the first screen loads (the entry and its static imports), gzipped, in bytes. */
  firstScreenGzipBytes: z.number(),
});
export type BuildManifest = z.infer<typeof BuildManifest>;

/**
 * Whether the console can be served, decided once at start-up:
 * - `ready`: a build whose manifest matches the sources (or no sources to compare: an image that ships
 *   only the build, made by the same `npm run build`);
 * - `stale`: the sources changed since the build; serving it would show yesterday's console as today's;
 * - `missing`: never built (or the manifest is unreadable).
 * `npm start` rebuilds a stale or missing build first (`prestart`), so the last two are reached only when
 * the service is started some other way: the console then answers 503 naming the command that fixes it.
 */
export type ConsoleBuildState =
  | {
      readonly status: 'ready';
      readonly dir: string;
      readonly manifest: BuildManifest;
      readonly checked: boolean;
    }
  | { readonly status: 'stale' | 'missing'; readonly dir: string; readonly reason: string };

export async function readBuildManifest(dir: string): Promise<BuildManifest | undefined> {
  try {
    return BuildManifest.parse(JSON.parse(await readFile(join(dir, BUILD_MANIFEST), 'utf8')));
  } catch {
    return undefined;
  }
}

/** The state of the console build under `root` (the project root). */
export async function consoleBuildState(root: string): Promise<ConsoleBuildState> {
  const dir = join(root, CONSOLE_BUILD_DIR);
  const [manifest, sourceHash] = await Promise.all([readBuildManifest(dir), consoleSourceHash(root)]);
  if (!manifest) return { status: 'missing', dir, reason: `no console build in ${CONSOLE_BUILD_DIR}` };
  if (sourceHash === undefined) return { status: 'ready', dir, manifest, checked: false };
  if (manifest.sourceHash !== sourceHash)
    return {
      status: 'stale',
      dir,
      reason: `the console build in ${CONSOLE_BUILD_DIR} (built ${manifest.builtAt}) is older than its sources`,
    };
  return { status: 'ready', dir, manifest, checked: true };
}
