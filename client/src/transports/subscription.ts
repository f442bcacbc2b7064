import { type Client, createClient, type FormattedExecutionResult } from 'graphql-ws';
import { Backoff } from '../backoff.js';
import { errorFromGraphQL, FlagwireError, isRecord, toFlagwireError } from '../errors.js';
import { FlagChangedDocument, FlagsDocument } from '../generated/graphql.js';
import { endpoint } from '../http.js';
import type { FlagChange, SegmentChange } from '../types.js';
import { Watchdog } from '../watchdog.js';
import { highestRevision, parseFlagList, parseSegmentList, parseSubscriptionChange } from '../wire.js';
import { Sleeper, type Transport, type TransportContext, type TransportSink } from './transport.js';

/**
 * `flagChanged(prefix)` over graphql-ws (flag changes in scope, and every segment change). A
 * subscription carries no state, so each session also runs the `flags(prefix)` and `segments` query,
 * over the same socket, sent right after the subscribe message.
 *
 * Why that is enough (STACK pitfall 4: graphql-ws acknowledges no subscription): graphql-ws sends a
 * socket's messages in order and the server handles them in arrival order, reaching `subscribe()`
 * for the first and `execute()` for the second after the same steps; the server's hub registers a
 * subscriber synchronously inside `subscribe()`. So the query reads a state taken after the
 * subscription went live, and nothing committed in between is lost. Events that arrive before the
 * query's answer are journaled and re-applied on top of it by revision, so they are not lost either.
 * The same socket also means the same instance behind a load balancer.
 *
 * Each reconnection is a new session: subscribe again, query again. Keep-alive pings (a third of
 * `silenceTimeoutMs`) and every message feed the silence watchdog.
 */
export class SubscriptionTransport implements Transport {
  readonly mode = 'subscription';
  private readonly backoff: Backoff;
  private readonly sleeper = new Sleeper();
  private readonly webSocketImpl: unknown;
  private endSession: ((error: FlagwireError) => void) | undefined;
  private stopped = false;

