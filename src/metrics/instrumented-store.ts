import type { FlagStore } from '../flags/store/flag-store.js';
import type { Metrics } from './metrics.js';

type Operation = Exclude<keyof FlagStore, 'close' | 'identity' | 'audit'>;
const OPERATIONS: readonly Operation[] = [
  'list',
  'get',
  'insert',
  'update',
  'remove',
  'currentRevision',
  'purgeAudit',
  'ping',
];

/** The same store, counting every call by operation and outcome in `flagwire_store_operations_total`. */
export function instrumentStore(store: FlagStore, metrics: Metrics): FlagStore {
  // identity() is asked once at start: passed through, not counted; nor is the audit history (admin reads).
  const counted = {
    close: () => store.close(),
    identity: () => store.identity(),
    audit: store.audit,
  } as FlagStore;
  for (const operation of OPERATIONS) {
    const call = store[operation].bind(store) as (...args: unknown[]) => Promise<unknown>;
    Object.assign(counted, {
      [operation]: async (...args: unknown[]) => {
        try {
          const result = await call(...args);
          metrics.storeOperations.inc({ operation, outcome: 'ok' });
          return result;
        } catch (err) {
          metrics.storeOperations.inc({ operation, outcome: 'error' });
          throw err;
        }
      },
    });
  }
  return counted;
}
