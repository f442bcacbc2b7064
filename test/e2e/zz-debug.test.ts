import { it } from '@jest/globals';
import { createClient } from 'graphql-ws';
import { WebSocket } from 'ws';
import { subscriptionHubOf } from '../../src/graphql/mount.js';
import { startTestApp } from '../support/app.js';

it('debug stop', async () => {
  const app = await startTestApp();
  const hub = subscriptionHubOf(app.server)!;
  const client = createClient({ url: `${app.url.replace('http', 'ws')}/graphql`, webSocketImpl: WebSocket, retryAttempts: 0 });
  client.on('closed', (e) => console.error('closed', (e as any).code, Date.now()));
  const sub = client.iterate({ query: 'subscription { flagChanged { key } }' });
  await new Promise<void>((r) => { const off = hub.onCountChange((n) => { if (n === 1) { off(); r(); } }); });
  console.error('live', Date.now());
  const t = Date.now();
  await app.stop();
  console.error('stopped', Date.now() - t, hub.subscriberCount);
  await sub.next().catch((e) => console.error('next err', e?.code));
}, 60000);
