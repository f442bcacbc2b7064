import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { WebSocket } from 'ws';
import {
  createFlagClient,
  type FlagClient,
  type FlagClientOptions,
  type FlagMode,
  FlagwireError,
} from '../../client/src/index.js';
import { sendJson, startTestApp } from '../support/app.js';
import { nextEvent } from './support/events.js';

type TestApp = Awaited<ReturnType<typeof startTestApp>>;

const ADMIN = 'admin-token-for-client-tests';
const READER = 'client-token-for-client-tests';

describe.each(['poll', 'sse', 'subscription'] as FlagMode[])(
  'client in %s mode against a service with tokens',
  (mode) => {
    let app: TestApp;
    const clients: FlagClient[] = [];
    const open = (options: Partial<FlagClientOptions>) => {
      const client = createFlagClient({
        url: app.url,
        mode,
        pollIntervalMs: 20,
        backoff: { initialDelayMs: 5, maxDelayMs: 40 },
        webSocketImpl: WebSocket,
        ...options,
      });
      clients.push(client);
      return client;
    };

    beforeAll(async () => {
      app = await startTestApp({ ADMIN_TOKENS: ADMIN, CLIENT_TOKENS: READER });
      const res = await sendJson(
        app,
        'POST',
        '/feature-flags',
        { key: 'beta.on', isEnabled: true },
        {
          authorization: `Bearer ${ADMIN}`,
        },
      );
      expect(res.status).toBe(201);
    });
    afterEach(async () => {
      await Promise.all(clients.splice(0).map((client) => client.close()));
    });
    afterAll(async () => {
      await app.stop();
      await app.removeDataDir();
    });

    it('reads with a client token and sees writes made with an admin token', async () => {
      const reader = open({ token: READER });
      const admin = open({ token: ADMIN });
      await reader.ready(5000);
      expect(reader.evaluate('beta.on', false)).toMatchObject({ value: true, reason: 'FLAG' });
      const changed = nextEvent(reader, 'change', (event) => event.key === `beta.auth-${mode}`);
      await admin.admin.set({ key: `beta.auth-${mode}`, isEnabled: true });
      await changed;
      expect(reader.isEnabled(`beta.auth-${mode}`, false)).toBe(true);
    });

    it('reports UNAUTHENTICATED without a token, and answers bootstrap values and defaults', async () => {
      const anonymous = open({ bootstrap: { 'beta.on': false } });
      const error = await nextEvent(anonymous, 'error');
      expect(error).toMatchObject({ code: 'UNAUTHENTICATED' });
      expect(anonymous.evaluate('beta.on', true)).toEqual({ value: false, reason: 'BOOTSTRAP' });
      expect(anonymous.evaluate('beta.other', true)).toEqual({ value: true, reason: 'NOT_READY' });
    });

    it('refuses an admin call made with a client token with FORBIDDEN', async () => {
      const reader = open({ token: READER });
      const failure = await reader.admin.toggle('beta.on').catch((err: unknown) => err);
      expect(failure).toBeInstanceOf(FlagwireError);
      expect(failure).toMatchObject({ code: 'FORBIDDEN' });
    });
  },
);
