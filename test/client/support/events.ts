import type { FlagClient, FlagClientEvents } from '../../../client/src/index.js';

/**
 * Resolves with the next `event` of `client` that satisfies `accept`; rejects after `timeoutMs`.
 * Call it before the action that causes the event, then await it.
 */
export function nextEvent<E extends keyof FlagClientEvents>(
  client: FlagClient,
  event: E,
  accept: (payload: FlagClientEvents[E]) => boolean = () => true,
  timeoutMs = 5000,
): Promise<FlagClientEvents[E]> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      off();
      reject(
        new Error(
          `no matching '${String(event)}' event within ${timeoutMs} ms; stats: ${JSON.stringify(client.stats())}`,
        ),
      );
    }, timeoutMs);
    const off = client.on(event, (payload) => {
      if (!accept(payload)) return;
      clearTimeout(timer);
      off();
      resolve(payload);
    });
  });
}

/** Resolves after `count` more `event`s of `client` that satisfy `accept`. */
export function events<E extends keyof FlagClientEvents>(
  client: FlagClient,
  event: E,
  count: number,
  accept: (payload: FlagClientEvents[E]) => boolean = () => true,
): Promise<void> {
  let seen = 0;
  return nextEvent(client, event, (payload) => accept(payload) && ++seen === count).then(() => undefined);
}

/** Every `event` of `client`, in order, until the returned `stop()`. */
export function record<E extends keyof FlagClientEvents>(client: FlagClient, event: E) {
  const seen: Array<FlagClientEvents[E]> = [];
  const stop = client.on(event, (payload) => {
    seen.push(payload);
  });
  return { seen, stop };
}
