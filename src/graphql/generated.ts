import type { GraphQLResolveInfo, GraphQLScalarType, GraphQLScalarTypeConfig } from 'graphql';
import type { FlagView as FlagViewModel } from '../flags/flag-view.js';
import type { DeletedFlag as DeletedFlagModel } from '../flags/flag-service.js';
import type { ScopedFlagChange as ScopedFlagChangeModel } from './subscription-hub.js';
import type { EnvironmentView as EnvironmentViewModel } from '../flags/environment-service.js';
import type { ServedEvaluation as ServedEvaluationModel } from '../evaluation/flag-evaluator.js';
import type { SegmentView as SegmentViewModel } from '../flags/segment-view.js';
import type { DeletedSegment as DeletedSegmentModel } from '../flags/segment-service.js';
import type { AuditEntryView as AuditEntryViewModel } from '../audit/audit-view.js';
import type { DiffOp as DiffOpModel } from '../audit/audit-diff.js';
import type { AuditState as AuditStateModel } from '../audit/audit-entry.js';
import type { Promotion as PromotionModel, PromotedFlag as PromotedFlagModel } from '../flags/promotion-service.js';
import type { VariantPart as VariantPartModel, EnvironmentPart as EnvironmentPartModel, RulePart as RulePartModel } from './flag-parts.js';
import type { Clause as ClauseModel, Serve as ServeModel, Rollout as RolloutModel, WeightedVariant as WeightedVariantModel, Target as TargetModel, Prerequisite as PrerequisiteModel, Decision as DecisionModel, RolloutDecision as RolloutDecisionModel } from '@flagwire/core';
import type { FailedPrerequisite as FailedPrerequisiteModel } from '../evaluation/decision.js';
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

/**
 * What a change did. Flags: CREATE, UPDATE (`isEnabled`/`description` through the seed's writes), REPLACE
 * (a whole definition), TOGGLE, SET_RULES, SET_ROLLOUT, DELETE, PROMOTE (copied from another environment);
 * SEGMENT_CREATE, SEGMENT_REPLACE, SEGMENT_DELETE; ENVIRONMENT_CREATE, ENVIRONMENT_UPDATE (its description).
 */
export type AuditAction =
  | 'CREATE'
  | 'DELETE'
  | 'ENVIRONMENT_CREATE'
  | 'ENVIRONMENT_UPDATE'
  | 'PROMOTE'
  | 'REPLACE'
  | 'SEGMENT_CREATE'
  | 'SEGMENT_DELETE'
  | 'SEGMENT_REPLACE'
  | 'SET_ROLLOUT'
  | 'SET_RULES'
  | 'TOGGLE'
  | 'UPDATE';

/** One page of the audit history. */
export type AuditConnection = {
  __typename?: 'AuditConnection';
  edges: Array<AuditEdge>;
  pageInfo: AuditPageInfo;
  /**
   * True when the page ends at the retention horizon rather than at the start of history: older entries
   * matching the filter may have been purged.
   */
  truncated: Scalars['Boolean']['output'];
};

/**
 * One difference: `path` is a JSON Pointer into the definition before the change (REMOVE, REPLACE) or after
 * it (ADD); `""` is the whole definition.
 */
export type AuditDiff = {
  __typename?: 'AuditDiff';
  /** The value after (ADD, REPLACE). */
  after?: Maybe<Scalars['JSON']['output']>;
  /** The value before (REMOVE, REPLACE). */
  before?: Maybe<Scalars['JSON']['output']>;
  op: AuditDiffOp;
  path: Scalars['String']['output'];
};

export type AuditDiffOp =
  | 'ADD'
  | 'REMOVE'
  | 'REPLACE';

export type AuditEdge = {
  __typename?: 'AuditEdge';
  /** Pass as `after` to continue after this entry. */
  cursor: Scalars['String']['output'];
  node: AuditEntry;
};

/** What an audit entry records a change of. */
export type AuditEntity =
  | 'ENVIRONMENT'
  | 'FLAG'
  | 'SEGMENT';

/** One committed change, exactly: there is an entry for a revision if and only if a change committed at it. */
export type AuditEntry = {
  __typename?: 'AuditEntry';
  action: AuditAction;
  /** The name of the token that wrote it (`anonymous` with open access). */
  actor: Scalars['String']['output'];
  /** The record after the change; null for a delete. */
  after?: Maybe<AuditState>;
  /** When it committed: an ISO-8601 timestamp in UTC. */
  at: Scalars['String']['output'];
  /** The record before the change; null for a create. */
  before?: Maybe<AuditState>;
  /** The writer's comment (`comment` argument, `Flagwire-Comment` header); null when none was given. */
  comment?: Maybe<Scalars['String']['output']>;
  /** What changed in the definition, path by path (JSON Pointers). */
  diff: Array<AuditDiff>;
  entity: AuditEntity;
  /**
   * The environments the change concerns: the one a write addressed, else those whose configuration
   * changed; none for a segment (shared by all).
   */
  environments: Array<Scalars['String']['output']>;
  /** PROMOTE: the environment the configuration was copied from (`environments` holds the target); else null. */
  from?: Maybe<Scalars['String']['output']>;
  /** The entry's identity for normalised caches: its revision. */
  id: Scalars['ID']['output'];
  /** The flag's, segment's or environment's key. */
  key: Scalars['String']['output'];
  /** The change's global revision. */
  revision: Scalars['Int']['output'];
};

/** Which audit entries to read; every field given must hold. Bounds are inclusive. */
export type AuditFilter = {
  /** Entries with any of these actions. */
  actions?: InputMaybe<Array<AuditAction>>;
  /** Entries written by this token name. */
  actor?: InputMaybe<Scalars['String']['input']>;
  /** Entries of one kind of record. */
  entity?: InputMaybe<AuditEntity>;
  /** Entries that concern this environment. */
  environment?: InputMaybe<Scalars['String']['input']>;
  /** One flag's history (its key). */
  flag?: InputMaybe<Scalars['String']['input']>;
  /** One segment's history (its key). */
  segment?: InputMaybe<Scalars['String']['input']>;
  /** From this time on: ISO-8601, a date or a date-time with its offset. */
  since?: InputMaybe<Scalars['String']['input']>;
  /** From this revision on. */
  sinceRevision?: InputMaybe<Scalars['Int']['input']>;
  /** Up to this time: ISO-8601, a date or a date-time with its offset. */
  until?: InputMaybe<Scalars['String']['input']>;
  /** Up to this revision. */
  untilRevision?: InputMaybe<Scalars['Int']['input']>;
};

export type AuditPageInfo = {
  __typename?: 'AuditPageInfo';
  /** The cursor of the last edge; null on an empty page. */
  endCursor?: Maybe<Scalars['String']['output']>;
  hasNextPage: Scalars['Boolean']['output'];
};

/** A record as one side of a change. */
export type AuditState = {
  __typename?: 'AuditState';
  /** The definition (flag document, segment or environment) as it was. */
  definition: Scalars['JSON']['output'];
  version: Scalars['Int']['output'];
};

