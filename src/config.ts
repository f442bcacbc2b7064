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
  LOG_LEVEL: z.enum(LOG_LEVELS).default('info'),
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
  logLevel: (typeof LOG_LEVELS)[number];
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
    logLevel: e.LOG_LEVEL,
    bodyLimitBytes: e.BODY_LIMIT_BYTES,
    etagMemoEntries: e.ETAG_MEMO_ENTRIES,
  };
}
