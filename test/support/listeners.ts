import { EventSource } from 'eventsource';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

/** A queue of things that arrive over time; `next()` waits for the next one, with a deadline. */
export class Inbox<T> {
  private readonly items: T[] = [];
  private waiting: Array<(item: T) => void> = [];

  push(item: T): void {
    const waiter = this.waiting.shift();
    if (waiter) waiter(item);
    else this.items.push(item);
  }

  next(timeoutMs = 5000, what = 'an event'): Promise<T> {
    const item = this.items.shift();
    if (item !== undefined) return Promise.resolve(item);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiting = this.waiting.filter((w) => w !== deliver);
        reject(new Error(`no ${what} within ${timeoutMs} ms`));
      }, timeoutMs);
      const deliver = (value: T) => {
        clearTimeout(timer);
        resolve(value);
      };
      this.waiting.push(deliver);
    });
  }

  get pending(): number {
    return this.items.length;
  }
}

export interface SseEvent {
  type: string;
  id: string;
  data: unknown;
  receivedAt: number;
}

/** An SSE client (the `eventsource` package) collecting snapshot/upsert/delete events. */
export function openSse(url: string, headers: Record<string, string> = {}) {
  const inbox = new Inbox<SseEvent>();
  const source = new EventSource(url, {
    fetch: (input, init) => fetch(input, { ...init, headers: { ...init?.headers, ...headers } }),
  });
  for (const type of ['snapshot', 'upsert', 'delete']) {
    source.addEventListener(type, (event) => {
      inbox.push({
        type,
        id: event.lastEventId,
        data: JSON.parse(event.data),
        receivedAt: performance.now(),
      });
    });
  }
  return {
    next: (timeoutMs?: number) => inbox.next(timeoutMs, `SSE event from ${url}`),
    get pending() {
      return inbox.pending;
    },
    close: () => source.close(),
  };
}

export interface ChangeEvent {
  kind: 'UPSERT' | 'DELETE';
  key: string;
  revision: number;
  version: number;
  flag: { key: string; isEnabled: boolean } | null;
  receivedAt: number;
}

/** A graphql-ws client subscribed to `flagChanged(prefix)`. */
export function subscribeFlagChanged(appUrl: string, prefix?: string) {
  const inbox = new Inbox<ChangeEvent>();
  const client = createClient({
    url: `${appUrl.replace(/^http/, 'ws')}/graphql`,
    webSocketImpl: WebSocket,
    retryAttempts: 0,
  });
  const errors: unknown[] = [];
  const dispose = client.subscribe<{ flagChanged: Omit<ChangeEvent, 'receivedAt'> }>(
    {
      query: `subscription ($prefix: String) {
        flagChanged(prefix: $prefix) { kind key revision version flag { key isEnabled } }
      }`,
      variables: prefix === undefined ? {} : { prefix },
    },
    {
      next: (result) => {
        if (result.data) inbox.push({ ...result.data.flagChanged, receivedAt: performance.now() });
      },
      error: (err) => errors.push(err),
      complete: () => {},
    },
  );
  return {
    next: (timeoutMs?: number) => inbox.next(timeoutMs, 'subscription event'),
    errors,
    close: async () => {
      dispose();
      await client.dispose();
    },
  };
}
