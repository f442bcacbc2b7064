import { type Client, createClient } from 'graphql-ws';
import { ConsoleChangesDocument, type ConsoleChangesSubscription } from '../generated/graphql';

export type Change = ConsoleChangesSubscription['flagChanged'];

export interface LiveChanges {
  /**
   * Calls `onChange` for every change to a flag or segment, and `onLive` each time the subscription is
   * (re)connected: a listener re-reads then, since changes made while it was away are not replayed.
   * Answers the unsubscribe function.
   */
  subscribe(onChange: (change: Change) => void, onLive: () => void): () => void;
  close(): void;
}

/**
 * graphql-ws at `/graphql` on this origin, with the token in `connectionParams` (WebSockets carry no
 * headers after the upgrade). It retries for ever with a capped backoff, as client/README.md's recipe
 * does, so a restarted service is picked up again without a reload.
 */
export function liveChanges(authorization: string | undefined): LiveChanges {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  const listeners = new Set<{ onChange: (change: Change) => void; onLive: () => void }>();
  let client: Client | undefined;
  let unsubscribe: (() => void) | undefined;
  const listen = () => {
    if (!client) return;
    unsubscribe = client.subscribe<ConsoleChangesSubscription>(
      { query: ConsoleChangesDocument.toString() },
      {
        next: (result) => {
          const change = result.data?.flagChanged;
          if (change) for (const listener of listeners) listener.onChange(change);
        },
        // The socket retries by itself; an error here ends this subscription only (e.g. SLOW_CONSUMER):
        // subscribe again, and let listeners re-read what they may have missed.
        error: () =>
          setTimeout(() => {
            listen();
            for (const listener of listeners) listener.onLive();
          }, 1000),
        complete: () => {},
      },
    );
  };
  const start = () => {
    client = createClient({
      url,
      connectionParams: authorization === undefined ? {} : { authorization },
      shouldRetry: () => true,
      retryAttempts: Number.POSITIVE_INFINITY,
      retryWait: (retries) =>
        new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 10_000))),
      keepAlive: 15_000,
      on: {
        connected: () => {
          for (const listener of listeners) listener.onLive();
        },
      },
    });
    listen();
  };
  return {
    subscribe(onChange, onLive) {
      const listener = { onChange, onLive };
      listeners.add(listener);
      if (!client) start();
      return () => listeners.delete(listener);
    },
    close() {
      unsubscribe?.();
      void client?.dispose();
      client = undefined;
      listeners.clear();
    },
  };
}
