import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { FlagView as FlagViewModel } from '../flags/flag-view.js';
import type { DeletedFlag as DeletedFlagModel } from '../flags/flag-service.js';
import type { ScopedFlagChange as ScopedFlagChangeModel } from './subscription-hub.js';
import type { EnvironmentView as EnvironmentViewModel } from '../flags/environment-service.js';
import type { ServedEvaluation as ServedEvaluationModel } from '../evaluation/flag-evaluator.js';
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

/** One committed change to one flag, as pushed by `flagChanged`. */
export type FlagChange = {
  __typename?: 'FlagChange';
  /** The flag after an UPSERT; null for a DELETE. */
  flag?: Maybe<Flag>;
  /** The key of the flag that changed. */
  key: Scalars['String']['output'];
  /** Whether the flag was written or deleted. */
  kind: FlagChangeKind;
  /**
   * The global revision of the change. Revisions only grow (with holes), so a subscriber that keeps the
   * highest one seen can order changes across flags and notice when it may have missed some.
   */
  revision: Scalars['Int']['output'];
  /** The flag's version after an UPSERT; for a DELETE, the version the flag had when it was deleted. */
  version: Scalars['Int']['output'];
};

/** What happened to a flag. */
export type FlagChangeKind =
  /** The flag was deleted; `FlagChange.flag` is null. */
  | 'DELETE'
  /** The flag was created or changed; `FlagChange.flag` holds it as it is now. */
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
  /** Deletes a flag. FLAG_NOT_FOUND when there is no such flag. */
  deleteFlag: DeletedFlag;
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
export type MutationDeleteFlagArgs = {
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  key: Scalars['String']['input'];
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
   * in revision order. VALIDATION_FAILED when the prefix is malformed. A subscriber that falls too far
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
  CreateEnvironmentInput: CreateEnvironmentInput;
  CreateFlagInput: CreateFlagInput;
  DeletedFlag: ResolverTypeWrapper<DeletedFlagModel>;
  Environment: ResolverTypeWrapper<EnvironmentViewModel>;
  Evaluation: ResolverTypeWrapper<ServedEvaluationModel>;
  Flag: ResolverTypeWrapper<FlagViewModel>;
  FlagChange: ResolverTypeWrapper<ScopedFlagChangeModel>;
  FlagChangeKind: FlagChangeKind;
  FlagPatch: FlagPatch;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
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
  Environment: EnvironmentViewModel;
  Evaluation: ServedEvaluationModel;
  Flag: FlagViewModel;
  FlagChange: ScopedFlagChangeModel;
  FlagPatch: FlagPatch;
  Int: Scalars['Int']['output'];
  JSON: Scalars['JSON']['output'];
  Mutation: Record<PropertyKey, never>;
  Query: Record<PropertyKey, never>;
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
  flag?: Resolver<Maybe<ResolversTypes['Flag']>, ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['FlagChangeKind'], ParentType, ContextType>;
  revision?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export interface JsonScalarConfig extends GraphQLScalarTypeConfig<ResolversTypes['JSON'], any> {
  name: 'JSON';
}

export type MutationResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Mutation'] = ResolversParentTypes['Mutation']> = {
  createEnvironment?: Resolver<ResolversTypes['Environment'], ParentType, ContextType, RequireFields<MutationCreateEnvironmentArgs, 'input'>>;
  createFlag?: Resolver<ResolversTypes['Flag'], ParentType, ContextType, RequireFields<MutationCreateFlagArgs, 'input'>>;
  deleteFlag?: Resolver<ResolversTypes['DeletedFlag'], ParentType, ContextType, RequireFields<MutationDeleteFlagArgs, 'key'>>;
  setFlag?: Resolver<ResolversTypes['SetFlagResult'], ParentType, ContextType, RequireFields<MutationSetFlagArgs, 'input'>>;
  toggleFlag?: Resolver<ResolversTypes['Flag'], ParentType, ContextType, RequireFields<MutationToggleFlagArgs, 'key'>>;
  updateFlag?: Resolver<ResolversTypes['Flag'], ParentType, ContextType, RequireFields<MutationUpdateFlagArgs, 'key' | 'patch'>>;
};

export type QueryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  environments?: Resolver<Array<ResolversTypes['Environment']>, ParentType, ContextType>;
  evaluate?: Resolver<ResolversTypes['Evaluation'], ParentType, ContextType, RequireFields<QueryEvaluateArgs, 'context' | 'key'>>;
  flag?: Resolver<Maybe<ResolversTypes['Flag']>, ParentType, ContextType, RequireFields<QueryFlagArgs, 'key'>>;
  flags?: Resolver<Array<ResolversTypes['Flag']>, ParentType, ContextType, Partial<QueryFlagsArgs>>;
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
  Environment?: EnvironmentResolvers<ContextType>;
  Evaluation?: EvaluationResolvers<ContextType>;
  Flag?: FlagResolvers<ContextType>;
  FlagChange?: FlagChangeResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  Mutation?: MutationResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  SetFlagResult?: SetFlagResultResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
};

