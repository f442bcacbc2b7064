import type { Redis } from 'ioredis';
import type { Logger } from 'pino';
import type { FlagChange } from '../flags/flag.js';
import { readStoredRecord } from '../flags/record-format.js';
import { closeRedisClient, connectAdapterClient } from '../redis/connect.js';
import type { ChangeLog } from './change-log.js';
import { type ChangeLogOptions, changeLogCapacity } from './memory-change-log.js';

const CONNECT_TIMEOUT_MS = 10_000;

/**
 * KEYS: log (sorted set, score = revision, member = change JSON), floor. ARGV: revision, change, capacity.
 * One script, so concurrent appends from several instances cannot interleave between the trim and the
 * floor update. A log without a floor starts covering from this change on.
 */
const APPEND = `
local revision = tonumber(ARGV[1])
local floor = tonumber(redis.call('GET', KEYS[2]))
if not floor then
  floor = revision - 1
  redis.call('SET', KEYS[2], tostring(floor))
end
if revision <= floor then return 0 end
redis.call('ZREMRANGEBYSCORE', KEYS[1], revision, revision)
redis.call('ZADD', KEYS[1], revision, ARGV[2])
local excess = redis.call('ZCARD', KEYS[1]) - tonumber(ARGV[3])
if excess > 0 then
  local dropped = redis.call('ZPOPMIN', KEYS[1], excess)
  local highest = tonumber(dropped[#dropped])
  if highest > floor then redis.call('SET', KEYS[2], tostring(highest)) end
end
return 1`;

/** KEYS: log, floor. ARGV: after. Null (nil) when there is no floor or `after` is below it. */
const SINCE = `
local floor = tonumber(redis.call('GET', KEYS[2]))
if not floor or tonumber(ARGV[1]) < floor then return false end
return redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf')`;

interface LogCommands {
  flagwireLogAppend(
    log: string,
    floor: string,
    revision: number,
    change: string,
    capacity: number,
  ): Promise<number>;
  flagwireLogSince(log: string, floor: string, after: number): Promise<string[] | null>;
}

export interface RedisChangeLogOptions extends ChangeLogOptions {
  readonly url: string;
  /** Keys are `${keyPrefix}log` and `${keyPrefix}log:floor`. */
  readonly keyPrefix: string;
  readonly logger?: Logger;
  /** When Redis does not answer at start: false (default) rejects; true returns a client that fails fast until it does. */
  readonly startWithoutRedis?: boolean;
  /** How long to wait for Redis at start. Default 10 s. */
  readonly connectTimeoutMs?: number;
}

/**
 * The change log shared by every instance, in Redis: a sorted set by revision (so appends that arrive
 * out of order still read back in order) and a floor key. Both vanish together when Redis loses its
 * data, and `since` then answers null: the caller falls back to a snapshot. Redis errors reject.
 */
export class RedisChangeLog implements ChangeLog {
  private readonly logKey: string;
  private readonly floorKey: string;

  private constructor(
    private readonly client: Redis & LogCommands,
    keyPrefix: string,
    private readonly capacity: number,
  ) {
    this.logKey = `${keyPrefix}log`;
    this.floorKey = `${keyPrefix}log:floor`;
  }

  /** Connects and resolves once Redis answers; rejects if it cannot be reached. */
  static async connect(opts: RedisChangeLogOptions): Promise<RedisChangeLog> {
    const capacity = changeLogCapacity(opts);
    const client = await connectAdapterClient('flagwire:change-log', opts, CONNECT_TIMEOUT_MS);
    // ioredis runs these by EVALSHA and resends the script itself when Redis lost it (NOSCRIPT).
    client.defineCommand('flagwireLogAppend', { numberOfKeys: 2, lua: APPEND });
    client.defineCommand('flagwireLogSince', { numberOfKeys: 2, lua: SINCE });
    return new RedisChangeLog(client as Redis & LogCommands, opts.keyPrefix, capacity);
  }

  async init(revision: number): Promise<void> {
    await this.client.set(this.floorKey, String(revision), 'NX');
  }

  async append(change: FlagChange): Promise<void> {
    const json = JSON.stringify(change);
    await this.client.flagwireLogAppend(this.logKey, this.floorKey, change.revision, json, this.capacity);
  }

  async since(after: number): Promise<FlagChange[] | null> {
    const entries = await this.client.flagwireLogSince(this.logKey, this.floorKey, after);
    // Our own script wrote every member, but possibly the version before definitions: its upserts
    // carry the legacy record, read as the boolean flag it stands for.
    return entries === null ? null : entries.map((entry) => fromLog(JSON.parse(entry) as FlagChange));
  }

  async close(): Promise<void> {
    await closeRedisClient(this.client);
  }
}

function fromLog(change: FlagChange): FlagChange {
  if (change.kind !== 'upsert' || 'definition' in change.flag) return change;
  const flag = readStoredRecord(change.flag);
  if (!flag) throw new Error(`unreadable change log entry at revision ${change.revision}`);
  return { ...change, flag };
}
