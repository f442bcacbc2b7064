import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FlagMode } from '../../client/src/index.js';
import { sendJson, startTestApp } from '../support/app.js';
import { startRedis, type TestRedis } from '../support/redis.js';

const run = promisify(execFile);
const program = join(import.meta.dirname, 'support/openfeature-program.ts');
const ADMIN = 'admin-token-for-openfeature-close';
const READER = 'server-token-for-openfeature-close';

describe('FlagwireProvider: OpenFeature.close()', () => {
  let redis: TestRedis;
  let app: Awaited<ReturnType<typeof startTestApp>>;

  beforeAll(async () => {
    redis = await startRedis();
    app = await startTestApp({
      ADMIN_TOKENS: ADMIN,
      CLIENT_TOKENS: READER,
      REDIS_URL: redis.url,
      REDIS_KEY_PREFIX: redis.keyPrefix(),
    });
    const created = await sendJson(
      app,
      'POST',
      '/feature-flags',
      { key: 'of.closing', isEnabled: true },
      { authorization: `Bearer ${ADMIN}` },
    );
    expect(created.status).toBe(201);
  });
  afterAll(async () => {
    await app?.stop();
    await app?.removeDataDir();
    await redis?.stop();
  });

  it.each<FlagMode>(['sse', 'subscription', 'poll'])(
    'in %s mode leaves nothing open: a program that evaluates and closes exits by itself while the service runs on',
    async (mode) => {
      // execFile's timeout kills a program that does not end: the rejection then says so.
      const { stdout } = await run(
        process.execPath,
        ['--import', 'tsx', program, app.url, READER, mode, 'of.closing'],
        { timeout: 20_000, env: { ...process.env, NODE_OPTIONS: '' } },
      );
      expect(JSON.parse(stdout)).toEqual({ value: true });
    },
  );
});
