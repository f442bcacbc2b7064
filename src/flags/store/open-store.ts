import type { Config } from '../../config.js';
import { FileFlagStore } from './file-store.js';
import type { FlagStore } from './flag-store.js';
import { MongoFlagStore } from './mongo-store.js';

/** MongoDB when MONGODB_URI is set, otherwise the embedded file store under DATA_DIR. */
export async function openStore(
  config: Pick<Config, 'mongodbUri' | 'dataDir' | 'storeTimeoutMs'>,
): Promise<FlagStore> {
  if (config.mongodbUri) return MongoFlagStore.open(config.mongodbUri, { timeoutMs: config.storeTimeoutMs });
  return FileFlagStore.open(config.dataDir);
}
