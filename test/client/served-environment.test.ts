import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createFlagClient, type FlagClient, type FlagMode } from '../../client/src/index.js';
import { sendJson, startTestApp } from '../support/app.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const ADMIN = 'served-admin-token-0123456789';
const PRODUCTION_READER = 'served-production-reader-0123';
const STAGING_READER = 'served-staging-reader-01234567';

/** A flag serving a different value in each environment, so an answer says where it was evaluated. */
const FLAG = {
  key: 'where',
  type: 'string',
  variants: { prod: 'production', stage: 'staging', off: 'off' },
  environments: {
    production: { enabled: true, offVariant: 'off', fallthrough: { variant: 'prod' } },
    staging: { enabled: true, offVariant: 'off', fallthrough: { variant: 'stage' } },
  },
};

/*
 * A client given no `environment` evaluates where the server serves it: its token's environment, which
 * the server names on every list and stream answer (`Flagwire-Environment`) and in the GraphQL
 * `readEnvironment` field. Without that, a token bound to staging would hold staging's definitions and
 * evaluate production, which they do not contain: every flag would answer the caller's default.
 */
describe.each<FlagMode>(['poll', 'sse', 'subscription'])(
  'a client in %s mode with no environment option',
  (mode) => {
    let app: TestApp;
    const clients: FlagClient[] = [];
    const open = async (token: string) => {
      const client = createFlagClient({ url: app.url, mode, token, pollIntervalMs: 60_000 });
      clients.push(client);
      await client.ready(5000);
      return client;
    };

    beforeAll(async () => {
      app = await startTestApp({
        ADMIN_TOKENS: ADMIN,
        CLIENT_TOKENS: `${PRODUCTION_READER}, staging ${STAGING_READER}`,
      });
      const auth = { authorization: `Bearer ${ADMIN}` };
      expect((await sendJson(app, 'POST', '/environments', { key: 'staging' }, auth)).status).toBe(201);
      expect((await sendJson(app, 'PUT', `/feature-flags/${FLAG.key}`, FLAG, auth)).status).toBe(201);
    });
    afterAll(async () => {
      await Promise.all(clients.splice(0).map((client) => client.close()));
      await app.stop();
      await app.removeDataDir();
    });

    it("evaluates in its token's environment when the token is bound to staging", async () => {
      const client = await open(STAGING_READER);
      expect(client.getStringDetails(FLAG.key, 'default')).toMatchObject({
        value: 'staging',
        reason: 'STATIC',
      });
    });

    it('evaluates in production with a plain client token and with an admin token (every environment)', async () => {
      for (const token of [PRODUCTION_READER, ADMIN]) {
        const client = await open(token);
        expect(client.getStringDetails(FLAG.key, 'default')).toMatchObject({ value: 'production' });
      }
    });
  },
);
