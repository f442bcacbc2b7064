import {
  ApolloServerErrorCode,
  ApolloServerValidationErrorCode,
  unwrapResolverError,
} from '@apollo/server/errors';
import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { Logger } from 'pino';
import { AppError, httpStatusOf } from '../errors.js';
import { SlowConsumerError } from './bounded-stream.js';

/** Apollo's own codes for a malformed request: the client's fault, their message is safe to show. */
const CLIENT_ERROR_CODES = new Set<unknown>([
  ApolloServerErrorCode.GRAPHQL_PARSE_FAILED,
  ApolloServerErrorCode.GRAPHQL_VALIDATION_FAILED,
  ApolloServerErrorCode.BAD_REQUEST,
  ApolloServerErrorCode.OPERATION_RESOLUTION_FAILURE,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_FOUND,
  ApolloServerErrorCode.PERSISTED_QUERY_NOT_SUPPORTED,
  ApolloServerValidationErrorCode.INTROSPECTION_DISABLED,
  ApolloServerValidationErrorCode.MAX_RECURSIVE_SELECTIONS_EXCEEDED,
]);

/**
 * Apollo `formatError`: the one error model as GraphQL errors. An AppError keeps its code (the same
 * as REST) and details in `extensions`; a variable that fails coercion is VALIDATION_FAILED; anything
 * else is INTERNAL with a generic message (its text may carry driver internals) and is logged.
 */
export function formatError(logger: Logger) {
  return (formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError => {
    const where = {
      ...(formatted.locations && { locations: formatted.locations }),
      ...(formatted.path && { path: formatted.path }),
    };
    const original = unwrapResolverError(error);
    if (original instanceof AppError) {
      if (httpStatusOf(original.code) >= 500)
        logger.error({ err: original, path: formatted.path }, 'GraphQL operation failed');
      return {
        message: original.message,
        ...where,
        extensions: { ...original.details, code: original.code },
      };
    }
    const code = formatted.extensions?.code;
    if (code === ApolloServerErrorCode.BAD_USER_INPUT) {
      return { message: formatted.message, ...where, extensions: { code: 'VALIDATION_FAILED' } };
    }
    if (CLIENT_ERROR_CODES.has(code)) return { message: formatted.message, ...where, extensions: { code } };
    logger.error({ err: original, path: formatted.path }, 'GraphQL operation failed');
    return { message: 'Internal server error', ...where, extensions: { code: 'INTERNAL' } };
  };
}

/**
 * graphql-ws errors in the same model as {@link formatError}. graphql-ws hands over raw GraphQLErrors,
 * without Apollo's pipeline: an error without a path was raised before execution, i.e. by the request
 * itself (a variable that fails coercion: VALIDATION_FAILED, as Apollo's BAD_USER_INPUT is), unless a
 * failing stream caused it; everything else is mapped like a resolver error.
 */
export function formatSocketError(logger: Logger) {
  const format = formatError(logger);
  return (error: GraphQLError): GraphQLFormattedError => {
    const formatted = error.toJSON();
    const cause = error.originalError;
    if (cause instanceof SlowConsumerError)
      logger.warn({ limit: cause.limit }, 'GraphQL subscriber too slow: cut off');
    if (cause instanceof AppError) return format(formatted, cause);
    const fromRequest = error.path === undefined && (cause === undefined || cause instanceof GraphQLError);
    if (fromRequest && formatted.extensions?.code === undefined) {
      return format({ ...formatted, extensions: { code: ApolloServerErrorCode.BAD_USER_INPUT } }, error);
    }
    return format(formatted, cause ?? error);
  };
}
