// Keeps package-lock.json installable everywhere and lean here. Run after `npm install` changes the lock:
// `node scripts/lock-optional-platforms.mjs` (it asks the registry); `--check` only verifies (no network).
//
// Two things go wrong with platform binaries (@biomejs/cli-*, @swc/core-*, @unrs/resolver-binding-*):
// - the mirror these machines use may lack another platform's tarball, so `npm install` here leaves it out of
//   the lock and `npm ci` then refuses the lock as out of sync: each missing one is declared (version only);
// - an optional entry without its `os`/`cpu`/`libc` is installed by `npm ci` on EVERY platform (~900 MB of
//   other platforms' biome and swc binaries): each gets the fields from its registry manifest.
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';

const LOCK = 'package-lock.json';
const lock = JSON.parse(readFileSync(LOCK, 'utf8'));
const check = process.argv.includes('--check');
const nameOf = (path) => path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length);
// Names that say they are one platform's build: such an entry must carry os/cpu in the lock.
const PLATFORM_NAME = /-(android|darwin|freebsd|linux|win32|sunos|aix|netbsd|openbsd|openharmony)-/;

let declared = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ''}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (lock.packages[nested] || lock.packages[hoisted]) continue;
    if (check) {
      console.error(`${LOCK}: optional dependency ${name} is not declared`);
      process.exitCode = 1;
      continue;
    }
    lock.packages[hoisted] = { version: range.replace(/^[\^~=]/, ''), optional: true, dev: entry.dev };
    declared++;
  }
}

const unplatformed = Object.entries(lock.packages).filter(
  ([path, entry]) => entry.optional && !entry.os && !entry.cpu && PLATFORM_NAME.test(`${nameOf(path)}-`),
);
if (check) {
  for (const [path] of unplatformed) {
    console.error(`${LOCK}: ${path} has no os/cpu, so npm ci installs it on every platform`);
    process.exitCode = 1;
  }
  if (process.exitCode) console.error('Fix: node scripts/lock-optional-platforms.mjs');
} else {
  for (const [path, entry] of unplatformed) {
    const manifest = JSON.parse(
      execFileSync('npm', ['view', '--json', `${nameOf(path)}@${entry.version}`, 'os', 'cpu', 'libc'], {
        encoding: 'utf8',
      }) || '{}',
    );
    for (const field of ['os', 'cpu', 'libc']) {
      const value = manifest[field];
      if (value) entry[field] = Array.isArray(value) ? value : [value];
    }
    if (!entry.os && !entry.cpu)
      throw new Error(`${nameOf(path)}@${entry.version}: the registry names no os/cpu`);
  }
  writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
  process.stdout.write(
    `declared ${declared} missing optional package(s); added os/cpu/libc to ${unplatformed.length}\n`,
  );
}
