import type { ExecutionResult, GraphQLError, GraphQLFormattedError } from 'graphql';
import { SlowConsumerError } from './bounded-stream.js';

/** The part of a `ws` socket a subscription writes to. */
export interface SubscriberSocket {
  readonly readyState: number;
  /** Bytes queued on the socket and not yet handed to the kernel. */
  readonly bufferedAmount: number;
  send(data: string): void;
}

/** `WebSocket.OPEN`, without importing `ws` here. */
const OPEN = 1;

/**
 * Bytes a subscriber's socket may hold unsent before its subscription is cut off with SLOW_CONSUMER:
 * the direct path's counterpart of the hub's queue bound, so a client that stopped reading never holds
 * memory without bound. A few thousand typical events.
 */
export const MAX_BUFFERED_BYTES = 4 * 1024 * 1024;

/** Formats one error as the socket transport does everywhere else (errors.ts). */
export type FormatSocketError = (error: GraphQLError) => GraphQLFormattedError;

/**
 * Writes a subscription's results straight to its socket as graphql-transport-ws `next` messages, for
 * one operation (`id`) of one socket. graphql-ws still owns the operation (subscribe, complete, errors,
 * the end of the stream); only the delivery of each event skips its per-subscriber path (async
 * iteration, spreads, a `JSON.stringify` of the whole result and a promise per send), which cost the
 * fan-out twice the CPU of a bare `ws` server. Each result is serialised once for every subscriber
 * that shares it; a subscriber only adds its id around it.
 */
export class DirectDelivery {
  private readonly prefix: string;
  /** Set while a result is still being computed: later ones wait behind it, so order holds. */
  private pending: Promise<void> | undefined;

  constructor(
    private readonly socket: SubscriberSocket,
    id: string,
    private readonly format: FormatSocketError,
    private readonly maxBufferedBytes = MAX_BUFFERED_BYTES,
  ) {
    this.prefix = `{"id":${JSON.stringify(id)},"type":"next","payload":`;
  }

  /**
   * Sends one event's result, in the order events were handed in. Throws {@link SlowConsumerError}
   * when the socket already holds more than the bound: the caller ends the subscription.
   */
  deliver(result: ExecutionResult | Promise<ExecutionResult>): void {
    if (this.socket.bufferedAmount > this.maxBufferedBytes)
      throw new SlowConsumerError(this.maxBufferedBytes, 'bytes');
    if (this.pending === undefined && !(result instanceof Promise)) {
      this.write(result);
      return;
    }
    const previous = this.pending ?? Promise.resolve();
    const sent = previous
      .then(() => result)
      .then(
        (ready) => this.write(ready),
        () => {}, // execute() reports failures in its result; a rejection here has no subscriber to tell
      );
    this.pending = sent;
    void sent.then(() => {
      if (this.pending === sent) this.pending = undefined;
    });
  }

  private write(result: ExecutionResult): void {
    if (this.socket.readyState !== OPEN) return;
    this.socket.send(`${this.prefix}${payloadJson(result, this.format)}}`);
  }
}

/** Serialised payloads, by the (shared) result object they were made from. */
const serialised = new WeakMap<ExecutionResult, string>();

/** The `payload` of a `next` message for `result`, as graphql-ws would write it; computed once per result. */
function payloadJson(result: ExecutionResult, format: FormatSocketError): string {
  let json = serialised.get(result);
  if (json === undefined) {
    const { data, errors, extensions } = result;
    json = JSON.stringify({
      ...(data !== undefined && { data }),
      ...(errors !== undefined && { errors: errors.map(format) }),
      ...(extensions !== undefined && { extensions }),
    });
    serialised.set(result, json);
  }
  return json;
}
