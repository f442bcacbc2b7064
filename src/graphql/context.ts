import type { FlagService } from '../flags/flag-service.js';
import type { FlagSnapshot } from '../flags/flag-snapshot.js';

/** What every resolver gets: writes go through `flags`, reads come from `snapshot`. */
export interface GraphQLContext {
  readonly flags: FlagService;
  readonly snapshot: FlagSnapshot;
}
