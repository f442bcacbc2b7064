import { type Client, createClient } from 'graphql-ws';
import {
  ConsoleChangesDocument,
  type ConsoleChangesSubscription,
  type TypedDocumentString,
} from '../generated/graphql';
import { type ApiError, errorOfResult } from './graphql';

export type Change = ConsoleChangesSubscription['flagChanged'];

/** What a {@link LiveChanges.watch} is told. */
export interface Watcher<Result> {
  /** Each event's data. */
  next(data: Result): void;
  /**
   * The subscription is (again) being served after the socket (re)connected or the subscription was
   * renewed: events in between are not replayed, so a watcher re-reads what it may have missed.
   */
  live(): void;
  /** The service refused the subscription (FORBIDDEN, VALIDATION_FAILED, ...): it is not retried. */
  refused(error: ApiError): void;
}

export interface LiveChanges {
  /**
   * Calls `onChange` for every change to a flag or segment, and `onLive` each time the subscription is
   * (re)connected: a listener re-reads then, since changes made while it was away are not replayed.
   * Answers the unsubscribe function. Every listener shares one `flagChanged` subscription.
   */
  subscribe(onChange: (change: Change) => void, onLive: () => void): () => void;
  /** Any typed subscription (generated from src/graphql/*.graphql) on the same socket; answers its stop. */
  watch<Result, Variables>(
    document: TypedDocumentString<Result, Variables>,
    variables: Variables,
    watcher: Watcher<Result>,
  ): () => void;
  close(): void;
}

/** Subscriptions ended by these codes are renewed (the service cut a slow consumer off, or failed). */
const RENEWED = new Set(['SLOW_CONSUMER', 'INTERNAL']);

/**
 * graphql-ws at `/graphql` on this origin, with the token in `connectionParams` (WebSockets carry no
 * headers after the upgrade). It retries for ever with a capped backoff, as client/README.md's recipe
 * does, so a restarted service is picked up again without a reload.
 */
export function liveChanges(authorization: string | undefined): LiveChanges {
  const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
  const onConnected = new Set<() => void>();
  const stops = new Set<() => void>();
  let client: Client | undefined;

  const clientNow = (): Client => {
    client ??= createClient({
      url,
      connectionParams: authorization === undefined ? {} : { authorization },
      shouldRetry: () => true,
      retryAttempts: Number.POSITIVE_INFINITY,
      retryWait: (retries) =>
        new Promise((resolve) => setTimeout(resolve, Math.min(500 * 2 ** retries, 10_000))),
      keepAlive: 15_000,
      on: {
        connected: () => {
          for (const notify of onConnected) notify();
        },
      },
    });
    return client;
  };

  const watch = <Result, Variables>(
    document: TypedDocumentString<Result, Variables>,
    variables: Variables,
    watcher: Watcher<Result>,
  ): (() => void) => {
    let stopped = false;
    let unsubscribe: (() => void) | undefined;
    let renewal: ReturnType<typeof setTimeout> | undefined;
    const ended = (error: ApiError | undefined) => {
      unsubscribe = undefined;
      if (stopped) return;
      if (error && !RENEWED.has(error.code)) {
        watcher.refused(error);
        return;
      }
      // The socket retries by itself; this ends one subscription only: subscribe again, and let the
      // watcher re-read what it may have missed.
      renewal = setTimeout(() => {
        listen();
        watcher.live();
      }, 1000);
    };
    const listen = () => {
      let failed = false;
      unsubscribe = clientNow().subscribe<Result>(
        { query: document.toString(), variables: variables as Record<string, unknown> },
        {
          next: (result) => {
            // A subscription refused at its start arrives as one result with errors, then completes.
            if (result.errors?.length) {
              failed = true;
              ended(errorOfResult(result));
            } else if (result.data) watcher.next(result.data);
          },
          error: (err) => {
            failed = true;
            ended(Array.isArray(err) ? errorOfResult({ errors: err }) : undefined);
          },
          complete: () => {
            if (!failed && !stopped) ended(undefined);
          },
        },
      );
    };
    onConnected.add(watcher.live);
    listen();
    const stop = () => {
      stopped = true;
      clearTimeout(renewal);
      onConnected.delete(watcher.live);
      stops.delete(stop);
      unsubscribe?.();
    };
    stops.add(stop);
    return stop;
  };

  // The flag list, the editor and the segments page all follow `flagChanged`: one subscription for all.
  const changeListeners = new Set<{ onChange: (change: Change) => void; onLive: () => void }>();
  let watchingChanges = false;

  return {
    subscribe(onChange, onLive) {
      const listener = { onChange, onLive };
      changeListeners.add(listener);
      if (!watchingChanges) {
        watchingChanges = true;
        watch(
          ConsoleChangesDocument,
          {},
          {
            next: ({ flagChanged }) => {
              for (const each of changeListeners) each.onChange(flagChanged);
            },
            live: () => {
              for (const each of changeListeners) each.onLive();
            },
            refused: (error) => console.warn('live changes refused', error),
          },
        );
      }
      return () => changeListeners.delete(listener);
    },
    watch,
    close() {
      for (const stop of [...stops]) stop();
      void client?.dispose();
      client = undefined;
      watchingChanges = false;
      changeListeners.clear();
    },
  };
}
