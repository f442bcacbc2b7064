import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { sendJson, startTestApp } from '../support/app.js';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const clientDir = join(root, 'client');
const tsc = join(root, 'node_modules/.bin/tsc');

interface Manifest {
  name: string;
  version: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, { optional?: boolean }>;
}

/** `npm pack` of `specs` into `dir`; answers the tarballs' paths in order. */
async function pack(cwd: string, dir: string, specs: string[], extra: string[] = []): Promise<string[]> {
  const { stdout } = await run('npm', ['pack', ...specs, '--pack-destination', dir, '--json', ...extra], {
    cwd,
  });
  return (JSON.parse(stdout) as Array<{ filename: string }>).map((entry) => join(dir, entry.filename));
}

/** Where the repository's install holds `name` (a workspace's own node_modules first). */
function installed(name: string): string {
  for (const base of [clientDir, root]) {
    const dir = join(base, 'node_modules', name);
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  throw new Error(`${name} is not installed in the repository`);
}

/**
 * What installing `manifest` pulls in: its dependencies and required peers (npm installs those), and
 * theirs, read from the packed manifest so a dependency the package forgot to declare is not installed.
 */
async function runtimeClosure(manifest: Manifest): Promise<string[]> {
  const found = new Set<string>();
  const visit = async (m: Manifest) => {
    const required = Object.keys(m.peerDependencies ?? {}).filter(
      (name) => !m.peerDependenciesMeta?.[name]?.optional,
    );
    for (const name of [...Object.keys(m.dependencies ?? {}), ...required]) {
      if (found.has(name)) continue;
      found.add(name);
      await visit(JSON.parse(await readFile(join(installed(name), 'package.json'), 'utf8')) as Manifest);
    }
  };
  await visit(manifest);
  return [...found].sort();
}

// A user's program, type-checked against the package's .d.ts and then run. It has no @types/node: the
// client's types must stand on the language's and the platform's own (fetch, console).
const CONSUMER = `import { createFlagClient, type Evaluation, type FlagChangeEvent, FlagwireError } from '@flagwire/client';

declare const process: { argv: string[] };
const [url, key] = process.argv.slice(2) as [string, string];

// Never called: 'mode' is a closed union and the published types must say so (under 'any' the directive
// itself is an error).
export function typesAreChecked() {
  // @ts-expect-error not a mode
  return createFlagClient({ url, mode: 'carrier-pigeon' });
}

const flags = createFlagClient({ url, mode: 'sse', prefix: 'pkg.' });
await flags.ready(10_000);
const before: Evaluation = flags.evaluate(key, true);
const changed = new Promise<FlagChangeEvent>((resolve) => {
  flags.on('change', (event) => {
    if (event.key === key) resolve(event);
  });
});
await flags.admin.toggle(key);
const change = await changed;
const after: Evaluation = flags.evaluate(key, false);
let refused = '';
try {
  await flags.admin.toggle('pkg.missing');
} catch (error) {
  refused = error instanceof FlagwireError ? error.code : 'not a FlagwireError';
}
await flags.close();
console.log(JSON.stringify({ before, after, change: { kind: change.kind, key: change.key }, refused }));
`;

const CONSUMER_TSCONFIG = {
  compilerOptions: {
    target: 'ES2023',
    lib: ['ES2023', 'DOM'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    types: [],
    strict: true,
    // The package's own .d.ts (and its dependencies') are checked too, not trusted.
    skipLibCheck: false,
  },
  files: ['consumer.ts'],
};

describe('the packed @flagwire/client, installed from its tarball into a clean folder', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let work: string;
  let consumer: string;
  let packedFiles: string[];

  beforeAll(async () => {
    app = await startTestApp();
    work = await mkdtemp(join(tmpdir(), 'flagwire-pack-'));
    const tarballs = join(work, 'tarballs');
    consumer = join(work, 'consumer');
    await Promise.all([mkdir(tarballs), mkdir(consumer)]);

    // `npm pack` runs `prepack` (the build) first, as `npm publish` does.
    const { stdout } = await run('npm', ['pack', '--pack-destination', tarballs, '--json'], {
      cwd: clientDir,
    });
    const [packed] = JSON.parse(stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    if (!packed) throw new Error(`npm pack said nothing: ${stdout}`);
    packedFiles = packed.files.map((file) => file.path).sort();
    const tarball = join(tarballs, packed.filename);

    // The registry's part, offline: the dependencies the packed manifest declares, packed from the
    // repository's install (the versions its lockfile pins). `--offline` makes any other fetch an error.
    const { stdout: manifestText } = await run('tar', ['-xOzf', tarball, 'package/package.json']);
    const closure = await runtimeClosure(JSON.parse(manifestText) as Manifest);
    const dependencies = await pack(work, tarballs, closure.map(installed), ['--ignore-scripts']);

    await writeFile(
      join(consumer, 'package.json'),
      `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
    );
    await run(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball, ...dependencies],
      { cwd: consumer },
    );
    await writeFile(join(consumer, 'consumer.ts'), CONSUMER);
    await writeFile(join(consumer, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
  }, 120_000);

  afterAll(async () => {
    await app?.stop();
    await app?.removeDataDir();
    if (work) await rm(work, { recursive: true, force: true });
  });

  it('holds the built JavaScript and declarations, not the TypeScript sources', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining(['README.md', 'package.json', 'dist/index.js', 'dist/index.d.ts']),
    );
    expect(packedFiles.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
  });

  it("type-checks a user's TypeScript against its declarations, and the compiled program reads and follows a flag from a running service", async () => {
    await sendJson(app, 'POST', '/feature-flags', { key: 'pkg.flag', isEnabled: false });

    // Type errors make tsc exit non-zero (the rejection shows them); it emits consumer.js beside the source.
    await run(tsc, ['-p', consumer], { cwd: consumer });
    const { stdout } = await run(process.execPath, ['consumer.js', app.url, 'pkg.flag'], {
      cwd: consumer,
      timeout: 20_000,
    });

    expect(JSON.parse(stdout)).toEqual({
      before: expect.objectContaining({ value: false, reason: 'FLAG' }),
      after: expect.objectContaining({ value: true, reason: 'FLAG' }),
      change: { kind: 'upsert', key: 'pkg.flag' },
      refused: 'FLAG_NOT_FOUND',
    });
  });
});
