import { execFile } from 'node:child_process';
import { existsSync, realpathSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
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

/** `tsc -p project`; a failure names the type errors (tsc writes them to stdout). */
async function typeCheck(project: string, cwd: string): Promise<void> {
  try {
    await run(tsc, ['-p', project], { cwd });
  } catch (error) {
    const { stdout = '', stderr = '' } = error as { stdout?: string; stderr?: string };
    throw new Error(`tsc -p ${project} failed:\n${stdout}${stderr}`);
  }
}

interface Packed {
  /** The package's name, its tarball's path, and the paths it holds, sorted. */
  name: string;
  tarball: string;
  files: string[];
}

/** `npm pack` of `specs` into `dir`, in order. */
async function pack(cwd: string, dir: string, specs: string[], extra: string[] = []): Promise<Packed[]> {
  if (specs.length === 0) return [];
  const { stdout } = await run('npm', ['pack', ...specs, '--pack-destination', dir, '--json', ...extra], {
    cwd,
  });
  return (
    JSON.parse(stdout) as Array<{ name: string; filename: string; files: Array<{ path: string }> }>
  ).map((entry) => ({
    name: entry.name,
    tarball: join(dir, entry.filename),
    files: entry.files.map((file) => file.path).sort(),
  }));
}

/**
 * Where the repository's install holds `name` for the package in `from`: Node's lookup, from the
 * package's own (real) folder up to the repository's root. A dependency nested under a workspace (say
 * @flagwire/core's semver 7 while the root holds a 6) is found where that workspace would load it.
 */
function installed(name: string, from: string): string {
  for (let base = realpathSync(from); base.startsWith(root); base = dirname(base)) {
    const dir = join(base, 'node_modules', name);
    if (existsSync(join(dir, 'package.json'))) return realpathSync(dir);
  }
  throw new Error(`${name} is not installed where ${from} would load it`);
}

/** Whether `dir` is one of this repository's workspaces (a link into it), not a package from a registry. */
function isWorkspace(dir: string): boolean {
  return !realpathSync(dir).split('/').includes('node_modules');
}

/**
 * What installing `manifest` (a package in `from`) pulls in: its dependencies and required peers (npm
 * installs those), and theirs, read from the packed manifest so a dependency the package forgot to
 * declare is not installed. The folders of the installed copies, sorted.
 */
async function runtimeClosure(manifest: Manifest, from: string): Promise<string[]> {
  const found = new Set<string>();
  const visit = async (m: Manifest, dir: string) => {
    const required = Object.keys(m.peerDependencies ?? {}).filter(
      (name) => !m.peerDependenciesMeta?.[name]?.optional,
    );
    for (const name of [...Object.keys(m.dependencies ?? {}), ...required]) {
      const where = installed(name, dir);
      if (found.has(where)) continue;
      found.add(where);
      await visit(JSON.parse(await readFile(join(where, 'package.json'), 'utf8')) as Manifest, where);
    }
  };
  await visit(manifest, from);
  return [...found].sort();
}

// A user's program, type-checked against the package's .d.ts and then run. It has no @types/node: the
// client's types must stand on the language's and the platform's own (fetch, console).
const CONSUMER = `import {
  createFlagClient,
  type Evaluation,
  type EvaluationContext,
  type EvaluationDetails,
  type FlagChangeEvent,
  FlagwireError,
} from '@flagwire/client';

declare const process: { argv: string[] };
const [url, key] = process.argv.slice(2) as [string, string];

// Never called: 'mode' is a closed union and the published types must say so (under 'any' the directive
// itself is an error).
export function typesAreChecked() {
  // @ts-expect-error not a mode
  return createFlagClient({ url, mode: 'carrier-pigeon' });
}

const user: EvaluationContext = { targetingKey: 'user-7', plan: 'pro' };
const flags = createFlagClient({ url, mode: 'sse', prefix: 'pkg.', environment: 'production' });
await flags.ready(10_000);
const before: Evaluation = flags.evaluate(key, true);
const localBefore: boolean = flags.getBooleanValue(key, true, user);
const changed = new Promise<FlagChangeEvent>((resolve) => {
  flags.on('change', (event) => {
    if (event.key === key) resolve(event);
  });
});
await flags.admin.toggle(key);
const change = await changed;
const after: Evaluation = flags.evaluate(key, false);
const localAfter: EvaluationDetails<boolean> = flags.getBooleanDetails(key, false, user);
const mismatch: string = flags.getStringValue(key, 'default', user);
let refused = '';
try {
  await flags.admin.toggle('pkg.missing');
} catch (error) {
  refused = error instanceof FlagwireError ? error.code : 'not a FlagwireError';
}
await flags.close();
console.log(
  JSON.stringify({ before, after, localBefore, localAfter, mismatch, change: { kind: change.kind, key: change.key }, refused }),
);
`;

// A user of the evaluator alone, importing @flagwire/core directly (its own `exports`, its own declarations).
// Like the client's, its declarations need the platform's `URL` (zod's types use it): lib DOM or @types/node.
const CORE_CONSUMER = `import { evaluate, type Evaluation, fromLegacyFlag } from '@flagwire/core';


const result: Evaluation<boolean> = evaluate(fromLegacyFlag({ key: 'k', isEnabled: true }), 'production', { targetingKey: 'u' }, {
  defaultValue: false,
  expectedType: 'boolean',
});
console.log(JSON.stringify(result));
`;

// A user of the OpenFeature provider: a Node server program (so @types/node, which the server SDK's own
// declarations need), in a folder of its own where @openfeature/server-sdk is installed beside the client.
const PROVIDER_CONSUMER = `import { type EvaluationDetails, OpenFeature, ProviderEvents } from '@openfeature/server-sdk';
import { FlagwireProvider, type FlagwireProviderOptions } from '@flagwire/client/openfeature';

const [url, key] = process.argv.slice(2) as [string, string];
const options: FlagwireProviderOptions = { url, mode: 'sse', initTimeoutMs: 10_000 };
await OpenFeature.setProviderAndWait(new FlagwireProvider(options));
const client = OpenFeature.getClient();
const user = { targetingKey: 'user-7' };
const before: EvaluationDetails<boolean> = await client.getBooleanDetails(key, true, user);
const changed = new Promise<string[]>((resolve) => {
  client.addHandler(ProviderEvents.ConfigurationChanged, (details) => resolve(details?.flagsChanged ?? []));
});
const patched = await fetch(\`\${url}/feature-flags/\${key}\`, {
  method: 'PATCH',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ isEnabled: true }),
});
const flagsChanged = await changed;
const after: EvaluationDetails<boolean> = await client.getBooleanDetails(key, false, user);
const missing: string = await client.getStringValue('pkg.missing', 'default', user);
await OpenFeature.close();
console.log(JSON.stringify({ status: patched.status, before, after, flagsChanged, missing }));
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

const CORE_CONSUMER_TSCONFIG = { ...CONSUMER_TSCONFIG, files: ['core-consumer.ts'] };

const PROVIDER_CONSUMER_TSCONFIG = {
  compilerOptions: { ...CONSUMER_TSCONFIG.compilerOptions, lib: ['ES2023'], types: ['node'] },
  files: ['provider-consumer.ts'],
};

describe('the packed @flagwire/client, installed from its tarball into a clean folder', () => {
  let app: Awaited<ReturnType<typeof startTestApp>>;
  let work: string;
  let consumer: string;
  let providerConsumer: string;
  let packedFiles: string[];
  let packedManifest: Manifest & { exports?: Record<string, unknown> };
  let corePackedFiles: string[];

  beforeAll(async () => {
    app = await startTestApp();
    work = await mkdtemp(join(tmpdir(), 'flagwire-pack-'));
    const tarballs = join(work, 'tarballs');
    consumer = join(work, 'consumer');
    providerConsumer = join(work, 'provider-consumer');
    await Promise.all([mkdir(tarballs), mkdir(consumer), mkdir(providerConsumer)]);

    // `npm pack` runs `prepack` (the build) first, as `npm publish` does.
    const [packed] = await pack(clientDir, tarballs, ['.']);
    if (!packed) throw new Error('npm pack of the client said nothing');
    packedFiles = packed.files;
    const tarball = packed.tarball;

    // The registry's part, offline: the dependencies the packed manifest declares, packed from the
    // repository's install (the versions its lockfile pins). `--offline` makes any other fetch an error.
    // This repository's own packages among them (@flagwire/core) are packed as they would be published,
    // `prepack` (their build) included; the others as installed, without scripts.
    const { stdout: manifestText } = await run('tar', ['-xOzf', tarball, 'package/package.json']);
    packedManifest = JSON.parse(manifestText) as typeof packedManifest;
    const closure = await runtimeClosure(packedManifest, clientDir);
    const workspaces = await pack(work, tarballs, closure.filter(isWorkspace));
    const others = await pack(
      work,
      tarballs,
      closure.filter((dir) => !isWorkspace(dir)),
      ['--ignore-scripts'],
    );
    corePackedFiles = workspaces.find((entry) => entry.name === '@flagwire/core')?.files ?? [];
    const dependencies = [...workspaces, ...others].map((entry) => entry.tarball);

    await writeFile(
      join(consumer, 'package.json'),
      `${JSON.stringify({ name: 'consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
    );
    await run(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--ignore-scripts', tarball, ...dependencies],
      { cwd: consumer },
    );
    // The provider's user adds what its optional peer needs (and @types/node for a Node program).
    const openFeature = await runtimeClosure(
      {
        name: 'provider-consumer',
        version: '1.0.0',
        dependencies: { '@openfeature/server-sdk': '*', '@types/node': '*' },
      },
      clientDir,
    );
    const openFeaturePacked = await pack(
      work,
      tarballs,
      openFeature.filter((dir) => !closure.includes(dir)),
      ['--ignore-scripts'],
    );
    await writeFile(
      join(providerConsumer, 'package.json'),
      `${JSON.stringify({ name: 'provider-consumer', version: '1.0.0', private: true, type: 'module' }, null, 2)}\n`,
    );
    await run(
      'npm',
      [
        'install',
        '--offline',
        '--no-audit',
        '--no-fund',
        '--ignore-scripts',
        tarball,
        ...dependencies,
        ...openFeaturePacked.map((entry) => entry.tarball),
      ],
      { cwd: providerConsumer },
    );
    await writeFile(join(providerConsumer, 'provider-consumer.ts'), PROVIDER_CONSUMER);
    await writeFile(
      join(providerConsumer, 'tsconfig.json'),
      JSON.stringify(PROVIDER_CONSUMER_TSCONFIG, null, 2),
    );
    await writeFile(join(consumer, 'consumer.ts'), CONSUMER);
    await writeFile(join(consumer, 'tsconfig.json'), JSON.stringify(CONSUMER_TSCONFIG, null, 2));
    await writeFile(join(consumer, 'core-consumer.ts'), CORE_CONSUMER);
    await writeFile(join(consumer, 'tsconfig.core.json'), JSON.stringify(CORE_CONSUMER_TSCONFIG, null, 2));
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

  it('holds the OpenFeature provider as the `./openfeature` subpath, with its declarations, and @openfeature/server-sdk as an optional peer', () => {
    expect(packedFiles).toEqual(
      expect.arrayContaining([
        'dist/openfeature/index.js',
        'dist/openfeature/index.d.ts',
        'dist/openfeature/provider.d.ts',
      ]),
    );
    expect(packedManifest.exports?.['./openfeature']).toEqual({
      types: './dist/openfeature/index.d.ts',
      import: './dist/openfeature/index.js',
    });
    expect(packedManifest.peerDependencies?.['@openfeature/server-sdk']).toBeDefined();
    expect(packedManifest.peerDependenciesMeta?.['@openfeature/server-sdk']).toEqual({ optional: true });
    expect(packedManifest.dependencies?.['@openfeature/server-sdk']).toBeUndefined();
  });

  it('brings @flagwire/core, the evaluator it runs, packed with its built JavaScript and declarations', () => {
    expect(corePackedFiles).toEqual(
      expect.arrayContaining(['package.json', 'dist/index.js', 'dist/index.d.ts', 'dist/evaluate.js']),
    );
    expect(corePackedFiles.filter((path) => path.endsWith('.ts') && !path.endsWith('.d.ts'))).toEqual([]);
  });

  it("type-checks a user's program that imports @flagwire/core directly against its declarations, and runs it", async () => {
    await typeCheck(join(consumer, 'tsconfig.core.json'), consumer);
    const { stdout } = await run(process.execPath, ['core-consumer.js'], { cwd: consumer, timeout: 20_000 });
    expect(JSON.parse(stdout)).toMatchObject({ value: true, variant: 'on', reason: 'STATIC' });
  });

  it("type-checks a user's TypeScript against its declarations, and the compiled program reads, follows and evaluates a flag from a running service", async () => {
    await sendJson(app, 'POST', '/feature-flags', { key: 'pkg.flag', isEnabled: false });

    // Type errors make tsc exit non-zero (the rejection shows them); it emits consumer.js beside the source.
    await typeCheck(consumer, consumer);
    const { stdout } = await run(process.execPath, ['consumer.js', app.url, 'pkg.flag'], {
      cwd: consumer,
      timeout: 20_000,
    });

    expect(JSON.parse(stdout)).toEqual({
      before: expect.objectContaining({ value: false, reason: 'FLAG' }),
      after: expect.objectContaining({ value: true, reason: 'FLAG' }),
      // Evaluated locally, with a context, by the packed @flagwire/core.
      localBefore: false,
      localAfter: expect.objectContaining({
        flagKey: 'pkg.flag',
        value: true,
        variant: 'on',
        reason: 'STATIC',
      }),
      mismatch: 'default',
      change: { kind: 'upsert', key: 'pkg.flag' },
      refused: 'FLAG_NOT_FOUND',
    });
  });

  it("type-checks a user's program that sets FlagwireProvider on @openfeature/server-sdk, and runs it: an evaluation, a change announced by CONFIGURATION_CHANGED, a clean close", async () => {
    await sendJson(app, 'POST', '/feature-flags', { key: 'pkg.provided', isEnabled: false });
    await typeCheck(providerConsumer, providerConsumer);
    const { stdout } = await run(process.execPath, ['provider-consumer.js', app.url, 'pkg.provided'], {
      cwd: providerConsumer,
      timeout: 20_000,
    });
    expect(JSON.parse(stdout)).toEqual({
      status: 200,
      before: expect.objectContaining({
        flagKey: 'pkg.provided',
        value: false,
        variant: 'off',
        reason: 'DISABLED',
      }),
      after: expect.objectContaining({
        flagKey: 'pkg.provided',
        value: true,
        variant: 'on',
        reason: 'STATIC',
      }),
      flagsChanged: ['pkg.provided'],
      missing: 'default',
    });
  });

  it('the plain client needs none of it: its folder has no @openfeature package', () => {
    expect(existsSync(join(consumer, 'node_modules/@openfeature'))).toBe(false);
  });
});
