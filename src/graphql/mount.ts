import type * as http from 'node:http';
import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import { ApolloServerErrorCode } from '@apollo/server/errors';
import { ApolloServerPluginCacheControlDisabled } from '@apollo/server/plugin/disabled';
import { ApolloServerPluginDrainHttpServer } from '@apollo/server/plugin/drainHttpServer';
import express, { type Express } from 'express';
import { GraphQLError, NoSchemaIntrospectionCustomRule } from 'graphql';
import type { Logger } from 'pino';
import type { AuditLog } from '../audit/audit-log.js';
import type { AccessControl, Principal } from '../auth/access-control.js';
import type { WriteRateLimiter } from '../auth/write-rate-limiter.js';
import type { FlagEvaluator } from '../evaluation/flag-evaluator.js';
import type { EnvironmentService } from '../flags/environment-service.js';
import type { FlagService } from '../flags/flag-service.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import type { PromotionService } from '../flags/promotion-service.js';
import type { SegmentService } from '../flags/segment-service.js';
import type { TimeTravel } from '../history/time-travel.js';
import { authenticate } from '../http/access.js';
import { acceptGraphQLQuery } from '../http/graphql-query.js';
import { rejectInvalidUtf8 } from '../http/request-parsing.js';
import type { Metrics } from '../metrics/metrics.js';
import { AuditFeed } from './audit-feed.js';
import type { GraphQLContext } from './context.js';
import { formatError } from './errors.js';
import { type GraphQLFastPath, graphqlFastPath } from './fast-path.js';
import { graphqlOverHttp, keepRawBody } from './http-handler.js';
import { limitRules, PARSE_OPTIONS, refuseLongDocuments } from './limits.js';
import { markMemoisable } from './memoisable.js';
import { GraphQLResponseMemo } from './response-memo.js';
import { buildSchema } from './schema.js';
import { SubscriptionHub } from './subscription-hub.js';
import { serveGraphQLOverWebSocket } from './websocket.js';

/**
 * Apollo would run a subscription sent over HTTP as a query and fail it as INTERNAL: refuse it as the
 * client's mistake and say where subscriptions are served.
 */
const refuseSubscriptionsOverHttp: ApolloServerPlugin<GraphQLContext> = {
  async requestDidStart() {
    return {
      async didResolveOperation({ operation }) {
        if (operation?.operation !== 'subscription') return;
        throw new GraphQLError('Subscriptions are served over WebSocket (graphql-ws) at /graphql, not HTTP', {
          extensions: { code: ApolloServerErrorCode.BAD_REQUEST, http: { status: 400 } },
        });
      },
    };
  },
};

/** The subscription hub serving each mounted server; read by {@link subscriptionHubOf}. */
const hubs = new WeakMap<http.Server, SubscriptionHub>();
/** The response memo of each mounted server; read by {@link responseMemoOf}. */
const memos = new WeakMap<http.Server, GraphQLResponseMemo>();

/**
 * Serves GraphQL at `/graphql` on the app's HTTP server: queries and mutations over HTTP (Apollo), and
 * the same schema over WebSocket (graphql-ws) for `flagChanged` subscriptions.
 *
 * `stop()` first closes every WebSocket with 1001 (Going Away), which ends their subscriptions, then
 * lets Apollo drain the HTTP server (in-flight requests finish, then the server closes).
 */
