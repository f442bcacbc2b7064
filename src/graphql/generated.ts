import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { FlagView as FlagViewModel } from '../flags/flag-view.js';
import type { DeletedFlag as DeletedFlagModel } from '../flags/flag-service.js';
import type { ScopedFlagChange as ScopedFlagChangeModel } from './subscription-hub.js';
import type { EnvironmentView as EnvironmentViewModel } from '../flags/environment-service.js';
import type { ServedEvaluation as ServedEvaluationModel } from '../evaluation/flag-evaluator.js';
import type { SegmentView as SegmentViewModel } from '../flags/segment-view.js';
import type { DeletedSegment as DeletedSegmentModel } from '../flags/segment-service.js';
import type { GraphQLContext } from './context.js';
export type Maybe<T> = T | null;
export type InputMaybe<T> = Maybe<T>;
export type Omit<T, K extends keyof T> = Pick<T, Exclude<keyof T, K>>;
export type RequireFields<T, K extends keyof T> = Omit<T, K> & { [P in K]-?: NonNullable<T[P]> };
/** All built-in and custom scalars, mapped to their actual values */
export type Scalars = {
  ID: { input: string; output: string; }
  String: { input: string; output: string; }
  Boolean: { input: boolean; output: boolean; }
  Int: { input: number; output: number; }
  Float: { input: number; output: number; }
  /**
   * Any JSON value. Used for the flag document (`Flag.definition`), exactly as `PUT /feature-flags/{key}`
   * takes it and the REST API serves it.
   */
  JSON: { input: unknown; output: unknown; }
};

/** What a change is to. */
export type ChangeEntity =
  /** A flag: `FlagChange.flag` holds it after an UPSERT. */
  | 'FLAG'
  /** A segment: `FlagChange.segment` holds it after an UPSERT; `flag` is always null. */
  | 'SEGMENT';

/** A new environment. */
export type CreateEnvironmentInput = {
  /** Free text for humans. Omit for empty. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** The new environment's key (see `Flag.key` for the allowed characters). */
  key: Scalars['String']['input'];
};

/** A new flag. */
export type CreateFlagInput = {
  /** Free text for humans. Omit for empty; null is refused. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Whether the feature starts on. Omit for false; null is refused. */
  isEnabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** The new flag's key (see `Flag.key` for the allowed characters). */
  key: Scalars['String']['input'];
};

/** What is left of a flag after `deleteFlag`. */
export type DeletedFlag = {
  __typename?: 'DeletedFlag';
  /** The key of the deleted flag. */
  key: Scalars['String']['output'];
  /** The global revision of the delete. */
  revision: Scalars['Int']['output'];
  /** The version the flag had when it was deleted. */
  version: Scalars['Int']['output'];
};

/** What is left of a segment after `deleteSegment`. */
export type DeletedSegment = {
  __typename?: 'DeletedSegment';
  /** The key of the deleted segment. */
  key: Scalars['String']['output'];
  /** The global revision of the delete. */
  revision: Scalars['Int']['output'];
  /** The version the segment had when it was deleted. */
  version: Scalars['Int']['output'];
};

/** An environment (`production`, `staging`, ...): each flag is configured per environment. */
export type Environment = {
  __typename?: 'Environment';
  /** Free text for humans (empty when not set). */
  description: Scalars['String']['output'];
  /** Unique key (the same characters as `Flag.key`). `production` always exists. */
  key: Scalars['String']['output'];
};

/**
 * One flag evaluated for one context: what `evaluate` answers, in OpenFeature's words (the same answer as
 * `POST /ofrep/v1/evaluate/flags/{key}` and as the client library's local evaluation).
 */
export type Evaluation = {
  __typename?: 'Evaluation';
  /** The environment evaluated in. */
  environment: Scalars['String']['output'];
  /**
   * OpenFeature's error code when `reason` is ERROR: FLAG_NOT_FOUND, INVALID_CONTEXT, PARSE_ERROR,
   * TARGETING_KEY_MISSING or GENERAL; null otherwise.
   */
  errorCode?: Maybe<Scalars['String']['output']>;
  /** What went wrong, for logs; null without an error. */
  errorDetails?: Maybe<Scalars['String']['output']>;
  /** The flag's key, as asked. */
  key: Scalars['String']['output'];
  /** OpenFeature's resolution reason: STATIC, DEFAULT, TARGETING_MATCH, SPLIT, DISABLED or ERROR. */
  reason: Scalars['String']['output'];
  /**
   * The variant's value (any JSON); null when the caller's own default applies: no variant was served
   * (the flag is unknown, not configured in the environment, or an error occurred).
   */
  value?: Maybe<Scalars['JSON']['output']>;
  /** The variant served; null when none was. */
  variant?: Maybe<Scalars['String']['output']>;
};

