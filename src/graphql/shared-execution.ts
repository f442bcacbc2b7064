import { createSourceEventStream, type ExecutionArgs, type ExecutionResult, execute } from 'graphql';
import type { GraphQLContext } from './context.js';
import type { DirectDelivery } from './direct-delivery.js';

type Result = ExecutionResult | Promise<ExecutionResult>;

/**
 * graphql-js's `subscribe`, but executing each event once per distinct document and variables instead
 * of once per subscriber. Thousands of subscribers of `flagChanged` mostly send the same document; the
 * hub hands each of them the very same event object, so the result is memoised on that object (a
 * WeakMap: it is gone with the event). Sound because a result depends only on the document, the
 * variables, the event, the instance's snapshot (read by `FlagChange.query`, the same for every
 * subscriber) and what the principal may read: its scope and any binding (a client token's environment),
 * which are part of the sharing key. Only the principal's `id` is left out: two tokens that may read the
 * same things get the same answer.
 */
export function subscribeSharingExecution(
  args: ExecutionArgs,
): Promise<AsyncIterable<ExecutionResult> | ExecutionResult> {
  const shape = `${args.operationName ?? ''}\u0000${JSON.stringify(args.variableValues ?? {})}\u0000${readerOf(args.contextValue)}`;
  const resultOf = (event: unknown): Result => {
    if (typeof event !== 'object' || event === null) return execute({ ...args, rootValue: event });
    let byDocument = executed.get(event);
    if (!byDocument) {
      byDocument = new WeakMap();
      executed.set(event, byDocument);
    }
    let byShape = byDocument.get(args.document);
    if (!byShape) {
      byShape = new Map();
      byDocument.set(args.document, byShape);
    }
    let result = byShape.get(shape);
    if (!result) {
      result = execute({ ...args, rootValue: event });
      byShape.set(shape, result);
    }
    return result;
  };
  // Over WebSocket, a resolver that takes a sink (flagChanged) has each event's shared result written
  // straight to the socket; its stream then only yields when the subscription ends.
  const context = args.contextValue as Partial<GraphQLContext> | undefined;
  const delivery: DirectDelivery | undefined = context?.delivery;
  const sourceArgs: ExecutionArgs = delivery
    ? {
        ...args,
        contextValue: {
          ...context,
          deliverEvent: (event: object) => delivery.deliver(resultOf(event)),
        } satisfies Partial<GraphQLContext>,
      }
    : args;
  return Promise.resolve(createSourceEventStream(sourceArgs)).then((stream) => {
    if (!isAsyncIterable(stream)) return stream as ExecutionResult;
    return mapEvents(stream, resultOf);
  });
}

// event -> parsed document -> operation name, variables and reader -> result. Documents are keyed by object:
// graphql-ws parses per subscription, so this only shares between subscribers whose onSubscribe
// returned the same DocumentNode (see the document cache in websocket.ts).
const executed = new WeakMap<object, WeakMap<object, Map<string, Result>>>();

/** What the principal may read, as a string: every field of it but its `id`. */
function readerOf(context: unknown): string {
  const principal = (context as Partial<GraphQLContext> | undefined)?.principal;
  if (!principal) return '';
  const { id: _id, ...reads } = principal;
  return JSON.stringify(reads);
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === 'object' && value !== null && Symbol.asyncIterator in value;
}

/** The source stream, each event mapped; `return()` is passed on so the subscriber leaves the hub. */
function mapEvents(
  source: AsyncIterable<unknown>,
  map: (event: unknown) => Result,
): AsyncGenerator<ExecutionResult> {
  const iterator = source[Symbol.asyncIterator]();
  return {
    async next() {
      const step = await iterator.next();
      return step.done ? { done: true, value: undefined } : { done: false, value: await map(step.value) };
    },
    async return() {
      await iterator.return?.();
      return { done: true, value: undefined };
    },
    async throw(error: unknown) {
      await iterator.return?.();
      throw error;
    },
    [Symbol.asyncIterator]() {
      return this;
    },
    async [Symbol.asyncDispose]() {
      await iterator.return?.();
    },
  };
}
