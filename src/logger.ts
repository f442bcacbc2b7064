import { type Logger, pino } from 'pino';
import type { Config } from './config.js';

/** Structured JSON logs on stdout. */
export function createLogger(level: Config['logLevel']): Logger {
  return pino({ level, base: { service: 'flagwire' } });
}
