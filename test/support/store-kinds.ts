import type { AppOverrides } from '../../src/app.js';
import { MemoryFlagStore } from '../../src/flags/store/memory-store.js';
import { startMongo, type TestMongo } from './mongo.js';

/** One kind of store for the real app: what to add to its env and overrides; `stop` after the suite. */
export interface StoreKind {
  readonly name: string;
  setup(): Promise<{ env: Record<string, string>; overrides: AppOverrides }>;
  stop(): Promise<void>;
}

export function memoryStore(): StoreKind {
  return {
    name: 'the memory store',
    setup: async () => ({ env: {}, overrides: { store: new MemoryFlagStore() } }),
    stop: async () => {},
  };
}

/** The app's default: the embedded file store in the test app's own DATA_DIR. */
export function fileStore(): StoreKind {
  return { name: 'the file store', setup: async () => ({ env: {}, overrides: {} }), stop: async () => {} };
}

/** MongoDB as the app opens it from MONGODB_URI (a database of its own per suite). */
export function mongoStore(): StoreKind {
  let mongo: TestMongo | undefined;
  return {
    name: 'MongoDB',
    setup: async () => {
      mongo ??= await startMongo();
      return { env: { MONGODB_URI: mongo.uri }, overrides: {} };
    },
    stop: async () => {
      await mongo?.stop();
    },
  };
}

export const EVERY_STORE = (): StoreKind[] => [memoryStore(), fileStore(), mongoStore()];
