import { z } from 'zod';
import {
  type BoundToken,
  boundTokenList,
  duplicateTokenProblem,
  type NamedToken,
  namedTokenList,
} from './auth/token-entries.js';
import type { WebhookEndpoint } from './webhooks/endpoint.js';
import { webhookEndpointList } from './webhooks/endpoints-config.js';

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

/** `ADMIN_TOKENS`: `<token>` or `<name> <token>` entries (src/auth/token-entries.ts). */
const tokenList = namedTokenList('admin');

/**
 * `CLIENT_TOKENS`: `<token>` (reads production), `<environment> <token>` or `<name>@<environment>
 * <token>` entries (src/auth/token-entries.ts). Every configuration valid before names existed means
 * what it meant: a token never holds a space, and an environment key never holds '@'.
 */
const clientTokenList = boundTokenList('client');

/** A client token, its name and the one environment it may read. */
export type ClientToken = BoundToken;
export type { NamedToken };

const SECRET_VARIABLES = new Set(['ADMIN_TOKENS', 'CLIENT_TOKENS', 'FRONTEND_TOKENS', 'WEBHOOKS']);

/** Comma-separated browser origins, or `*` for any. */
const originList = z
  .string()
  .transform((value) =>
    value
      .split(',')
      .map((origin) => origin.trim())
      .filter((origin) => origin.length > 0),
  )
  .refine((origins) => origins.every((o) => o === '*' || /^https?:\/\/[^/\s]+$/.test(o)), {
    message: "must be '*' or comma-separated origins like https://app.example.com (no path)",
  });

const EnvSchema = z.object({
  NODE_ENV: z.string().trim().default('development'),
  ADMIN_TOKENS: tokenList.optional(),
  CLIENT_TOKENS: clientTokenList.optional(),
  CORS_ORIGINS: originList.optional(),
  FRONTEND_TOKENS: boundTokenList('frontend').optional(),
  FRONTEND_CORS_ORIGINS: originList.optional(),
  FRONTEND_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000_000).default(60_000),
  FRONTEND_RATE_BURST: z.coerce.number().int().min(1).max(1_000_000_000).default(6000),
  OFREP_MEMO_BYTES: z.coerce.number().int().min(0).max(1_073_741_824).default(16_777_216),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().trim().min(1).default('127.0.0.1'),
  DATA_DIR: z.string().trim().min(1).default('./data'),
  MONGODB_URI: url(['mongodb:', 'mongodb+srv:'], 'mongodb://localhost:27017/flagwire').optional(),
  STORE_TIMEOUT_MS: z.coerce.number().int().min(100).max(60_000).default(5000),
  REDIS_URL: url(['redis:', 'rediss:'], 'redis://localhost:6379').optional(),
  REDIS_KEY_PREFIX: z.string().trim().min(1).max(64).default('flagwire:'),
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
  SSE_HEARTBEAT_MS: z.coerce.number().int().min(100).max(3_600_000).default(15_000),
  SSE_RETRY_MS: z.coerce.number().int().min(0).max(3_600_000).default(3000),
  SSE_MAX_BUFFERED_BYTES: z.coerce.number().int().min(1024).max(1_073_741_824).default(1_048_576),
  MAX_SSE_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(15_000),
  MAX_WS_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).default(15_000),
  WRITE_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(600),
  WRITE_RATE_BURST: z.coerce.number().int().min(1).max(1_000_000).default(60),
  CHANGE_LOG_SIZE: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  RESYNC_CHECK_MS: z.coerce.number().int().min(0).max(3_600_000).default(5000),
  BODY_LIMIT_BYTES: z.coerce.number().int().min(256).max(10_485_760).default(1_048_576),
  ETAG_MEMO_ENTRIES: z.coerce.number().int().min(1).max(1_000_000).default(1000),
  AUDIT_RETENTION_DAYS: z.coerce.number().int().min(1).max(36_500).default(90),
  AUDIT_RETENTION_COUNT: z.coerce.number().int().min(1).max(100_000_000).default(10_000),
  WEBHOOKS: webhookEndpointList.optional(),
  WEBHOOK_TIMEOUT_MS: z.coerce.number().int().min(100).max(300_000).default(10_000),
  WEBHOOK_RETRY_MIN_MS: z.coerce.number().int().min(1).max(3_600_000).default(1000),
  WEBHOOK_RETRY_MAX_MS: z.coerce.number().int().min(1).max(86_400_000).default(300_000),
  WEBHOOK_LEASE_MS: z.coerce.number().int().min(500).max(3_600_000).default(30_000),
  AS_OF_MAX_CHANGES: z.coerce.number().int().min(1).max(100_000_000).default(100_000),
  AS_OF_MEMO_STATES: z.coerce.number().int().min(0).max(1000).default(16),
});