/** A feature flag. */
export type Flag = {
  __typename?: 'Flag';
  /** When the flag was created: an ISO-8601 timestamp in UTC, e.g. `2025-01-31T12:00:00.000Z`. */
  createdAt: Scalars['String']['output'];
  /**
   * The flag document (type, variants, and per environment: enabled, offVariant, prerequisites, targets,
   * rules, fallthrough) with every default filled in: what a client evaluates locally. Admins reading
   * without an environment see every environment; a reader bound to one environment sees only it.
   */
  definition: Scalars['JSON']['output'];
  /** Free text for humans (at most 1000 characters; empty when not set). */
  description: Scalars['String']['output'];
  /** Whether the feature is on. */
  isEnabled: Scalars['Boolean']['output'];
  /** Unique key: 1 to 128 letters, digits, '.', '_', '-' or ':', starting with a letter or digit. */
  key: Scalars['String']['output'];
  /**
   * The global revision of this flag's latest change: shared by every flag, it only grows (it may have
   * holes), so it orders changes across flags.
   */
  revision: Scalars['Int']['output'];
  /** When the flag last changed: an ISO-8601 timestamp in UTC, e.g. `2025-01-31T12:00:00.000Z`. */
  updatedAt: Scalars['String']['output'];
  /**
   * Starts at 1 and grows by one on every change to this flag. Pass it as `expectedVersion` to make a
   * write conditional.
   */
  version: Scalars['Int']['output'];
};

/**
 * One committed change to one flag, or to one segment (`entity: SEGMENT`), as pushed by `flagChanged`.
 * A subscriber that only knows flags should ignore events whose `entity` is not FLAG.
 */
export type FlagChange = {
  __typename?: 'FlagChange';
  /** Whether the change is to a flag or to a segment. */
  entity: ChangeEntity;
  /** The flag after an UPSERT of a flag; null for a DELETE and for segment changes. */
  flag?: Maybe<Flag>;
  /** The key of the flag (or segment) that changed. */
  key: Scalars['String']['output'];
  /** Whether the flag (or segment) was written or deleted. */
  kind: FlagChangeKind;
  /**
   * The global revision of the change. Revisions only grow (with holes), so a subscriber that keeps the
   * highest one seen can order changes across flags and notice when it may have missed some.
   */
  revision: Scalars['Int']['output'];
  /** The segment after an UPSERT of a segment; null otherwise. */
  segment?: Maybe<Segment>;
  /** The flag's version after an UPSERT; for a DELETE, the version the flag had when it was deleted. */
  version: Scalars['Int']['output'];
};

/** What happened to a flag (or segment: see `FlagChange.entity`). */
export type FlagChangeKind =
  /** The flag (or segment) was deleted; `FlagChange.flag` and `segment` are null. */
  | 'DELETE'
  /** The flag was created or changed; `FlagChange.flag` (or `segment`) holds it as it is now. */
  | 'UPSERT';

/** The fields to change on a flag: give at least one. Omitted fields keep their value; null is refused. */
export type FlagPatch = {
  /** Free text for humans (at most 1000 characters). */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Whether the feature is on. */
  isEnabled?: InputMaybe<Scalars['Boolean']['input']>;
};

