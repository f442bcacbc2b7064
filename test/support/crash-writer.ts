// Writes flags to a FileFlagStore as fast as it can, printing "ack <n>" after each write is durable.
// The crash-safety test kills this process with SIGKILL at an arbitrary moment.
import { FileFlagStore } from '../../src/flags/store/file-store.js';
import { asCreate } from './audit.js';
import { legacyBody } from './flags.js';

const dir = process.argv[2];
if (!dir) throw new Error('usage: crash-writer <dir>');
const store = await FileFlagStore.open(dir);
const start = (await store.list('')).length;
for (let n = start; ; n++) {
  const key = `flag-${String(n).padStart(6, '0')}`;
  // ~1 KB a flag, so each whole-file rewrite is large enough that kills often land mid-write.
  const result = await store.insert(key, legacyBody(key, n % 2 === 0, 'x'.repeat(1000)), asCreate);
  if (result.status !== 'ok') throw new Error(`insert ${n} answered ${result.status}`);
  process.stdout.write(`ack ${n}\n`);
}
