/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
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

export type AuditDiffOp =
  | 'ADD'
  | 'REMOVE'
  | 'REPLACE';

/** What an audit entry records a change of. */
export type AuditEntity =
  | 'ENVIRONMENT'
  | 'FLAG'
  | 'SEGMENT';

/** Which audit entries to read; every field given must hold. Bounds are inclusive. */
export type AuditFilter = {
  /** Entries with any of these actions. */
  actions?: Array<AuditAction> | null | undefined;
  /** Entries written by this token name. */
  actor?: string | null | undefined;
  /** Entries of one kind of record. */
  entity?: AuditEntity | null | undefined;
  /** Entries that concern this environment. */
  environment?: string | null | undefined;
  /** One flag's history (its key). */
  flag?: string | null | undefined;
  /** One segment's history (its key). */
  segment?: string | null | undefined;
  /** From this time on: ISO-8601, a date or a date-time with its offset. */
  since?: string | null | undefined;
  /** From this revision on. */
  sinceRevision?: number | null | undefined;
  /** Up to this time: ISO-8601, a date or a date-time with its offset. */
  until?: string | null | undefined;
  /** Up to this revision. */
  untilRevision?: number | null | undefined;
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
  description?: string | null | undefined;
  /** The new environment's key (see `Flag.key` for the allowed characters). */
  key: string;
};

