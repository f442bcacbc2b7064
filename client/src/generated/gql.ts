/* eslint-disable */
import * as types from './graphql.js';



/**
 * Map of all GraphQL operations in the project.
 *
 * This map has several performance disadvantages:
 * 1. It is not tree-shakeable, so it will include all operations in the project.
 * 2. It is not minifiable, so the string of a GraphQL query will be multiple times inside the bundle.
 * 3. It does not support dead code elimination, so it will add unused operations.
 *
 * Therefore it is highly recommended to use the babel or swc plugin for production.
 * Learn more about it here: https://the-guild.dev/graphql/codegen/plugins/presets/preset-client#reducing-bundle-size
 */
type Documents = {
    "mutation CreateFlag($input: CreateFlagInput!) {\n  createFlag(input: $input) {\n    ...FlagFields\n  }\n}": typeof types.CreateFlagDocument,
    "mutation DeleteFlag($key: String!, $expectedVersion: Int) {\n  deleteFlag(key: $key, expectedVersion: $expectedVersion) {\n    key\n    version\n    revision\n  }\n}": typeof types.DeleteFlagDocument,
    "subscription FlagChanged($prefix: String, $environment: String) {\n  flagChanged(prefix: $prefix, environment: $environment) {\n    kind\n    entity\n    key\n    revision\n    version\n    flag {\n      ...FlagFields\n    }\n    segment {\n      ...SegmentFields\n    }\n  }\n}": typeof types.FlagChangedDocument,
    "fragment FlagFields on Flag {\n  key\n  isEnabled\n  description\n  version\n  revision\n  createdAt\n  updatedAt\n  definition\n}": typeof types.FlagFieldsFragmentDoc,
    "query Flags($prefix: String, $environment: String) {\n  flags(prefix: $prefix, environment: $environment) {\n    ...FlagFields\n  }\n  segments {\n    ...SegmentFields\n  }\n  readEnvironment\n}": typeof types.FlagsDocument,
    "fragment SegmentFields on Segment {\n  key\n  version\n  revision\n  createdAt\n  updatedAt\n  definition\n}": typeof types.SegmentFieldsFragmentDoc,
    "mutation SetFlag($input: SetFlagInput!) {\n  setFlag(input: $input) {\n    created\n    flag {\n      ...FlagFields\n    }\n  }\n}": typeof types.SetFlagDocument,
    "mutation ToggleFlag($key: String!, $expectedVersion: Int) {\n  toggleFlag(key: $key, expectedVersion: $expectedVersion) {\n    ...FlagFields\n  }\n}": typeof types.ToggleFlagDocument,
    "mutation UpdateFlag($key: String!, $patch: FlagPatch!, $expectedVersion: Int) {\n  updateFlag(key: $key, patch: $patch, expectedVersion: $expectedVersion) {\n    ...FlagFields\n  }\n}": typeof types.UpdateFlagDocument,
};
const documents: Documents = {
    "mutation CreateFlag($input: CreateFlagInput!) {\n  createFlag(input: $input) {\n    ...FlagFields\n  }\n}": types.CreateFlagDocument,
    "mutation DeleteFlag($key: String!, $expectedVersion: Int) {\n  deleteFlag(key: $key, expectedVersion: $expectedVersion) {\n    key\n    version\n    revision\n  }\n}": types.DeleteFlagDocument,
    "subscription FlagChanged($prefix: String, $environment: String) {\n  flagChanged(prefix: $prefix, environment: $environment) {\n    kind\n    entity\n    key\n    revision\n    version\n    flag {\n      ...FlagFields\n    }\n    segment {\n      ...SegmentFields\n    }\n  }\n}": types.FlagChangedDocument,
    "fragment FlagFields on Flag {\n  key\n  isEnabled\n  description\n  version\n  revision\n  createdAt\n  updatedAt\n  definition\n}": types.FlagFieldsFragmentDoc,
    "query Flags($prefix: String, $environment: String) {\n  flags(prefix: $prefix, environment: $environment) {\n    ...FlagFields\n  }\n  segments {\n    ...SegmentFields\n  }\n  readEnvironment\n}": types.FlagsDocument,
    "fragment SegmentFields on Segment {\n  key\n  version\n  revision\n  createdAt\n  updatedAt\n  definition\n}": types.SegmentFieldsFragmentDoc,
    "mutation SetFlag($input: SetFlagInput!) {\n  setFlag(input: $input) {\n    created\n    flag {\n      ...FlagFields\n    }\n  }\n}": types.SetFlagDocument,
    "mutation ToggleFlag($key: String!, $expectedVersion: Int) {\n  toggleFlag(key: $key, expectedVersion: $expectedVersion) {\n    ...FlagFields\n  }\n}": types.ToggleFlagDocument,
    "mutation UpdateFlag($key: String!, $patch: FlagPatch!, $expectedVersion: Int) {\n  updateFlag(key: $key, patch: $patch, expectedVersion: $expectedVersion) {\n    ...FlagFields\n  }\n}": types.UpdateFlagDocument,
};

/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation CreateFlag($input: CreateFlagInput!) {\n  createFlag(input: $input) {\n    ...FlagFields\n  }\n}"): typeof import('./graphql.js').CreateFlagDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation DeleteFlag($key: String!, $expectedVersion: Int) {\n  deleteFlag(key: $key, expectedVersion: $expectedVersion) {\n    key\n    version\n    revision\n  }\n}"): typeof import('./graphql.js').DeleteFlagDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "subscription FlagChanged($prefix: String, $environment: String) {\n  flagChanged(prefix: $prefix, environment: $environment) {\n    kind\n    entity\n    key\n    revision\n    version\n    flag {\n      ...FlagFields\n    }\n    segment {\n      ...SegmentFields\n    }\n  }\n}"): typeof import('./graphql.js').FlagChangedDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment FlagFields on Flag {\n  key\n  isEnabled\n  description\n  version\n  revision\n  createdAt\n  updatedAt\n  definition\n}"): typeof import('./graphql.js').FlagFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "query Flags($prefix: String, $environment: String) {\n  flags(prefix: $prefix, environment: $environment) {\n    ...FlagFields\n  }\n  segments {\n    ...SegmentFields\n  }\n  readEnvironment\n}"): typeof import('./graphql.js').FlagsDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "fragment SegmentFields on Segment {\n  key\n  version\n  revision\n  createdAt\n  updatedAt\n  definition\n}"): typeof import('./graphql.js').SegmentFieldsFragmentDoc;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation SetFlag($input: SetFlagInput!) {\n  setFlag(input: $input) {\n    created\n    flag {\n      ...FlagFields\n    }\n  }\n}"): typeof import('./graphql.js').SetFlagDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation ToggleFlag($key: String!, $expectedVersion: Int) {\n  toggleFlag(key: $key, expectedVersion: $expectedVersion) {\n    ...FlagFields\n  }\n}"): typeof import('./graphql.js').ToggleFlagDocument;
/**
 * The graphql function is used to parse GraphQL queries into a document that can be used by GraphQL clients.
 */
export function graphql(source: "mutation UpdateFlag($key: String!, $patch: FlagPatch!, $expectedVersion: Int) {\n  updateFlag(key: $key, patch: $patch, expectedVersion: $expectedVersion) {\n    ...FlagFields\n  }\n}"): typeof import('./graphql.js').UpdateFlagDocument;


export function graphql(source: string) {
  return (documents as any)[source] ?? {};
}
