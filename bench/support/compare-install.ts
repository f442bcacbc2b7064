// bench/compare/ holds the evaluators evaluator-comparison measures Flagwire against. They stay out of the
// root install (node_modules budget): installed here on first use, from bench/compare's own lockfile.
import { spawn } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { log } from './log.js';
import { root } from './service-process.js';

const COMPARE = join(root, 'bench/compare');
const INSTALL_TIMEOUT_MS = 300_000;

/** The version of `name` installed in bench/compare, or undefined. */
async function installedVersion(name: string): Promise<string | undefined> {
  try {
    const manifest = JSON.parse(await readFile(join(COMPARE, 'node_modules', name, 'package.json'), 'utf8'));
    return (manifest as { version?: string }).version;
  } catch {
    return undefined;
  }
}

/** Whether every dependency bench/compare/package.json pins is installed at that version. */
async function upToDate(): Promise<boolean> {
  const manifest = JSON.parse(await readFile(join(COMPARE, 'package.json'), 'utf8')) as {
    dependencies: Record<string, string>;
  };
  for (const [name, version] of Object.entries(manifest.dependencies))
    if ((await installedVersion(name)) !== version) return false;
  return true;
}

/**
 * Installs bench/compare's packages (`npm ci`) unless they are already there. Resolves with undefined when
 * they are ready, or with why they are not (npm's error: an unreachable registry, a version the
 * mirror lacks), for the scenario to report as skipped.
 */
export async function ensureCompareInstalled(): Promise<string | undefined> {
  if (await upToDate()) return undefined;
  log('installing bench/compare (npm ci: @openfeature/flagd-core, unleash-client)');
  const child = spawn('npm', ['ci', '--prefix', COMPARE, '--no-audit', '--no-fund'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    if (stderr.length < 8000) stderr += chunk; // npm says what went wrong first; a stack trace follows
  });
  const timer = setTimeout(() => child.kill('SIGTERM'), INSTALL_TIMEOUT_MS);
  const code = await new Promise<number | null>((resolve) => {
    child.once('error', (err) => {
      stderr += err.message;
      resolve(null);
    });
    child.once('exit', resolve);
  });
  clearTimeout(timer);
  if (code === 0 && (await upToDate())) return undefined;
  return `npm ci in bench/compare failed (exit ${code}): ${npmError(stderr)}`;
}

/** npm's error code and first message ("code E404; 404 Not Found - GET ..."), without its stack trace. */
function npmError(stderr: string): string {
  const lines = stderr
    .split('\n')
    .map((line) => line.replace(/^npm error\s*/, '').trim())
    .filter((line) => line !== '' && !/^(at |syscall|errno|[a-z]+: |[{}])/.test(line));
  return lines.slice(0, 2).join('; ') || 'no output';
}
