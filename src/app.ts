import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import express from 'express';
import type { Logger } from 'pino';
import { AuditRetention } from './audit/audit-retention.js';
import { AccessControl } from './auth/access-control.js';
import { TokenRateLimiter } from './auth/token-rate-limiter.js';
import { WriteRateLimiter } from './auth/write-rate-limiter.js';
import type { Config } from './config.js';
import { consoleBuildState } from './console/build-state.js';
import { consoleRoutes } from './console/console-routes.js';
import { FlagEvaluator } from './evaluation/flag-evaluator.js';
import { ChangeFanout } from './feed/change-fanout.js';
import { openBus } from './feed/open-bus.js';
import { EnvironmentService } from './flags/environment-service.js';
import type { FlagChange } from './flags/flag.js';
import { FlagService } from './flags/flag-service.js';
import { FlagSnapshot } from './flags/flag-snapshot.js';
import { PromotionService } from './flags/promotion-service.js';
import { SegmentService } from './flags/segment-service.js';
import type { FlagStore } from './flags/store/flag-store.js';
import { openStore } from './flags/store/open-store.js';
import type { GraphQLFastPath } from './graphql/fast-path.js';
import { mountGraphQL, subscriptionHubOf } from './graphql/mount.js';
import { TimeTravel } from './history/time-travel.js';
import { authenticate, writesNeedAdmin } from './http/access.js';
import { AsOfReads } from './http/as-of-reads.js';
import { auditRoutes } from './http/audit-routes.js';
import { corsByRoute, corsPolicies } from './http/cors.js';
import { environmentRoutes } from './http/environment-routes.js';
import { errorHandler, routeNotFound } from './http/error-handler.js';
import { FlagListMemo } from './http/flag-list-memo.js';
import { flagRoutes } from './http/flag-routes.js';
import { healthRoutes, probeDependencies } from './http/health-routes.js';
import { metricsRoute, requestLogging, requestMetrics } from './http/observability.js';
import { pollFastPath } from './http/poll-fast-path.js';
import { promotionRoutes } from './http/promotion-routes.js';
import { SegmentListMemo } from './http/segment-list-memo.js';
import { segmentRoutes } from './http/segment-routes.js';
import { sseStream } from './http/sse/index.js';
import { createLogger } from './logger.js';
import { instrumentStore } from './metrics/instrumented-store.js';
import { Metrics } from './metrics/metrics.js';
import { BulkContextMemo } from './ofrep/bulk-context-memo.js';
import { BulkEvaluation } from './ofrep/bulk-evaluation.js';
import { BulkAnswerMemo } from './ofrep/bulk-memo.js';
import { EvaluationState } from './ofrep/evaluation-state.js';
import { EVENT_STREAM_ROUTE, ofrepEventStream } from './ofrep/event-stream.js';
import { ofrepTransport } from './ofrep/ofrep-transport.js';
import { StreamTickets } from './ofrep/stream-tickets.js';
import { SnapshotSync } from './sync/snapshot-sync.js';
import { StoreBinding } from './sync/store-binding.js';
import { gateWrites } from './sync/write-gate.js';
import { openOutbox } from './webhooks/open-outbox.js';
import { Webhooks } from './webhooks/webhooks.js';

export interface AppOverrides {
  logger?: Logger;
  /** Use this store instead of the one the config names (tests); the app closes it on stop. */
  store?: FlagStore;
  /** The project root holding console/ (its sources and build); default: this checkout's (tests). */
  consoleRoot?: string;
}

/** Memory for OFREP bulk request bodies already read (bulk-context-memo.ts): thousands of contexts. */
const OFREP_CONTEXT_MEMO_BYTES = 4 * 1024 * 1024;

/** The project root: src/ and dist/ sit at the same depth below it. */
const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface RunningApp {
  readonly server: Server;
  /** Base URL, e.g. `http://127.0.0.1:3000` (the real port when the config asked for 0). */
  readonly url: string;
  stop(): Promise<void>;
}

export interface App {
  start(): Promise<RunningApp>;
}

/**
 * The composition root: builds the store, feed, snapshot and service, then the transports on one
 * HTTP server. Nothing else in the code base decides which adapter is used.
 */
