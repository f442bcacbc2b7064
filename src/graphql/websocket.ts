import type * as http from 'node:http';
import type { Duplex } from 'node:stream';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import {
  type DocumentNode,
  type ExecutionArgs,
  GraphQLError,
  type GraphQLSchema,
  getOperationAST,
  parse,
  specifiedRules,
  type ValidationRule,
  validate,
} from 'graphql';
import { useServer } from 'graphql-ws/use/ws';
import type { Logger } from 'pino';
import { WebSocketServer } from 'ws';
import type { AccessControl, Principal } from '../auth/access-control.js';
import type { GraphQLContext } from './context.js';
import { DirectDelivery, type SubscriberSocket } from './direct-delivery.js';
import { formatSocketError } from './errors.js';
import { documentTooLong, PARSE_OPTIONS } from './limits.js';
import { subscribeSharingExecution } from './shared-execution.js';

/** How many distinct document texts keep their parsed, validated form. */
const DOCUMENT_CACHE_SIZE = 500;

export interface WebSocketOptions {
  schema: GraphQLSchema;
  /** The context of one connection's operations, for the principal its token names. */
  contextFor: (principal: Principal) => GraphQLContext;
  access: AccessControl;
  logger: Logger;
  /** Largest message a client may send, in bytes; a bigger one closes its socket (1009). */
  maxPayload: number;
  /** Rules every document must pass besides graphql-js's own: the abuse limits (limits.ts). */
  validationRules: readonly ValidationRule[];
  /** Open sockets this server accepts; a further upgrade is answered 503. */
  maxConnections: number;
  /**
   * How long `close()` waits for clients to answer the 1001 close frame before it drops their
   * connections. Default 3000 ms.
   */
  closeGraceMillis?: number;
}

/**
 * Serves GraphQL over WebSocket (graphql-ws protocol) at `/graphql` on the app's own HTTP server:
 * subscriptions, and queries and mutations too. Errors follow the one error model.
 */
export function serveGraphQLOverWebSocket(
  server: http.Server,
  options: WebSocketOptions,
): { connections(): number; close(): Promise<void> } {
  const { schema, logger } = options;
  // noServer + our own upgrade listener rather than `{ server }`: ws would re-emit the HTTP server's
  // errors (e.g. EADDRINUSE at listen) on the WebSocket server, where graphql-ws reports them as its own.
  const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload });
  const onUpgrade = (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== '/graphql') {
      socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n');
      return;
    }
    if (wss.clients.size >= options.maxConnections) {
      // Before the handshake: the client sees a plain 503 and retries later (or another instance).
      socket.end('HTTP/1.1 503 Service Unavailable\r\nRetry-After: 1\r\nConnection: close\r\n\r\n');
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => wss.emit('connection', ws, req));
  };
  server.on('upgrade', onUpgrade);
  const formatOne = formatSocketError(logger);
  const format = (errors: readonly GraphQLError[]) => errors.map(formatOne);

  // Thousands of clients subscribe with the same text: parse and validate it once, and hand them the
  // same DocumentNode, which lets subscribeSharingExecution execute each event once for all of them.
  const documents = new Map<string, DocumentNode | readonly GraphQLError[]>();
  const checkedDocument = (query: string): DocumentNode | readonly GraphQLError[] => {
    const known = documents.get(query);
    if (known) return known;
    let checked: DocumentNode | readonly GraphQLError[];
    try {
      const document = parse(query, PARSE_OPTIONS);
      const invalid = validate(schema, document, [...specifiedRules, ...options.validationRules]);
      checked =
        invalid.length > 0
          ? invalid.map((e) => withCode(e, ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED))
          : document;
    } catch (err) {
      if (!(err instanceof GraphQLError)) throw err;
      checked = [withCode(err, ApolloServerErrorCode.GRAPHQL_PARSE_FAILED)];
    }
    documents.set(query, checked);
    // Bounded: forget the oldest text past the limit.
    if (documents.size > DOCUMENT_CACHE_SIZE) documents.delete(documents.keys().next().value as string);
    return checked;
  };

  // The principal each socket authenticated as in its connection_init message.
  const principals = new WeakMap<object, Principal>();

  const cleanup = useServer(
    {
      schema,
      subscribe: subscribeSharingExecution,
      onConnect: (ctx) => {
        // graphql-ws has no headers after the upgrade: the token travels in connectionParams
        // (`{ authorization: 'Bearer …' }`). Refused -> the socket closes with 4403 Forbidden.
        const params = ctx.connectionParams ?? {};
        try {
          principals.set(
            ctx.extra.socket,
            options.access.authenticate(params.authorization ?? params.Authorization),
          );
          return true;
        } catch {
          return false;
        }
      },
      context: (ctx, id) => {
        const principal = principals.get(ctx.extra.socket);
        if (!principal) throw new Error('operation on a socket that never authenticated');
        const socket: SubscriberSocket = ctx.extra.socket;
        return { ...options.contextFor(principal), delivery: new DirectDelivery(socket, id, formatOne) };
      },
      onSubscribe: (_ctx, _id, payload): ExecutionArgs | readonly GraphQLError[] => {
        // Done here rather than by graphql-ws so that bad documents get Apollo's codes and a syntax
        // error is answered with an error message (graphql-ws would close the whole socket).
        // The same limits as over HTTP: length before parsing, tokens while parsing, then the rules.
        const tooLong = documentTooLong(payload.query);
        if (tooLong) return [tooLong];
        const checked = checkedDocument(payload.query);
        if (!('kind' in checked)) return checked;
        const document = checked;
        if (!getOperationAST(document, payload.operationName)) {
          const error = new GraphQLError('Unable to identify the operation to run');
          return [withCode(error, ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE)];
        }
        return {
          schema,
          document,
          variableValues: payload.variables ?? null,
          operationName: payload.operationName ?? null,
        };
      },
      onNext: (_ctx, _id, _payload, _args, { data, errors, extensions }) => {
        if (!errors) return;
        return {
          ...(data !== undefined && { data }),
          ...(extensions !== undefined && { extensions }),
          errors: format(errors),
        };
      },
      onError: (_ctx, _id, _payload, errors) => format(errors),
    },
    wss,
  );

  return {
    connections: () => wss.clients.size,
    async close() {
      server.off('upgrade', onUpgrade);
      const grace = setTimeout(() => {
        // A client that never answers the close frame would otherwise hold shutdown for ws's 30 s.
        for (const socket of wss.clients) socket.terminate();
      }, options.closeGraceMillis ?? 3000);
      try {
        // Sends 1001 (Going Away) to every client, stops accepting upgrades, waits for the sockets to
        // close; each closing socket ends its subscriptions, which leave the hub.
        await cleanup.dispose();
      } finally {
        clearTimeout(grace);
      }
    },
  };
}

function withCode(error: GraphQLError, code: string): GraphQLError {
  return new GraphQLError(error.message, {
    ...(error.nodes && { nodes: error.nodes }),
    ...(error.source && { source: error.source }),
    ...(error.positions && { positions: error.positions }),
    extensions: { ...error.extensions, code },
  });
}
