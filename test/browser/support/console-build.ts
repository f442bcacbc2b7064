import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';

const root = join(import.meta.dirname, '../../..');

/**
 * Makes sure console/dist matches the console's sources (`scripts/build-console.ts --if-stale`: builds
 * only when they changed), in a child process: Vite is not meant to run inside Jest's module system.
 */
export async function ensureConsoleBuild(): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    ['--import', 'tsx', join(root, 'scripts/build-console.ts'), '--if-stale'],
    {
      cwd: root,
      timeout: 240_000,
    },
  );
}