  constructor(
    private readonly context: TransportContext,
    private readonly sink: TransportSink,
  ) {
    this.backoff = new Backoff(context.backoff);
    this.webSocketImpl = alwaysListeningForErrors(context.webSocketImpl);
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.endSession?.(new FlagwireError('CLOSED', 'subscription stopped'));
    this.sleeper.wake();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const error = await this.session();
      if (this.stopped) return;
      this.sink.failed(error);
      // The client may have stopped this transport in answer (fallback): then no timer is left behind.
      if (this.stopped) return;
      await this.sleeper.sleep(this.backoff.next());
    }
  }

  /** One connection, from connect to close; resolves with why it ended. */
  private session(): Promise<FlagwireError> {
    const { http, prefix, environment, silenceTimeoutMs } = this.context;
    const url = endpoint(http.baseUrl, '/graphql').replace(/^http/, 'ws');
    const variables = { ...(prefix ? { prefix } : {}), ...(environment ? { environment } : {}) };
    // The latest change per key seen in this session, re-applied over the query's state.
    const journal = new Map<string, FlagChange>();
    const segmentJournal = new Map<string, SegmentChange>();

    return new Promise((resolve) => {
      let client: Client | undefined;
      let ended = false;
      const end = (error: FlagwireError) => {
        if (ended) return;
        ended = true;
        this.endSession = undefined;
        watchdog.stop();
        // terminate() closes at once, even a socket stuck connecting or on a dead network.
        client?.terminate();
        resolve(error);
      };
      this.endSession = end;
      const watchdog = new Watchdog(silenceTimeoutMs, () =>
        end(new FlagwireError('STREAM_SILENT', `${url}: nothing received in ${silenceTimeoutMs} ms`)),
      );
      watchdog.feed();
      try {
        client = createClient({
          url,
          webSocketImpl: this.webSocketImpl,
          retryAttempts: 0,
          keepAlive: silenceTimeoutMs > 0 ? Math.max(1, Math.floor(silenceTimeoutMs / 3)) : 0,
          connectionParams: http.token === undefined ? {} : { authorization: `Bearer ${http.token}` },
          on: {
            connected: () => {
              if (ended) return;
              this.backoff.reset();
              this.sink.connected();
            },
            message: () => watchdog.feed(),
            closed: (event) => end(closedError(url, event)),
            error: (err) => end(toFlagwireError(err, 'CONNECTION_CLOSED')),
          },
        });
      } catch (err) {
        // e.g. no WebSocket implementation: the client reports it and, after a few, falls back.
        end(toFlagwireError(err, 'INVALID_OPTIONS'));
        return;
      }
      const failOn = (result: FormattedExecutionResult<unknown, unknown>) => {
        if (result.errors && result.errors.length > 0) end(errorFromGraphQL(result.errors));
        return ended;
      };
      /** `what`: the root field handed to `next`, or '' for the whole `data`. */
      const sinkFor = (what: string, next: (data: unknown) => void) => ({
        next: (result: FormattedExecutionResult<unknown, unknown>) => {
          if (ended || failOn(result)) return;
          next(!isRecord(result.data) ? undefined : what === '' ? result.data : result.data[what]);
        },
        error: (err: unknown) => end(subscriptionError(url, err)),
        complete: () => {
          if (what === 'flagChanged')
            end(new FlagwireError('STREAM_ENDED', `${url}: the subscription completed`));
        },
      });

      // Subscribe first, then query: the order the messages go out on the socket (see above).
      client.subscribe(
        { query: FlagChangedDocument.toString(), variables },
        sinkFor('flagChanged', (data) => {
          const event = parseSubscriptionChange(data);
          if (!event) return end(new FlagwireError('BAD_RESPONSE', `${url}: malformed flagChanged event`));
          if (event.entity === 'segment') {
            const { change } = event;
            const known = segmentJournal.get(change.key);
            if (!known || known.revision < change.revision) segmentJournal.set(change.key, change);
            this.sink.segmentChange(change);
            return;
          }
          const { change } = event;
          const known = journal.get(change.key);
          if (!known || known.revision < change.revision) journal.set(change.key, change);
          this.sink.change(change);
        }),
      );
      client.subscribe(
        { query: FlagsDocument.toString(), variables },
        sinkFor('', (data) => {
          const flags = isRecord(data) ? parseFlagList(data.flags) : undefined;
          const segments = isRecord(data) ? parseSegmentList(data.segments) : undefined;
          if (!flags || !segments)
            return end(new FlagwireError('BAD_RESPONSE', `${url}: malformed flags answer`));
          const served = isRecord(data) ? data.readEnvironment : undefined;
          this.sink.servedEnvironment(typeof served === 'string' ? served : undefined);
          // Segments first, so no flag arrives before a segment it names.
          this.sink.replaceSegments(segments, highestRevision(segments), segmentJournal.values());
          this.sink.replace(flags, highestRevision(flags), journal.values());
        }),
      );
    });
  }
}

function closedError(url: string, event: unknown): FlagwireError {
  const code = isRecord(event) && typeof event.code === 'number' ? event.code : undefined;
  const reason =
    isRecord(event) && typeof event.reason === 'string' && event.reason ? ` ${event.reason}` : '';
  // The server closes with 4403 when connection_init carries no token it knows (PROTOCOL.md).
  const kind = code === 4403 ? 'UNAUTHENTICATED' : 'CONNECTION_CLOSED';
  return new FlagwireError(kind, `${url}: closed (${code ?? '?'}${reason})`);
}

/** graphql-ws reports GraphQL errors as an array, and socket failures as the close event or error. */
function subscriptionError(url: string, err: unknown): FlagwireError {
  if (Array.isArray(err)) return errorFromGraphQL(err);
  if (isRecord(err) && 'code' in err && 'reason' in err) return closedError(url, err);
  return toFlagwireError(err, 'CONNECTION_CLOSED');
}

type ErrorTarget = { addEventListener?(type: 'error', listener: () => void): void };

/**
 * graphql-ws's `terminate()` closes a socket that may still be connecting, then drops its error
 * handler; `ws` reports such a close as an 'error' event, and an EventEmitter 'error' nobody listens
 * to crashes the process. Sockets of this subclass always have a listener (which ignores it: the
 * close itself is reported through graphql-ws).
 */
function alwaysListeningForErrors(impl: unknown): unknown {
  if (typeof impl !== 'function') return impl;
  const Base = impl as new (...args: unknown[]) => ErrorTarget;
  return class extends Base {
    constructor(...args: unknown[]) {
      super(...args);
      this.addEventListener?.('error', () => {});
    }
  };
}
