/*
 * A whole program using the provider, run in its own process by openfeature-close.test.ts: it sets the
 * provider, evaluates, closes OpenFeature and then simply ends. If anything the provider opened (a socket,
 * a stream, a timer) were left behind, the process would not exit by itself.
 * Usage: node --import tsx openfeature-program.ts <url> <token> <mode> <flag>
 */
import { OpenFeature } from '@openfeature/server-sdk';
import { WebSocket } from 'ws';
import type { FlagMode } from '../../../client/src/index.js';
import { FlagwireProvider } from '../../../client/src/openfeature/index.js';

const [url = '', token = '', mode = 'sse', flag = ''] = process.argv.slice(2);
await OpenFeature.setProviderAndWait(
  new FlagwireProvider({ url, token, mode: mode as FlagMode, webSocketImpl: WebSocket }),
);
const value = await OpenFeature.getClient().getBooleanValue(flag, false, { targetingKey: 'user-1' });
await OpenFeature.close();
process.stdout.write(`${JSON.stringify({ value })}\n`);
