/** One `text/event-stream` block (up to a blank line), as a client sees it on the wire. */
export interface SseBlock {
  event?: string;
  id?: string;
  data?: string;
  retry?: string;
  /** Comment lines (`: text`), without the colon and the space after it. */
  comments: string[];
}

/**
 * A deliberately small SSE client for tests: unlike EventSource it shows everything on the wire
 * (the raw text, `retry:` fields, comments such as heartbeats) and never reconnects on its own.
 * It assumes the server's line ending (LF).
 */
export class SseClient {
  /** Everything received so far, verbatim. */
  text = '';
  /** Settles when the server ends the stream (or the connection breaks). */
  readonly ended: Promise<void>;
  private readonly blocks: SseBlock[] = [];
  private readonly waiters: Array<{ resolve: (block: SseBlock) => void; reject: (err: Error) => void }> = [];
  private done = false;
  private pending = '';

  private constructor(
    readonly response: Response,
    private readonly abort: AbortController,
  ) {
    this.ended = this.pump();
  }

  /** Opens a stream; throws unless the server answered 200 with an event stream. */
  static async open(url: string | URL, headers: Record<string, string> = {}): Promise<SseClient> {
    const abort = new AbortController();
    const response = await fetch(url, {
      headers: { accept: 'text/event-stream', ...headers },
      signal: abort.signal,
    });
    if (response.status !== 200 || !response.body) {
      throw new Error(`expected an event stream, got ${response.status}: ${await response.text()}`);
    }
    return new SseClient(response, abort);
  }

  /** The next block, whatever it holds. Rejects if none arrives within `timeoutMs` or the stream ends. */
  next(timeoutMs = 5000): Promise<SseBlock> {
    const block = this.blocks.shift();
    if (block) return Promise.resolve(block);
    if (this.done) return Promise.reject(new Error('the stream has ended'));
    return new Promise((resolve, reject) => {
      const waiter = {
        resolve: (b: SseBlock) => {
          clearTimeout(timer);
          resolve(b);
        },
        reject: (err: Error) => {
          clearTimeout(timer);
          reject(err);
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`no SSE block within ${timeoutMs} ms; received so far:\n${this.text}`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  /** The next block that is an event (skips heartbeats and other comment-only blocks). */
  async nextEvent(timeoutMs = 5000): Promise<SseBlock & { event: string; id: string; data: string }> {
    for (;;) {
      const block = await this.next(timeoutMs);
      if (block.event !== undefined && block.id !== undefined && block.data !== undefined) {
        return block as SseBlock & { event: string; id: string; data: string };
      }
    }
  }

  close(): void {
    this.abort.abort();
  }

  private async pump(): Promise<void> {
    const reader = (this.response.body as ReadableStream<Uint8Array>).getReader();
    const decoder = new TextDecoder();
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        const chunk = decoder.decode(value, { stream: true });
        this.text += chunk;
        this.pending += chunk;
        let end = this.pending.indexOf('\n\n');
        while (end !== -1) {
          this.push(parseBlock(this.pending.slice(0, end)));
          this.pending = this.pending.slice(end + 2);
          end = this.pending.indexOf('\n\n');
        }
      }
    } catch {
      // Aborted by close() or cut by the server: either way, the stream is over.
    } finally {
      this.done = true;
      for (const waiter of this.waiters.splice(0)) waiter.reject(new Error('the stream has ended'));
    }
  }

  private push(block: SseBlock): void {
    const waiter = this.waiters.shift();
    if (waiter) waiter.resolve(block);
    else this.blocks.push(block);
  }
}

function parseBlock(text: string): SseBlock {
  const block: SseBlock = { comments: [] };
  for (const line of text.split('\n')) {
    if (line.startsWith(':')) {
      block.comments.push(line.slice(1).replace(/^ /, ''));
      continue;
    }
    const colon = line.indexOf(':');
    const name = colon === -1 ? line : line.slice(0, colon);
    const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
    if (name === 'event' || name === 'id' || name === 'retry') block[name] = value;
    else if (name === 'data') block.data = block.data === undefined ? value : `${block.data}\n${value}`;
  }
  return block;
}

/** Waits until `condition()` holds, checking on every turn of a short poll; fails after `timeoutMs`. */
export async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
