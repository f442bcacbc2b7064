import { readFileSync } from 'node:fs';
import { makeExecutableSchema } from '@graphql-tools/schema';
import type { GraphQLSchema } from 'graphql';
import { auditResolvers } from './audit-resolvers.js';
import { promotionResolvers } from './promotion-resolvers.js';
import { resolvers } from './resolvers.js';

/**
 * `schema/flags.graphql` at the project root. tsc does not copy .graphql files; src/graphql/ and
 * dist/graphql/ sit at the same depth, so this path holds for both.
 */
const SCHEMA_URL = new URL('../../schema/flags.graphql', import.meta.url);

export function loadTypeDefs(): string {
  return readFileSync(SCHEMA_URL, 'utf8');
}

/** The executable schema, shared by every transport (HTTP now, graphql-ws later). */
export function buildSchema(): GraphQLSchema {
  // makeExecutableSchema merges resolver maps: the audit API's and promotion's sit in their own modules.
  return makeExecutableSchema({
    typeDefs: loadTypeDefs(),
    resolvers: [resolvers, auditResolvers, promotionResolvers],
  });
}