/** A new flag. */
export type CreateFlagInput = {
  /** Free text for humans. Omit for empty; null is refused. */
  description?: string | null | undefined;
  /** Whether the feature starts on. Omit for false; null is refused. */
  isEnabled?: boolean | null | undefined;
  /** The new flag's key (see `Flag.key` for the allowed characters). */
  key: string;
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

/** A flag's version as a promotion's preview showed it. */
export type ExpectedVersion = {
  /** The flag's key. */
  key: string;
  /** Its `version` in the preview. */
  version: number;
};

/** What happened to a flag (or segment: see `FlagChange.entity`). */
export type FlagChangeKind =
  /** The flag (or segment) was deleted; `FlagChange.flag` and `segment` are null. */
  | 'DELETE'
  /** The flag was created or changed; `FlagChange.flag` (or `segment`) holds it as it is now. */
  | 'UPSERT';

/** The type of a flag's values (the document's `type`). */
export type FlagType =
  | 'boolean'
  | 'number'
  | 'object'
  | 'string';

/** What a promotion does (or, in a dry run, would do) to one flag. */
export type PromotionStatus =
  /** The target's configuration differs from the source's: it is (would be) replaced by a copy. */
  | 'CHANGED'
  /** The flag has no configuration in the source environment: nothing to copy, the target keeps its own. */
  | 'NOT_IN_SOURCE'
  /** The target's configuration already equals the source's: nothing is written. */
  | 'UNCHANGED';

/** The fields of an environment to change. */
export type UpdateEnvironmentInput = {
  /** Free text for humans (at most 1000 characters). */
  description: string;
};

export type FlagRowFragment = { id: string, key: string, description: string, type: FlagType, version: number, revision: number, updatedAt: string, tags: Array<string>, variants: Array<{ name: string }>, environments: Array<{ id: string, environment: string, enabled: boolean, targets: Array<{ variant: string }>, rules: Array<{ ruleId: string, serve: { variant: string | null, rollout: { weights: Array<{ variant: string, weight: number }> } | null } }>, fallthrough: { variant: string | null, rollout: { weights: Array<{ variant: string, weight: number }> } | null } }> };

export type FlagDocumentFragment = { createdAt: string, definition: unknown, id: string, key: string, description: string, type: FlagType, version: number, revision: number, updatedAt: string, tags: Array<string>, variants: Array<{ name: string }>, environments: Array<{ id: string, environment: string, enabled: boolean, targets: Array<{ variant: string }>, rules: Array<{ ruleId: string, serve: { variant: string | null, rollout: { weights: Array<{ variant: string, weight: number }> } | null } }>, fallthrough: { variant: string | null, rollout: { weights: Array<{ variant: string, weight: number }> } | null } }> };

export type SegmentItemFragment = { id: string, key: string, description: string, version: number, revision: number, updatedAt: string, definition: unknown };

export type EnvironmentFieldsFragment = { key: string, description: string };

export type AuditEntryItemFragment = { id: string, revision: number, at: string, actor: string, action: AuditAction, entity: AuditEntity, key: string, environments: Array<string>, comment: string | null, before: { version: number } | null, after: { version: number } | null, diff: Array<{ op: AuditDiffOp, path: string, before: unknown, after: unknown }> };

export type AuditLogQueryVariables = Exact<{
  filter?: AuditFilter | null | undefined;
  first?: number | null | undefined;
  after?: string | null | undefined;
}>;


export type AuditLogQuery = { auditLog: { truncated: boolean, edges: Array<{ node: { id: string, revision: number, at: string, actor: string, action: AuditAction, entity: AuditEntity, key: string, environments: Array<string>, comment: string | null, before: { version: number } | null, after: { version: number } | null, diff: Array<{ op: AuditDiffOp, path: string, before: unknown, after: unknown }> } }>, pageInfo: { hasNextPage: boolean, endCursor: string | null } } };

export type AuditEntryStatesQueryVariables = Exact<{
  revision: number;
}>;


export type AuditEntryStatesQuery = { auditLog: { edges: Array<{ node: { id: string, before: { version: number, definition: unknown } | null, after: { version: number, definition: unknown } | null } }> } };

export type AuditEntryAddedSubscriptionVariables = Exact<{
  filter?: AuditFilter | null | undefined;
}>;


export type AuditEntryAddedSubscription = { auditEntryAdded: { id: string, revision: number, at: string, actor: string, action: AuditAction, entity: AuditEntity, key: string, environments: Array<string>, comment: string | null, before: { version: number } | null, after: { version: number } | null, diff: Array<{ op: AuditDiffOp, path: string, before: unknown, after: unknown }> } };

export type RecentFlagChangesQueryVariables = Exact<{
  first?: number | null | undefined;
}>;


export type RecentFlagChangesQuery = { auditLog: { edges: Array<{ node: { id: string, revision: number, key: string, actor: string, at: string, comment: string | null } }> } };

export type FlagChangeAuthorsSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type FlagChangeAuthorsSubscription = { auditEntryAdded: { id: string, revision: number, key: string, actor: string, at: string, comment: string | null } };

export type LatestFlagChangeQueryVariables = Exact<{
  key: string;
}>;


export type LatestFlagChangeQuery = { auditLog: { edges: Array<{ node: { id: string, revision: number, key: string, actor: string, at: string, comment: string | null } }> } };

export type FlagChangeAuthorSubscriptionVariables = Exact<{
  key: string;
}>;


export type FlagChangeAuthorSubscription = { auditEntryAdded: { id: string, revision: number, key: string, actor: string, at: string, comment: string | null } };

export type ChangeAuthorFragment = { id: string, revision: number, key: string, actor: string, at: string, comment: string | null };

export type ConsoleChangesSubscriptionVariables = Exact<{ [key: string]: never; }>;


export type ConsoleChangesSubscription = { flagChanged: { kind: FlagChangeKind, entity: ChangeEntity, key: string, revision: number, version: number, flag: { id: string, key: string, description: string, type: FlagType, version: number, revision: number, updatedAt: string, tags: Array<string>, variants: Array<{ name: string }>, environments: Array<{ id: string, environment: string, enabled: boolean, targets: Array<{ variant: string }>, rules: Array<{ ruleId: string, serve: { variant: string | null, rollout: { weights: Array<{ variant: string, weight: number }> } | null } }>, fallthrough: { variant: string | null, rollout: { weights: Array<{ variant: string, weight: number }> } | null } }> } | null, segment: { id: string, key: string, description: string, version: number, revision: number, updatedAt: string, definition: unknown } | null } };

export type PromoteMutationVariables = Exact<{
  from: string;
  to: string;
  flags?: Array<string> | string | null | undefined;
  prefix?: string | null | undefined;
  dryRun?: boolean | null | undefined;
  expectedVersions?: Array<ExpectedVersion> | ExpectedVersion | null | undefined;
  comment?: string | null | undefined;
}>;


export type PromoteMutation = { promote: { from: string, to: string, dryRun: boolean, flags: Array<{ key: string, status: PromotionStatus, version: number, revision: number | null, diff: Array<{ op: AuditDiffOp, path: string, before: unknown, after: unknown }>, flag: { id: string, definition: unknown } }> } };

export type ViewerQueryVariables = Exact<{ [key: string]: never; }>;


export type ViewerQuery = { viewer: { canWrite: boolean, environment: string | null, openAccess: boolean } };

export type FlagListQueryVariables = Exact<{ [key: string]: never; }>;


export type FlagListQuery = { flags: Array<{ id: string, key: string, description: string, type: FlagType, version: number, revision: number, updatedAt: string, tags: Array<string>, variants: Array<{ name: string }>, environments: Array<{ id: string, environment: string, enabled: boolean, targets: Array<{ variant: string }>, rules: Array<{ ruleId: string, serve: { variant: string | null, rollout: { weights: Array<{ variant: string, weight: number }> } | null } }>, fallthrough: { variant: string | null, rollout: { weights: Array<{ variant: string, weight: number }> } | null } }> }>, environments: Array<{ key: string, description: string }> };

export type FlagDetailQueryVariables = Exact<{
  key: string;
}>;


export type FlagDetailQuery = { flag: { createdAt: string, definition: unknown, id: string, key: string, description: string, type: FlagType, version: number, revision: number, updatedAt: string, tags: Array<string>, variants: Array<{ name: string }>, environments: Array<{ id: string, environment: string, enabled: boolean, targets: Array<{ variant: string }>, rules: Array<{ ruleId: string, serve: { variant: string | null, rollout: { weights: Array<{ variant: string, weight: number }> } | null } }>, fallthrough: { variant: string | null, rollout: { weights: Array<{ variant: string, weight: number }> } | null } }> } | null };

export type EditorChoicesQueryVariables = Exact<{ [key: string]: never; }>;


export type EditorChoicesQuery = { environments: Array<{ key: string, description: string }>, segments: Array<{ key: string }>, flags: Array<{ key: string, variants: Array<{ name: string }> }> };

export type SegmentListQueryVariables = Exact<{ [key: string]: never; }>;


export type SegmentListQuery = { segments: Array<{ id: string, key: string, description: string, version: number, revision: number, updatedAt: string, definition: unknown }> };

export type EnvironmentListQueryVariables = Exact<{ [key: string]: never; }>;


export type EnvironmentListQuery = { environments: Array<{ key: string, description: string }> };

export type EvaluateAllQueryVariables = Exact<{
  context: unknown;
  environment?: string | null | undefined;
}>;


export type EvaluateAllQuery = { evaluateAll: Array<{ key: string, value: unknown, variant: string | null, reason: string, errorCode: string | null, errorDetails: string | null, decision: { kind: DecisionKind, index: number | null, ruleId: string | null, prerequisite: { flag: string, variants: Array<string>, served: string | null, reason: string } | null, rollout: { bucketBy: string, seed: string, hash: number, bucket: number, totalWeight: number, index: number } | null } | null }> };

export type EvaluationRowFragment = { key: string, value: unknown, variant: string | null, reason: string, errorCode: string | null, errorDetails: string | null, decision: { kind: DecisionKind, index: number | null, ruleId: string | null, prerequisite: { flag: string, variants: Array<string>, served: string | null, reason: string } | null, rollout: { bucketBy: string, seed: string, hash: number, bucket: number, totalWeight: number, index: number } | null } | null };

export type EvaluateAllAsOfQueryVariables = Exact<{
  context: unknown;
  environment?: string | null | undefined;
  asOf: string;
}>;


export type EvaluateAllAsOfQuery = { historyPoint: { revision: number, live: boolean }, evaluateAll: Array<{ key: string, value: unknown, variant: string | null, reason: string, errorCode: string | null, errorDetails: string | null, decision: { kind: DecisionKind, index: number | null, ruleId: string | null, prerequisite: { flag: string, variants: Array<string>, served: string | null, reason: string } | null, rollout: { bucketBy: string, seed: string, hash: number, bucket: number, totalWeight: number, index: number } | null } | null }>, flags: Array<{ id: string, key: string, environments: Array<{ id: string, environment: string, rules: Array<{ serve: { rollout: { weights: Array<{ variant: string, weight: number }> } | null } }>, fallthrough: { rollout: { weights: Array<{ variant: string, weight: number }> } | null } }> }> };

export type FlagRolloutsFragment = { id: string, key: string, environments: Array<{ id: string, environment: string, rules: Array<{ serve: { rollout: { weights: Array<{ variant: string, weight: number }> } | null } }>, fallthrough: { rollout: { weights: Array<{ variant: string, weight: number }> } | null } }> };

export type RevisionChangeQueryVariables = Exact<{
  revision: number;
}>;


export type RevisionChangeQuery = { auditLog: { edges: Array<{ node: { id: string, revision: number, at: string, actor: string, action: AuditAction, entity: AuditEntity, key: string, environments: Array<string> } }> } };

export type CreateFlagMutationVariables = Exact<{
  input: CreateFlagInput;
  comment?: string | null | undefined;
}>;


export type CreateFlagMutation = { createFlag: { createdAt: string, definition: unknown, id: string, key: string, description: string, type: FlagType, version: number, revision: number, updatedAt: string, tags: Array<string>, variants: Array<{ name: string }>, environments: Array<{ id: string, environment: string, enabled: boolean, targets: Array<{ variant: string }>, rules: Array<{ ruleId: string, serve: { variant: string | null, rollout: { weights: Array<{ variant: string, weight: number }> } | null } }>, fallthrough: { variant: string | null, rollout: { weights: Array<{ variant: string, weight: number }> } | null } }> } };

export type ToggleFlagMutationVariables = Exact<{
  key: string;
  environment: string;
  expectedVersion?: number | null | undefined;
  comment?: string | null | undefined;
}>;


export type ToggleFlagMutation = { toggleFlag: { key: string, version: number } };

export type ReplaceFlagMutationVariables = Exact<{
  key: string;
  definition: unknown;
  expectedVersion?: number | null | undefined;
  comment?: string | null | undefined;
}>;


export type ReplaceFlagMutation = { replaceFlag: { flag: { createdAt: string, definition: unknown, id: string, key: string, description: string, type: FlagType, version: number, revision: number, updatedAt: string, tags: Array<string>, variants: Array<{ name: string }>, environments: Array<{ id: string, environment: string, enabled: boolean, targets: Array<{ variant: string }>, rules: Array<{ ruleId: string, serve: { variant: string | null, rollout: { weights: Array<{ variant: string, weight: number }> } | null } }>, fallthrough: { variant: string | null, rollout: { weights: Array<{ variant: string, weight: number }> } | null } }> } } };

export type DeleteFlagMutationVariables = Exact<{
  key: string;
  expectedVersion?: number | null | undefined;
  comment?: string | null | undefined;
}>;


export type DeleteFlagMutation = { deleteFlag: { key: string } };

export type CreateSegmentMutationVariables = Exact<{
  segment: unknown;
  comment?: string | null | undefined;
}>;


export type CreateSegmentMutation = { createSegment: { id: string, key: string, description: string, version: number, revision: number, updatedAt: string, definition: unknown } };

export type ReplaceSegmentMutationVariables = Exact<{
  key: string;
  segment: unknown;
  expectedVersion?: number | null | undefined;
  comment?: string | null | undefined;
}>;


export type ReplaceSegmentMutation = { replaceSegment: { segment: { id: string, key: string, description: string, version: number, revision: number, updatedAt: string, definition: unknown } } };

export type DeleteSegmentMutationVariables = Exact<{
  key: string;
  expectedVersion?: number | null | undefined;
  comment?: string | null | undefined;
}>;


export type DeleteSegmentMutation = { deleteSegment: { key: string } };

export type CreateEnvironmentMutationVariables = Exact<{
  input: CreateEnvironmentInput;
  comment?: string | null | undefined;
}>;


export type CreateEnvironmentMutation = { createEnvironment: { key: string, description: string } };

export type UpdateEnvironmentMutationVariables = Exact<{
  key: string;
  input: UpdateEnvironmentInput;
  comment?: string | null | undefined;
}>;


export type UpdateEnvironmentMutation = { updateEnvironment: { key: string, description: string } };

export class TypedDocumentString<TResult, TVariables>
  extends String
  implements DocumentTypeDecoration<TResult, TVariables>
{
  __apiType?: NonNullable<DocumentTypeDecoration<TResult, TVariables>['__apiType']>;
  private value: string;
  public __meta__?: Record<string, any> | undefined;

  constructor(value: string, __meta__?: Record<string, any> | undefined) {
    super(value);
    this.value = value;
    this.__meta__ = __meta__;
  }

  override toString(): string & DocumentTypeDecoration<TResult, TVariables> {
    return this.value;
  }
}
export const FlagRowFragmentDoc = new TypedDocumentString(`
    fragment FlagRow on Flag {
  id
  key
  description
  type
  version
  revision
  updatedAt
  tags
  variants {
    name
  }
  environments {
    id
    environment
    enabled
    targets {
      variant
    }
    rules {
      ruleId
      serve {
        variant
        rollout {
          weights {
            variant
            weight
          }
        }
      }
    }
    fallthrough {
      variant
      rollout {
        weights {
          variant
          weight
        }
      }
    }
  }
}
    `, {"fragmentName":"FlagRow"}) as unknown as TypedDocumentString<FlagRowFragment, unknown>;
export const FlagDocumentFragmentDoc = new TypedDocumentString(`
    fragment FlagDocument on Flag {
  ...FlagRow
  createdAt
  definition
}
    fragment FlagRow on Flag {
  id
  key
  description
  type
  version
  revision
  updatedAt
  tags
  variants {
    name
  }
  environments {
    id
    environment
    enabled
    targets {
      variant
    }
    rules {
      ruleId
      serve {
        variant
        rollout {
          weights {
            variant
            weight
          }
        }
      }
    }
    fallthrough {
      variant
      rollout {
        weights {
          variant
          weight
        }
      }
    }
  }
}`, {"fragmentName":"FlagDocument"}) as unknown as TypedDocumentString<FlagDocumentFragment, unknown>;
export const SegmentItemFragmentDoc = new TypedDocumentString(`
    fragment SegmentItem on Segment {
  id
  key
  description
  version
  revision
  updatedAt
  definition
}
    `, {"fragmentName":"SegmentItem"}) as unknown as TypedDocumentString<SegmentItemFragment, unknown>;
export const EnvironmentFieldsFragmentDoc = new TypedDocumentString(`
    fragment EnvironmentFields on Environment {
  key
  description
}
    `, {"fragmentName":"EnvironmentFields"}) as unknown as TypedDocumentString<EnvironmentFieldsFragment, unknown>;
export const AuditEntryItemFragmentDoc = new TypedDocumentString(`
    fragment AuditEntryItem on AuditEntry {
  id
  revision
  at
  actor
  action
  entity
  key
  environments
  comment
  before {
    version
  }
  after {
    version
  }
  diff {
    op
    path
    before
    after
  }
}
    `, {"fragmentName":"AuditEntryItem"}) as unknown as TypedDocumentString<AuditEntryItemFragment, unknown>;
export const ChangeAuthorFragmentDoc = new TypedDocumentString(`
    fragment ChangeAuthor on AuditEntry {
  id
  revision
  key
  actor
  at
  comment
}
    `, {"fragmentName":"ChangeAuthor"}) as unknown as TypedDocumentString<ChangeAuthorFragment, unknown>;
export const EvaluationRowFragmentDoc = new TypedDocumentString(`
    fragment EvaluationRow on Evaluation {
  key
  value
  variant
  reason
  errorCode
  errorDetails
  decision {
    kind
    index
    ruleId
    prerequisite {
      flag
      variants
      served
      reason
    }
    rollout {
      bucketBy
      seed
      hash
      bucket
      totalWeight
      index
    }
  }
}
    `, {"fragmentName":"EvaluationRow"}) as unknown as TypedDocumentString<EvaluationRowFragment, unknown>;
export const FlagRolloutsFragmentDoc = new TypedDocumentString(`
    fragment FlagRollouts on Flag {
  id
  key
  environments {
    id
    environment
    rules {
      serve {
        rollout {
          weights {
            variant
            weight
          }
        }
      }
    }
    fallthrough {
      rollout {
        weights {
          variant
          weight
        }
      }
    }
  }
}
    `, {"fragmentName":"FlagRollouts"}) as unknown as TypedDocumentString<FlagRolloutsFragment, unknown>;
export const AuditLogDocument = new TypedDocumentString(`
    query AuditLog($filter: AuditFilter, $first: Int, $after: String) {
  auditLog(filter: $filter, first: $first, after: $after) {
    edges {
      node {
        ...AuditEntryItem
      }
    }
    pageInfo {
      hasNextPage
      endCursor
    }
    truncated
  }
}
    fragment AuditEntryItem on AuditEntry {
  id
  revision
  at
  actor
  action
  entity
  key
  environments
  comment
  before {
    version
  }
  after {
    version
  }
  diff {
    op
    path
    before
    after
  }
}`) as unknown as TypedDocumentString<AuditLogQuery, AuditLogQueryVariables>;
export const AuditEntryStatesDocument = new TypedDocumentString(`
    query AuditEntryStates($revision: Int!) {
  auditLog(filter: {sinceRevision: $revision, untilRevision: $revision}, first: 1) {
    edges {
      node {
        id
        before {
          version
          definition
        }
        after {
          version
          definition
        }
      }
    }
  }
}
    `) as unknown as TypedDocumentString<AuditEntryStatesQuery, AuditEntryStatesQueryVariables>;
export const AuditEntryAddedDocument = new TypedDocumentString(`
    subscription AuditEntryAdded($filter: AuditFilter) {
  auditEntryAdded(filter: $filter) {
    ...AuditEntryItem
  }
}
    fragment AuditEntryItem on AuditEntry {
  id
  revision
  at
  actor
  action
  entity
  key
  environments
  comment
  before {
    version
  }
  after {
    version
  }
  diff {
    op
    path
    before
    after
  }
}`) as unknown as TypedDocumentString<AuditEntryAddedSubscription, AuditEntryAddedSubscriptionVariables>;
export const RecentFlagChangesDocument = new TypedDocumentString(`
    query RecentFlagChanges($first: Int) {
  auditLog(filter: {entity: FLAG}, first: $first) {
    edges {
      node {
        ...ChangeAuthor
      }
    }
  }
}
    fragment ChangeAuthor on AuditEntry {
  id
  revision
  key
  actor
  at
  comment
}`) as unknown as TypedDocumentString<RecentFlagChangesQuery, RecentFlagChangesQueryVariables>;
export const FlagChangeAuthorsDocument = new TypedDocumentString(`
    subscription FlagChangeAuthors {
  auditEntryAdded(filter: {entity: FLAG}) {
    ...ChangeAuthor
  }
}
    fragment ChangeAuthor on AuditEntry {
  id
  revision
  key
  actor
  at
  comment
}`) as unknown as TypedDocumentString<FlagChangeAuthorsSubscription, FlagChangeAuthorsSubscriptionVariables>;
export const LatestFlagChangeDocument = new TypedDocumentString(`
    query LatestFlagChange($key: String!) {
  auditLog(filter: {flag: $key}, first: 1) {
    edges {
      node {
        ...ChangeAuthor
      }
    }
  }
}
    fragment ChangeAuthor on AuditEntry {
  id
  revision
  key
  actor
  at
  comment
}`) as unknown as TypedDocumentString<LatestFlagChangeQuery, LatestFlagChangeQueryVariables>;
export const FlagChangeAuthorDocument = new TypedDocumentString(`
    subscription FlagChangeAuthor($key: String!) {
  auditEntryAdded(filter: {flag: $key}) {
    ...ChangeAuthor
  }
}
    fragment ChangeAuthor on AuditEntry {
  id
  revision
  key
  actor
  at
  comment
}`) as unknown as TypedDocumentString<FlagChangeAuthorSubscription, FlagChangeAuthorSubscriptionVariables>;
export const ConsoleChangesDocument = new TypedDocumentString(`
    subscription ConsoleChanges {
  flagChanged {
    kind
    entity
    key
    revision
    version
    flag {
      ...FlagRow
    }
    segment {
      ...SegmentItem
    }
  }
}
    fragment FlagRow on Flag {
  id
  key
  description
  type
  version
  revision
  updatedAt
  tags
  variants {
    name
  }
  environments {
    id
    environment
    enabled
    targets {
      variant
    }
    rules {
      ruleId
      serve {
        variant
        rollout {
          weights {
            variant
            weight
          }
        }
      }
    }
    fallthrough {
      variant
      rollout {
        weights {
          variant
          weight
        }
      }
    }
  }
}
fragment SegmentItem on Segment {
  id
  key
  description
  version
  revision
  updatedAt
  definition
}`) as unknown as TypedDocumentString<ConsoleChangesSubscription, ConsoleChangesSubscriptionVariables>;
export const PromoteDocument = new TypedDocumentString(`
    mutation Promote($from: String!, $to: String!, $flags: [String!], $prefix: String, $dryRun: Boolean, $expectedVersions: [ExpectedVersion!], $comment: String) {
  promote(
    from: $from
    to: $to
    flags: $flags
    prefix: $prefix
    dryRun: $dryRun
    expectedVersions: $expectedVersions
    comment: $comment
  ) {
    from
    to
    dryRun
    flags {
      key
      status
      version
      revision
      diff {
        op
        path
        before
        after
      }
      flag {
        id
        definition
      }
    }
  }
}
    `) as unknown as TypedDocumentString<PromoteMutation, PromoteMutationVariables>;
export const ViewerDocument = new TypedDocumentString(`
    query Viewer {
  viewer {
    canWrite
    environment
    openAccess
  }
}
    `) as unknown as TypedDocumentString<ViewerQuery, ViewerQueryVariables>;
export const FlagListDocument = new TypedDocumentString(`
    query FlagList {
  flags {
    ...FlagRow
  }
  environments {
    ...EnvironmentFields
  }
}
    fragment FlagRow on Flag {
  id
  key
  description
  type
  version
  revision
  updatedAt
  tags
  variants {
    name
  }
  environments {
    id
    environment
    enabled
    targets {
      variant
    }
    rules {
      ruleId
      serve {
        variant
        rollout {
          weights {
            variant
            weight
          }
        }
      }
    }
    fallthrough {
      variant
      rollout {
        weights {
          variant
          weight
        }
      }
    }
  }
}
fragment EnvironmentFields on Environment {
  key
  description
}`) as unknown as TypedDocumentString<FlagListQuery, FlagListQueryVariables>;
export const FlagDetailDocument = new TypedDocumentString(`
    query FlagDetail($key: String!) {
  flag(key: $key) {
    ...FlagDocument
  }
}
    fragment FlagRow on Flag {
  id
  key
  description
  type
  version
  revision
  updatedAt
  tags
  variants {
    name
  }
  environments {
    id
    environment
    enabled
    targets {
      variant
    }
    rules {
      ruleId
      serve {
        variant
        rollout {
          weights {
            variant
            weight
          }
        }
      }
    }
    fallthrough {
      variant
      rollout {
        weights {
          variant
          weight
        }
      }
    }
  }
}
fragment FlagDocument on Flag {
  ...FlagRow
  createdAt
  definition
}`) as unknown as TypedDocumentString<FlagDetailQuery, FlagDetailQueryVariables>;
export const EditorChoicesDocument = new TypedDocumentString(`
    query EditorChoices {
  environments {
    ...EnvironmentFields
  }
  segments {
    key
  }
  flags {
    key
    variants {
      name
    }
  }
}
    fragment EnvironmentFields on Environment {
  key
  description
}`) as unknown as TypedDocumentString<EditorChoicesQuery, EditorChoicesQueryVariables>;
export const SegmentListDocument = new TypedDocumentString(`
    query SegmentList {
  segments {
    ...SegmentItem
  }
}
    fragment SegmentItem on Segment {
  id
  key
  description
  version
  revision
  updatedAt
  definition
}`) as unknown as TypedDocumentString<SegmentListQuery, SegmentListQueryVariables>;
export const EnvironmentListDocument = new TypedDocumentString(`
    query EnvironmentList {
  environments {
    ...EnvironmentFields
  }
}
    fragment EnvironmentFields on Environment {
  key
  description
}`) as unknown as TypedDocumentString<EnvironmentListQuery, EnvironmentListQueryVariables>;
export const EvaluateAllDocument = new TypedDocumentString(`
    query EvaluateAll($context: JSON!, $environment: String) {
  evaluateAll(context: $context, environment: $environment) {
    ...EvaluationRow
  }
}
    fragment EvaluationRow on Evaluation {
  key
  value
  variant
  reason
  errorCode
  errorDetails
  decision {
    kind
    index
    ruleId
    prerequisite {
      flag
      variants
      served
      reason
    }
    rollout {
      bucketBy
      seed
      hash
      bucket
      totalWeight
      index
    }
  }
}`) as unknown as TypedDocumentString<EvaluateAllQuery, EvaluateAllQueryVariables>;
export const EvaluateAllAsOfDocument = new TypedDocumentString(`
    query EvaluateAllAsOf($context: JSON!, $environment: String, $asOf: String!) {
  historyPoint(asOf: $asOf) {
    revision
    live
  }
  evaluateAll(context: $context, environment: $environment, asOf: $asOf) {
    ...EvaluationRow
  }
  flags(asOf: $asOf) {
    ...FlagRollouts
  }
}
    fragment EvaluationRow on Evaluation {
  key
  value
  variant
  reason
  errorCode
  errorDetails
  decision {
    kind
    index
    ruleId
    prerequisite {
      flag
      variants
      served
      reason
    }
    rollout {
      bucketBy
      seed
      hash
      bucket
      totalWeight
      index
    }
  }
}
fragment FlagRollouts on Flag {
  id
  key
  environments {
    id
    environment
    rules {
      serve {
        rollout {
          weights {
            variant
            weight
          }
        }
      }
    }
    fallthrough {
      rollout {
        weights {
          variant
          weight
        }
      }
    }
  }
}`) as unknown as TypedDocumentString<EvaluateAllAsOfQuery, EvaluateAllAsOfQueryVariables>;
export const RevisionChangeDocument = new TypedDocumentString(`
    query RevisionChange($revision: Int!) {
  auditLog(filter: {untilRevision: $revision}, first: 1) {
    edges {
      node {
        id
        revision
        at
        actor
        action
        entity
        key
        environments
      }
    }
  }
}
    `) as unknown as TypedDocumentString<RevisionChangeQuery, RevisionChangeQueryVariables>;
export const CreateFlagDocument = new TypedDocumentString(`
    mutation CreateFlag($input: CreateFlagInput!, $comment: String) {
  createFlag(input: $input, comment: $comment) {
    ...FlagDocument
  }
}
    fragment FlagRow on Flag {
  id
  key
  description
  type
  version
  revision
  updatedAt
  tags
  variants {
    name
  }
  environments {
    id
    environment
    enabled
    targets {
      variant
    }
    rules {
      ruleId
      serve {
        variant
        rollout {
          weights {
            variant
            weight
          }
        }
      }
    }
    fallthrough {
      variant
      rollout {
        weights {
          variant
          weight
        }
      }
    }
  }
}
fragment FlagDocument on Flag {
  ...FlagRow
  createdAt
  definition
}`) as unknown as TypedDocumentString<CreateFlagMutation, CreateFlagMutationVariables>;
export const ToggleFlagDocument = new TypedDocumentString(`
    mutation ToggleFlag($key: String!, $environment: String!, $expectedVersion: Int, $comment: String) {
  toggleFlag(
    key: $key
    environment: $environment
    expectedVersion: $expectedVersion
    comment: $comment
  ) {
    key
    version
  }
}
    `) as unknown as TypedDocumentString<ToggleFlagMutation, ToggleFlagMutationVariables>;
export const ReplaceFlagDocument = new TypedDocumentString(`
    mutation ReplaceFlag($key: String!, $definition: JSON!, $expectedVersion: Int, $comment: String) {
  replaceFlag(
    key: $key
    definition: $definition
    expectedVersion: $expectedVersion
    comment: $comment
  ) {
    flag {
      ...FlagDocument
    }
  }
}
    fragment FlagRow on Flag {
  id
  key
  description
  type
  version
  revision
  updatedAt
  tags
  variants {
    name
  }
  environments {
    id
    environment
    enabled
    targets {
      variant
    }
    rules {
      ruleId
      serve {
        variant
        rollout {
          weights {
            variant
            weight
          }
        }
      }
    }
    fallthrough {
      variant
      rollout {
        weights {
          variant
          weight
        }
      }
    }
  }
}
fragment FlagDocument on Flag {
  ...FlagRow
  createdAt
  definition
}`) as unknown as TypedDocumentString<ReplaceFlagMutation, ReplaceFlagMutationVariables>;
export const DeleteFlagDocument = new TypedDocumentString(`
    mutation DeleteFlag($key: String!, $expectedVersion: Int, $comment: String) {
  deleteFlag(key: $key, expectedVersion: $expectedVersion, comment: $comment) {
    key
  }
}
    `) as unknown as TypedDocumentString<DeleteFlagMutation, DeleteFlagMutationVariables>;
export const CreateSegmentDocument = new TypedDocumentString(`
    mutation CreateSegment($segment: JSON!, $comment: String) {
  createSegment(segment: $segment, comment: $comment) {
    ...SegmentItem
  }
}
    fragment SegmentItem on Segment {
  id
  key
  description
  version
  revision
  updatedAt
  definition
}`) as unknown as TypedDocumentString<CreateSegmentMutation, CreateSegmentMutationVariables>;
export const ReplaceSegmentDocument = new TypedDocumentString(`
    mutation ReplaceSegment($key: String!, $segment: JSON!, $expectedVersion: Int, $comment: String) {
  replaceSegment(
    key: $key
    segment: $segment
    expectedVersion: $expectedVersion
    comment: $comment
  ) {
    segment {
      ...SegmentItem
    }
  }
}
    fragment SegmentItem on Segment {
  id
  key
  description
  version
  revision
  updatedAt
  definition
}`) as unknown as TypedDocumentString<ReplaceSegmentMutation, ReplaceSegmentMutationVariables>;
export const DeleteSegmentDocument = new TypedDocumentString(`
    mutation DeleteSegment($key: String!, $expectedVersion: Int, $comment: String) {
  deleteSegment(key: $key, expectedVersion: $expectedVersion, comment: $comment) {
    key
  }
}
    `) as unknown as TypedDocumentString<DeleteSegmentMutation, DeleteSegmentMutationVariables>;
export const CreateEnvironmentDocument = new TypedDocumentString(`
    mutation CreateEnvironment($input: CreateEnvironmentInput!, $comment: String) {
  createEnvironment(input: $input, comment: $comment) {
    ...EnvironmentFields
  }
}
    fragment EnvironmentFields on Environment {
  key
  description
}`) as unknown as TypedDocumentString<CreateEnvironmentMutation, CreateEnvironmentMutationVariables>;
export const UpdateEnvironmentDocument = new TypedDocumentString(`
    mutation UpdateEnvironment($key: String!, $input: UpdateEnvironmentInput!, $comment: String) {
  updateEnvironment(key: $key, input: $input, comment: $comment) {
    ...EnvironmentFields
  }
}
    fragment EnvironmentFields on Environment {
  key
  description
}`) as unknown as TypedDocumentString<UpdateEnvironmentMutation, UpdateEnvironmentMutationVariables>;