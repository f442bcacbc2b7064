/* eslint-disable */
/** Internal type. DO NOT USE DIRECTLY. */
type Exact<T extends { [key: string]: unknown }> = { [K in keyof T]: T[K] };
/** Internal type. DO NOT USE DIRECTLY. */
export type Incremental<T> = T | { [P in keyof T]?: P extends ' $fragmentName' | '__typename' ? T[P] : never };
import type { DocumentTypeDecoration } from '@graphql-typed-document-node/core';
/** What a change is to. */
export type ChangeEntity =
  /** A flag: `FlagChange.flag` holds it after an UPSERT. */
  | 'FLAG'
  /** A segment: `FlagChange.segment` holds it after an UPSERT; `flag` is always null. */
  | 'SEGMENT';

/** A new flag. */
export type CreateFlagInput = {
  /** Free text for humans. Omit for empty; null is refused. */
  description?: string | null | undefined;
  /** Whether the feature starts on. Omit for false; null is refused. */
  isEnabled?: boolean | null | undefined;
  /** The new flag's key (see `Flag.key` for the allowed characters). */
  key: string;
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
  description?: string | null | undefined;
  /** Whether the feature is on. */
  isEnabled?: boolean | null | undefined;
};

/** A create-or-update, like `POST /feature-flags`. */
export type SetFlagInput = {
  /** Free text for humans. Omit to keep the current value (empty on create); null is refused. */
  description?: string | null | undefined;
  /** Whether the feature is on. Omit to keep the current value (false on create); null is refused. */
  isEnabled?: boolean | null | undefined;
  /** The flag's key (see `Flag.key` for the allowed characters). */
  key: string;
};

export type CreateFlagMutationVariables = Exact<{
  input: CreateFlagInput;
}>;


export type CreateFlagMutation = { createFlag: { key: string, isEnabled: boolean, description: string, version: number, revision: number, createdAt: string, updatedAt: string, definition: unknown } };

export type DeleteFlagMutationVariables = Exact<{
  key: string;
  expectedVersion?: number | null | undefined;
}>;


export type DeleteFlagMutation = { deleteFlag: { key: string, version: number, revision: number } };

export type FlagChangedSubscriptionVariables = Exact<{
  prefix?: string | null | undefined;
  environment?: string | null | undefined;
}>;


export type FlagChangedSubscription = { flagChanged: { kind: FlagChangeKind, entity: ChangeEntity, key: string, revision: number, version: number, flag: { key: string, isEnabled: boolean, description: string, version: number, revision: number, createdAt: string, updatedAt: string, definition: unknown } | null, segment: { key: string, version: number, revision: number, createdAt: string, updatedAt: string, definition: unknown } | null } };

export type FlagFieldsFragment = { key: string, isEnabled: boolean, description: string, version: number, revision: number, createdAt: string, updatedAt: string, definition: unknown };

export type FlagsQueryVariables = Exact<{
  prefix?: string | null | undefined;
  environment?: string | null | undefined;
}>;


export type FlagsQuery = { readEnvironment: string | null, flags: Array<{ key: string, isEnabled: boolean, description: string, version: number, revision: number, createdAt: string, updatedAt: string, definition: unknown }>, segments: Array<{ key: string, version: number, revision: number, createdAt: string, updatedAt: string, definition: unknown }> };

export type SegmentFieldsFragment = { key: string, version: number, revision: number, createdAt: string, updatedAt: string, definition: unknown };

export type SetFlagMutationVariables = Exact<{
  input: SetFlagInput;
}>;


export type SetFlagMutation = { setFlag: { created: boolean, flag: { key: string, isEnabled: boolean, description: string, version: number, revision: number, createdAt: string, updatedAt: string, definition: unknown } } };

export type ToggleFlagMutationVariables = Exact<{
  key: string;
  expectedVersion?: number | null | undefined;
}>;


export type ToggleFlagMutation = { toggleFlag: { key: string, isEnabled: boolean, description: string, version: number, revision: number, createdAt: string, updatedAt: string, definition: unknown } };

export type UpdateFlagMutationVariables = Exact<{
  key: string;
  patch: FlagPatch;
  expectedVersion?: number | null | undefined;
}>;