/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type Mutation = {
  __typename?: 'Mutation';
  /** Creates an environment. ENVIRONMENT_ALREADY_EXISTS when the key is taken (`production` always is). */
  createEnvironment: Environment;
  /** Creates a flag. FLAG_ALREADY_EXISTS when the key is taken. */
  createFlag: Flag;
  /**
   * Creates a segment from its document (`key`, `description`, `included`, `excluded`, `rules`), like
   * `POST /segments`. SEGMENT_ALREADY_EXISTS when the key is taken; VALIDATION_FAILED names the path.
   */
  createSegment: Segment;
  /** Deletes a flag. FLAG_NOT_FOUND when there is no such flag. */
  deleteFlag: DeletedFlag;
  /**
   * Deletes a segment. SEGMENT_NOT_FOUND when there is none; SEGMENT_IN_USE (with `details.flags`) while a
   * flag's rules still name it.
   */
  deleteSegment: DeletedSegment;
  /**
   * Creates the segment, or replaces it when it exists (like `PUT /segments/{key}`). With
   * `expectedVersion` it must exist at that version (SEGMENT_NOT_FOUND, VERSION_MISMATCH).
   */
  replaceSegment: ReplaceSegmentResult;
  /** Creates the flag, or updates the fields given when it exists (like `POST /feature-flags`). */
  setFlag: SetFlagResult;
  /** Flips `isEnabled` in one environment. FLAG_NOT_FOUND when there is no such flag. */
  toggleFlag: Flag;
  /** Changes the fields given. FLAG_NOT_FOUND when there is no such flag. */
  updateFlag: Flag;
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationCreateEnvironmentArgs = {
  input: CreateEnvironmentInput;
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationCreateFlagArgs = {
  environment?: InputMaybe<Scalars['String']['input']>;
  input: CreateFlagInput;
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationCreateSegmentArgs = {
  segment: Scalars['JSON']['input'];
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationDeleteFlagArgs = {
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  key: Scalars['String']['input'];
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationDeleteSegmentArgs = {
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  key: Scalars['String']['input'];
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationReplaceSegmentArgs = {
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  key: Scalars['String']['input'];
  segment: Scalars['JSON']['input'];
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationSetFlagArgs = {
  environment?: InputMaybe<Scalars['String']['input']>;
  input: SetFlagInput;
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationToggleFlagArgs = {
  environment?: InputMaybe<Scalars['String']['input']>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  key: Scalars['String']['input'];
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationUpdateFlagArgs = {
  environment?: InputMaybe<Scalars['String']['input']>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  key: Scalars['String']['input'];
  patch: FlagPatch;
};

/** Reads, answered from this instance's in-memory view of the flags. */
export type Query = {
  __typename?: 'Query';
  /** Every environment, `production` included, sorted by key. */
  environments: Array<Environment>;
  /**
   * Evaluates a flag for a context, as OFREP and the client library do. Evaluation errors are answered
   * in the result (`reason` ERROR with an `errorCode`), never as GraphQL errors; an unknown or malformed
   * `environment` is VALIDATION_FAILED.
   */
  evaluate: Evaluation;
  /** The flag with this key, or null when there is none (VALIDATION_FAILED when the key is malformed). */
  flag?: Maybe<Flag>;
  /**
   * Every flag whose key starts with `prefix` (omitted, null or empty: every flag), sorted by key, as
   * the environment sees it.
   */
  flags: Array<Flag>;
  /** The segment with this key, or null when there is none (VALIDATION_FAILED when the key is malformed). */
  segment?: Maybe<Segment>;
  /** Every segment, sorted by key. */
  segments: Array<Segment>;
};


/** Reads, answered from this instance's in-memory view of the flags. */
export type QueryEvaluateArgs = {
  context: Scalars['JSON']['input'];
  environment?: InputMaybe<Scalars['String']['input']>;
  key: Scalars['String']['input'];
};


/** Reads, answered from this instance's in-memory view of the flags. */
export type QueryFlagArgs = {
  environment?: InputMaybe<Scalars['String']['input']>;
  key: Scalars['String']['input'];
};


/** Reads, answered from this instance's in-memory view of the flags. */
export type QueryFlagsArgs = {
  environment?: InputMaybe<Scalars['String']['input']>;
  prefix?: InputMaybe<Scalars['String']['input']>;
};


/** Reads, answered from this instance's in-memory view of the flags. */
export type QuerySegmentArgs = {
  key: Scalars['String']['input'];
};

/** The answer to `replaceSegment`: the segment as written, and whether it was created. */
export type ReplaceSegmentResult = {
  __typename?: 'ReplaceSegmentResult';
  /** True when the segment did not exist and was created. */
  created: Scalars['Boolean']['output'];
  /** The segment after the write. */
  segment: Segment;
};

/**
 * A named, reusable set of contexts, shared by every environment: a flag's rule matches it with a
 * `segmentMatch` clause. A context is in the segment when its `targetingKey` is not `excluded` (excluded
 * wins) and is `included`, or when any rule matches (rules are OR-ed; each is an AND of its clauses).
 */
export type Segment = {
  __typename?: 'Segment';
  /** When the segment was created: an ISO-8601 timestamp in UTC. */
  createdAt: Scalars['String']['output'];
  /**
   * The segment document (`key`, `description`, `included`, `excluded`, `rules`) with every default filled
   * in, exactly as `PUT /segments/{key}` takes it: what a client evaluates `segmentMatch` with.
   */
  definition: Scalars['JSON']['output'];
  /** Free text for humans (empty when not set). */
  description: Scalars['String']['output'];
  /** `targetingKey`s never in the segment: wins over `included` and the rules. */
  excluded: Array<Scalars['String']['output']>;
  /**
   * Stable identity for normalised caches (Apollo Client, urql's graphcache): the segment's key, which
   * never changes. With `__typename` it is unique.
   */
  id: Scalars['ID']['output'];
  /** `targetingKey`s always in the segment (unless excluded). */
  included: Array<Scalars['String']['output']>;
  /** The segment's key: 1 to 128 letters, digits, '.', '_', '-' or ':', starting with a letter or digit. */
  key: Scalars['String']['output'];
  /** The global revision of this segment's latest change (shared with flags). */
  revision: Scalars['Int']['output'];
  /** When the segment last changed: an ISO-8601 timestamp in UTC. */
  updatedAt: Scalars['String']['output'];
  /**
   * Starts at 1 and grows by one on every change to this segment. Pass it as `expectedVersion` to make a
   * write conditional.
   */
  version: Scalars['Int']['output'];
};

/** A create-or-update, like `POST /feature-flags`. */
export type SetFlagInput = {
  /** Free text for humans. Omit to keep the current value (empty on create); null is refused. */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Whether the feature is on. Omit to keep the current value (false on create); null is refused. */
  isEnabled?: InputMaybe<Scalars['Boolean']['input']>;
  /** The flag's key (see `Flag.key` for the allowed characters). */
  key: Scalars['String']['input'];
};

/** The answer to `setFlag`: the flag as written, and whether it was created. */
export type SetFlagResult = {
  __typename?: 'SetFlagResult';
  /** True when the flag did not exist and was created; false when an existing flag was updated. */
  created: Scalars['Boolean']['output'];
  /** The flag after the write. */
  flag: Flag;
};

/**
 * Live changes, over WebSocket (graphql-ws) at `/graphql`. A subscription starts with the next change:
 * read the current flags with `flags(prefix)` after it is live, and order by `revision`.
 */
export type Subscription = {
  __typename?: 'Subscription';
  /**
   * One event per change to a flag whose key starts with `prefix` (omitted, null or empty: every flag),
   * and one per change to any segment (the prefix does not apply to segments: any flag may use any
   * segment), in revision order. VALIDATION_FAILED when the prefix is malformed. A subscriber that falls too far
   * behind is cut off with SLOW_CONSUMER and should subscribe again and re-read the flags.
   */
  flagChanged: FlagChange;
};


/**
 * Live changes, over WebSocket (graphql-ws) at `/graphql`. A subscription starts with the next change:
 * read the current flags with `flags(prefix)` after it is live, and order by `revision`.
 */
export type SubscriptionFlagChangedArgs = {
  environment?: InputMaybe<Scalars['String']['input']>;
  prefix?: InputMaybe<Scalars['String']['input']>;
};



export type ResolverTypeWrapper<T> = Promise<T> | T;


export type ResolverWithResolve<TResult, TParent, TContext, TArgs> = {
  resolve: ResolverFn<TResult, TParent, TContext, TArgs>;
};
export type Resolver<TResult, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = ResolverFn<TResult, TParent, TContext, TArgs> | ResolverWithResolve<TResult, TParent, TContext, TArgs>;

export type ResolverFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => Promise<TResult> | TResult;

export type SubscriptionSubscribeFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => AsyncIterable<TResult> | Promise<AsyncIterable<TResult>>;

export type SubscriptionResolveFn<TResult, TParent, TContext, TArgs> = (
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;

export interface SubscriptionSubscriberObject<TResult, TKey extends string, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<{ [key in TKey]: TResult }, TParent, TContext, TArgs>;
  resolve?: SubscriptionResolveFn<TResult, { [key in TKey]: TResult }, TContext, TArgs>;
}

export interface SubscriptionResolverObject<TResult, TParent, TContext, TArgs> {
  subscribe: SubscriptionSubscribeFn<any, TParent, TContext, TArgs>;
  resolve: SubscriptionResolveFn<TResult, any, TContext, TArgs>;
}

export type SubscriptionObject<TResult, TKey extends string, TParent, TContext, TArgs> =
  | SubscriptionSubscriberObject<TResult, TKey, TParent, TContext, TArgs>
  | SubscriptionResolverObject<TResult, TParent, TContext, TArgs>;

export type SubscriptionResolver<TResult, TKey extends string, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> =
  | ((...args: any[]) => SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>)
  | SubscriptionObject<TResult, TKey, TParent, TContext, TArgs>;

export type TypeResolveFn<TTypes, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (
  parent: TParent,
  context: TContext,
  info: GraphQLResolveInfo
) => Maybe<TTypes> | Promise<Maybe<TTypes>>;

export type IsTypeOfResolverFn<T = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>> = (obj: T, context: TContext, info: GraphQLResolveInfo) => boolean | Promise<boolean>;

export type NextResolverFn<T> = () => Promise<T>;

export type DirectiveResolverFn<TResult = Record<PropertyKey, never>, TParent = Record<PropertyKey, never>, TContext = Record<PropertyKey, never>, TArgs = Record<PropertyKey, never>> = (
  next: NextResolverFn<TResult>,
  parent: TParent,
  args: TArgs,
  context: TContext,
  info: GraphQLResolveInfo
) => TResult | Promise<TResult>;





/** Mapping between all available schema types and the resolvers types */
export type ResolversTypes = {
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  ChangeEntity: ChangeEntity;
  CreateEnvironmentInput: CreateEnvironmentInput;
  CreateFlagInput: CreateFlagInput;
  DeletedFlag: ResolverTypeWrapper<DeletedFlagModel>;
  DeletedSegment: ResolverTypeWrapper<DeletedSegmentModel>;
  Environment: ResolverTypeWrapper<EnvironmentViewModel>;
  Evaluation: ResolverTypeWrapper<ServedEvaluationModel>;
  Flag: ResolverTypeWrapper<FlagViewModel>;
  FlagChange: ResolverTypeWrapper<ScopedFlagChangeModel>;
  FlagChangeKind: FlagChangeKind;
  FlagPatch: FlagPatch;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  ReplaceSegmentResult: ResolverTypeWrapper<Omit<ReplaceSegmentResult, 'segment'> & { segment: ResolversTypes['Segment'] }>;
  Segment: ResolverTypeWrapper<SegmentViewModel>;
  SetFlagInput: SetFlagInput;
  SetFlagResult: ResolverTypeWrapper<Omit<SetFlagResult, 'flag'> & { flag: ResolversTypes['Flag'] }>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  Boolean: Scalars['Boolean']['output'];
  CreateEnvironmentInput: CreateEnvironmentInput;
  CreateFlagInput: CreateFlagInput;
  DeletedFlag: DeletedFlagModel;
  DeletedSegment: DeletedSegmentModel;
  Environment: EnvironmentViewModel;
  Evaluation: ServedEvaluationModel;
  Flag: FlagViewModel;
  FlagChange: ScopedFlagChangeModel;
  FlagPatch: FlagPatch;
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  JSON: Scalars['JSON']['output'];
  Mutation: Record<PropertyKey, never>;
  Query: Record<PropertyKey, never>;
  ReplaceSegmentResult: Omit<ReplaceSegmentResult, 'segment'> & { segment: ResolversParentTypes['Segment'] };
  Segment: SegmentViewModel;
  SetFlagInput: SetFlagInput;
  SetFlagResult: Omit<SetFlagResult, 'flag'> & { flag: ResolversParentTypes['Flag'] };
  String: Scalars['String']['output'];
  Subscription: Record<PropertyKey, never>;
};

export type DeletedFlagResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['DeletedFlag'] = ResolversParentTypes['DeletedFlag']> = {
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  revision?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type DeletedSegmentResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['DeletedSegment'] = ResolversParentTypes['DeletedSegment']> = {
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  revision?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type EnvironmentResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Environment'] = ResolversParentTypes['Environment']> = {
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type EvaluationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Evaluation'] = ResolversParentTypes['Evaluation']> = {
  environment?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  errorCode?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  errorDetails?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  variant?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type FlagResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Flag'] = ResolversParentTypes['Flag']> = {
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  definition?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  isEnabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  revision?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type FlagChangeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['FlagChange'] = ResolversParentTypes['FlagChange']> = {
  entity?: Resolver<ResolversTypes['ChangeEntity'], ParentType, ContextType>;
  flag?: Resolver<Maybe<ResolversTypes['Flag']>, ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['FlagChangeKind'], ParentType, ContextType>;
  revision?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  segment?: Resolver<Maybe<ResolversTypes['Segment']>, ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export interface JsonScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSON'], any> {
  name: 'JSON';
}

export type MutationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  createEnvironment?: Resolver<ResolversTypes['Environment'], ParentType, ContextType, RequireFields<MutationCreateEnvironmentArgs, 'input'>>;
  createFlag?: Resolver<ResolversTypes['Flag'], ParentType, ContextType, RequireFields<MutationCreateFlagArgs, 'input'>>;
  createSegment?: Resolver<ResolversTypes['Segment'], ParentType, ContextType, RequireFields<MutationCreateSegmentArgs, 'segment'>>;
  deleteFlag?: Resolver<ResolversTypes['DeletedFlag'], ParentType, ContextType, RequireFields<MutationDeleteFlagArgs, 'key'>>;
  deleteSegment?: Resolver<ResolversTypes['DeletedSegment'], ParentType, ContextType, RequireFields<MutationDeleteSegmentArgs, 'key'>>;
  replaceSegment?: Resolver<ResolversTypes['ReplaceSegmentResult'], ParentType, ContextType, RequireFields<MutationReplaceSegmentArgs, 'key' | 'segment'>>;
  setFlag?: Resolver<ResolversTypes['SetFlagResult'], ParentType, ContextType, RequireFields<MutationSetFlagArgs, 'input'>>;
  toggleFlag?: Resolver<ResolversTypes['Flag'], ParentType, ContextType, RequireFields<MutationToggleFlagArgs, 'key'>>;
  updateFlag?: Resolver<ResolversTypes['Flag'], ParentType, ContextType, RequireFields<MutationUpdateFlagArgs, 'key' | 'patch'>>;
};

export type QueryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  environments?: Resolver<Array<ResolversTypes['Environment']>, ParentType, ContextType>;
  evaluate?: Resolver<ResolversTypes['Evaluation'], ParentType, ContextType, RequireFields<QueryEvaluateArgs, 'context' | 'key'>>;
  flag?: Resolver<Maybe<ResolversTypes['Flag']>, ParentType, ContextType, RequireFields<QueryFlagArgs, 'key'>>;
  flags?: Resolver<Array<ResolversTypes['Flag']>, ParentType, ContextType, Partial<QueryFlagsArgs>>;
  segment?: Resolver<Maybe<ResolversTypes['Segment']>, ParentType, ContextType, RequireFields<QuerySegmentArgs, 'key'>>;
  segments?: Resolver<Array<ResolversTypes['Segment']>, ParentType, ContextType>;
};

export type ReplaceSegmentResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ReplaceSegmentResult'] = ResolversParentTypes['ReplaceSegmentResult']> = {
  created?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  segment?: Resolver<ResolversTypes['Segment'], ParentType, ContextType>;
};

export type SegmentResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Segment'] = ResolversParentTypes['Segment']> = {
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  definition?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  excluded?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  included?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  revision?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type SetFlagResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SetFlagResult'] = ResolversParentTypes['SetFlagResult']> = {
  created?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  flag?: Resolver<ResolversTypes['Flag'], ParentType, ContextType>;
};

export type SubscriptionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  flagChanged?: SubscriptionResolver<ResolversTypes['FlagChange'], "flagChanged", ParentType, ContextType, Partial<SubscriptionFlagChangedArgs>>;
};

export type Resolvers<ContextType = GraphQLContext> = {
  DeletedFlag?: DeletedFlagResolvers<ContextType>;
  DeletedSegment?: DeletedSegmentResolvers<ContextType>;
  Environment?: EnvironmentResolvers<ContextType>;
  Evaluation?: EvaluationResolvers<ContextType>;
  Flag?: FlagResolvers<ContextType>;
  FlagChange?: FlagChangeResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  Mutation?: MutationResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  ReplaceSegmentResult?: ReplaceSegmentResultResolvers<ContextType>;
  Segment?: SegmentResolvers<ContextType>;
  SetFlagResult?: SetFlagResultResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
};

