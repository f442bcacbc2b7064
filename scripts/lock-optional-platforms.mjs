// The npm mirror these machines use lacks other platforms' prebuilt binaries (@biomejs/cli-*, @swc/core-*,
// @unrs/resolver-binding-*), so `npm install` here leaves them out of package-lock.json and `npm ci`
// then refuses the lock as out of sync. This declares each missing optional dependency in the lock
// (version only) so `npm ci` accepts it; on a platform that needs one, npm fetches it by name.
// Run after `npm install` changes the lock: `node scripts/lock-optional-platforms.mjs`.
import { readFileSync, writeFileSync } from 'node:fs';

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8'));
let added = 0;
for (const [path, entry] of Object.entries(lock.packages)) {
  for (const [name, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const nested = `${path ? `${path}/` : ''}node_modules/${name}`;
    const hoisted = `node_modules/${name}`;
    if (lock.packages[nested] || lock.packages[hoisted]) continue;
    lock.packages[hoisted] = { version: range.replace(/^[\^~=]/, ''), optional: true };
    added++;
  }
}
writeFileSync('package-lock.json', `${JSON.stringify(lock, null, 2)}\n`);
process.stdout.write(`declared ${added} missing optional platform package(s) in package-lock.json\n`);