export async function mountGraphQL(
  app: Express,
  server: http.Server,
  deps: {
    flags: FlagService;
    environments: EnvironmentService;
    segments: SegmentService;
    promotions: PromotionService;
    snapshot: FlagSnapshot;
    evaluator: FlagEvaluator;
    /** Reads with `asOf`. */
    history: TimeTravel;
    /** The store's audit history, for `auditLog` and `auditEntryAdded`. */
    audit: AuditLog;
    access: AccessControl;
    writeLimiter: WriteRateLimiter;
    production: boolean;
    bodyLimitBytes: number;
    maxWsConnections: number;
    logger: Logger;
    metrics: Metrics;
    /** True when CORS is configured: then every request goes through Express (see fast-path.ts). */
    crossOrigin: boolean;
    /** Told how many subscribers each change was handed to (metrics). */
    onDelivered?: (count: number) => void;
  },
): Promise<{ connections(): number; fastPath: GraphQLFastPath; stop(): Promise<void> }> {
  const schema = buildSchema();
  const subscriptions = new SubscriptionHub(deps.snapshot, {
    ...(deps.onDelivered ? { onDelivered: deps.onDelivered } : {}),
  });
  const auditFeed = new AuditFeed(deps.snapshot, deps.audit, deps.logger);
  // Abuse limits (limits.ts), the same over HTTP and WebSocket.
  const validationRules = limitRules({ introspection: !deps.production });
  const apollo = new ApolloServer<GraphQLContext>({
    schema,
    plugins: [
      ApolloServerPluginDrainHttpServer({ httpServer: server }),
      refuseSubscriptionsOverHttp,
      markMemoisable,
      // No HTTP caching of GraphQL answers here (flags change; clients poll REST with ETags for that),
      // and the plugin would wrap every field resolver: measurable on a list of a hundred flags.
      ApolloServerPluginCacheControlDisabled(),
    ],
    validationRules,
    parseOptions: PARSE_OPTIONS,
    // Explicit: a JSON array body (a batch) is refused with 400 BAD_REQUEST.
    allowBatchedHttpRequests: false,
    // No automatic persisted queries (no client of ours uses them): a request that tries gets
    // PERSISTED_QUERY_NOT_SUPPORTED instead of a malformed-extension error without a code.
    persistedQueries: false,
    formatError: formatError(deps.logger),
    includeStacktraceInErrorResponses: false,
    // In production, nobody gets to read the schema or "did you mean" hints from error messages.
    introspection: !deps.production,
    hideSchemaDetailsFromClientErrors: deps.production,
    // The composition root owns shutdown (src/main.ts handles the signals).
    stopOnTerminationSignals: false,
  });
  await apollo.start();
  const contextFor = (principal: Principal): GraphQLContext => ({
    flags: deps.flags,
    environments: deps.environments,
    segments: deps.segments,
    promotions: deps.promotions,
    snapshot: deps.snapshot,
    evaluator: deps.evaluator,
    history: deps.history,
    pastStates: new Map(),
    subscriptions,
    audit: deps.audit,
    auditFeed,
    access: deps.access,
    writeLimiter: deps.writeLimiter,
    principal,
  });
  // Answers to queries of the flag state, dropped whenever the snapshot changes (http-handler.ts).
  const memo = new GraphQLResponseMemo(deps.snapshot);
  // A route, not a mount: exactly /graphql, and `route="/graphql"` in the request metrics.
  app.all(
    '/graphql',
    authenticate(deps.access),
    acceptGraphQLQuery,
    express.json({ limit: deps.bodyLimitBytes, verify: keepRawBody(rejectInvalidUtf8) }),
    refuseLongDocuments,
    graphqlOverHttp(apollo, { contextFor, memo }),
  );
  const websockets = serveGraphQLOverWebSocket(server, {
    schema,
    contextFor,
    access: deps.access,
    logger: deps.logger,
    maxPayload: deps.bodyLimitBytes,
    maxConnections: deps.maxWsConnections,
    // Over WebSocket too, production hides the schema.
    validationRules: deps.production
      ? [...validationRules, NoSchemaIntrospectionCustomRule]
      : validationRules,
  });
  hubs.set(server, subscriptions);
  memos.set(server, memo);

  let stopping: Promise<void> | undefined;
  const stop = async () => {
    // WebSockets first: Apollo's drain would otherwise end their TCP connections (it sees no HTTP
    // request on them) racing the 1001 close frame.
    try {
      await websockets.close();
    } finally {
      subscriptions.close();
      auditFeed.close();
      memo.close();
      await apollo.stop();
    }
  };
  const fastPath = graphqlFastPath({
    memo,
    access: deps.access,
    metrics: deps.metrics,
    logger: deps.logger,
    bodyLimitBytes: deps.bodyLimitBytes,
    skip: deps.crossOrigin,
    fallback: app,
  });
  return {
    connections: () => websockets.connections(),
    fastPath,
    stop: () => (stopping ??= stop()),
  };
}

/**
 * The subscription hub behind a server that {@link mountGraphQL} serves, for observing it (e.g. its
 * subscriber count in tests); undefined for any other server.
 */
export function subscriptionHubOf(server: http.Server): SubscriptionHub | undefined {
  return hubs.get(server);
}

/** The GraphQL response memo behind a server that {@link mountGraphQL} serves (tests); else undefined. */
export function responseMemoOf(server: http.Server): GraphQLResponseMemo | undefined {
  return memos.get(server);
}