/** What a change is to. */
export type ChangeEntity =
  /** A flag: `FlagChange.flag` holds it after an UPSERT. */
  | 'FLAG'
  /** A segment: `FlagChange.segment` holds it after an UPSERT; `flag` is always null. */
  | 'SEGMENT';

/** One condition on the evaluation context. */
export type Clause = {
  __typename?: 'Clause';
  /** The context attribute compared; null for `segmentMatch`. */
  attribute?: Maybe<Scalars['String']['output']>;
  /** Inverts this clause's result. */
  negate: Scalars['Boolean']['output'];
  op: ClauseOperator;
  /** Strings or numbers; any one matching is enough (segment keys for `segmentMatch`). */
  values: Array<Scalars['JSON']['output']>;
};

/** Clause operators (spelled as in the flag document). */
export type ClauseOperator =
  | 'after'
  | 'before'
  | 'contains'
  | 'endsWith'
  | 'exists'
  | 'gt'
  | 'gte'
  | 'in'
  | 'lt'
  | 'lte'
  | 'matches'
  | 'notIn'
  | 'segmentMatch'
  | 'semverEq'
  | 'semverGt'
  | 'semverLt'
  | 'startsWith';

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

/** Which part of a flag decided an evaluation (the evaluator's own account: `Decision` in @flagwire/core). */
export type DecisionKind =
  /** The flag is off in this environment: `offVariant`. */
  | 'DISABLED'
  /** The flag has no configuration in this environment. */
  | 'ENVIRONMENT_NOT_CONFIGURED'
  /** No target or rule matched: the fallthrough served. */
  | 'FALLTHROUGH'
  /** No such flag. */
  | 'FLAG_NOT_FOUND'
  /** A prerequisite did not serve one of its required variants: `offVariant` (see `prerequisite`). */
  | 'PREREQUISITE'
  /** A rule matched (`index` in `FlagEnvironment.rules`, `ruleId` when the rule has an `id`). */
  | 'RULE'
  /** The context's `targetingKey` is in the individual targets (`index` in `FlagEnvironment.targets`). */
  | 'TARGET';

