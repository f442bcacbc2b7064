import type { AuditLog } from '../audit/audit-log.js';
import type { AccessControl, Principal } from '../auth/access-control.js';
import type { WriteRateLimiter } from '../auth/write-rate-limiter.js';
import type { FlagEvaluator } from '../evaluation/flag-evaluator.js';
import type { EnvironmentService } from '../flags/environment-service.js';
import type { FlagService } from '../flags/flag-service.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import type { PromotionService } from '../flags/promotion-service.js';
import type { SegmentService } from '../flags/segment-service.js';
import type { FlagState, TimeTravel } from '../history/time-travel.js';
import type { AuditFeed } from './audit-feed.js';
import type { DirectDelivery } from './direct-delivery.js';
import type { MemoVerdict } from './memoisable.js';
import type { SubscriptionHub } from './subscription-hub.js';

/**
 * What every resolver gets: writes go through `flags`, reads come from `snapshot`, live changes from
 * `subscriptions`.
 */
export interface GraphQLContext {
  /** Who is asking; mutations need an admin principal. */
  readonly principal: Principal;
  readonly access: AccessControl;
  /** Mutations take from the principal's write budget, as REST writes do. */
  readonly writeLimiter: WriteRateLimiter;
  readonly flags: FlagService;
  readonly environments: EnvironmentService;
  readonly segments: SegmentService;
  /** `promote`: promotion between environments. */
  readonly promotions: PromotionService;
  readonly snapshot: FlagSnapshot;
  /** Reads with `asOf`: the state as it was. */
  readonly history: TimeTravel;
  /**
   * The states this request's `asOf` arguments named, by argument: every field of one request that
   * names the same moment reads the same revision (as-of-state.ts). A fresh map per request.
   */
  readonly pastStates: Map<string, Promise<FlagState>>;
  /** `evaluate`: the evaluator OFREP uses too. */
  readonly evaluator: FlagEvaluator;
  readonly subscriptions: SubscriptionHub;
  /** `auditLog`: the store's audit history (admins only). */
  readonly audit: AuditLog;
  /** `auditEntryAdded`: live entries. */
  readonly auditFeed: AuditFeed;
  /** Over HTTP: where Apollo's plugin says whether the answer may be memoised (memoisable.ts). */
  readonly memoVerdict?: MemoVerdict;
  /** Over WebSocket, for one subscribe operation: where its results may be written directly. */
  readonly delivery?: DirectDelivery;
  /**
   * Set by shared-execution.ts when `delivery` is: a subscription resolver that hands its events to it
   * (synchronously, in order) skips graphql-ws's per-subscriber path. Optional for resolvers.
   */
  readonly deliverEvent?: (event: object) => void;
}
