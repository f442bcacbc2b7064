import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import { compareByKey, type FlagChange, type StoredRecord } from '../flags/flag.js';
import { readStoredRecord } from '../flags/record-format.js';
import { closeRedisClient, connectAdapterClient } from '../redis/connect.js';
import type { FlagCache, FlagSet } from './flag-cache.js';

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * KEYS: flags, revisions, revision, filled. ARGV: key, revision, kind, flag JSON (upserts).
 * Conditional and atomic, so write-throughs from several instances arriving out of order converge on
 * the newest change per key. A change at or below the last fill is already reflected in it.
 */
const APPLY = `
local filled = tonumber(redis.call('GET', KEYS[4]))
if not filled then return 0 end
local revision = tonumber(ARGV[2])
local seen = tonumber(redis.call('HGET', KEYS[2], ARGV[1])) or 0
if revision <= math.max(seen, filled) then return 0 end
if ARGV[3] == 'upsert' then
  redis.call('HSET', KEYS[1], ARGV[1], ARGV[4])
else
  redis.call('HDEL', KEYS[1], ARGV[1])
end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2])
if revision > (tonumber(redis.call('GET', KEYS[3])) or 0) then redis.call('SET', KEYS[3], ARGV[2]) end
return 1`;

interface CacheCommands {
  flagwireCacheApply(
    flags: string,
    revisions: string,
    revision: string,
    filled: string,
    key: string,
    changeRevision: number,
    kind: FlagChange['kind'],
    flag: string,
  ): Promise<number>;
}

export interface RedisFlagCacheOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly logger?: Logger;
  /** When Redis does not answer at start: false (default) rejects; true returns a client that fails fast until it does. */
  readonly startWithoutRedis?: boolean;
  /** How long to wait for Redis at start. Default 10 s. */
  readonly connectTimeoutMs?: number;
}

/**
 * The flag cache shared by every instance, in Redis. Keys under `keyPrefix`: `flags` (hash key -> flag
 * JSON), `flags:revisions` (hash key -> revision of the latest change seen, kept after a delete as a
 * tombstone), `flags:revision` (highest revision applied: present iff the cache holds a set) and
 * `flags:filled` (revision of the last fill). Redis errors reject: callers fall back to the store.
 */
export class RedisFlagCache implements FlagCache {
  private readonly keys: readonly [flags: string, revisions: string, revision: string, filled: string];

  private constructor(
    private readonly client: Redis & CacheCommands,
    keyPrefix: string,
  ) {
    const flags = `${keyPrefix}flags`;
    this.keys = [flags, `${flags}:revisions`, `${flags}:revision`, `${flags}:filled`];
  }

  /** Connects and resolves once Redis answers; rejects if it cannot be reached. */
  static async connect(opts: RedisFlagCacheOptions): Promise<RedisFlagCache> {
    const client = await connectAdapterClient('flagwire:flag-cache', opts, CONNECT_TIMEOUT_MS);
    client.defineCommand('flagwireCacheApply', { numberOfKeys: 4, lua: APPLY });
    return new RedisFlagCache(client as Redis & CacheCommands, opts.keyPrefix);
  }

  /** Resolves when Redis answers a PING; rejects (fast) while it is unreachable. For /readyz. */
  async ping(): Promise<void> {
    await this.client.ping();
  }

  async load(): Promise<FlagSet | null> {
    const [flagsKey, , revisionKey] = this.keys;
    // One transaction: the flags and the revision describe the same moment.
    const [revision, values] = execResults(await this.client.multi().get(revisionKey).hvals(flagsKey).exec());
    if (typeof revision !== 'string') return null;
    const flags: StoredRecord[] = [];
    for (const value of values as string[]) {
      // A record cached by the version before definitions reads as the boolean flag it stands for;
      // anything unreadable makes the whole set a miss (the store refills it).
      const record = readStoredRecord(JSON.parse(value));
      if (!record) return null;
      flags.push(record);
    }
    return { flags: flags.sort(compareByKey), revision: Number(revision) };
  }

  /** Replaces everything in one transaction: readers never see half the old set and half the new. */
  async fill(set: FlagSet): Promise<void> {
    const [flagsKey, revisionsKey, revisionKey, filledKey] = this.keys;
    const transaction = this.client.multi().del(flagsKey, revisionsKey);
    if (set.flags.length > 0) {
      transaction.hset(
        flagsKey,
        Object.fromEntries(set.flags.map((flag) => [flag.key, JSON.stringify(flag)])),
      );
      transaction.hset(revisionsKey, Object.fromEntries(set.flags.map((flag) => [flag.key, flag.revision])));
    }
    transaction.set(revisionKey, String(set.revision)).set(filledKey, String(set.revision));
    execResults(await transaction.exec());
  }

  /** Ignored until the first fill: one changed flag must not pass for the whole set. */
  async apply(change: FlagChange): Promise<void> {
    const flag = change.kind === 'upsert' ? JSON.stringify(change.flag) : '';
    await this.client.flagwireCacheApply(...this.keys, change.key, change.revision, change.kind, flag);
  }

  async close(): Promise<void> {
    await closeRedisClient(this.client);
  }
}

/** The replies of an EXEC, throwing the first error (ioredis reports them per command). */
function execResults(results: [Error | null, unknown][] | null): unknown[] {
  if (results === null) throw new Error('redis transaction aborted');
  return results.map(([err, value]) => {
    if (err) throw err;
    return value;
  });
}