export function createApp(config: Config, overrides: AppOverrides = {}): App {
  const logger = overrides.logger ?? createLogger(config.logLevel);
  const access = new AccessControl({
    admin: config.adminTokens,
    client: config.clientTokens,
    frontend: config.frontendTokens,
  });
  const writeLimiter = new WriteRateLimiter(config.writeRatePerMinute, config.writeRateBurst);
  const frontendLimiter = new TokenRateLimiter(
    config.frontendRatePerMinute,
    config.frontendRateBurst,
    'evaluations',
  );
  const tickets = new StreamTickets(
    [...config.adminTokens, ...config.clientTokens, ...config.frontendTokens].map((entry) => entry.token),
  );
  const cors = corsPolicies(config.corsOrigins, config.frontendCorsOrigins);
  return {
    async start() {
      // Everything opened is closed in reverse order: on stop(), and when a later step of start fails.
      const closers: Array<() => unknown> = [];
      const closeAll = async () => {
        for (const close of closers.splice(0).reverse()) await close();
      };
      try {
        const metrics = new Metrics();
        const store = instrumentStore(overrides.store ?? (await openStore(config)), metrics);
        closers.push(() => store.close());
        const storeId = await store.identity();
        const bus = await openBus(config, logger, storeId);
        closers.push(() => bus.close());
        // One store per bus: another store behind the same REDIS_KEY_PREFIX gets this instance's writes refused.
        const binding = new StoreBinding(
          bus.claim,
          {
            storeId,
            storeLabel: config.mongodbUri
              ? 'MongoDB'
              : overrides.store
                ? 'a custom store'
                : 'the embedded file store',
            redisKeyPrefix: config.redisKeyPrefix,
            checkIntervalMs: config.resyncCheckMs || 5000,
          },
          logger,
        );
        closers.push(() => binding.stop());
        await binding.start();
        const snapshot = new FlagSnapshot();
        const sync = new SnapshotSync(snapshot, store, bus.cache, bus.log, bus.feed, logger, {
          // The embedded store belongs to this process alone: nothing can change it behind our back.
          checkIntervalMs: config.mongodbUri || overrides.store ? config.resyncCheckMs : 0,
          sharedLog: bus.shared,
          onRepair: (kind) => metrics.resyncs.inc({ kind }),
        });
        closers.push(() => sync.stop());
        await sync.start();
        const fanout = new ChangeFanout(bus.cache, bus.log, bus.feed, logger, (part) =>
          metrics.busErrors.inc({ part }),
        );
        const retention = new AuditRetention(
          (policy) => store.purgeAudit(policy),
          {
            maxAgeMs: config.auditRetention.days * 86_400_000,
            maxCount: config.auditRetention.count,
          },
          logger,
        );
        closers.push(() => retention.stop());
        retention.start();
        // Webhooks: delivered in the background from the audit history, woken by the snapshot; no write waits.
        if (config.webhooks.endpoints.length > 0) {
          const outbox = await openOutbox(config, overrides.store !== undefined);
          closers.push(() => outbox.close());
          const webhooks = new Webhooks({
            config: config.webhooks,
            audit: store.audit,
            outbox,
            storeId,
            currentRevision: () => store.currentRevision(),
            snapshot,
            events: {
              delivered: (endpoint, seconds) => {
                metrics.webhookDeliveries.inc({ endpoint });
                metrics.webhookAttemptDuration.observe({ endpoint }, seconds);
              },
              failed: (endpoint, reason, seconds) => {
                metrics.webhookFailedAttempts.inc({ endpoint, reason });
                metrics.webhookAttemptDuration.observe({ endpoint }, seconds);
              },
              purged: (endpoint, revisions) => metrics.webhookPurgedRevisions.inc({ endpoint }, revisions),
            },
            logger,
          });
          closers.push(() => webhooks.stop());
          await webhooks.start();
          metrics.webhooks(() => webhooks.status());
        }
        // Every committed write goes out, then nudges retention (which runs later, never in the write).
        const changes = {
          publish: async (change: FlagChange) => {
            await fanout.publish(change);
            retention.afterWrite();
          },
        };
        const gatedStore = gateWrites(store, () => binding.refusal());
        const flags = new FlagService(gatedStore, changes, snapshot);
        const environments = new EnvironmentService(gatedStore, changes, snapshot);
        const segments = new SegmentService(gatedStore, changes, snapshot);
        const promotions = new PromotionService(gatedStore, changes, snapshot);
        const evaluator = new FlagEvaluator(snapshot);
        // `asOf` reads: the live view taken back through the audit history (bounded, off every hot path).
        const history = new TimeTravel(snapshot, evaluator, store.audit, config.asOf);
        const memo = new FlagListMemo(snapshot, config.etagMemoEntries);
        closers.push(() => memo.close());
        const segmentMemo = new SegmentListMemo(snapshot);
        closers.push(() => segmentMemo.close());
        const asOf = new AsOfReads(history, { flags: memo, segments: segmentMemo });

        const app = express();
        app.disable('x-powered-by');
        app.set('etag', false);
        // Browser requests (with Origin) need CORS headers: Express adds them, so they skip the fast path.
        const health = {
          store,
          bus: bus.shared ? bus : undefined,
          timeoutMs: 1000,
          refusal: () => binding.refusal(),
        };
        const answerPoll = pollFastPath(memo, snapshot, access, metrics, {
          skipCrossOrigin: cors.general !== undefined,
        });
        // OFREP evaluations, before Express too (a server-side provider asks once per flag read, a
        // browser once per page and context), cross-origin ones included (it applies its CORS policy).
        const evaluationState = new EvaluationState(snapshot);
        closers.push(() => evaluationState.close());
        const answerOfrep = ofrepTransport({
          evaluator,
          bulk: new BulkEvaluation(
            evaluator,
            snapshot,
            evaluationState,
            tickets,
            new BulkAnswerMemo(config.ofrepMemoBytes),
          ),
          // Bodies of revalidations are small and repeat byte for byte; off with the answer memo.
          contexts: new BulkContextMemo(config.ofrepMemoBytes === 0 ? 0 : OFREP_CONTEXT_MEMO_BYTES),
          state: evaluationState,
          catalog: snapshot,
          history,
          access,
          frontendLimiter,
          cors: cors.ofrep,
          bodyLimitBytes: config.bodyLimitBytes,
          logger,
          metrics,
        });
        // Memoised GraphQL answers, before Express too (set once GraphQL is mounted).
        let answerGraphQL: GraphQLFastPath = () => false;
        const server = createServer((req, res) => {
          if (!answerPoll(req, res) && !answerOfrep(req, res) && !answerGraphQL(req, res)) app(req, res);
        });
        closers.push(
          () =>
            new Promise<void>((resolve) => {
              server.close(() => resolve());
              server.closeIdleConnections();
            }),
        );
        const sse = sseStream({
          snapshot,
          log: bus.log,
          heartbeatMs: config.sseHeartbeatMs,
          retryMs: config.sseRetryMs,
          maxBufferedBytes: config.sseMaxBufferedBytes,
          maxConnections: config.maxSseConnections,
          // OFREP's event streams share the budget (defined below; read only when a stream opens).
          otherStreams: () => ofrepEvents.connections(),
          logger,
          onDelivered: (count) => metrics.eventsDelivered.inc({ transport: 'sse' }, count),
        });
        const ofrepEvents = ofrepEventStream({
          state: evaluationState,
          catalog: snapshot,
          access,
          tickets,
          frontendLimiter,
          heartbeatMs: config.sseHeartbeatMs,
          retryMs: config.sseRetryMs,
          maxBufferedBytes: config.sseMaxBufferedBytes,
          maxConnections: config.maxSseConnections,
          otherStreams: () => sse.connections(),
          logger,
          onDelivered: (count) => metrics.eventsDelivered.inc({ transport: 'ofrep' }, count),
        });
        app.use(requestLogging(logger), requestMetrics(metrics));
        app.use(corsByRoute(cors));
        app.get('/metrics', metricsRoute(metrics));
        app.use(healthRoutes(health));
        const consoleBuild = await consoleBuildState(overrides.consoleRoot ?? PROJECT_ROOT);
        if (consoleBuild.status !== 'ready')
          logger.error(
            { console: consoleBuild.status },
            `admin console not served: ${consoleBuild.reason}; run \`npm run build:console\` (npm start does it), then restart`,
          );
        app.use(consoleRoutes(consoleBuild, { openAccess: access.open }));
        app.get(EVENT_STREAM_ROUTE, ofrepEvents.handler);
        app.use('/feature-flags', authenticate(access), writesNeedAdmin(access, writeLimiter));
        app.get('/feature-flags/stream', sse.handler);
        app.use(
          '/feature-flags',
          flagRoutes({
            flags,
            snapshot,
            memo,
            asOf,
            bodyLimitBytes: config.bodyLimitBytes,
            onPoll: (status) => metrics.pollResponses.inc({ status }),
          }),
        );
        app.use(
          '/environments',
          authenticate(access),
          writesNeedAdmin(access, writeLimiter),
          environmentRoutes(environments, asOf, config.bodyLimitBytes),
          promotionRoutes(promotions, config.bodyLimitBytes),
        );
        app.use('/segments', authenticate(access), writesNeedAdmin(access, writeLimiter));
        app.use(
          '/segments',
          segmentRoutes({ segments, memo: segmentMemo, asOf, bodyLimitBytes: config.bodyLimitBytes }),
        );
        // The audit history: admin reads of the store itself (never the snapshot), off every hot path.
        app.use('/audit', authenticate(access), auditRoutes(store.audit));
        const graphql = await mountGraphQL(app, server, {
          flags,
          environments,
          segments,
          promotions,
          snapshot,
          evaluator,
          history,
          audit: store.audit,
          access,
          writeLimiter,
          production: config.production,
          maxWsConnections: config.maxWsConnections,
          onDelivered: (count) => metrics.eventsDelivered.inc({ transport: 'subscription' }, count),
          bodyLimitBytes: config.bodyLimitBytes,
          logger,
          metrics,
          crossOrigin: config.corsOrigins.length > 0,
        });
        answerGraphQL = graphql.fastPath;
        closers.push(() => graphql.stop());
        metrics.connections(() => ({
          sse: sse.connections(),
          ofrep: ofrepEvents.connections(),
          subscription: subscriptionHubOf(server)?.subscriberCount ?? 0,
          websocket: graphql.connections(),
        }));
        metrics.dependencies(async () => {
          const { store: storeState, redis } = await probeDependencies(health);
          return redis === 'unused'
            ? { store: storeState === 'ok' }
            : { store: storeState === 'ok', redis: redis === 'ok' };
        });
        // Streams first on stop: they never end by themselves and would hold server.close() open.
        closers.push(() => sse.close());
        closers.push(() => ofrepEvents.close());
        app.use(routeNotFound);
        app.use(errorHandler(logger));

        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen(config.port, config.host, () => {
            server.off('error', reject);
            resolve();
          });
        });
        const { port } = server.address() as AddressInfo;
        const host = config.host === '0.0.0.0' || config.host === '::' ? '127.0.0.1' : config.host;
        const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
        if (access.open) {
          logger.warn(
            'NO ACCESS CONTROL: ADMIN_TOKENS and CLIENT_TOKENS are unset, so anyone who can reach this port can change every flag. Fine on a laptop; set tokens anywhere else (NODE_ENV=production refuses to start like this).',
          );
        }
        logger.info(
          {
            url,
            access: access.open ? 'open' : 'tokens',
            store: config.mongodbUri ? 'mongodb' : `embedded file (${config.dataDir})`,
            bus: bus.shared ? 'redis' : 'in-process',
            storeId,
            writes: binding.refusal() ? 'refused (STORE_MISMATCH)' : 'accepted',
            flags: snapshot.size,
            revision: snapshot.currentRevision,
            console: consoleBuild.status === 'ready' ? `${url}/console/` : consoleBuild.status,
          },
          'flagwire listening',
        );

        let stopping: Promise<void> | undefined;
        const stop = () => {
          stopping ??= closeAll().then(() => logger.info('flagwire stopped'));
          return stopping;
        };
        return { server, url, stop };
      } catch (err) {
        await closeAll();
        throw err;
      }
    },
  };
}