/** What is left of a flag after `deleteFlag`. */
export type DeletedFlag = {
  __typename?: 'DeletedFlag';
  /** The key of the deleted flag. */
  key: Scalars['String']['output'];
  /**
   * Every read, as it is after the delete. Select the lists your cache holds here (`query { flags { id } }`):
   * Apollo Client and urql normalise `__typename: "Query"` into their root query, so the cached list drops
   * the flag with no eviction and no configuration.
   */
  query: Query;
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
  /** The revision of the state evaluated, when asked with `asOf`; null for the current state asked without. */
  asOfRevision?: Maybe<Scalars['Int']['output']>;
  /**
   * What decided: the individual target, the rule (and, for a rollout, the bucket drawn), the fallthrough,
   * the prerequisite that failed. Null when the evaluation ended before the flag was read (INVALID_CONTEXT,
   * GENERAL).
   */
  decision?: Maybe<EvaluationDecision>;
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

/** What decided an evaluation, for explaining it (the console's playground). */
export type EvaluationDecision = {
  __typename?: 'EvaluationDecision';
  /** TARGET: the target's index; RULE: the rule's index; PREREQUISITE: the prerequisite's index (0-based). */
  index?: Maybe<Scalars['Int']['output']>;
  kind: DecisionKind;
  /** PREREQUISITE: the prerequisite that failed. */
  prerequisite?: Maybe<FailedPrerequisite>;
  /** A rule or fallthrough that served a rollout: where the context landed. */
  rollout?: Maybe<RolloutDraw>;
  /** RULE: the rule's `id`, when it has one. */
  ruleId?: Maybe<Scalars['String']['output']>;
};

/** A flag's version as a promotion's preview showed it. */
export type ExpectedVersion = {
  /** The flag's key. */
  key: Scalars['String']['input'];
  /** Its `version` in the preview. */
  version: Scalars['Int']['input'];
};

/** A prerequisite that did not let the flag go on. */
export type FailedPrerequisite = {
  __typename?: 'FailedPrerequisite';
  /** The prerequisite flag's key. */
  flag: Scalars['String']['output'];
  /** Why it served that (its evaluation's reason). */
  reason: Scalars['String']['output'];
  /** What it served instead; null when it served none. */
  served?: Maybe<Scalars['String']['output']>;
  /** The variants it was required to serve. */
  variants: Array<Scalars['String']['output']>;
};

/**
 * A feature flag. Normalised caches need no configuration: every object type with an identity has an `id`
 * (here the key), so Apollo Client's InMemoryCache and urql's graphcache update a cached flag from any
 * mutation result or subscription event that selects it.
 */
export type Flag = {
  __typename?: 'Flag';
  /** When the flag was created: an ISO-8601 timestamp in UTC, e.g. `2025-01-31T12:00:00.000Z`. */
  createdAt: Scalars['String']['output'];
  /**
   * The flag document (type, variants, and per environment: enabled, offVariant, prerequisites, targets,
   * rules, fallthrough) with every default filled in: what a client evaluates locally. Admins reading
   * without an environment see every environment; a reader bound to one environment sees only it.
   * The typed fields below (`type`, `variants`, `tags`, `environments`) are this document, field by field.
   */
  definition: Scalars['JSON']['output'];
  /** Free text for humans (at most 1000 characters; empty when not set). */
  description: Scalars['String']['output'];
  /** The flag's decision per environment (those this reader may see), in the document's order. */
  environments: Array<FlagEnvironment>;
  /**
   * The flag's identity for normalised caches: its key when read for every environment, `key@environment`
   * when read in one (the two show `isEnabled` and `environments` differently, so a cache holding both
   * keeps two objects).
   */
  id: Scalars['ID']['output'];
  /** Whether the feature is on. */
  isEnabled: Scalars['Boolean']['output'];
  /** Unique key: 1 to 128 letters, digits, '.', '_', '-' or ':', starting with a letter or digit. */
  key: Scalars['String']['output'];
  /**
   * The global revision of this flag's latest change: shared by every flag, it only grows (it may have
   * holes), so it orders changes across flags.
   */
  revision: Scalars['Int']['output'];
  /** Free labels for humans and tooling. */
  tags: Array<Scalars['String']['output']>;
  /** The type every variant's value has. */
  type: FlagType;
  /** When the flag last changed: an ISO-8601 timestamp in UTC, e.g. `2025-01-31T12:00:00.000Z`. */
  updatedAt: Scalars['String']['output'];
  /** The values the flag can serve, in the document's order. */
  variants: Array<Variant>;
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
   * Every read, as this instance has it when the event is sent (at or after this change). Select the
   * lists your cache holds here (`query { flags { id } }`) and the cached list follows creates and deletes
   * made anywhere (REST included) with no configuration. It costs a listing per event: select it only
   * where a cache keeps the list.
   */
  query: Query;
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

/** A flag's decision in one environment (the document's `environments.<key>`). */
export type FlagEnvironment = {
  __typename?: 'FlagEnvironment';
  /** When false, every evaluation serves `offVariant` (reason DISABLED). */
  enabled: Scalars['Boolean']['output'];
  /** The environment's key, e.g. `production`. */
  environment: Scalars['String']['output'];
  /** What is served when no target or rule matched. */
  fallthrough: Serve;
  /** `<flag key>/<environment key>`. */
  id: Scalars['ID']['output'];
  /** Served when disabled or when a prerequisite fails. */
  offVariant: Scalars['String']['output'];
  /** Flags that must serve one of the listed variants first. */
  prerequisites: Array<Prerequisite>;
  /** In order: the first rule whose clauses all match decides. */
  rules: Array<Rule>;
  /** Individual targeting by `targetingKey`, checked before the rules. */
  targets: Array<Target>;
};

/** The fields to change on a flag: give at least one. Omitted fields keep their value; null is refused. */
export type FlagPatch = {
  /** Free text for humans (at most 1000 characters). */
  description?: InputMaybe<Scalars['String']['input']>;
  /** Whether the feature is on. */
  isEnabled?: InputMaybe<Scalars['Boolean']['input']>;
};

/** The type of a flag's values (the document's `type`). */
export type FlagType =
  | 'boolean'
  | 'number'
  | 'object'
  | 'string';

/** Where a read with `asOf` lands in the history (`historyPoint`). */
export type HistoryPoint = {
  __typename?: 'HistoryPoint';
  /** True when `asOf` is at or after this instance's current revision: the reads answer the current state. */
  live: Scalars['Boolean']['output'];
  /** The revision the state read is exact at: right after the change with that revision (or the last before it). */
  revision: Scalars['Int']['output'];
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
   * Copies flags' configuration from one environment to another: everything under `environments.<from>`
   * replaces `environments.<to>`, for the flags named in `flags` or every flag under `prefix` (exactly one;
   * at most 500 flags). With `dryRun: true` nothing is written: each flag's status, diff and version is the
   * preview. Applying needs `expectedVersions`: every flag that would change must still be at the version
   * given (VERSION_MISMATCH naming it otherwise, nothing written). Each changed flag is one version-guarded
   * write with its own audit entry (PROMOTE, environment `to`, `from`); a flag already equal records
   * nothing. A writer slipping in between the check and a flag's write stops the promotion at that flag
   * (VERSION_MISMATCH, `extensions.promoted` lists the flags already written). Admin tokens only.
   * ENVIRONMENT_NOT_FOUND for an unknown environment, FLAG_NOT_FOUND for an unknown flag.
   */
  promote: Promotion;
  /**
   * Writes a whole flag document, like `PUT /feature-flags/{key}`: creates the flag when it is absent
   * (unless `expectedVersion` is given), else replaces it. A document that cannot be evaluated is refused
   * with VALIDATION_FAILED, `extensions.details.field` naming the first refused path.
   */
  replaceFlag: ReplaceFlagResult;
  /**
   * Creates the segment, or replaces it when it exists (like `PUT /segments/{key}`). With
   * `expectedVersion` it must exist at that version (SEGMENT_NOT_FOUND, VERSION_MISMATCH).
   */
  replaceSegment: ReplaceSegmentResult;
  /** Creates the flag, or updates the fields given when it exists (like `POST /feature-flags`). */
  setFlag: SetFlagResult;
  /**
   * Serves a percentage rollout from one rule (`ruleId`, see `Rule.ruleId`) or, when `ruleId` is omitted
   * or null, from the fallthrough. Validated like `replaceFlag` (weights, variants). FLAG_NOT_FOUND when
   * there is no such flag; VALIDATION_FAILED with `details.field` `ruleId` when there is no such rule.
   */
  setRollout: Flag;
  /**
   * Replaces the rules of the flag in `environment` (a JSON array of rules, as in the flag document). The
   * resulting document is validated like `replaceFlag`'s: VALIDATION_FAILED names the path, e.g.
   * `environments.production.rules[0].serve.variant`. FLAG_NOT_FOUND when there is no such flag.
   */
  setRules: Flag;
  /** Flips `isEnabled` in one environment. FLAG_NOT_FOUND when there is no such flag. */
  toggleFlag: Flag;
  /**
   * Changes an environment's description (its key never changes). ENVIRONMENT_NOT_FOUND when there is
   * none; VALIDATION_FAILED for a description over 1000 characters.
   */
  updateEnvironment: Environment;
  /** Changes the fields given. FLAG_NOT_FOUND when there is no such flag. */
  updateFlag: Flag;
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationCreateEnvironmentArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  input: CreateEnvironmentInput;
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationCreateFlagArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  environment?: InputMaybe<Scalars['String']['input']>;
  input: CreateFlagInput;
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationCreateSegmentArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  segment: Scalars['JSON']['input'];
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationDeleteFlagArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  key: Scalars['String']['input'];
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationDeleteSegmentArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  key: Scalars['String']['input'];
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationPromoteArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  dryRun?: InputMaybe<Scalars['Boolean']['input']>;
  expectedVersions?: InputMaybe<Array<ExpectedVersion>>;
  flags?: InputMaybe<Array<Scalars['String']['input']>>;
  from: Scalars['String']['input'];
  prefix?: InputMaybe<Scalars['String']['input']>;
  to: Scalars['String']['input'];
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationReplaceFlagArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  definition: Scalars['JSON']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  key: Scalars['String']['input'];
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationReplaceSegmentArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  key: Scalars['String']['input'];
  segment: Scalars['JSON']['input'];
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationSetFlagArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  environment?: InputMaybe<Scalars['String']['input']>;
  input: SetFlagInput;
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationSetRolloutArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  environment: Scalars['String']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  key: Scalars['String']['input'];
  rollout: RolloutInput;
  ruleId?: InputMaybe<Scalars['String']['input']>;
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationSetRulesArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  environment: Scalars['String']['input'];
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  key: Scalars['String']['input'];
  rules: Scalars['JSON']['input'];
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationToggleFlagArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  environment?: InputMaybe<Scalars['String']['input']>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  key: Scalars['String']['input'];
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationUpdateEnvironmentArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  input: UpdateEnvironmentInput;
  key: Scalars['String']['input'];
};


/**
 * Writes. Those taking `expectedVersion` apply only while the flag is still at that version and fail with
 * VERSION_MISMATCH (changing nothing) otherwise; omitted or null means no precondition.
 */
export type MutationUpdateFlagArgs = {
  comment?: InputMaybe<Scalars['String']['input']>;
  environment?: InputMaybe<Scalars['String']['input']>;
  expectedVersion?: InputMaybe<Scalars['Int']['input']>;
  key: Scalars['String']['input'];
  patch: FlagPatch;
};

/** A flag that must serve one of `variants` for this flag to be evaluated further. */
export type Prerequisite = {
  __typename?: 'Prerequisite';
  /** The prerequisite flag's key. */
  flag: Scalars['String']['output'];
  /** The variants of that flag that let this one go on. */
  variants: Array<Scalars['String']['output']>;
};

/** One flag of a promotion. */
export type PromotedFlag = {
  __typename?: 'PromotedFlag';
  /** What changes (would change) in the flag's document: JSON Pointers, as the audit history shows them. */
  diff: Array<AuditDiff>;
  /** The flag: as it is (a dry run, or not written), or as written. */
  flag: Flag;
  /** The flag's key. */
  key: Scalars['String']['output'];
  /** The revision of the promotion's write: applied and CHANGED only; else null. */
  revision?: Maybe<Scalars['Int']['output']>;
  status: PromotionStatus;
  /**
   * The flag's version: as it is (a dry run, or a flag not written; pass it back in `expectedVersions`), or
   * after the promotion's write.
   */
  version: Scalars['Int']['output'];
};

/** The answer to `promote`: per flag, sorted by key. */
export type Promotion = {
  __typename?: 'Promotion';
  dryRun: Scalars['Boolean']['output'];
  flags: Array<PromotedFlag>;
  from: Scalars['String']['output'];
  to: Scalars['String']['output'];
};

/** What a promotion does (or, in a dry run, would do) to one flag. */
export type PromotionStatus =
  /** The target's configuration differs from the source's: it is (would be) replaced by a copy. */
  | 'CHANGED'
  /** The flag has no configuration in the source environment: nothing to copy, the target keeps its own. */
  | 'NOT_IN_SOURCE'
  /** The target's configuration already equals the source's: nothing is written. */
  | 'UNCHANGED';

/** Reads, answered from this instance's in-memory view of the flags. */
export type Query = {
  __typename?: 'Query';
  /**
   * The audit history: one entry per committed change to a flag, segment or environment, newest first,
   * as a connection (`first` 1 to 500, default 50; `after` is a previous page's `pageInfo.endCursor` or an
   * edge's `cursor`, with the same filter). Admin tokens only (FORBIDDEN otherwise). A cursor that
   * retention has overtaken answers an empty page with `truncated: true`.
   */
  auditLog: AuditConnection;
  /** Every environment, `production` included, sorted by key. */
  environments: Array<Environment>;
  /**
   * Evaluates a flag for a context, as OFREP and the client library do. Evaluation errors are answered
   * in the result (`reason` ERROR with an `errorCode`), never as GraphQL errors. The environment follows
   * the rule of reads: a token bound to one evaluates there (asking for another is FORBIDDEN); an unknown
   * `environment` is ENVIRONMENT_NOT_FOUND, a malformed one VALIDATION_FAILED.
   */
  evaluate: Evaluation;
  /**
   * Every flag whose key starts with `prefix` (omitted, null or empty: every flag) evaluated for one
   * context, sorted by key: `evaluate` for each, in one request (the console's playground). The environment
   * follows the rule of `evaluate`.
   */
  evaluateAll: Array<Evaluation>;
  /** The flag with this key, or null when there is none (VALIDATION_FAILED when the key is malformed). */
  flag?: Maybe<Flag>;
  /**
   * Every flag whose key starts with `prefix` (omitted, null or empty: every flag), sorted by key, as
   * the environment sees it.
   */
  flags: Array<Flag>;
  /**
   * Where a read with this `asOf` lands: the revision it answers for, and whether that is the current state.
   * Asked in the same request as the reads, it answers for the same revision they do.
   */
  historyPoint: HistoryPoint;
  /**
   * The environment this caller's reads are served in when they name none: its token's (a plain client
   * token's is `production`); null for an admin or an open service, which read every environment at once.
   * A client evaluating locally without an environment of its own evaluates in this one.
   */
  readEnvironment?: Maybe<Scalars['String']['output']>;
  /** The segment with this key, or null when there is none (VALIDATION_FAILED when the key is malformed). */
  segment?: Maybe<Segment>;
  /** Every segment, sorted by key. */
  segments: Array<Segment>;
  /** Who is asking: whether this token may write, and the environment it is bound to. */
  viewer: Viewer;
};


/** Reads, answered from this instance's in-memory view of the flags. */
export type QueryAuditLogArgs = {
  after?: InputMaybe<Scalars['String']['input']>;
  filter?: InputMaybe<AuditFilter>;
  first?: InputMaybe<Scalars['Int']['input']>;
};


/** Reads, answered from this instance's in-memory view of the flags. */
export type QueryEnvironmentsArgs = {
  asOf?: InputMaybe<Scalars['String']['input']>;
};


/** Reads, answered from this instance's in-memory view of the flags. */
export type QueryEvaluateArgs = {
  asOf?: InputMaybe<Scalars['String']['input']>;
  context: Scalars['JSON']['input'];
  environment?: InputMaybe<Scalars['String']['input']>;
  key: Scalars['String']['input'];
};


/** Reads, answered from this instance's in-memory view of the flags. */
export type QueryEvaluateAllArgs = {
  asOf?: InputMaybe<Scalars['String']['input']>;
  context: Scalars['JSON']['input'];
  environment?: InputMaybe<Scalars['String']['input']>;
  prefix?: InputMaybe<Scalars['String']['input']>;
};


/** Reads, answered from this instance's in-memory view of the flags. */
export type QueryFlagArgs = {
  asOf?: InputMaybe<Scalars['String']['input']>;
  environment?: InputMaybe<Scalars['String']['input']>;
  key: Scalars['String']['input'];
};


/** Reads, answered from this instance's in-memory view of the flags. */
export type QueryFlagsArgs = {
  asOf?: InputMaybe<Scalars['String']['input']>;
  environment?: InputMaybe<Scalars['String']['input']>;
  prefix?: InputMaybe<Scalars['String']['input']>;
};


/** Reads, answered from this instance's in-memory view of the flags. */
export type QueryHistoryPointArgs = {
  asOf: Scalars['String']['input'];
};


/** Reads, answered from this instance's in-memory view of the flags. */
export type QuerySegmentArgs = {
  asOf?: InputMaybe<Scalars['String']['input']>;
  key: Scalars['String']['input'];
};


/** Reads, answered from this instance's in-memory view of the flags. */
export type QuerySegmentsArgs = {
  asOf?: InputMaybe<Scalars['String']['input']>;
};

/** The answer to `replaceFlag`: the flag as written, and whether it was created. */
export type ReplaceFlagResult = {
  __typename?: 'ReplaceFlagResult';
  /** True when the flag did not exist and was created. */
  created: Scalars['Boolean']['output'];
  /** The flag after the write. */
  flag: Flag;
  /** Every read, as it is after the write: select `query { flags { id } }` so a cached list gains a new flag. */
  query: Query;
};

/** The answer to `replaceSegment`: the segment as written, and whether it was created. */
export type ReplaceSegmentResult = {
  __typename?: 'ReplaceSegmentResult';
  /** True when the segment did not exist and was created. */
  created: Scalars['Boolean']['output'];
  /** The segment after the write. */
  segment: Segment;
};

/** A percentage rollout, bucketed like flagd's `fractional` (v2). */
export type Rollout = {
  __typename?: 'Rollout';
  /** The context attribute hashed; null means `targetingKey`. */
  bucketBy?: Maybe<Scalars['String']['output']>;
  /** Prepended to the hashed value; null means the flag's key. */
  seed?: Maybe<Scalars['String']['output']>;
  /** In order; the order decides the buckets. */
  weights: Array<Weight>;
};

/**
 * A rollout's draw for one context (flagd's fractional v2): `hash` = murmur3(`seed` + the `bucketBy`
 * attribute's value), `bucket` = floor(hash × totalWeight / 2^32), and the context gets the first weight
 * whose running total exceeds `bucket`.
 */
export type RolloutDraw = {
  __typename?: 'RolloutDraw';
  /** 0 to totalWeight - 1. */
  bucket: Scalars['Int']['output'];
  /** The context attribute hashed. */
  bucketBy: Scalars['String']['output'];
  /** The unsigned 32-bit hash (a Float: it may pass 2^31). */
  hash: Scalars['Float']['output'];
  /** The index of the chosen entry in the rollout's weights. */
  index: Scalars['Int']['output'];
  /** Prepended to the value before hashing. */
  seed: Scalars['String']['output'];
  /** The rollout's weights added up. */
  totalWeight: Scalars['Int']['output'];
};

/** A percentage rollout for `setRollout`. */
export type RolloutInput = {
  /** The context attribute hashed; omitted or null: `targetingKey`. */
  bucketBy?: InputMaybe<Scalars['String']['input']>;
  /** Prepended to the hashed value; omitted or null: the flag's key. */
  seed?: InputMaybe<Scalars['String']['input']>;
  /** In order: keep the order when changing percentages, so users stay in their buckets. */
  weights: Array<WeightInput>;
};

/** A targeting rule: when all its clauses match, it serves `serve`. */
export type Rule = {
  __typename?: 'Rule';
  /** All must match (AND). */
  clauses: Array<Clause>;
  description?: Maybe<Scalars['String']['output']>;
  /**
   * Its identity for normalised caches: `<flag key>/<environment>/id:<rule id>` for a rule with an `id` in
   * the document, `<flag key>/<environment>/#<position>` (0-based) for one without.
   */
  id: Scalars['ID']['output'];
  /** The document's `id`; null when the rule has none. */
  name?: Maybe<Scalars['String']['output']>;
  /**
   * How mutations address this rule (`setRollout`'s `ruleId`): the document's `id` when it has one, else
   * `#<position>` (0-based), which follows the rule only while the rules before it stay. Give rules an `id`
   * to address them for good.
   */
  ruleId: Scalars['String']['output'];
  serve: Serve;
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

/** What a rule or the fallthrough serves: exactly one of `variant` and `rollout` is set. */
export type Serve = {
  __typename?: 'Serve';
  /** A percentage rollout. */
  rollout?: Maybe<Rollout>;
  /** One variant for everyone. */
  variant?: Maybe<Scalars['String']['output']>;
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
  /** Every read, as it is after the write: select `query { flags { id } }` so a cached list gains a new flag. */
  query: Query;
};

/**
 * Live changes, over WebSocket (graphql-ws) at `/graphql`. A subscription starts with the next change:
 * read the current flags with `flags(prefix)` after it is live, and order by `revision`.
 */
export type Subscription = {
  __typename?: 'Subscription';
  /**
   * One event per new audit entry matching `filter`, on whichever instance the change was made, starting
   * with the next change. In revision order, except that an entry whose change reached this instance late
   * is still delivered (after later ones). Admin tokens only (FORBIDDEN otherwise).
   */
  auditEntryAdded: AuditEntry;
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
export type SubscriptionAuditEntryAddedArgs = {
  filter?: InputMaybe<AuditFilter>;
};


/**
 * Live changes, over WebSocket (graphql-ws) at `/graphql`. A subscription starts with the next change:
 * read the current flags with `flags(prefix)` after it is live, and order by `revision`.
 */
export type SubscriptionFlagChangedArgs = {
  environment?: InputMaybe<Scalars['String']['input']>;
  prefix?: InputMaybe<Scalars['String']['input']>;
};

/** Contexts whose `targetingKey` is one of `values` get `variant`. */
export type Target = {
  __typename?: 'Target';
  values: Array<Scalars['String']['output']>;
  variant: Scalars['String']['output'];
};

/** The fields of an environment to change. */
export type UpdateEnvironmentInput = {
  /** Free text for humans (at most 1000 characters). */
  description: Scalars['String']['input'];
};

/** One value a flag can serve. */
export type Variant = {
  __typename?: 'Variant';
  /** `<flag key>/variants/<name>`. */
  id: Scalars['ID']['output'];
  /** The variant's name, as rules, targets and evaluation results name it. */
  name: Scalars['String']['output'];
  /** The value, of the flag's `type`. */
  value?: Maybe<Scalars['JSON']['output']>;
};

/**
 * Who is asking, as the service sees their token: what a user interface shows and enables (the admin
 * console signs in with it).
 */
export type Viewer = {
  __typename?: 'Viewer';
  /** True when this token may change flags: an admin token, or anyone on a service without tokens. */
  canWrite: Scalars['Boolean']['output'];
  /** The environment this token is bound to (a client token's); null for admins and an open service. */
  environment?: Maybe<Scalars['String']['output']>;
  /** True when the service has no tokens configured: everyone is admin (development only). */
  openAccess: Scalars['Boolean']['output'];
};

/** One variant's share of a rollout. */
export type Weight = {
  __typename?: 'Weight';
  variant: Scalars['String']['output'];
  /** An integer; shares are weight / total of the rollout's weights. */
  weight: Scalars['Int']['output'];
};

/** One variant's share of a rollout. */
export type WeightInput = {
  variant: Scalars['String']['input'];
  weight: Scalars['Int']['input'];
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
  AuditAction: AuditAction;
  AuditConnection: ResolverTypeWrapper<Omit<AuditConnection, 'edges'> & { edges: Array<ResolversTypes['AuditEdge']> }>;
  AuditDiff: ResolverTypeWrapper<DiffOpModel>;
  AuditDiffOp: AuditDiffOp;
  AuditEdge: ResolverTypeWrapper<Omit<AuditEdge, 'node'> & { node: ResolversTypes['AuditEntry'] }>;
  AuditEntity: AuditEntity;
  AuditEntry: ResolverTypeWrapper<AuditEntryViewModel>;
  AuditFilter: AuditFilter;
  AuditPageInfo: ResolverTypeWrapper<AuditPageInfo>;
  AuditState: ResolverTypeWrapper<AuditStateModel>;
  Boolean: ResolverTypeWrapper<Scalars['Boolean']['output']>;
  ChangeEntity: ChangeEntity;
  Clause: ResolverTypeWrapper<ClauseModel>;
  ClauseOperator: ClauseOperator;
  CreateEnvironmentInput: CreateEnvironmentInput;
  CreateFlagInput: CreateFlagInput;
  DecisionKind: DecisionKind;
  DeletedFlag: ResolverTypeWrapper<DeletedFlagModel>;
  DeletedSegment: ResolverTypeWrapper<DeletedSegmentModel>;
  Environment: ResolverTypeWrapper<EnvironmentViewModel>;
  Evaluation: ResolverTypeWrapper<ServedEvaluationModel>;
  EvaluationDecision: ResolverTypeWrapper<DecisionModel>;
  ExpectedVersion: ExpectedVersion;
  FailedPrerequisite: ResolverTypeWrapper<FailedPrerequisiteModel>;
  Flag: ResolverTypeWrapper<FlagViewModel>;
  FlagChange: ResolverTypeWrapper<ScopedFlagChangeModel>;
  FlagChangeKind: FlagChangeKind;
  FlagEnvironment: ResolverTypeWrapper<EnvironmentPartModel>;
  FlagPatch: FlagPatch;
  FlagType: FlagType;
  Float: ResolverTypeWrapper<Scalars['Float']['output']>;
  HistoryPoint: ResolverTypeWrapper<HistoryPoint>;
  ID: ResolverTypeWrapper<Scalars['ID']['output']>;
  Int: ResolverTypeWrapper<Scalars['Int']['output']>;
  JSON: ResolverTypeWrapper<Scalars['JSON']['output']>;
  Mutation: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Prerequisite: ResolverTypeWrapper<PrerequisiteModel>;
  PromotedFlag: ResolverTypeWrapper<PromotedFlagModel>;
  Promotion: ResolverTypeWrapper<PromotionModel>;
  PromotionStatus: PromotionStatus;
  Query: ResolverTypeWrapper<Record<PropertyKey, never>>;
  ReplaceFlagResult: ResolverTypeWrapper<Omit<ReplaceFlagResult, 'flag' | 'query'> & { flag: ResolversTypes['Flag'], query: ResolversTypes['Query'] }>;
  ReplaceSegmentResult: ResolverTypeWrapper<Omit<ReplaceSegmentResult, 'segment'> & { segment: ResolversTypes['Segment'] }>;
  Rollout: ResolverTypeWrapper<RolloutModel>;
  RolloutDraw: ResolverTypeWrapper<RolloutDecisionModel>;
  RolloutInput: RolloutInput;
  Rule: ResolverTypeWrapper<RulePartModel>;
  Segment: ResolverTypeWrapper<SegmentViewModel>;
  Serve: ResolverTypeWrapper<ServeModel>;
  SetFlagInput: SetFlagInput;
  SetFlagResult: ResolverTypeWrapper<Omit<SetFlagResult, 'flag' | 'query'> & { flag: ResolversTypes['Flag'], query: ResolversTypes['Query'] }>;
  String: ResolverTypeWrapper<Scalars['String']['output']>;
  Subscription: ResolverTypeWrapper<Record<PropertyKey, never>>;
  Target: ResolverTypeWrapper<TargetModel>;
  UpdateEnvironmentInput: UpdateEnvironmentInput;
  Variant: ResolverTypeWrapper<VariantPartModel>;
  Viewer: ResolverTypeWrapper<Viewer>;
  Weight: ResolverTypeWrapper<WeightedVariantModel>;
  WeightInput: WeightInput;
};

/** Mapping between all available schema types and the resolvers parents */
export type ResolversParentTypes = {
  AuditConnection: Omit<AuditConnection, 'edges'> & { edges: Array<ResolversParentTypes['AuditEdge']> };
  AuditDiff: DiffOpModel;
  AuditEdge: Omit<AuditEdge, 'node'> & { node: ResolversParentTypes['AuditEntry'] };
  AuditEntry: AuditEntryViewModel;
  AuditFilter: AuditFilter;
  AuditPageInfo: AuditPageInfo;
  AuditState: AuditStateModel;
  Boolean: Scalars['Boolean']['output'];
  Clause: ClauseModel;
  CreateEnvironmentInput: CreateEnvironmentInput;
  CreateFlagInput: CreateFlagInput;
  DeletedFlag: DeletedFlagModel;
  DeletedSegment: DeletedSegmentModel;
  Environment: EnvironmentViewModel;
  Evaluation: ServedEvaluationModel;
  EvaluationDecision: DecisionModel;
  ExpectedVersion: ExpectedVersion;
  FailedPrerequisite: FailedPrerequisiteModel;
  Flag: FlagViewModel;
  FlagChange: ScopedFlagChangeModel;
  FlagEnvironment: EnvironmentPartModel;
  FlagPatch: FlagPatch;
  Float: Scalars['Float']['output'];
  HistoryPoint: HistoryPoint;
  ID: Scalars['ID']['output'];
  Int: Scalars['Int']['output'];
  JSON: Scalars['JSON']['output'];
  Mutation: Record<PropertyKey, never>;
  Prerequisite: PrerequisiteModel;
  PromotedFlag: PromotedFlagModel;
  Promotion: PromotionModel;
  Query: Record<PropertyKey, never>;
  ReplaceFlagResult: Omit<ReplaceFlagResult, 'flag' | 'query'> & { flag: ResolversParentTypes['Flag'], query: ResolversParentTypes['Query'] };
  ReplaceSegmentResult: Omit<ReplaceSegmentResult, 'segment'> & { segment: ResolversParentTypes['Segment'] };
  Rollout: RolloutModel;
  RolloutDraw: RolloutDecisionModel;
  RolloutInput: RolloutInput;
  Rule: RulePartModel;
  Segment: SegmentViewModel;
  Serve: ServeModel;
  SetFlagInput: SetFlagInput;
  SetFlagResult: Omit<SetFlagResult, 'flag' | 'query'> & { flag: ResolversParentTypes['Flag'], query: ResolversParentTypes['Query'] };
  String: Scalars['String']['output'];
  Subscription: Record<PropertyKey, never>;
  Target: TargetModel;
  UpdateEnvironmentInput: UpdateEnvironmentInput;
  Variant: VariantPartModel;
  Viewer: Viewer;
  Weight: WeightedVariantModel;
  WeightInput: WeightInput;
};

export type WithinFlagDirectiveArgs = { };

export type WithinFlagDirectiveResolver<Result, Parent, ContextType = GraphQLContext, Args = WithinFlagDirectiveArgs> = DirectiveResolverFn<Result, Parent, ContextType, Args>;

export type AuditConnectionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditConnection'] = ResolversParentTypes['AuditConnection']> = {
  edges?: Resolver<Array<ResolversTypes['AuditEdge']>, ParentType, ContextType>;
  pageInfo?: Resolver<ResolversTypes['AuditPageInfo'], ParentType, ContextType>;
  truncated?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type AuditDiffResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditDiff'] = ResolversParentTypes['AuditDiff']> = {
  after?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  before?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  op?: Resolver<ResolversTypes['AuditDiffOp'], ParentType, ContextType>;
  path?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type AuditEdgeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditEdge'] = ResolversParentTypes['AuditEdge']> = {
  cursor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  node?: Resolver<ResolversTypes['AuditEntry'], ParentType, ContextType>;
};

export type AuditEntryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditEntry'] = ResolversParentTypes['AuditEntry']> = {
  action?: Resolver<ResolversTypes['AuditAction'], ParentType, ContextType>;
  actor?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  after?: Resolver<Maybe<ResolversTypes['AuditState']>, ParentType, ContextType>;
  at?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  before?: Resolver<Maybe<ResolversTypes['AuditState']>, ParentType, ContextType>;
  comment?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  diff?: Resolver<Array<ResolversTypes['AuditDiff']>, ParentType, ContextType>;
  entity?: Resolver<ResolversTypes['AuditEntity'], ParentType, ContextType>;
  environments?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  from?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  revision?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type AuditPageInfoResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditPageInfo'] = ResolversParentTypes['AuditPageInfo']> = {
  endCursor?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  hasNextPage?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type AuditStateResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['AuditState'] = ResolversParentTypes['AuditState']> = {
  definition?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type ClauseResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Clause'] = ResolversParentTypes['Clause']> = {
  attribute?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  negate?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  op?: Resolver<ResolversTypes['ClauseOperator'], ParentType, ContextType>;
  values?: Resolver<Array<ResolversTypes['JSON']>, ParentType, ContextType>;
};

export type DeletedFlagResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['DeletedFlag'] = ResolversParentTypes['DeletedFlag']> = {
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  query?: Resolver<ResolversTypes['Query'], ParentType, ContextType>;
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
  asOfRevision?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  decision?: Resolver<Maybe<ResolversTypes['EvaluationDecision']>, ParentType, ContextType>;
  environment?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  errorCode?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  errorDetails?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
  variant?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type EvaluationDecisionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['EvaluationDecision'] = ResolversParentTypes['EvaluationDecision']> = {
  index?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['DecisionKind'], ParentType, ContextType>;
  prerequisite?: Resolver<Maybe<ResolversTypes['FailedPrerequisite']>, ParentType, ContextType>;
  rollout?: Resolver<Maybe<ResolversTypes['RolloutDraw']>, ParentType, ContextType>;
  ruleId?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type FailedPrerequisiteResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['FailedPrerequisite'] = ResolversParentTypes['FailedPrerequisite']> = {
  flag?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  reason?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  served?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  variants?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
};

export type FlagResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Flag'] = ResolversParentTypes['Flag']> = {
  createdAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  definition?: Resolver<ResolversTypes['JSON'], ParentType, ContextType>;
  description?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  environments?: Resolver<Array<ResolversTypes['FlagEnvironment']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  isEnabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  revision?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  tags?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  type?: Resolver<ResolversTypes['FlagType'], ParentType, ContextType>;
  updatedAt?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  variants?: Resolver<Array<ResolversTypes['Variant']>, ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type FlagChangeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['FlagChange'] = ResolversParentTypes['FlagChange']> = {
  entity?: Resolver<ResolversTypes['ChangeEntity'], ParentType, ContextType>;
  flag?: Resolver<Maybe<ResolversTypes['Flag']>, ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  kind?: Resolver<ResolversTypes['FlagChangeKind'], ParentType, ContextType>;
  query?: Resolver<ResolversTypes['Query'], ParentType, ContextType>;
  revision?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  segment?: Resolver<Maybe<ResolversTypes['Segment']>, ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type FlagEnvironmentResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['FlagEnvironment'] = ResolversParentTypes['FlagEnvironment']> = {
  enabled?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  environment?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  fallthrough?: Resolver<ResolversTypes['Serve'], ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  offVariant?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  prerequisites?: Resolver<Array<ResolversTypes['Prerequisite']>, ParentType, ContextType>;
  rules?: Resolver<Array<ResolversTypes['Rule']>, ParentType, ContextType>;
  targets?: Resolver<Array<ResolversTypes['Target']>, ParentType, ContextType>;
};

export type HistoryPointResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['HistoryPoint'] = ResolversParentTypes['HistoryPoint']> = {
  live?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  revision?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
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
  promote?: Resolver<ResolversTypes['Promotion'], ParentType, ContextType, RequireFields<MutationPromoteArgs, 'from' | 'to'>>;
  replaceFlag?: Resolver<ResolversTypes['ReplaceFlagResult'], ParentType, ContextType, RequireFields<MutationReplaceFlagArgs, 'definition' | 'key'>>;
  replaceSegment?: Resolver<ResolversTypes['ReplaceSegmentResult'], ParentType, ContextType, RequireFields<MutationReplaceSegmentArgs, 'key' | 'segment'>>;
  setFlag?: Resolver<ResolversTypes['SetFlagResult'], ParentType, ContextType, RequireFields<MutationSetFlagArgs, 'input'>>;
  setRollout?: Resolver<ResolversTypes['Flag'], ParentType, ContextType, RequireFields<MutationSetRolloutArgs, 'environment' | 'key' | 'rollout'>>;
  setRules?: Resolver<ResolversTypes['Flag'], ParentType, ContextType, RequireFields<MutationSetRulesArgs, 'environment' | 'key' | 'rules'>>;
  toggleFlag?: Resolver<ResolversTypes['Flag'], ParentType, ContextType, RequireFields<MutationToggleFlagArgs, 'key'>>;
  updateEnvironment?: Resolver<ResolversTypes['Environment'], ParentType, ContextType, RequireFields<MutationUpdateEnvironmentArgs, 'input' | 'key'>>;
  updateFlag?: Resolver<ResolversTypes['Flag'], ParentType, ContextType, RequireFields<MutationUpdateFlagArgs, 'key' | 'patch'>>;
};

export type PrerequisiteResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Prerequisite'] = ResolversParentTypes['Prerequisite']> = {
  flag?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  variants?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
};

export type PromotedFlagResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['PromotedFlag'] = ResolversParentTypes['PromotedFlag']> = {
  diff?: Resolver<Array<ResolversTypes['AuditDiff']>, ParentType, ContextType>;
  flag?: Resolver<ResolversTypes['Flag'], ParentType, ContextType>;
  key?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  revision?: Resolver<Maybe<ResolversTypes['Int']>, ParentType, ContextType>;
  status?: Resolver<ResolversTypes['PromotionStatus'], ParentType, ContextType>;
  version?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type PromotionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Promotion'] = ResolversParentTypes['Promotion']> = {
  dryRun?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  flags?: Resolver<Array<ResolversTypes['PromotedFlag']>, ParentType, ContextType>;
  from?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  to?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type QueryResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Query'] = ResolversParentTypes['Query']> = {
  auditLog?: Resolver<ResolversTypes['AuditConnection'], ParentType, ContextType, Partial<QueryAuditLogArgs>>;
  environments?: Resolver<Array<ResolversTypes['Environment']>, ParentType, ContextType, Partial<QueryEnvironmentsArgs>>;
  evaluate?: Resolver<ResolversTypes['Evaluation'], ParentType, ContextType, RequireFields<QueryEvaluateArgs, 'context' | 'key'>>;
  evaluateAll?: Resolver<Array<ResolversTypes['Evaluation']>, ParentType, ContextType, RequireFields<QueryEvaluateAllArgs, 'context'>>;
  flag?: Resolver<Maybe<ResolversTypes['Flag']>, ParentType, ContextType, RequireFields<QueryFlagArgs, 'key'>>;
  flags?: Resolver<Array<ResolversTypes['Flag']>, ParentType, ContextType, Partial<QueryFlagsArgs>>;
  historyPoint?: Resolver<ResolversTypes['HistoryPoint'], ParentType, ContextType, RequireFields<QueryHistoryPointArgs, 'asOf'>>;
  readEnvironment?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  segment?: Resolver<Maybe<ResolversTypes['Segment']>, ParentType, ContextType, RequireFields<QuerySegmentArgs, 'key'>>;
  segments?: Resolver<Array<ResolversTypes['Segment']>, ParentType, ContextType, Partial<QuerySegmentsArgs>>;
  viewer?: Resolver<ResolversTypes['Viewer'], ParentType, ContextType>;
};

export type ReplaceFlagResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ReplaceFlagResult'] = ResolversParentTypes['ReplaceFlagResult']> = {
  created?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  flag?: Resolver<ResolversTypes['Flag'], ParentType, ContextType>;
  query?: Resolver<ResolversTypes['Query'], ParentType, ContextType>;
};

export type ReplaceSegmentResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['ReplaceSegmentResult'] = ResolversParentTypes['ReplaceSegmentResult']> = {
  created?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  segment?: Resolver<ResolversTypes['Segment'], ParentType, ContextType>;
};

export type RolloutResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Rollout'] = ResolversParentTypes['Rollout']> = {
  bucketBy?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  seed?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  weights?: Resolver<Array<ResolversTypes['Weight']>, ParentType, ContextType>;
};

export type RolloutDrawResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['RolloutDraw'] = ResolversParentTypes['RolloutDraw']> = {
  bucket?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  bucketBy?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  hash?: Resolver<ResolversTypes['Float'], ParentType, ContextType>;
  index?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
  seed?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  totalWeight?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type RuleResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Rule'] = ResolversParentTypes['Rule']> = {
  clauses?: Resolver<Array<ResolversTypes['Clause']>, ParentType, ContextType>;
  description?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  ruleId?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  serve?: Resolver<ResolversTypes['Serve'], ParentType, ContextType>;
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

export type ServeResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Serve'] = ResolversParentTypes['Serve']> = {
  rollout?: Resolver<Maybe<ResolversTypes['Rollout']>, ParentType, ContextType>;
  variant?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
};

export type SetFlagResultResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['SetFlagResult'] = ResolversParentTypes['SetFlagResult']> = {
  created?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  flag?: Resolver<ResolversTypes['Flag'], ParentType, ContextType>;
  query?: Resolver<ResolversTypes['Query'], ParentType, ContextType>;
};

export type SubscriptionResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Subscription'] = ResolversParentTypes['Subscription']> = {
  auditEntryAdded?: SubscriptionResolver<ResolversTypes['AuditEntry'], "auditEntryAdded", ParentType, ContextType, Partial<SubscriptionAuditEntryAddedArgs>>;
  flagChanged?: SubscriptionResolver<ResolversTypes['FlagChange'], "flagChanged", ParentType, ContextType, Partial<SubscriptionFlagChangedArgs>>;
};

export type TargetResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Target'] = ResolversParentTypes['Target']> = {
  values?: Resolver<Array<ResolversTypes['String']>, ParentType, ContextType>;
  variant?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
};

export type VariantResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Variant'] = ResolversParentTypes['Variant']> = {
  id?: Resolver<ResolversTypes['ID'], ParentType, ContextType>;
  name?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  value?: Resolver<Maybe<ResolversTypes['JSON']>, ParentType, ContextType>;
};

