import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { closeRedisClient, connectAdapterClient } from './connect.js';

const CONNECT_TIMEOUT_MS = 10_000;

/** KEYS: claim. ARGV: store id. Claims the key for this store if no store holds it; answers the holder. */
const CLAIM = `
local holder = redis.call('GET', KEYS[1])
if holder then return holder end
redis.call('SET', KEYS[1], ARGV[1])
return ARGV[1]`;

interface ClaimCommands {
  flagwireClaim(key: string, storeId: string): Promise<string>;
}

export interface RedisStoreClaimOptions {
  readonly url: string;
  /** The key that names the store the bus belongs to, e.g. `flagwire:store`. */
  readonly key: string;
  readonly logger?: Logger;
  /** When Redis does not answer at start: false (default) rejects; true returns a claim that fails fast until it does. */
  readonly startWithoutRedis?: boolean;
  readonly connectTimeoutMs?: number;
}

/**
 * Which store a Redis bus belongs to: one key under the deployment's key prefix holding a store's
 * {@link FlagStore.identity}, set by the first instance that asks and never overwritten by another.
 * Nothing expires it: it goes only when Redis loses its data or an operator deletes it.
 */
export class RedisStoreClaim {
  private readonly readyListeners = new Set<() => void>();

  private constructor(
    private readonly client: Redis & ClaimCommands,
    readonly key: string,
  ) {
    // Every 'ready' after the first connection (or the first at all, when started without Redis) is a
    // moment the key may have changed unseen: Redis restarted empty, or was away while someone flushed it.
    client.on('ready', () => {
      for (const listener of this.readyListeners) listener();
    });
  }

  static async connect(opts: RedisStoreClaimOptions): Promise<RedisStoreClaim> {
    const client = await connectAdapterClient('flagwire:store-claim', opts, CONNECT_TIMEOUT_MS);
    client.defineCommand('flagwireClaim', { numberOfKeys: 1, lua: CLAIM });
    return new RedisStoreClaim(client as Redis & ClaimCommands, opts.key);
  }

  /** Claims the bus for `storeId` if no store has it; answers the id of the store it belongs to. */
  holder(storeId: string): Promise<string> {
    return this.client.flagwireClaim(this.key, storeId);
  }

  /** Calls `listener` whenever the connection to Redis becomes ready. Returns an unsubscribe. */
  onReady(listener: () => void): () => void {
    this.readyListeners.add(listener);
    return () => this.readyListeners.delete(listener);
  }

  async close(): Promise<void> {
    this.readyListeners.clear();
    await closeRedisClient(this.client);
  }
}
