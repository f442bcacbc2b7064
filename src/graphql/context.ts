import type { FlagService } from '../flags/flag-service.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';
import type { SubscriptionHub } from './subscription-hub.js';

/**
 * What every resolver gets: writes go through `flags`, reads come from `snapshot`, live changes from
 * `subscriptions`.
 */
export interface GraphQLContext {
  readonly flags: FlagService;
  readonly snapshot: FlagSnapshot;
  readonly subscriptions: SubscriptionHub;
}
