// N graphql-ws clients in one process, one WebSocket and one `flagChanged(prefix)` subscription each,
// recording when each change was parsed. Driven by the orchestrator over IPC (protocol.ts).
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { Receipts, serveOrchestrator } from './receipts.js';

const receipts = new Receipts();
const OPEN_TIMEOUT_MS = 60_000;
const QUERY = `subscription ($prefix: String) {
  flagChanged(prefix: $prefix) { kind key revision version flag { key isEnabled } }
}`;

/** Resolves once the socket is acknowledged and the subscription sent; its first event proves it live. */
function open(url: string, prefix: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let live = false;
    let settled = false;
    const settle = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    const end = (error: Error) => {
      if (live) {
        live = false;
        receipts.lost();
      }
      settle(error);
    };
    const client = createClient({
      url: `${url.replace(/^http/, 'ws')}/graphql`,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      on: {
        connected: () => {
          if (live || settled) return;
          live = true;
          receipts.live++;
          settle();
        },
        closed: () => end(new Error('socket closed')),
      },
    });
    const timer = setTimeout(() => {
      void client.dispose();
      settle(new Error('not acknowledged in time'));
    }, OPEN_TIMEOUT_MS);
    let last = 0;
    client.subscribe<{ flagChanged: { revision: number } }>(
      { query: QUERY, variables: { prefix } },
      {
        next: (result) => {
          const revision = result.data?.flagChanged.revision;
          if (revision === undefined) return;
          receipts.received(revision, last);
          last = Math.max(last, revision);
        },
        error: () => end(new Error('subscription failed')),
        complete: () => end(new Error('subscription completed')),
      },
    );
  });
}

serveOrchestrator(receipts, open);
