import { createParser, type EventSourceMessage } from 'eventsource-parser';
import { Backoff } from '../backoff.js';
import { errorFromResponse, FlagwireError } from '../errors.js';
import { authorization, endpoint, requestFailure, servedEnvironmentOf } from '../http.js';
import { Watchdog } from '../watchdog.js';
import { parseChange, parseSegmentChange, parseSnapshot } from '../wire.js';
import { Sleeper, type Transport, type TransportContext, type TransportSink } from './transport.js';

/** The events this client acts on; any other is ignored (a newer server may send more). */
const STREAMED_EVENTS = new Set<string | undefined>([
  'snapshot',
  'upsert',
  'delete',
  'segment-upsert',
  'segment-delete',
]);

/**
 * `GET /feature-flags/stream` read with `fetch` (so it can send headers, unlike EventSource) and
 * parsed with eventsource-parser. `snapshot` replaces the state (flags and segments); `upsert`/`delete`
 * and `segment-upsert`/`segment-delete` apply by revision.
 * Every reconnection sends `Last-Event-ID` with the revision the state reflects, so the server
 * replays exactly what was missed (or sends a fresh snapshot when its log no longer reaches back).
 * Any byte (event, `retry:`, `: heartbeat`) feeds the silence watchdog. Reconnections wait for the
 * backoff, and at least the server's `retry:` hint (or `Retry-After`, e.g. on `503 TOO_MANY_CONNECTIONS`).
 */
export class SseTransport implements Transport {
  readonly mode = 'sse';
  private readonly backoff: Backoff;
  private readonly sleeper = new Sleeper();
  private abort: AbortController | undefined;
  private retryMs = 0;
  private stopped = false;

  constructor(
    private readonly context: TransportContext,
    private readonly sink: TransportSink,
  ) {
    this.backoff = new Backoff(context.backoff);
  }

  start(): void {
    void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.abort?.abort(new FlagwireError('CLOSED', 'streaming stopped'));
    this.sleeper.wake();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const error = await this.stream();
      if (this.stopped) return;
      this.sink.failed(error);
      // The client may have stopped this transport in answer (fallback): then no timer is left behind.
      if (this.stopped) return;
      await this.sleeper.sleep(Math.max(this.retryMs, error.retryAfterMs ?? 0, this.backoff.next()));
    }
  }

  /** One connection, from request to end; resolves with why it ended. */
  private async stream(): Promise<FlagwireError> {
    const { http, prefix, environment } = this.context;
    const url = endpoint(http.baseUrl, '/feature-flags/stream', { prefix, environment });
    const abort = new AbortController();
    this.abort = abort;
    const watchdog = new Watchdog(this.context.silenceTimeoutMs, () =>
      abort.abort(
        new FlagwireError('STREAM_SILENT', `${url}: nothing received in ${this.context.silenceTimeoutMs} ms`),
      ),
    );
    watchdog.feed();
    try {
      const resume = this.sink.resumeRevision();
      const response = await http.fetch(url, {
        headers: {
          accept: 'text/event-stream',
          ...authorization(http.token),
          ...(resume !== undefined && { 'last-event-id': String(resume) }),
        },
        signal: abort.signal,
      });
      if (response.status !== 200) return await errorFromResponse(response, `GET ${url}`);
      const type = response.headers.get('content-type') ?? '';
      if (!type.startsWith('text/event-stream') || !response.body) {
        await response.body?.cancel();
        return new FlagwireError(
          'BAD_RESPONSE',
          `GET ${url}: not an event stream (${type || 'no content type'})`,
        );
      }
      this.sink.servedEnvironment(servedEnvironmentOf(response));
      let speaking = false;
      const heard = () => {
        if (speaking) return;
        // Only once the stream speaks SSE is it up: a proxy answering 200 and closing does not count.
        speaking = true;
        this.backoff.reset();
        this.sink.connected();
      };
      const parser = createParser({
        onRetry: (ms) => {
          this.retryMs = ms;
          heard();
        },
        onComment: heard,
        onEvent: (event) => {
          heard();
          this.handle(event);
        },
      });
      const reader = response.body.getReader();
      const decoder = new TextDecoder();
      for (;;) {
        const { done, value } = await reader.read();
        if (done || this.stopped) break;
        watchdog.feed();
        parser.feed(decoder.decode(value, { stream: true }));
      }
      return new FlagwireError('STREAM_ENDED', `${url}: the server ended the stream`);
    } catch (err) {
      const reason: unknown = abort.signal.reason;
      if (abort.signal.aborted && reason instanceof FlagwireError) return reason;
      return requestFailure(err, url);
    } finally {
      watchdog.stop();
      abort.abort();
    }
  }

  /** Throws on a malformed event: the stream is dropped and resumed from the last applied revision. */
  private handle(event: EventSourceMessage): void {
    if (this.stopped) return;
    const kind = event.event;
    if (!STREAMED_EVENTS.has(kind)) return;
    let data: unknown;
    try {
      data = JSON.parse(event.data);
    } catch {
      data = undefined;
    }
    if (kind === 'snapshot') {
      const snapshot = parseSnapshot(data);
      if (!snapshot)
        throw new FlagwireError('BAD_RESPONSE', `malformed snapshot event (id ${event.id ?? '-'})`);
      // Segments first: a flag in the new state may name a segment only the new state holds.
      if (snapshot.segments) this.sink.replaceSegments(snapshot.segments, snapshot.revision);
      this.sink.replace(snapshot.flags, snapshot.revision);
      return;
    }
    if (kind === 'segment-upsert' || kind === 'segment-delete') {
      const change = parseSegmentChange(data);
      if (!change || `segment-${change.kind}` !== kind)
        throw new FlagwireError('BAD_RESPONSE', `malformed ${kind} event (id ${event.id ?? '-'})`);
      this.sink.segmentChange(change);
      return;
    }
    const change = parseChange(data);
    if (!change || change.kind !== kind) {
      throw new FlagwireError('BAD_RESPONSE', `malformed ${kind} event (id ${event.id ?? '-'})`);
    }
    this.sink.change(change);
  }
}