export type UpdateFlagMutation = { updateFlag: { key: string, isEnabled: boolean, description: string, version: number, revision: number, createdAt: string, updatedAt: string, definition: unknown } };

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
export const FlagFieldsFragmentDoc = new TypedDocumentString(`
    fragment FlagFields on Flag {
  key
  isEnabled
  description
  version
  revision
  createdAt
  updatedAt
  definition
}
    `, {"fragmentName":"FlagFields"}) as unknown as TypedDocumentString<FlagFieldsFragment, unknown>;
export const SegmentFieldsFragmentDoc = new TypedDocumentString(`
    fragment SegmentFields on Segment {
  key
  version
  revision
  createdAt
  updatedAt
  definition
}
    `, {"fragmentName":"SegmentFields"}) as unknown as TypedDocumentString<SegmentFieldsFragment, unknown>;
export const CreateFlagDocument = new TypedDocumentString(`
    mutation CreateFlag($input: CreateFlagInput!) {
  createFlag(input: $input) {
    ...FlagFields
  }
}
    fragment FlagFields on Flag {
  key
  isEnabled
  description
  version
  revision
  createdAt
  updatedAt
  definition
}`) as unknown as TypedDocumentString<CreateFlagMutation, CreateFlagMutationVariables>;
export const DeleteFlagDocument = new TypedDocumentString(`
    mutation DeleteFlag($key: String!, $expectedVersion: Int) {
  deleteFlag(key: $key, expectedVersion: $expectedVersion) {
    key
    version
    revision
  }
}
    `) as unknown as TypedDocumentString<DeleteFlagMutation, DeleteFlagMutationVariables>;
export const FlagChangedDocument = new TypedDocumentString(`
    subscription FlagChanged($prefix: String, $environment: String) {
  flagChanged(prefix: $prefix, environment: $environment) {
    kind
    entity
    key
    revision
    version
    flag {
      ...FlagFields
    }
    segment {
      ...SegmentFields
    }
  }
}
    fragment FlagFields on Flag {
  key
  isEnabled
  description
  version
  revision
  createdAt
  updatedAt
  definition
}
fragment SegmentFields on Segment {
  key
  version
  revision
  createdAt
  updatedAt
  definition
}`) as unknown as TypedDocumentString<FlagChangedSubscription, FlagChangedSubscriptionVariables>;
export const FlagsDocument = new TypedDocumentString(`
    query Flags($prefix: String, $environment: String) {
  flags(prefix: $prefix, environment: $environment) {
    ...FlagFields
  }
  segments {
    ...SegmentFields
  }
  readEnvironment
}
    fragment FlagFields on Flag {
  key
  isEnabled
  description
  version
  revision
  createdAt
  updatedAt
  definition
}
fragment SegmentFields on Segment {
  key
  version
  revision
  createdAt
  updatedAt
  definition
}`) as unknown as TypedDocumentString<FlagsQuery, FlagsQueryVariables>;
export const SetFlagDocument = new TypedDocumentString(`
    mutation SetFlag($input: SetFlagInput!) {
  setFlag(input: $input) {
    created
    flag {
      ...FlagFields
    }
  }
}
    fragment FlagFields on Flag {
  key
  isEnabled
  description
  version
  revision
  createdAt
  updatedAt
  definition
}`) as unknown as TypedDocumentString<SetFlagMutation, SetFlagMutationVariables>;
export const ToggleFlagDocument = new TypedDocumentString(`
    mutation ToggleFlag($key: String!, $expectedVersion: Int) {
  toggleFlag(key: $key, expectedVersion: $expectedVersion) {
    ...FlagFields
  }
}
    fragment FlagFields on Flag {
  key
  isEnabled
  description
  version
  revision
  createdAt
  updatedAt
  definition
}`) as unknown as TypedDocumentString<ToggleFlagMutation, ToggleFlagMutationVariables>;
export const UpdateFlagDocument = new TypedDocumentString(`
    mutation UpdateFlag($key: String!, $patch: FlagPatch!, $expectedVersion: Int) {
  updateFlag(key: $key, patch: $patch, expectedVersion: $expectedVersion) {
    ...FlagFields
  }
}
    fragment FlagFields on Flag {
  key
  isEnabled
  description
  version
  revision
  createdAt
  updatedAt
  definition
}`) as unknown as TypedDocumentString<UpdateFlagMutation, UpdateFlagMutationVariables>;