export type ViewerResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Viewer'] = ResolversParentTypes['Viewer']> = {
  canWrite?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
  environment?: Resolver<Maybe<ResolversTypes['String']>, ParentType, ContextType>;
  openAccess?: Resolver<ResolversTypes['Boolean'], ParentType, ContextType>;
};

export type WeightResolvers<ContextType = GraphQLContext, ParentType extends ResolversParentTypes['Weight'] = ResolversParentTypes['Weight']> = {
  variant?: Resolver<ResolversTypes['String'], ParentType, ContextType>;
  weight?: Resolver<ResolversTypes['Int'], ParentType, ContextType>;
};

export type Resolvers<ContextType = GraphQLContext> = {
  AuditConnection?: AuditConnectionResolvers<ContextType>;
  AuditDiff?: AuditDiffResolvers<ContextType>;
  AuditEdge?: AuditEdgeResolvers<ContextType>;
  AuditEntry?: AuditEntryResolvers<ContextType>;
  AuditPageInfo?: AuditPageInfoResolvers<ContextType>;
  AuditState?: AuditStateResolvers<ContextType>;
  Clause?: ClauseResolvers<ContextType>;
  DeletedFlag?: DeletedFlagResolvers<ContextType>;
  DeletedSegment?: DeletedSegmentResolvers<ContextType>;
  Environment?: EnvironmentResolvers<ContextType>;
  Evaluation?: EvaluationResolvers<ContextType>;
  EvaluationDecision?: EvaluationDecisionResolvers<ContextType>;
  FailedPrerequisite?: FailedPrerequisiteResolvers<ContextType>;
  Flag?: FlagResolvers<ContextType>;
  FlagChange?: FlagChangeResolvers<ContextType>;
  FlagEnvironment?: FlagEnvironmentResolvers<ContextType>;
  HistoryPoint?: HistoryPointResolvers<ContextType>;
  JSON?: GraphQLScalarType;
  Mutation?: MutationResolvers<ContextType>;
  Prerequisite?: PrerequisiteResolvers<ContextType>;
  PromotedFlag?: PromotedFlagResolvers<ContextType>;
  Promotion?: PromotionResolvers<ContextType>;
  Query?: QueryResolvers<ContextType>;
  ReplaceFlagResult?: ReplaceFlagResultResolvers<ContextType>;
  ReplaceSegmentResult?: ReplaceSegmentResultResolvers<ContextType>;
  Rollout?: RolloutResolvers<ContextType>;
  RolloutDraw?: RolloutDrawResolvers<ContextType>;
  Rule?: RuleResolvers<ContextType>;
  Segment?: SegmentResolvers<ContextType>;
  Serve?: ServeResolvers<ContextType>;
  SetFlagResult?: SetFlagResultResolvers<ContextType>;
  Subscription?: SubscriptionResolvers<ContextType>;
  Target?: TargetResolvers<ContextType>;
  Variant?: VariantResolvers<ContextType>;
  Viewer?: ViewerResolvers<ContextType>;
  Weight?: WeightResolvers<ContextType>;
};

export type DirectiveResolvers<ContextType = GraphQLContext> = {
  withinFlag?: WithinFlagDirectiveResolver<any, any, ContextType>;
};
