import { Backoff } from '../backoff.js';
import { errorFromResponse, FlagwireError, toFlagwireError } from '../errors.js';
import { endpoint, request, requestFailure, servedEnvironmentOf } from '../http.js';
import { highestRevision, namesSegments, parseFlagList, parseSegmentList } from '../wire.js';
import { Sleeper, type Transport, type TransportContext, type TransportSink } from './transport.js';

/**
 * `GET /feature-flags?prefix=` every `pollIntervalMs` with `If-None-Match`: a `304` costs the server
 * no store I/O and the client nothing; a `200` replaces the state (the sink emits the differences).
 * While a flag in scope has a `segmentMatch` clause, each round also polls `GET /segments` the same way
 * (its own ETag), before handing over a new list, so a flag never arrives before a segment it names;
 * clients whose flags name no segment make one request per round. A server that predates segments
 * answers 404, read as "no segments".
 * After a failure the next poll waits for the backoff, or the server's `Retry-After`, when longer.
 */
export class PollTransport implements Transport {
  readonly mode = 'poll';
  private readonly backoff: Backoff;
  private readonly sleeper = new Sleeper();
  private readonly abort = new AbortController();
  private etag: string | undefined;
  private segmentsEtag: string | undefined;
  /** Whether a flag in the last list has a `segmentMatch` clause: only then are segments polled. */
  private namesSegments = false;
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
    this.abort.abort(new FlagwireError('CLOSED', 'polling stopped'));
    this.sleeper.wake();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let delay = this.context.pollIntervalMs;
      try {
        await this.poll();
        this.backoff.reset();
      } catch (err) {
        if (this.stopped) return;
        const error = toFlagwireError(err);
        this.sink.failed(error);
        if (this.stopped) return;
        delay = Math.max(delay, error.retryAfterMs ?? 0, this.backoff.next());
      }
      if (this.stopped) return;
      await this.sleeper.sleep(delay);
    }
  }

  private async poll(): Promise<void> {
    const { http, prefix, environment } = this.context;
    const url = endpoint(http.baseUrl, '/feature-flags', { prefix, environment });
    const response = await request(http, url, {
      headers: { accept: 'application/json', ...(this.etag && { 'if-none-match': this.etag }) },
      signal: this.abort.signal,
    });
    if (this.stopped) return;
    if (response.status === 200 || response.status === 304)
      this.sink.servedEnvironment(servedEnvironmentOf(response));
    if (response.status === 304) {
      await response.body?.cancel();
      // The flags did not change, but a segment they name may have.
      if (this.namesSegments) await this.pollSegments();
      if (this.stopped) return;
      this.sink.connected();
      this.sink.polled(304);
      return;
    }
    if (response.status !== 200) throw await errorFromResponse(response, `GET ${url}`);
    const body = await readJson(response, url);
    if (this.stopped) return;
    const flags = parseFlagList(body);
    if (!flags) throw new FlagwireError('BAD_RESPONSE', `GET ${url}: the body is not a list of flags`);
    this.namesSegments = flags.some(namesSegments);
    // Segments before the flags that name them, so no flag is evaluated without its segments.
    if (this.namesSegments) await this.pollSegments();
    if (this.stopped) return;
    this.etag = response.headers.get('etag') ?? undefined;
    this.sink.connected();
    this.sink.replace(flags, highestRevision(flags));
    this.sink.polled(200);
  }

  private async pollSegments(): Promise<void> {
    const { http } = this.context;
    const url = endpoint(http.baseUrl, '/segments', {});
    const response = await request(http, url, {
      headers: {
        accept: 'application/json',
        ...(this.segmentsEtag && { 'if-none-match': this.segmentsEtag }),
      },
      signal: this.abort.signal,
    });
    if (this.stopped || response.status === 304) {
      await response.body?.cancel();
      return;
    }
    if (response.status === 404) {
      await response.body?.cancel();
      this.sink.replaceSegments([], 0);
      return;
    }
    if (response.status !== 200) throw await errorFromResponse(response, `GET ${url}`);
    const segments = parseSegmentList(await readJson(response, url));
    if (this.stopped) return;
    if (!segments) throw new FlagwireError('BAD_RESPONSE', `GET ${url}: the body is not a list of segments`);
    this.segmentsEtag = response.headers.get('etag') ?? undefined;
    this.sink.replaceSegments(segments, highestRevision(segments));
  }
}

async function readJson(response: Response, url: string): Promise<unknown> {
  try {
    return await response.json();
  } catch (err) {
    throw err instanceof SyntaxError
      ? new FlagwireError('BAD_RESPONSE', `GET ${url}: the body is not JSON`, { cause: err })
      : requestFailure(err, url);
  }
}
