import { type Client, type EventDetails, ProviderEvents } from '@openfeature/server-sdk';

/** One provider event as a client of the OpenFeature SDK heard it. */
export interface HeardEvent {
  readonly type: ProviderEvents;
  readonly flagsChanged?: readonly string[];
  readonly errorCode?: string;
  readonly message?: string;
}

/**
 * Every provider event an OpenFeature client hears, in order, with a way to wait for one (never a sleep).
 * Attach it once the provider is set and not yet ready (right after `setProviderAndWait` is called, before
 * it is awaited): the SDK runs a handler at once when the status already matches its event.
 */
export class EventLog {
  readonly heard: HeardEvent[] = [];
  private readonly waiters = new Set<() => void>();

  constructor(client: Client) {
    for (const type of Object.values(ProviderEvents)) {
      client.addHandler(type, (details?: EventDetails) => {
        const { flagsChanged, errorCode, message } = (details ?? {}) as Partial<HeardEvent>;
        this.heard.push({
          type,
          ...(flagsChanged !== undefined && { flagsChanged }),
          ...(errorCode !== undefined && { errorCode }),
          ...(message !== undefined && { message }),
        });
        for (const wake of [...this.waiters]) wake();
      });
    }
  }

  get length(): number {
    return this.heard.length;
  }

  /** The position of the first event from `from` on that `match` accepts, once heard; rejects after `timeoutMs`. */
  until(match: (event: HeardEvent) => boolean, from = 0, timeoutMs = 10_000): Promise<number> {
    return new Promise((resolve, reject) => {
      const check = () => {
        const index = this.heard.findIndex((event, i) => i >= from && match(event));
        if (index < 0) return false;
        done();
        resolve(index);
        return true;
      };
      const timer = setTimeout(() => {
        done();
        reject(
          new Error(
            `no matching event within ${timeoutMs} ms; heard ${JSON.stringify(this.heard.slice(from))}`,
          ),
        );
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        this.waiters.delete(check);
      };
      if (!check()) this.waiters.add(check);
    });
  }

  /** The types heard from `from` on, CONFIGURATION_CHANGED left out: the provider's status changes. */
  statusEvents(from = 0): ProviderEvents[] {
    return this.heard
      .slice(from)
      .map((event) => event.type)
      .filter((type) => type !== ProviderEvents.ConfigurationChanged);
  }

  /** The keys of every CONFIGURATION_CHANGED heard in [from, to), sorted, each once. */
  changedKeys(from = 0, to = this.heard.length): string[] {
    const keys = new Set<string>();
    for (const event of this.heard.slice(from, to)) for (const key of event.flagsChanged ?? []) keys.add(key);
    return [...keys].sort();
  }
}

/** `type`, as a matcher for {@link EventLog.until}. */
export const is =
  (type: ProviderEvents, accept: (event: HeardEvent) => boolean = () => true) =>
  (event: HeardEvent) =>
    event.type === type && accept(event);
