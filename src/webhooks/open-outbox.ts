import type { Config } from '../config.js';
import { FileWebhookOutbox } from './file-outbox.js';
import { MemoryWebhookOutbox } from './memory-outbox.js';
import { MongoWebhookOutbox } from './mongo-outbox.js';
import type { WebhookOutbox } from './outbox.js';

/**
 * The outbox beside the flag store in use: MongoDB's database, the embedded store's DATA_DIR, or (for a
 * store handed to the app, as tests do) memory, as durable as such a store.
 */
export function openOutbox(
  config: Pick<Config, 'mongodbUri' | 'dataDir' | 'storeTimeoutMs'>,
  customStore: boolean,
): Promise<WebhookOutbox> {
  if (customStore) return Promise.resolve(new MemoryWebhookOutbox());
  if (config.mongodbUri) return MongoWebhookOutbox.open(config.mongodbUri, config.storeTimeoutMs);
  return FileWebhookOutbox.open(config.dataDir);
}
