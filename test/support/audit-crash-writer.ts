// Writes to a store as fast as it can: creates, updates and deletes over a few keys, from several
// concurrent loops, printing "ack <revision>" after each committed write. The audit crash test kills
// this process with SIGKILL at an arbitrary moment and then checks that the entries are exactly the
// committed changes.
import type { AuditNote } from '../../src/audit/audit-entry.js';
import { FileFlagStore } from '../../src/flags/store/file-store.js';
import type { FlagStore } from '../../src/flags/store/flag-store.js';
import { MongoFlagStore } from '../../src/flags/store/mongo-store.js';
import { legacyBody } from './flags.js';

const [kind, where] = process.argv.slice(2);
if ((kind !== 'file' && kind !== 'mongo') || !where)
  throw new Error('usage: audit-crash-writer file|mongo <dir|uri>');
const store: FlagStore = kind === 'file' ? await FileFlagStore.open(where) : await MongoFlagStore.open(where);
const KEYS = Array.from({ length: 12 }, (_, i) => `crash-${i}`);
const note = (action: AuditNote['action'], loop: number): AuditNote => ({
  actor: `loop-${loop}`,
  comment: 'crash test',
  action,
});

async function loop(id: number): Promise<never> {
  for (let n = 0; ; n++) {
    const key = KEYS[Math.floor(Math.random() * KEYS.length)] as string;
    // ~1 KB a record, so each write takes long enough that kills often land inside one.
    const fields = legacyBody(key, n % 2 === 0, `${id}.${n} ${'x'.repeat(1000)}`);
    try {
      const current = await store.get(key);
      const result =
        current === null
          ? await store.insert(key, fields, note('create', id))
          : n % 4 === 0
            ? await store.remove(key, current.version, note('delete', id))
            : await store.update(key, current.version, fields, note('update', id));
      if (result.status === 'ok') process.stdout.write(`ack ${result.change.revision}\n`);
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'WRITE_CONFLICT') throw err;
    }
  }
}

await Promise.all([0, 1, 2].map(loop));
