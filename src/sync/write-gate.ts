import type { AppError } from '../errors.js';
import type { FlagStore } from '../flags/store/flag-store.js';

/**
 * The same store, except that every write path throws `refusal()` while it answers an error. `get` is
 * gated too: only write paths call it (their precondition read; reads are answered by the snapshot),
 * so a refused write is refused before it reads, and always answers the same error (never a 404 or
 * 412 that depends on this store's data).
 */
export function gateWrites(store: FlagStore, refusal: () => AppError | undefined): FlagStore {
  const open = () => {
    const error = refusal();
    if (error) throw error;
  };
  return {
    list: (prefix) => store.list(prefix),
    get: async (key) => {
      open();
      return store.get(key);
    },
    insert: async (key, fields, note) => {
      open();
      return store.insert(key, fields, note);
    },
    update: async (key, expectedVersion, fields, note) => {
      open();
      return store.update(key, expectedVersion, fields, note);
    },
    remove: async (key, expectedVersion, note) => {
      open();
      return store.remove(key, expectedVersion, note);
    },
    // Reading and trimming the store's own history publishes nothing: not a write to gate.
    audit: store.audit,
    purgeAudit: (policy, now) => store.purgeAudit(policy, now),
    currentRevision: () => store.currentRevision(),
    identity: () => store.identity(),
    ping: () => store.ping(),
    close: () => store.close(),
  };
}
