import { z } from 'zod';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const url = (protocols: readonly string[], example: string) =>
  z
    .string()
    .trim()
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')} (e.g. ${example})`,
    );

const EnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  MONGODB_URI: url(['mongodb:', 'mongodb+srv:'], 'mongodb://localhost:27017/flagwire').optional(),
  REDIS_URL: url(['redis:', 'rediss:'], 'redis://localhost:6379').optional(),
  REDIS_KEY_PREFIX: z.string().trim().min(1).max(64).default('flagwire:'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(3_600_000).default(15_000),
  SSE_RETRY_MS: z.coerce.number().int().min(0).max(3_600_000).default(3000),
  SSE_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1024).max(1_073_741_824).default(1_048_576),
  CHANGE_LOG_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  RESYNC_CHECK_MS: z.coerce.number().int().min(0).max(3_600_000).default(5000),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(256).max(10_485_760).default(16_384),
  ETAG_MEMO_ENTRIES: z.coerce.number().int().min(1).max(1_000_000).default(1000),
});

/** Everything the service reads from its environment, validated. */
export interface Config {
  /** TCP port; 0 picks a free one. Default 3000. */
  port: number;
  /** Interface to listen on. Default 127.0.0.1; use 0.0.0.0 in a container. */
  host: string;
  /** Where the embedded store keeps its file when MONGODB_URI is not set. Default ./data. */
  dataDir: string;
  /** When set, flags live in MongoDB instead of the embedded file store. */
  mongodbUri: string | undefined;
  /** When set, Redis carries changes between instances and caches flags; otherwise all is in-process. */
  redisUrl: string | undefined;
  /** Prefix of every Redis key and channel, so deployments can share a Redis. Default `flagwire:`. */
  redisKeyPrefix: string;
  logLevel: (typeof LOG_LEVELS)[number];
  /** Interval of SSE heartbeat comments. Default 15 s. */
  sseHeartbeatMs: number;
  /** The `retry:` reconnect hint sent to SSE clients. Default 3 s. */
  sseRetryMs: number;
  /** An SSE client whose unsent data passes this is disconnected (it reconnects and resumes). Default 1 MiB. */
  sseMaxBufferedBytes: number;
  /** How many recent changes the change log keeps for `Last-Event-ID` resume and catch-up. Default 1000. */
  changeLogSize: number;
  /** How often an instance sharing a store checks it for changes it missed; 0 disables. Default 5 s. */
  resyncCheckMs: number;
  /** Largest accepted request body; larger ones get 413. Default 16 KiB. */
  bodyLimitBytes: number;
  /** How many prefixes keep a memoised response body and ETag. Default 1000. */
  etagMemoEntries: number;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
}

/**
 * Parses the environment once, at start-up. An empty variable counts as unset; a bad one stops the
 * process with a message naming it, instead of silently falling back to a default.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const present = Object.fromEntries(
    Object.keys(EnvSchema.shape).flatMap((name) => {
      const value = env[name];
      return value === undefined || value.trim() === '' ? [] : [[name, value]];
    }),
  );
  const parsed = EnvSchema.safeParse(present);
  if (!parsed.success) {
    const problems = parsed.error.issues.map(
      (issue) =>
        `  ${issue.path.join('.')}=${JSON.stringify(present[String(issue.path[0])])}: ${issue.message}`,
    );
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  return {
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    mongodbUri: e.MONGODB_URI,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    logLevel: e.LOG_LEVEL,
    sseHeartbeatMs: e.SSE_HEARTBEAT_MS,
    sseRetryMs: e.SSE_RETRY_MS,
    sseMaxBufferedBytes: e.SSE_MAX_BUFFERED_BYTES,
    changeLogSize: e.CHANGE_LOG_SIZE,
    resyncCheckMs: e.RESYNC_CHECK_MS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    etagMemoEntries: e.ETAG_MEMO_ENTRIES,
  };
}