/** Everything the service reads from its environment, validated. */
export interface Config {
  /** `production` turns off GraphQL introspection and schema hints, and refuses to run without tokens. */
  production: boolean;
  /**
   * Tokens that may read and write, each with the name recorded as the actor of its changes (given, or
   * derived: `admin-<8 hex>`). With no tokens at all the service runs open (development only).
   */
  adminTokens: readonly NamedToken[];
  /**
   * Tokens that may read and stream, not write, each bound to the one environment it reads
   * (`CLIENT_TOKENS` entries `<token>` for production, `[<name>@]<environment> <token>` for another).
   */
  clientTokens: readonly ClientToken[];
  /**
   * Tokens for code running in browsers and apps, each bound to one environment (`FRONTEND_TOKENS`,
   * entries as in `CLIENT_TOKENS`): they may evaluate (OFREP) in it and nothing else.
   */
  frontendTokens: readonly ClientToken[];
  /** Origins allowed to call from a browser (`*` for any), on every route; none by default. */
  corsOrigins: readonly string[];
  /** Origins allowed to call the OFREP routes (evaluation and its event stream), beside `corsOrigins`. */
  frontendCorsOrigins: readonly string[];
  /** Sustained OFREP requests per minute allowed to one frontend token. Default 60,000. */
  frontendRatePerMinute: number;
  /** OFREP requests one frontend token may make at once before the rate applies. Default 6,000. */
  frontendRateBurst: number;
  /** Bytes of memoised bulk-evaluation answers (per environment, token and context); 0: none. Default 16 MiB. */
  ofrepMemoBytes: number;
  /** TCP port; 0 picks a free one. Default 3000. */
  port: number;
  /** Interface to listen on. Default 127.0.0.1; use 0.0.0.0 in a container. */
  host: string;
  /** Where the embedded store keeps its file when MONGODB_URI is not set. Default ./data. */
  dataDir: string;
  /** When set, flags live in MongoDB instead of the embedded file store. */
  mongodbUri: string | undefined;
  /**
   * The longest a MongoDB store operation may wait on an unresponsive server before the write is
   * answered 503 (100 ms to 60 s; the tombstone grace relies on that maximum). Default 5 s.
   */
  storeTimeoutMs: number;
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
  /** Open SSE streams one instance accepts; beyond it, 503 with Retry-After. Default 15,000. */
  maxSseConnections: number;
  /** Open WebSockets one instance accepts; beyond it the upgrade is refused with 503. Default 15,000. */
  maxWsConnections: number;
  /** Sustained writes per minute allowed to one token (or to everyone, when open). Default 600. */
  writeRatePerMinute: number;
  /** Writes one token may make at once before the rate applies. Default 60. */
  writeRateBurst: number;
  /** How many recent changes the change log keeps for `Last-Event-ID` resume and catch-up. Default 1000. */
  changeLogSize: number;
  /** How often an instance sharing a store checks it for changes it missed; 0 disables. Default 5 s. */
  resyncCheckMs: number;
  /** Largest accepted request body; larger ones get 413. Default 16 KiB. */
  bodyLimitBytes: number;
  /** How many (environment, prefix) pairs keep a memoised list body and ETag. Default 1000. */
  etagMemoEntries: number;
  /**
   * What the audit history keeps: entries younger than `days` (default 90), and at most the newest
   * `count` (default 10,000), whichever keeps fewer. Older ones are purged, oldest first.
   */
  auditRetention: { days: number; count: number };
  /** Audit entries delivered to HTTP endpoints (see PROTOCOL.md#webhooks); none by default. */
  webhooks: {
    readonly endpoints: readonly WebhookEndpoint[];
    /** How long one request may take, response included, before it counts as failed. Default 10 s. */
    readonly timeoutMs: number;
    /** The first retry's delay and the cap of the exponential backoff. Default 1 s and 5 min. */
    readonly retryMinMs: number;
    readonly retryMaxMs: number;
    /**
     * How long an instance holds an endpoint's delivery lease without renewing it (renewed every
     * third of it): after a crash, another instance takes over within it. Default 30 s.
     */
    readonly leaseMs: number;
  };
  /**
   * Reads with `asOf`: at most `maxChanges` changes undone by one read (default 100,000; beyond it
   * AS_OF_TOO_MANY_CHANGES), and the last `memoStates` rebuilt states kept for repeated reads of the
   * same moment (default 16; 0 keeps none).
   */
  asOf: { maxChanges: number; memoStates: number };
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
    const problems = parsed.error.issues.map((issue) => {
      const name = String(issue.path[0]);
      // Never echo a secret back, not even a malformed one: logs and terminals keep it.
      const shown = SECRET_VARIABLES.has(name) ? '<redacted>' : JSON.stringify(present[name]);
      return `  ${name}=${shown}: ${issue.message}`;
    });
    throw new ConfigError(`Invalid configuration:\n${problems.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  const adminTokens = e.ADMIN_TOKENS ?? [];
  const clientTokens = e.CLIENT_TOKENS ?? [];
  const frontendTokens = e.FRONTEND_TOKENS ?? [];
  // One token, one kind: a frontend token is public (it ships in web pages), so one that is also an
  // admin or client token would hand every visitor its reads (or writes). Names are the actors of the
  // audit history, so they differ across kinds too.
  const duplicate = duplicateTokenProblem([
    ['ADMIN_TOKENS', adminTokens],
    ['CLIENT_TOKENS', clientTokens],
    ['FRONTEND_TOKENS', frontendTokens],
  ]);
  if (duplicate) {
    throw new ConfigError(`Invalid configuration:
  ${duplicate.variable}=<redacted>: ${duplicate.message}`);
  }
  if (e.WEBHOOK_RETRY_MAX_MS < e.WEBHOOK_RETRY_MIN_MS) {
    throw new ConfigError(
      `Invalid configuration:\n  WEBHOOK_RETRY_MAX_MS=${e.WEBHOOK_RETRY_MAX_MS}: must be at least WEBHOOK_RETRY_MIN_MS (${e.WEBHOOK_RETRY_MIN_MS})`,
    );
  }
  if (production && adminTokens.length + clientTokens.length + frontendTokens.length === 0) {
    throw new ConfigError(
      'Invalid configuration:\n  NODE_ENV=production with no ADMIN_TOKENS, CLIENT_TOKENS or FRONTEND_TOKENS: refusing to serve flags to anyone who asks. Set tokens.',
    );
  }
  return {
    production,
    adminTokens,
    clientTokens,
    frontendTokens,
    corsOrigins: e.CORS_ORIGINS ?? [],
    frontendCorsOrigins: e.FRONTEND_CORS_ORIGINS ?? [],
    frontendRatePerMinute: e.FRONTEND_RATE_PER_MINUTE,
    frontendRateBurst: e.FRONTEND_RATE_BURST,
    ofrepMemoBytes: e.OFREP_MEMO_BYTES,
    port: e.PORT,
    host: e.HOST,
    dataDir: e.DATA_DIR,
    mongodbUri: e.MONGODB_URI,
    storeTimeoutMs: e.STORE_TIMEOUT_MS,
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX,
    logLevel: e.LOG_LEVEL,
    sseHeartbeatMs: e.SSE_HEARTBEAT_MS,
    sseRetryMs: e.SSE_RETRY_MS,
    sseMaxBufferedBytes: e.SSE_MAX_BUFFERED_BYTES,
    maxSseConnections: e.MAX_SSE_CONNECTIONS,
    maxWsConnections: e.MAX_WS_CONNECTIONS,
    writeRatePerMinute: e.WRITE_RATE_PER_MINUTE,
    writeRateBurst: e.WRITE_RATE_BURST,
    changeLogSize: e.CHANGE_LOG_SIZE,
    resyncCheckMs: e.RESYNC_CHECK_MS,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    etagMemoEntries: e.ETAG_MEMO_ENTRIES,
    auditRetention: { days: e.AUDIT_RETENTION_DAYS, count: e.AUDIT_RETENTION_COUNT },
    webhooks: {
      endpoints: e.WEBHOOKS ?? [],
      timeoutMs: e.WEBHOOK_TIMEOUT_MS,
      retryMinMs: e.WEBHOOK_RETRY_MIN_MS,
      retryMaxMs: e.WEBHOOK_RETRY_MAX_MS,
      leaseMs: e.WEBHOOK_LEASE_MS,
    },
    asOf: { maxChanges: e.AS_OF_MAX_CHANGES, memoStates: e.AS_OF_MEMO_STATES },
  };
}
