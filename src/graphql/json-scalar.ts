import { GraphQLScalarType, valueFromASTUntyped } from 'graphql';

/**
 * `scalar JSON`: any JSON value, passed through as it is. Inputs are checked where they are used (the
 * flag document by the core validator), so this scalar only carries them.
 */
export const JsonScalar = new GraphQLScalarType({
  name: 'JSON',
  description: 'Any JSON value.',
  serialize: (value) => value,
  parseValue: (value) => value,
  parseLiteral: (ast, variables) => valueFromASTUntyped(ast, variables ?? undefined),
});
